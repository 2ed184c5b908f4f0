"""Indicator values reported inside the periodic report: same form, same workflow; accepted values become actuals."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from indicators.models import IndicatorValue
from indicators.selectors import indicator_row
from indicators.services import indicator_value_record
from indicators.tests.factories import IndicatorFactory, TargetFactory
from plans.models import AgencyLineage
from reports.models import Report, ReportedValue
from reports.periods import parse_period_code
from reports.services import report_save, report_transition, reporting_period_get_or_create
from reports.services.indicators import report_indicators
from reports.services.withdrawal import report_withdraw
from tasks.choices import AssignmentRole
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

from .conftest import report_data

pytestmark = pytest.mark.django_db
DATA = {"progress": 40, "work_state": "in_progress", "results": "Đã triển khai"}


@pytest.fixture
def indicator(world, agency_a):
    indicator = IndicatorFactory(plan=world.plan, code="CT-01", agency=agency_a)
    indicator.tasks.add(world.task)
    TargetFactory(indicator=indicator, year=2030, value=D(100))
    return indicator


@pytest.fixture
def period(world):
    """The stored row of the period due on the world's plan."""
    return reporting_period_get_or_create(period=parse_period_code(world.period_code))


@pytest.fixture
def file(world, indicator, agency_a, officer_a, period):
    """Save agency A's report on the world's task with a value of the indicator: ``file(D(55), "note")``; the task,
    the period, the version and the agency and author (``agency``, ``by``) may be given."""

    def save(value, note="", *, task=None, period=period, version=None, agency=agency_a, by=officer_a):
        return report_save(
            task=task or world.task,
            agency=agency,
            period=period,
            by=by,
            data=DATA,
            version=version,
            indicator_values={indicator.pk: (value, note)},
        )

    return save


@pytest.fixture
def accept(head_a, coordinator):
    """The head submits a report and the coordinator accepts it."""

    def submit_and_accept(report):
        report = report_transition(report=report, action="submit", by=head_a, notify=False)
        return report_transition(report=report, action="accept", by=coordinator, notify=False)

    return submit_and_accept


def edit_url(world):
    return reverse("reports:report_edit", args=[world.task.pk, world.period_code])


def test_the_officer_files_a_value_in_the_report_form_and_it_becomes_the_actual_on_acceptance(
    client, world, indicator, officer_a, head_a, coordinator, leader
):
    field = f"indicator_{indicator.pk}"
    client.force_login(officer_a)
    page = client.get(edit_url(world)).content.decode()
    assert field in page and "CT-01" in page
    client.post(edit_url(world), report_data(**{field: "72,5", f"{field}_note": "Theo hệ thống một cửa điện tử"}, send="1"))
    report = Report.objects.get()
    assert ReportedValue.objects.get(report=report).value == D("72.5")
    assert not IndicatorValue.objects.exists()  # not before acceptance
    client.force_login(head_a)
    client.post(reverse("reports:report_transition", args=[report.pk, "submit"]))
    client.force_login(coordinator)
    client.post(reverse("reports:report_transition", args=[report.pk, "accept"]))
    actual = IndicatorValue.objects.get()
    report.refresh_from_db()
    assert actual.value == D("72.5") and actual.measured_on == report.period.last_day and actual.year == report.period.year
    assert "Sở Thông tin và Truyền thông" in actual.source and actual.published_on is not None
    assert ReportedValue.objects.get().actual == actual
    client.force_login(leader)
    page = client.get(reverse("indicators:plan", args=[world.plan.pk])).content.decode()
    assert "72,5%" in page


def test_a_value_its_kind_forbids_is_refused_on_its_field_and_nothing_is_saved(client, world, indicator, officer_a):
    field = f"indicator_{indicator.pk}"
    client.force_login(officer_a)
    response = client.post(edit_url(world), report_data(**{field: "120"}))
    assert response.status_code == 200
    assert "từ 0 đến 100" in " ".join(response.context["form"].errors[field])
    assert not Report.objects.exists() and not ReportedValue.objects.exists()


def test_a_returned_report_is_corrected_and_the_accepted_value_is_the_corrected_one(file, accept, head_a, coordinator):
    report = report_transition(report=file(D(60)), action="submit", by=head_a, notify=False)
    with pytest.raises(ValidationError):
        report_transition(report=report, action="return", by=coordinator, notify=False)  # a reason is needed
    report = report_transition(report=report, action="return", by=coordinator, comment="Số liệu chưa khớp hệ thống", notify=False)
    accept(file(D(65), "đã rà soát", version=report.version))
    assert IndicatorValue.objects.get().value == 65
    row = ReportedValue.objects.get()
    assert [record.value for record in row.history.order_by("history_date")] == [60, 65, 65]  # the change kept, then the link to the actual


