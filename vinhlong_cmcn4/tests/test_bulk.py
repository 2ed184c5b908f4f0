"""``vinhlong_cmcn4.bulk``: the text COPY reads, for every kind of value an import writes."""

import datetime
import decimal

from vinhlong_cmcn4.bulk import _copy_value


def test_copy_values_are_written_as_postgresql_reads_them():
    assert _copy_value(None) == "\\N"
    assert (_copy_value(True), _copy_value(False)) == ("t", "f")
    assert (_copy_value(0), _copy_value(12345)) == ("0", "12345")
    assert _copy_value(decimal.Decimal("1.50")) == "1.50"
    assert _copy_value(datetime.date(2018, 12, 31)) == "2018-12-31"
    assert _copy_value(datetime.datetime(2018, 12, 31, 3, 0, tzinfo=datetime.UTC)) == "2018-12-31T03:00:00+00:00"
    assert _copy_value("Sở Nội vụ") == "Sở Nội vụ"
    assert _copy_value("dòng một\ndòng hai\tcột\r\\") == "dòng một\\ndòng hai\\tcột\\r\\\\"
    assert _copy_value("") == ""


def test_copy_text_is_handed_over_in_chunks_that_add_up_to_every_row():
    from vinhlong_cmcn4.bulk import _CopyStream

    rows = [(n, f"Nhiệm vụ {n}\tcó tab", None) for n in range(1, 200)]
    whole = "".join(f"{n}\tNhiệm vụ {n}\\tcó tab\t\\N\n" for n in range(1, 200))
    stream = _CopyStream(rows)
    chunks = list(iter(lambda: stream.read(37), ""))
    assert max(len(chunk) for chunk in chunks) == 37
    assert "".join(chunks) == whole
    assert _CopyStream(rows).read() == whole
