import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plans.choices import PeriodKind
from plans.tests.factories import PlanFactory
from reports import periods
from reports.periods import parse_period_code, period_containing, period_of, periods_between, sending_deadline
from reports.selectors import agency_tasks, reportable_in_due_period_q
from reports.services import inherited_part, period_refusal
from tasks.choices import AssignmentRole
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

D = datetime.date


@pytest.mark.parametrize(
    ("day", "kind", "year", "number", "first", "last"),
    [
        # monthly: 15th of the previous month → 14th of the report month
        (D(2018, 3, 14), PeriodKind.MONTH, 2018, 3, D(2018, 2, 15), D(2018, 3, 14)),
        (D(2018, 3, 15), PeriodKind.MONTH, 2018, 4, D(2018, 3, 15), D(2018, 4, 14)),
        (D(2018, 12, 14), PeriodKind.MONTH, 2018, 12, D(2018, 11, 15), D(2018, 12, 14)),
        (D(2018, 12, 15), PeriodKind.MONTH, 2019, 1, D(2018, 12, 15), D(2019, 1, 14)),
        (D(2019, 1, 1), PeriodKind.MONTH, 2019, 1, D(2018, 12, 15), D(2019, 1, 14)),
        # quarterly: 15th of the month before the quarter → 14th of its last month
        (D(2018, 12, 14), PeriodKind.QUARTER, 2018, 4, D(2018, 9, 15), D(2018, 12, 14)),
        (D(2018, 12, 15), PeriodKind.QUARTER, 2019, 1, D(2018, 12, 15), D(2019, 3, 14)),
        (D(2019, 3, 14), PeriodKind.QUARTER, 2019, 1, D(2018, 12, 15), D(2019, 3, 14)),
        (D(2019, 3, 15), PeriodKind.QUARTER, 2019, 2, D(2019, 3, 15), D(2019, 6, 14)),
        (D(2019, 9, 15), PeriodKind.QUARTER, 2019, 4, D(2019, 9, 15), D(2019, 12, 14)),
        # half-year: 15/12 → 14/6, 15/6 → 14/12
        (D(2018, 6, 14), PeriodKind.HALF_YEAR, 2018, 1, D(2017, 12, 15), D(2018, 6, 14)),
        (D(2018, 6, 15), PeriodKind.HALF_YEAR, 2018, 2, D(2018, 6, 15), D(2018, 12, 14)),
        (D(2018, 12, 15), PeriodKind.HALF_YEAR, 2019, 1, D(2018, 12, 15), D(2019, 6, 14)),
        # annual: 15/12 of the previous year → 14/12
        (D(2018, 12, 14), PeriodKind.YEAR, 2018, 1, D(2017, 12, 15), D(2018, 12, 14)),
        (D(2018, 12, 15), PeriodKind.YEAR, 2019, 1, D(2018, 12, 15), D(2019, 12, 14)),
        (D(2019, 12, 31), PeriodKind.YEAR, 2020, 1, D(2019, 12, 15), D(2020, 12, 14)),
        # nine months: 15/12 of the previous year → 14/9
        (D(2018, 9, 14), PeriodKind.NINE_MONTHS, 2018, 1, D(2017, 12, 15), D(2018, 9, 14)),
        (D(2017, 12, 15), PeriodKind.NINE_MONTHS, 2018, 1, D(2017, 12, 15), D(2018, 9, 14)),
        # leap years: 29 February sits inside the March window
        (D(2020, 2, 29), PeriodKind.MONTH, 2020, 3, D(2020, 2, 15), D(2020, 3, 14)),
        (D(2024, 2, 29), PeriodKind.QUARTER, 2024, 1, D(2023, 12, 15), D(2024, 3, 14)),
        (D(2020, 2, 14), PeriodKind.MONTH, 2020, 2, D(2020, 1, 15), D(2020, 2, 14)),
    ],
)
def test_period_containing_a_day_follows_decree_09_windows(day, kind, year, number, first, last):
    period = period_containing(day, kind)
    assert (period.kind, period.year, period.number, period.first_day, period.last_day) == (kind, year, number, first, last)
    assert period.contains(day)


def test_a_day_after_the_nine_month_cutoff_lies_in_no_nine_month_window():
    with pytest.raises(ValueError, match="no nine-month window"):
        period_containing(D(2018, 9, 15), PeriodKind.NINE_MONTHS)