def test_a_published_value_for_the_same_day_is_superseded_not_overwritten(indicator, period, file, accept):
    published = indicator_value_record(indicator=indicator, measured_on=period.last_day, year=period.year, value=D(50), source="Niên giám")
    accept(file(D(55)))
    published.refresh_from_db()
    assert published.superseded_at is not None
    current = IndicatorValue.objects.get(superseded_at__isnull=True)
    assert current.value == 55 and "Sở Thông tin và Truyền thông" in current.correction_reason


def test_an_indicator_not_carried_by_the_report_is_refused(world, file, agency_b, officer_b):
    with pytest.raises(ValidationError):
        file(D(5), task=world.other_task, agency=agency_b, by=officer_b)
    assert not Report.objects.exists()


def test_after_a_merger_the_successor_reports_the_indicator(world, indicator, period, agency_a, agency_b):
    assert report_indicators(task_id=world.task.pk, agency_id=agency_a.pk, period=period) == [indicator]
    AgencyLineage.objects.create(
        predecessor=agency_a, successor=agency_b, effective_on=period.first_day - datetime.timedelta(days=1), main=True
    )
    assert report_indicators(task_id=world.task.pk, agency_id=agency_a.pk, period=period) == []
    assert report_indicators(task_id=world.task.pk, agency_id=agency_b.pk, period=period) == [indicator]


def test_the_reports_api_carries_the_reported_indicator_values_with_their_state(world, indicator, file, accept, officer_a):
    api = APIClient()
    report = file(D("72.5"), "Một cửa")
    api.force_authenticate(officer_a)
    row = api.get(f"/api/v1/reports/{report.pk}/").json()
    assert row["indicator_values"] == [
        {
            "indicator": indicator.pk,
            "code": "CT-01",
            "name": indicator.name,
            "unit": indicator.unit,
            "period": world.period_code,
            "value": 72.5,
            "note": "Một cửa",
            "state": "reported",
        }
    ]
    accept(report)
    listed = api.get("/api/v1/reports/").json()["results"]
    assert [value["state"] for value in listed[0]["indicator_values"]] == ["counted"]


def test_the_reports_list_reads_the_values_in_a_fixed_number_of_statements(world, file, coordinator, django_assert_max_num_queries):
    api = APIClient()
    api.force_authenticate(coordinator)
    file(D(1))
    api.get("/api/v1/reports/")  # warm (sessions, content types)
    with django_assert_max_num_queries(12) as one:
        api.get("/api/v1/reports/")
    for year in (2019, 2020, 2021):
        file(D(year - 2000), period=reporting_period_get_or_create(period=parse_period_code(f"{year}{world.period_code[4:]}")))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get("/api/v1/reports/").json()["results"]) == 4


def test_withdrawing_an_accepted_report_withdraws_its_values_and_keeps_their_history(indicator, period, file, accept, sysadmin):
    published = indicator_value_record(indicator=indicator, measured_on=period.last_day, year=period.year, value=D(50), source="Niên giám")
    report = accept(file(D(55), "theo hệ thống"))
    assert IndicatorValue.objects.get(superseded_at__isnull=True).value == 55
    report_withdraw(report=report, by=sysadmin, reason="Báo cáo nhầm kỳ")
    row = ReportedValue.objects.get()
    assert row.state == "withdrawn"
    row.actual.refresh_from_db()
    assert row.actual.superseded_at is not None  # the report's figure no longer counts, and is kept
    current = IndicatorValue.objects.get(superseded_at__isnull=True)
    assert (current.value, current.source) == (published.value, "Niên giám")  # the figure before it stands again
    assert "Báo cáo nhầm kỳ" in current.correction_reason
    assert IndicatorValue.objects.count() == 3


def test_withdrawing_the_only_value_leaves_the_indicator_without_an_actual(indicator, file, accept, sysadmin):
    report = accept(file(D(55), "theo hệ thống"))
    report_withdraw(report=report, by=sysadmin, reason="Số liệu sai")
    assert not IndicatorValue.objects.filter(superseded_at__isnull=True).exists()
    assert IndicatorValue.objects.count() == 1
    assert indicator_row(indicator, today=datetime.date(2030, 1, 1)).latest is None


def test_withdrawing_one_of_two_reports_that_gave_the_same_figure_keeps_it_counted(world, indicator, agency_a, file, accept, sysadmin):
    second_task = TaskFactory(
        plan=world.plan, section=world.task.section, number="9", start_date=world.task.start_date, due_date=world.task.due_date
    )
    TaskAssignmentFactory(task=second_task, agency=agency_a, role=AssignmentRole.LEAD)
    indicator.tasks.add(second_task)
    reports = [accept(file(D(55), task=task)) for task in (world.task, second_task)]
    assert IndicatorValue.objects.filter(superseded_at__isnull=True).count() == 1  # one figure, accepted twice
    report_withdraw(report=reports[0], by=sysadmin, reason="Trùng báo cáo")
    assert IndicatorValue.objects.get(superseded_at__isnull=True).value == 55  # the other report still gives it


