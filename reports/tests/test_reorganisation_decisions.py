"""Reorganisation decisions as an administrator makes them (issue 25): the tasks a transfer of functions takes,
the new agencies a CSV names, and ceased cooperating agencies on open tasks handed on like lead parts."""

import datetime

import pytest
from django.db.models import Q

from plans.choices import ChangeKind
from plans.models import Agency, ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports.reorganisation.services import decision_apply, leftover_parts_hand_on
from reports.upkeep import upkeep_run
from tasks.choices import AssignmentRole, Recurrence
from tasks.models import PastHolding, Task, TaskAssignment
from tasks.selectors import holdings_on
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
MARCH = D(2025, 3, 1)
HEADER = "effective,decision,old_code,new_code,new_name,kind,note"


@pytest.fixture
def plan():
    plan = PlanFactory(symbol="125/KH-SKHCN", reporting_kinds=["half_year"], starts_on=D(2017, 9, 15))
    SectionFactory(plan=plan, number="1")
    return plan


def task_of(plan, lead, *, number, cooperating=(), recurrence=Recurrence.NONE, completed_on=None):
    task = TaskFactory(
        plan=plan, section=plan.sections.first(), number=str(number), start_date=D(2017, 9, 15), due_date=None, recurrence=recurrence
    )
    if completed_on:
        Task.objects.filter(pk=task.pk).update(completed_on=completed_on)
    TaskAssignmentFactory(task=task, agency=lead, role=AssignmentRole.LEAD)
    for agency in cooperating:
        TaskAssignmentFactory(task=task, agency=agency, role=AssignmentRole.COOPERATING)
    return task


def decision(*changes, effective_on=MARCH):
    made = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=effective_on)
    for kind, source, target in changes:
        ReorganisationChange.objects.create(decision=made, kind=kind, source=source, target=target)
    return made


def parts(task):
    return set(TaskAssignment.objects.filter(task=task).values_list("agency__code", "role"))


# 4. Ceased cooperating agencies on open tasks are handed on like lead parts.


def test_a_yearly_task_done_last_year_is_still_open_work_and_its_cooperating_part_goes_to_the_successor(plan):
    """Demo task 125/KH-SKHCN #2: yearly, its 2024 work done on 10/12/2024; Sở TT&TT cooperates, merged into Sở KH&CN."""
    stttt, skhcn, hhdn = AgencyFactory(code="STTTT"), AgencyFactory(code="SKHCN"), AgencyFactory(code="HHDN")
    task = task_of(plan, skhcn, number=2, cooperating=[stttt, hhdn], recurrence=Recurrence.YEARLY, completed_on=D(2024, 12, 10))
    done_once = task_of(plan, skhcn, number=3, cooperating=[stttt], completed_on=D(2020, 11, 30))

    decision_apply(decision=decision((ChangeKind.MERGE, stttt, skhcn)), by=None)

    assert parts(task) == {("SKHCN", AssignmentRole.LEAD), ("HHDN", AssignmentRole.COOPERATING)}
    assert parts(done_once) == {("SKHCN", AssignmentRole.LEAD), ("STTTT", AssignmentRole.COOPERATING)}  # history stays
    codes = dict(Agency.objects.values_list("pk", "code"))
    # Who cooperated in a past period is still readable: Sở TT&TT before 01/03/2025.
    before = {(codes[h.agency_id], h.role) for h in holdings_on(tasks=Q(task=task), on=D(2024, 12, 31))}
    assert ("STTTT", AssignmentRole.COOPERATING) in before
    after = {(codes[h.agency_id], h.role) for h in holdings_on(tasks=Q(task=task), on=D(2025, 12, 31))}
    assert ("STTTT", AssignmentRole.COOPERATING) not in after


def test_the_upkeep_hands_on_the_parts_an_earlier_apply_left_with_a_ceased_agency(plan):
    stttt, skhcn, svh = AgencyFactory(code="STTTT"), AgencyFactory(code="SKHCN"), AgencyFactory(code="SVH")
    task = task_of(plan, svh, number=2, cooperating=[stttt], recurrence=Recurrence.YEARLY)
    made = decision((ChangeKind.MERGE, stttt, skhcn))
    decision_apply(decision=made, by=None)
    # As the portal did before this fix: the part stayed with the ceased agency (a yearly task "completed" last year).
    TaskAssignment.objects.filter(task=task, agency=skhcn).update(agency=stttt, inherited_from=None, inherited_on=None, inherited_via=None)
    PastHolding.objects.filter(task=task).delete()

    assert upkeep_run(today=D(2026, 12, 6))["parts_handed_on"] == 1

    part = TaskAssignment.objects.get(task=task, role=AssignmentRole.COOPERATING)
    assert (part.agency, part.inherited_from, part.inherited_on, part.inherited_via.decision) == (skhcn, stttt, MARCH, made)
    assert [(h.agency_id, h.held_to) for h in PastHolding.objects.filter(part=part)] == [(stttt.pk, MARCH)]
    assert leftover_parts_hand_on(today=D(2026, 12, 6)) == 0  # once
