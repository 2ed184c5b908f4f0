"""A group's membership has dates: who a group names depends on the day (the plan's date, the period's cut-off)."""

import datetime

import pytest

from plans.choices import ChangeKind
from plans.models import AgencyGroup, AgencyMembership, ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports import compliance
from reports.periods import period_of
from reports.reorganisation.services import decision_apply, decision_undo
from reports.services import reporting_period_get_or_create
from tasks.choices import AssignmentRole
from tasks.importing.agencies import AgencyMatcher
from tasks.models import TaskAssignment
from tasks.services import group_members, task_assignments_set
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
JULY = D(2025, 7, 1)


@pytest.fixture
def districts():
    """Group HUYEN with two district committees, dissolved on 01/07/2025 by a decision applied."""
    group = AgencyGroup.objects.create(code="HUYEN", name="UBND các huyện, thị xã, thành phố")
    # Named, so the order by name is theirs whatever the factory's sequence has reached ("số 99" sorts after "số 100").
    members = [AgencyFactory(code=f"H{n}", name=f"Ủy ban nhân dân huyện thử nghiệm {n}", kind="district") for n in (1, 2)]
    for agency in members:
        AgencyMembership.objects.create(group=group, agency=agency)
    decision = ReorganisationDecision.objects.create(number="Nghị quyết 202/2025/QH15", effective_on=JULY)
    for agency in members:
        ReorganisationChange.objects.create(decision=decision, kind=ChangeKind.DISSOLVE, source=agency)
    return group, members, decision


def _plan(issued_on):
    plan = PlanFactory(issued_on=issued_on, starts_on=issued_on, reporting_kinds=["half_year"])
    SectionFactory(plan=plan, number="1")
    return plan


def test_applying_the_decision_ends_the_memberships_and_undo_reopens_them(districts):
    group, members, decision = districts
    decision_apply(decision=decision, by=None)
    assert set(AgencyMembership.objects.values_list("member_to", flat=True)) == {JULY}
    assert list(group.members_on(D(2025, 6, 30))) == members and not group.members_on(JULY).exists()
    decision_undo(decision=decision, today=D(2025, 6, 1))
    assert set(AgencyMembership.objects.values_list("member_to", flat=True)) == {None}


def test_a_2017_plans_group_task_lists_the_districts_and_a_2026_plan_names_nobody(districts):
    group, members, decision = districts
    decision_apply(decision=decision, by=None)
    old_task = TaskFactory(plan=_plan(D(2017, 8, 23)), number="1")
    new_task = TaskFactory(plan=_plan(D(2026, 3, 1)), number="1")

    task_assignments_set(task=old_task, leads=[group])
    task_assignments_set(task=new_task, leads=[group])

    assert {a.agency for a in TaskAssignment.objects.filter(task=old_task)} == set(members)
    assert not TaskAssignment.objects.filter(task=new_task).exists()
    assert [a.pk for a in group_members(on=D(2017, 8, 23))[group.pk]] == [a.pk for a in members]
    assert group.pk not in group_members(on=D(2026, 3, 1))


def test_the_importer_warns_that_ubnd_cac_huyen_names_nobody_in_a_2026_plan(districts):
    group, _members, decision = districts
    decision_apply(decision=decision, by=None)
    matcher = AgencyMatcher(on=D(2026, 3, 1))
    assert matcher.find("UBND các huyện, thị xã, thành phố") == group
    assert any("01/03/2026" in warning for warning in matcher.warnings)
    old = AgencyMatcher(on=D(2017, 8, 23))
    assert old.find("UBND các huyện, thị xã, thành phố") == group and not old.warnings


def test_a_group_can_exist_before_its_members_are_loaded():
    communes = AgencyGroup.objects.create(code="XA", name="UBND các xã, phường")
    assert not communes.members_on(D(2026, 3, 1)).exists()
    commune = AgencyFactory(code="XA1")
    AgencyMembership.objects.create(group=communes, agency=commune, member_from=JULY)
    assert list(communes.members_on(D(2026, 3, 1))) == [commune] and not communes.members_on(D(2025, 6, 1)).exists()


def test_a_2026_obligation_does_not_ask_a_member_that_left_the_group(districts):
    group, members, _decision = districts
    plan = _plan(D(2017, 8, 23))
    task = TaskFactory(plan=plan, number="1", start_date=D(2018, 1, 1), due_date=D(2030, 12, 31))
    task_assignments_set(task=task, leads=[group])
    assert set(TaskAssignment.objects.filter(task=task).values_list("role", flat=True)) == {AssignmentRole.LEAD}
    # The first district leaves the group (it still exists); the second stays.
    AgencyMembership.objects.filter(agency=members[0]).update(member_to=JULY)
    row = reporting_period_get_or_create(period=period_of("half_year", 2026, 2))
    assert compliance.missing_by_agency({plan.pk: row.pk}, as_of=D(2026, 11, 22)) == {members[1].pk: 1}
    earlier = reporting_period_get_or_create(period=period_of("half_year", 2025, 1))
    assert compliance.missing_by_agency({plan.pk: earlier.pk}, as_of=D(2025, 6, 20)) == {members[0].pk: 1, members[1].pk: 1}


