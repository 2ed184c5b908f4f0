"""Today's agencies by default: a retired agency's dashboard row folds into its successor's; a switch shows it apart."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from plans.choices import ChangeKind
from plans.models import ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports.filters import DashboardTaskFilter
from reports.lineage import fold_into_successors, successors_now
from reports.reorganisation.services import decision_apply
from tasks.choices import AssignmentRole, TaskStatus
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 22)
MARCH = D(2025, 3, 1)


def _row(agency, *, on_time=0, late=0, overdue=0, missing=0, late_reports=0, in_progress=0):
    counts = {
        TaskStatus.DONE_ON_TIME: on_time,
        TaskStatus.DONE_LATE: late,
        TaskStatus.OVERDUE: overdue,
        TaskStatus.IN_PROGRESS: in_progress,
        TaskStatus.ONGOING: 0,
    }
    row = {"agency_id": agency.pk, "agency": agency, "led": sum(counts.values()), **counts}
    row.update(on_time=on_time, late=late, overdue=overdue, missing=missing, late_reports=late_reports)
    row["on_time_rate"] = None
    return row


def _merge(old, new, day=MARCH):
    decision = ReorganisationDecision.objects.create(number=f"{old.code}/QĐ", effective_on=day)
    ReorganisationChange.objects.create(decision=decision, kind=ChangeKind.MERGE, source=old, target=new)
    decision_apply(decision=decision, by=None)


def test_a_retired_agencys_row_folds_into_its_successors_with_counts_summed_and_the_rate_recomputed():
    stttt, skhcn, other = AgencyFactory(code="STTTT"), AgencyFactory(code="SKHCN"), AgencyFactory(code="SYT")
    _merge(stttt, skhcn)
    rows = [
        _row(stttt, on_time=3, late=1, missing=0, late_reports=2),
        _row(skhcn, on_time=1, overdue=2, missing=4, in_progress=1),
        _row(other, on_time=1),
    ]

    folded = {row["agency"]: row for row in fold_into_successors(rows, as_of=TODAY)}

    assert set(folded) == {skhcn, other}
    merged = folded[skhcn]
    assert (merged["led"], merged["on_time"], merged["late"], merged["overdue"], merged["missing"], merged["late_reports"]) == (
        8,
        4,
        1,
        2,
        4,
        2,
    )
    assert merged[TaskStatus.DONE_ON_TIME] == 4 and merged[TaskStatus.IN_PROGRESS] == 1
    assert merged["on_time_rate"] == round(100 * 4 / 7)  # recomputed from the sums, not averaged
    assert merged["predecessors"] == [stttt] and folded[other]["predecessors"] == []


def test_a_merger_of_a_merger_folds_into_todays_agency_and_a_merger_not_yet_in_force_does_not_fold():
    first, second, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
    _merge(first, second, D(2025, 3, 1))
    _merge(second, third, D(2025, 7, 1))
    assert {k: v.pk for k, v in successors_now(as_of=TODAY).items()} == {first.pk: third.pk, second.pk: third.pk}
    rows = fold_into_successors([_row(first, on_time=1)], as_of=D(2025, 5, 1))
    assert [row["agency"] for row in rows] == [second]  # on 01/05/2025 the second merger had not taken effect


@pytest.fixture
def merged_plan():
    """Sở TT&TT completed one task and had one open when it merged into Sở KH&CN; Sở KH&CN leads one of its own."""
    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year"], starts_on=D(2017, 1, 1))
    section = SectionFactory(plan=plan, number="1")
    stttt, skhcn = AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông"), AgencyFactory(code="SKHCN")
    tasks = []
    for number, agency, completed in (("1", stttt, D(2018, 12, 1)), ("2", stttt, None), ("3", skhcn, None)):
        task = TaskFactory(
            plan=plan, section=section, number=number, start_date=D(2018, 1, 1), due_date=D(2018, 12, 31), completed_on=completed
        )
        TaskAssignmentFactory(task=task, agency=agency, role=AssignmentRole.LEAD)
        tasks.append(task)
    _merge(stttt, skhcn)
    return stttt, skhcn, tasks


def _agency_rows(response):
    return {row["agency"]: row for row in response.context["agencies"]}


def test_the_dashboard_groups_by_todays_agencies_and_the_switch_shows_predecessors_apart(client, leader, merged_plan):
    stttt, skhcn, tasks = merged_plan
    client.force_login(leader)

    today = client.get(reverse("reports:dashboard"))
    rows = _agency_rows(today)
    assert set(rows) == {skhcn}
    assert (rows[skhcn]["led"], rows[skhcn]["on_time"], rows[skhcn]["overdue"]) == (3, 1, 2)
    assert rows[skhcn]["on_time_rate"] == 33
    page = today.content.decode()
    assert "?tien_than=1" in page and 'id="lineage-switch"' in page

    apart = _agency_rows(client.get(reverse("reports:dashboard"), {"tien_than": "1"}))
    assert set(apart) == {stttt, skhcn}
    assert (apart[stttt]["led"], apart[stttt]["on_time"], apart[stttt]["on_time_rate"]) == (1, 1, 100)
    assert (apart[skhcn]["led"], apart[skhcn]["overdue"], apart[skhcn]["on_time_rate"]) == (2, 2, 0)
    assert "tien_than=1" in apart[stttt]["url"]
    assert apart[stttt]["now"] == skhcn and apart[skhcn]["now"] is None


def test_the_successors_list_includes_what_it_inherited_and_the_task_still_names_who_completed_it(client, leader, merged_plan):
    stttt, skhcn, tasks = merged_plan
    client.force_login(leader)
    lead = {"agency": skhcn.pk, "role": AssignmentRole.LEAD}

    listed = client.get(DashboardTaskFilter.url(**lead))
    assert {row.pk for row in listed.context["page"]} == {task.pk for task in tasks}
    assert "Sở Thông tin và Truyền thông" in listed.content.decode()  # the completed task keeps the agency that completed it

    own = client.get(DashboardTaskFilter.url(**lead, tien_than="1"))
    assert {row.pk for row in own.context["page"]} == {tasks[1].pk, tasks[2].pk}
    retired = client.get(DashboardTaskFilter.url(agency=stttt.pk))
    assert {row.pk for row in retired.context["page"]} == {tasks[0].pk, tasks[1].pk}  # history: what it did and handed over


@pytest.mark.parametrize("mergers", [1, 4])
def test_the_lineage_costs_one_query_whatever_its_size_folded_or_not(client, leader, max_queries, mergers):
    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year"], starts_on=D(2017, 1, 1))
    section = SectionFactory(plan=plan, number="1")
    for n in range(mergers):
        old, new = AgencyFactory(), AgencyFactory()
        task = TaskFactory(plan=plan, section=section, number=str(n), start_date=D(2018, 1, 1), due_date=D(2030, 12, 31))
        TaskAssignmentFactory(task=task, agency=old, role=AssignmentRole.LEAD)
        _merge(old, new)
    client.force_login(leader)
    client.get(reverse("reports:dashboard"))
    cache.clear()  # computed, not read from the shared cache
    with max_queries(30) as apart:
        client.get(reverse("reports:dashboard"), {"tien_than": "1"})
    cache.clear()
    with max_queries(30) as folded:
        client.get(reverse("reports:dashboard"))
    assert len(folded.captured_queries) == len(apart.captured_queries)  # the lineage map, one query either way


def test_a_dissolved_agency_says_so_on_the_dashboard(client, leader):
    """QA: the district committees dissolved on 01/07/2025 appeared among today's agencies with nothing saying so."""
    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year"], starts_on=D(2017, 1, 1))
    district = AgencyFactory(name="UBND huyện Long Hồ", active_to=D(2025, 7, 1))
    task = TaskFactory(plan=plan, number="1", start_date=D(2018, 1, 1), due_date=D(2024, 12, 31))
    TaskAssignmentFactory(task=task, agency=district, role=AssignmentRole.LEAD)
    client.force_login(leader)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'UBND huyện Long Hồ</a><div class="text-muted">thôi hoạt động từ 01/07/2025</div>' in page
