import datetime

import pytest

from plans.choices import CalendarDayKind
from plans.models import CalendarDay
from plans.workdays import WorkCalendar, calendar_changed, current_calendar
from reports.periods import period_of, sending_deadline

D = datetime.date


@pytest.fixture
def fresh_calendar():
    calendar_changed()
    yield
    calendar_changed()


def test_tet_2026_is_not_a_working_day():
    calendar = WorkCalendar()
    assert not calendar.is_working_day(D(2026, 2, 20))
    assert calendar.next_working_day(D(2026, 2, 20)) == D(2026, 2, 23)
    assert calendar.shift_reason(D(2026, 2, 20)) == "nghỉ Tết"


def test_the_february_2026_deadline_moves_out_of_tet_and_says_so():
    period = period_of("month", 2026, 2)
    assert period.deadline == D(2026, 2, 23)
    assert period.deadline_note == "(lùi do nghỉ Tết)"


def test_a_weekend_deadline_moves_to_monday_and_says_so():
    period = period_of("month", 2025, 9)  # 20/09/2025 is a Saturday
    assert period.deadline == D(2025, 9, 22)
    assert period.deadline_note == "(lùi do ngày nghỉ cuối tuần)"


def test_a_deadline_on_a_working_day_has_no_note():
    assert period_of("month", 2026, 3).deadline_note == ""


def test_an_announced_saturday_worked_is_a_working_day():
    assert WorkCalendar(working_days=frozenset({D(2025, 9, 20)})).is_working_day(D(2025, 9, 20))


def test_a_day_off_typed_in_the_admin_table_moves_the_deadline(db, fresh_calendar):
    CalendarDay.objects.create(day=D(2026, 3, 20), kind=CalendarDayKind.DAY_OFF, name="Ngày hội tỉnh")
    calendar_changed()
    assert sending_deadline(D(2026, 3, 14)) == D(2026, 3, 23)
    assert current_calendar().shift_reason(D(2026, 3, 20)) == "nghỉ Ngày hội tỉnh"


def test_bridge_and_compensatory_days_are_worded_once():
    calendar = current_calendar()
    assert calendar.shift_reason(D(2019, 4, 29)) == "ngày nghỉ thay cho ngày 04/05/2019"
    assert calendar.shift_reason(D(2019, 4, 15)) == "nghỉ bù Ngày Giỗ Tổ Hùng Vương"
    assert calendar.shift_reason(D(2019, 4, 30)) == "nghỉ Ngày Chiến thắng"
