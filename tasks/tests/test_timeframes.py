import datetime

import pytest
from django.core.exceptions import ValidationError

from tasks.choices import Recurrence
from tasks.timeframes import parse_timeframe

D = datetime.date
PLAN_START = D(2017, 8, 23)


@pytest.mark.parametrize(
    ("written", "start", "due", "recurrence"),
    [
        ("Thường xuyên", PLAN_START, None, Recurrence.ONGOING),
        ("thường  xuyên.", PLAN_START, None, Recurrence.ONGOING),
        ("Hằng năm", PLAN_START, None, Recurrence.YEARLY),
        ("Hàng năm", PLAN_START, None, Recurrence.YEARLY),
        ("Năm 2018", D(2018, 1, 1), D(2018, 12, 31), Recurrence.NONE),
        ("2019", D(2019, 1, 1), D(2019, 12, 31), Recurrence.NONE),
        ("Quý IV/2018", D(2018, 10, 1), D(2018, 12, 31), Recurrence.NONE),
        ("Quý I/2019", D(2019, 1, 1), D(2019, 3, 31), Recurrence.NONE),
        ("quý 2 năm 2020", D(2020, 4, 1), D(2020, 6, 30), Recurrence.NONE),
        ("Tháng 10/2017", D(2017, 10, 1), D(2017, 10, 31), Recurrence.NONE),
        ("Tháng 2/2020", D(2020, 2, 1), D(2020, 2, 29), Recurrence.NONE),
        ("6 tháng đầu năm 2018", D(2018, 1, 1), D(2018, 6, 30), Recurrence.NONE),
        ("6 tháng cuối năm 2018", D(2018, 7, 1), D(2018, 12, 31), Recurrence.NONE),
        ("2017 - 2020", D(2017, 1, 1), D(2020, 12, 31), Recurrence.NONE),
        ("2017-2020", D(2017, 1, 1), D(2020, 12, 31), Recurrence.NONE),
        ("2017–2020", D(2017, 1, 1), D(2020, 12, 31), Recurrence.NONE),
        ("Giai đoạn 2017 - 2020", D(2017, 1, 1), D(2020, 12, 31), Recurrence.NONE),
        ("Trước ngày 30/9/2018", PLAN_START, D(2018, 9, 30), Recurrence.NONE),
        ("Trước 30/9/2018", PLAN_START, D(2018, 9, 30), Recurrence.NONE),
        ("30/9/2018", PLAN_START, D(2018, 9, 30), Recurrence.NONE),
        ("03/04/2026", PLAN_START, D(2026, 4, 3), Recurrence.NONE),
    ],
)
def test_timeframes_as_plans_write_them_give_their_dates(written, start, due, recurrence):
    timeframe = parse_timeframe(written, plan_start=PLAN_START)
    assert (timeframe.start, timeframe.due, timeframe.recurrence) == (start, due, recurrence)


def test_the_text_is_kept_as_written_but_clean():
    assert parse_timeframe("  Quý  IV/2018 ", plan_start=PLAN_START).text == "Quý IV/2018"


def test_decomposed_unicode_reads_the_same():
    import unicodedata

    assert parse_timeframe(unicodedata.normalize("NFD", "Thường xuyên"), plan_start=PLAN_START).recurrence == Recurrence.ONGOING


def test_a_real_date_cell_is_a_due_date():
    timeframe = parse_timeframe(datetime.datetime(2018, 9, 30, 0, 0), plan_start=PLAN_START)
    assert (timeframe.start, timeframe.due, timeframe.text) == (PLAN_START, D(2018, 9, 30), "30/09/2018")


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("Quý V/2018", "quý chỉ có thể là I, II, III hoặc IV"),
        ("Tháng 13/2018", "tháng phải từ 1 đến 12"),
        ("31/2/2018", "ngày không tồn tại"),
        ("2020 - 2017", "năm kết thúc trước năm bắt đầu"),
        ("Sớm nhất có thể", "Không đọc được thời gian thực hiện"),
        ("", "Chưa ghi thời gian thực hiện"),
    ],
)
def test_unreadable_timeframes_get_a_vietnamese_message_naming_the_text(written, message):
    with pytest.raises(ValidationError) as error:
        parse_timeframe(written, plan_start=PLAN_START)
    assert message in error.value.messages[0]
    assert written in error.value.messages[0]