def test_the_report_page_reads_each_value_as_the_indicators_own_pages_do(client, world, indicator, agency_a, officer_a, leader):
    # Walk: the report page read "87,50 %" for 87,5, and would read "1,00" for a yes and "12,00" for a rank.
    from indicators.rules import provinces_in

    done = IndicatorFactory(plan=world.plan, code="CT-02", agency=agency_a, kind="yes_no", unit="", name="Có cổng dữ liệu mở")
    rank = IndicatorFactory(plan=world.plan, code="DTI", agency=agency_a, kind="rank", unit="", name="Xếp hạng DTI")
    for other in (done, rank):
        other.tasks.add(world.task)
    period = reporting_period_get_or_create(period=parse_period_code(world.period_code))
    values = {indicator.pk: (D("87.5"), ""), done.pk: (D(1), ""), rank.pk: (D(12), "")}
    report = report_save(task=world.task, agency=agency_a, period=period, by=officer_a, data=DATA, version=None, indicator_values=values)
    client.force_login(officer_a)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "87,5%" in page and "87,50" not in page
    assert ">Có<" in page and f"12/{provinces_in(period.year)}" in page and "12,00" not in page


def test_a_write_through_the_api_answers_with_the_report_as_read_after_it(
    world, indicator, file, officer_a, head_a, coordinator, officer_b
):
    """A save or a step answers with the row its service wrote (not the one the view read): the same report, indicator
    values, period and agency included, as reading it again gives; another agency's report is not found."""
    api = APIClient()
    report = file(D("72.5"), "Một cửa")
    url = f"/api/v1/reports/{report.pk}/"
    api.force_authenticate(officer_a)
    saved = api.patch(url, {"progress": 55, "version": report.version}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json() == api.get(url).json()
    assert saved.json()["indicator_values"][0]["value"] == 72.5 and saved.json()["agency"] == report.agency.code
    sent = api.post(url + "submit/")
    assert sent.status_code == 200 and sent.json() == api.get(url).json()
    api.force_authenticate(head_a)
    approved = api.post(url + "approve/")
    assert approved.status_code == 200 and approved.json() == api.get(url).json()
    api.force_authenticate(coordinator)
    accepted = api.post(url + "accept/")
    assert accepted.json() == api.get(url).json()
    assert [value["state"] for value in accepted.json()["indicator_values"]] == ["counted"]
    api.force_authenticate(officer_b)
    assert api.patch(url, {"progress": 60, "version": 1}, format="json").status_code == 404


def test_a_stale_form_with_the_same_text_and_another_value_is_a_conflict_not_a_lost_update(world, file, indicator, period):
    """Two officers open the draft at one version; the first saves a value of the indicator; the second's form, its text
    unchanged but another value, was taken for a double-click of the first (the same text) and wrote its value over the
    first's without a word."""
    from reports.services import ReportConflict

    opened = file(D(10)).version
    file(D(20), version=opened)
    with pytest.raises(ReportConflict):
        file(D(30), version=opened)
    assert list(ReportedValue.objects.filter(report__period=period).values_list("value", flat=True)) == [D(20)]
    file(D(20), version=opened)  # the first's form sent twice: the same save, no conflict


def test_a_withdrawn_report_filed_again_reports_its_values_anew_and_counts_them_once_accepted_again(
    indicator, period, file, accept, head_a, coordinator, sysadmin
):
    """Filed again after its withdrawal, a report's value still pointed at the actual its withdrawn acceptance recorded:
    sent and not yet accepted, it read as accepted ('corrected since'); the withdrawn actual stays as it was."""
    report = accept(file(D(55), "theo hệ thống"))
    withdrawn = ReportedValue.objects.get().actual
    report = report_withdraw(report=report, by=sysadmin, reason="Số liệu sai")
    report = file(D(60), "đã sửa", version=report.version)
    report = report_transition(report=report, action="submit", by=head_a, notify=False)
    row = ReportedValue.objects.get()
    assert (row.value, row.state) == (D(60), "reported")
    withdrawn.refresh_from_db()
    assert withdrawn.superseded_at is not None and withdrawn.value == 55  # the figure already read stays as it was
    assert row.history.filter(actual=withdrawn).exists()  # the value's own history keeps what it was accepted into
    report_transition(report=report, action="accept", by=coordinator, notify=False)
    assert IndicatorValue.objects.get(superseded_at__isnull=True).value == 60
    assert ReportedValue.objects.get().state == "counted"


@pytest.mark.parametrize(("kept", "shown"), [(D("18"), "18"), (D("72.5"), "72,5"), (D("100"), "100"), (D("0.25"), "0,25")])
def test_the_report_form_gives_back_a_kept_value_as_the_officer_typed_it(client, world, file, officer_a, kept, shown):
    # Walk hwalk10: an officer typed 18 businesses, saved, and the form read "18,00" when the report came back
    # withdrawn to be written again (the column's two decimals), where the report's page says "18 doanh nghiệp".
    file(kept)
    client.force_login(officer_a)
    page = client.get(edit_url(world)).content.decode()
    assert f'value="{shown}"' in page