def test_windows_of_a_kind_cover_the_year_without_gaps_or_overlaps():
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR):
        periods = periods_between(kind, D(2019, 12, 15), D(2020, 12, 14))
        for before, after in zip(periods, periods[1:], strict=False):
            assert after.first_day == before.last_day + datetime.timedelta(days=1)
        assert periods[0].first_day == D(2019, 12, 15)
        assert periods[-1].last_day == D(2020, 12, 14)


def test_deadline_is_the_plans_day_of_the_cutoff_month():
    # Q4/2018: cut-off Friday 14/12/2018; the 20th is a Thursday.
    assert period_of(PeriodKind.QUARTER, 2018, 4).deadline == D(2018, 12, 20)
    assert period_of(PeriodKind.QUARTER, 2018, 4, deadline_day=18).deadline == D(2018, 12, 18)


def test_deadline_on_a_weekend_moves_to_monday():
    # 20/1/2019 is a Sunday.
    assert period_of(PeriodKind.MONTH, 2019, 1).deadline == D(2019, 1, 21)


def test_deadline_leaves_one_working_day_after_the_cutoff():
    # Cut-off Friday 14/6/2019; the 16th is Sunday; Monday 17th is the working day between.
    assert sending_deadline(D(2019, 6, 14), 16) == D(2019, 6, 18)


@pytest.mark.parametrize(
    ("code", "kind", "year", "number"),
    [
        ("2018-M03", PeriodKind.MONTH, 2018, 3),
        ("2018-Q4", PeriodKind.QUARTER, 2018, 4),
        ("2018-H1", PeriodKind.HALF_YEAR, 2018, 1),
        ("2018-9M", PeriodKind.NINE_MONTHS, 2018, 1),
        ("2018-Y", PeriodKind.YEAR, 2018, 1),
    ],
)
def test_period_codes_read_back_to_the_same_period(code, kind, year, number):
    period = parse_period_code(code)
    assert (period.kind, period.year, period.number) == (kind, year, number)
    assert period.code == code


@pytest.mark.parametrize("code", ["2018-Q5", "2018-M13", "18-Q1", "2018-H3", "Quý 4"])
def test_unreadable_period_codes_are_refused(code):
    with pytest.raises(ValueError):
        parse_period_code(code)


def test_period_labels_are_vietnamese():
    assert period_of(PeriodKind.QUARTER, 2018, 4).label == "Quý IV/2018"
    assert period_of(PeriodKind.HALF_YEAR, 2018, 1).label == "6 tháng đầu năm 2018"
    assert period_of(PeriodKind.MONTH, 2018, 3).label == "Tháng 3/2018"


@pytest.mark.parametrize(
    ("day", "kind", "code"),
    [
        (D(2018, 12, 10), PeriodKind.QUARTER, "2018-Q4"),  # inside the window
        (D(2018, 12, 17), PeriodKind.QUARTER, "2018-Q4"),  # after the cut-off, before the deadline (20/12)
        (D(2018, 12, 21), PeriodKind.QUARTER, "2019-Q1"),  # after the deadline: the next period
        (D(2018, 6, 18), PeriodKind.HALF_YEAR, "2018-H1"),
        (D(2018, 10, 1), PeriodKind.NINE_MONTHS, "2018-9M"),
        (D(2018, 12, 20), PeriodKind.NINE_MONTHS, "2019-9M"),
    ],
)
def test_the_period_due_is_the_one_just_closed_until_its_deadline(day, kind, code):
    from reports.periods import period_due

    assert period_due(day, kind).code == code


def test_recent_periods_are_listed_newest_first_up_to_the_one_due():
    from reports.periods import recent_periods

    codes = [p.code for p in recent_periods(PeriodKind.QUARTER, D(2018, 1, 1), D(2018, 12, 17))]
    assert codes == ["2018-Q4", "2018-Q3", "2018-Q2", "2018-Q1"]


def test_a_plans_closed_periods_are_listed_newest_first_and_longest_first_at_the_same_cut_off():
    import datetime

    from reports.periods import closed_periods

    periods = closed_periods(["half_year", "year"], datetime.date(2017, 8, 23), datetime.date(2018, 12, 15))
    assert [p.label for p in periods] == ["Năm 2018", "6 tháng cuối năm 2018", "6 tháng đầu năm 2018", "Năm 2017", "6 tháng cuối năm 2017"]
    assert (
        closed_periods(["year"], datetime.date(2017, 8, 23), datetime.date(2018, 12, 14))[0].code == "2017-Y"
    )  # not closed on its cut-off day


