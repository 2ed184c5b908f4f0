"""Plain-row inserts: each returned id is the id of the row at the same place, across statements and on both databases."""

import pytest

from core.bulk import bulk_insert_returning, bulk_insert_rows
from plans.models import AgencyGroup

pytestmark = pytest.mark.django_db
COLUMNS = ["code", "name", "name_key", "aliases", "search_text"]


def test_the_returned_ids_follow_the_rows_in_order_across_statements():
    rows = [[f"G{n:04d}", f"Nhóm {n}\tcó tab", f"nhom {n} co tab", "[]", f"nhom {n}"] for n in range(700)]  # several statements on SQLite
    ids = bulk_insert_returning(AgencyGroup, COLUMNS, rows)
    assert len(ids) == len(set(ids)) == 700
    stored = dict(AgencyGroup.objects.filter(pk__in=ids).values_list("pk", "code"))
    assert [stored[pk] for pk in ids] == [row[0] for row in rows]
    assert AgencyGroup.objects.get(pk=ids[5]).name == "Nhóm 5\tcó tab"


def test_plain_rows_are_inserted_as_given_and_nothing_for_no_rows():
    assert bulk_insert_returning(AgencyGroup, COLUMNS, []) == []
    assert bulk_insert_rows(AgencyGroup, COLUMNS, iter([])) == 0
    assert bulk_insert_rows(AgencyGroup, COLUMNS, ([f"H{n}", f"Nhóm\\{n}\n", f"nhom-h{n}", "[]", ""] for n in range(3))) == 3
    assert list(AgencyGroup.objects.order_by("code").values_list("name", flat=True)) == ["Nhóm\\0\n", "Nhóm\\1\n", "Nhóm\\2\n"]