def test_a_mergers_successor_joins_the_groups_of_the_agency_it_absorbs():
    group = AgencyGroup.objects.create(code="SBN", name="Các sở, ban, ngành tỉnh")
    old, new = AgencyFactory(), AgencyFactory()
    AgencyMembership.objects.create(group=group, agency=old)
    decision = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=D(2025, 3, 1))
    ReorganisationChange.objects.create(decision=decision, kind=ChangeKind.MERGE, source=old, target=new)
    decision_apply(decision=decision, by=None)
    assert list(group.members_on(D(2025, 3, 1))) == [new]
    decision_undo(decision=decision, today=D(2025, 1, 1))
    assert list(group.members_on(D(2025, 3, 1))) == [old]


def test_an_agency_that_left_a_group_can_join_it_again_and_its_dates_cannot_overlap():
    from django.core.exceptions import ValidationError

    group = AgencyGroup.objects.create(code="SBN", name="Các sở, ban, ngành tỉnh")
    agency = AgencyFactory()
    AgencyMembership.objects.create(group=group, agency=agency, member_to=D(2020, 1, 1))
    again = AgencyMembership(group=group, agency=agency, member_from=D(2022, 1, 1))
    again.full_clean()
    again.save()
    assert not group.members_on(D(2021, 1, 1)).exists() and list(group.members_on(D(2023, 1, 1))) == [agency]
    overlapping = AgencyMembership(group=group, agency=agency, member_from=D(2019, 6, 1), member_to=D(2021, 1, 1))
    with pytest.raises(ValidationError) as refused:
        overlapping.full_clean()
    assert "trùng" in " ".join(refused.value.messages)


def test_a_mergers_successor_that_had_left_the_group_joins_it_again():
    group = AgencyGroup.objects.create(code="SBN", name="Các sở, ban, ngành tỉnh")
    old, new = AgencyFactory(), AgencyFactory()
    AgencyMembership.objects.create(group=group, agency=old)
    AgencyMembership.objects.create(group=group, agency=new, member_to=D(2020, 1, 1))
    decision = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=D(2025, 3, 1))
    ReorganisationChange.objects.create(decision=decision, kind=ChangeKind.MERGE, source=old, target=new)
    decision_apply(decision=decision, by=None)
    assert list(group.members_on(D(2025, 3, 1))) == [new] and not group.members_on(D(2024, 1, 1)).filter(pk=new.pk).exists()
    decision_undo(decision=decision, today=D(2025, 1, 1))
    assert list(group.members_on(D(2025, 3, 1))) == [old]
    assert AgencyMembership.objects.filter(agency=new).count() == 1


def test_an_agency_that_left_a_group_and_joined_it_again_owes_the_report_of_a_period_after_it_rejoined(districts):
    group, members, _decision = districts
    plan = _plan(D(2017, 8, 23))
    task = TaskFactory(plan=plan, number="1", start_date=D(2018, 1, 1), due_date=D(2030, 12, 31))
    task_assignments_set(task=task, leads=[group])
    AgencyMembership.objects.filter(agency=members[0]).update(member_to=D(2025, 1, 1))
    AgencyMembership.objects.create(group=group, agency=members[0], member_from=D(2025, 4, 1), member_to=JULY)
    first_half = reporting_period_get_or_create(period=period_of("half_year", 2025, 1))  # ends 30/06/2025: a member again
    assert compliance.missing_by_agency({plan.pk: first_half.pk}, as_of=D(2025, 6, 20)) == {members[0].pk: 1, members[1].pk: 1}
    AgencyMembership.objects.filter(agency=members[0], member_from=D(2025, 4, 1)).update(member_from=D(2025, 8, 1), member_to=None)
    assert compliance.missing_by_agency({plan.pk: first_half.pk}, as_of=D(2025, 6, 20)) == {members[1].pk: 1}


def test_the_overlap_rule_says_the_same_for_saved_rows_in_sql_and_typed_rows_in_python():
    import random

    group = AgencyGroup.objects.create(code="SBN", name="Các sở, ban, ngành tỉnh")
    agency = AgencyFactory()
    days = [None, D(2018, 1, 1), D(2020, 1, 1), D(2020, 1, 2), D(2022, 6, 30), D(2025, 7, 1)]
    rng = random.Random(21)
    for _ in range(80):
        first, second = sorted(rng.sample(days[1:], 2)), sorted(rng.sample(days[1:], 2))
        saved = AgencyMembership(
            group=group, agency=agency, member_from=rng.choice([None, first[0]]), member_to=rng.choice([None, first[1]])
        )
        typed = AgencyMembership(
            group=group, agency=agency, member_from=rng.choice([None, second[0]]), member_to=rng.choice([None, second[1]])
        )
        saved.save()
        assert typed.overlapping().exists() == typed.overlaps(saved) == saved.overlaps(typed), (
            saved.member_from,
            saved.member_to,
            typed.member_from,
            typed.member_to,
        )
        saved.delete()