# Whether a task may be reported for the period due: one declaration (reports.periods.REPORTABLE_FROM), read in
# Python by unreportable_reason (through reports.services.period_refusal) and in SQL by the agency list's
# "chưa báo cáo" filter (reports.selectors.reportable_in_due_period_q). These tests pin the two readings together.

DAY = st.dates(D(2023, 1, 1), D(2027, 12, 31))
KINDS = st.lists(st.sampled_from(["month", "quarter", "half_year", "nine_months", "year"]), min_size=1, max_size=3, unique=True)


def _reportable_both_ways(user, today) -> tuple[set[int], set[int]]:
    """The user's agency's tasks the period due may be reported for: by the Python rule, and by the SQL filter."""
    tasks, due = agency_tasks(user=user, today=today)
    by_python = {
        task.pk
        for task in tasks
        if period_refusal(task=task, period=due[task.plan_id].period, held=inherited_part(task=task, agency=user.agency), today=today)
        is None
    }
    by_sql = set(tasks.filter(reportable_in_due_period_q()).values_list("pk", flat=True))
    return by_python, by_sql


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(today=DAY, kinds=KINDS, deadline_day=st.integers(16, 28), data=st.data())
def test_the_agency_lists_reportable_filter_agrees_with_the_python_rule(officer_a, agency_b, today, kinds, deadline_day, data):
    # Starts and handovers anywhere, and often within days of the period due's last day, where the two could part.
    last_day = periods.period_due(today, periods.main_kind(kinds), deadline_day=deadline_day).last_day
    day = st.one_of(DAY, st.integers(-3, 3).map(lambda n: last_day + datetime.timedelta(days=n)))
    rows = data.draw(st.lists(st.tuples(day, st.one_of(st.none(), day)), min_size=1, max_size=6), label="(start, inherited on)")
    with transaction.atomic():
        plan = PlanFactory(reporting_kinds=kinds, report_deadline_day=deadline_day, starts_on=D(2022, 6, 1))
        for number, (start, inherited_on) in enumerate(rows, 1):
            task = TaskFactory(plan=plan, number=str(number), start_date=start, due_date=start + datetime.timedelta(days=400))
            TaskAssignmentFactory(
                task=task,
                agency=officer_a.agency,
                role=AssignmentRole.LEAD,
                inherited_on=inherited_on,
                inherited_from=agency_b if inherited_on else None,
            )
        by_python, by_sql = _reportable_both_ways(officer_a, today)
        assert by_python == by_sql
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_bound_dropped_from_the_declaration_leaves_both_readings(monkeypatch, officer_a, agency_b):
    # A successor that received its part after the period due ended: neither reading lets it report that period...
    plan = PlanFactory(reporting_kinds=["half_year"], starts_on=D(2022, 6, 1))
    today = D(2026, 6, 16)  # before the sending deadline the period due is 2026-H1, ended 14/06/2026
    task = TaskFactory(plan=plan, number="1", start_date=D(2023, 1, 1), due_date=D(2027, 12, 31))
    TaskAssignmentFactory(
        task=task, agency=officer_a.agency, role=AssignmentRole.LEAD, inherited_on=D(2026, 6, 15), inherited_from=agency_b
    )
    assert _reportable_both_ways(officer_a, today) == (set(), set())
    # ...and a rule declared without that bound changes the Python check and the SQL filter alike.
    monkeypatch.setattr(periods, "REPORTABLE_FROM", (periods.STARTED,))
    assert _reportable_both_ways(officer_a, today) == ({task.pk}, {task.pk})


def test_a_part_inherited_between_two_nine_month_windows_is_reported_from_the_next_one():
    """Found by the agreement test below (hypothesis, full run of hwalk3): a nine-month plan's part inherited between
    15/09 and 14/12, in no nine-month window, made the refusal's message raise ValueError (the agency list and the
    report form answered 500) instead of naming the first period the successor reports."""
    reason = periods.unreportable_reason(
        period_of(PeriodKind.NINE_MONTHS, 2023, 1),
        kinds=[PeriodKind.NINE_MONTHS],
        starts_on=D(2023, 1, 1),
        today=D(2024, 12, 1),
        held_from=D(2023, 9, 15),
        holder="Sở KH&CN",
        predecessor="Sở TT&TT",
    )
    assert period_of(PeriodKind.NINE_MONTHS, 2024, 1).label in reason and "15/09/2023" in reason
