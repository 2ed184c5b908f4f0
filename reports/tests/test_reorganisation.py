"""Reorganisation: a decision previewed, applied once in one transaction, undone before it takes effect; history kept."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from plans.choices import ChangeKind, UsersFate
from plans.models import Agency, AgencyLineage, ReorganisationChange, ReorganisationDecision, User
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory, UserFactory
from reports.reorganisation.loading import decisions_load
from reports.reorganisation.preview import preview
from reports.reorganisation.selectors import predecessor_ids, waiting_for_reassignment
from reports.reorganisation.services import assignments_reassign, decision_apply, decision_undo
from tasks.choices import AssignmentRole
from tasks.models import TaskAssignment, TaskDestination
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = datetime.date
MARCH = D(2025, 3, 1)


@pytest.fixture
def plan():
    plan = PlanFactory(symbol="28/KH-UBND", reporting_kinds=["half_year"], starts_on=D(2017, 8, 23))
    SectionFactory(plan=plan, number="1")
    return plan


def task_of(plan, agency, *, number, completed_on=None, role=AssignmentRole.LEAD):
    task = TaskFactory(plan=plan, section=plan.sections.first(), number=str(number), start_date=D(2018, 1, 1), due_date=D(2030, 12, 31))
    if completed_on:
        type(task).objects.filter(pk=task.pk).update(completed_on=completed_on)
    TaskAssignmentFactory(task=task, agency=agency, role=role)
    return task


def decision(*changes, effective_on=MARCH):
    made = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=effective_on)
    for kind, source, target, *rest in changes:
        ReorganisationChange.objects.create(decision=made, kind=kind, source=source, target=target, **(rest[0] if rest else {}))
    return made


def test_a_merger_moves_open_tasks_and_users_to_the_successor_and_leaves_completed_tasks(plan):
    stttt, skhcn = AgencyFactory(code="STTTT"), AgencyFactory(code="SKHCN")
    open_task = task_of(plan, stttt, number=1)
    done_task = task_of(plan, stttt, number=2, completed_on=D(2019, 12, 1))
    officer = UserFactory(agency=stttt, username="chuyenvien.stttt")

    decision_apply(decision=decision((ChangeKind.MERGE, stttt, skhcn)), by=None)

    moved = TaskAssignment.objects.get(task=open_task)
    assert (moved.agency, moved.inherited_from, moved.inherited_on) == (skhcn, stttt, MARCH)
    assert TaskAssignment.objects.get(task=done_task).agency == stttt
    officer.refresh_from_db()
    assert (officer.agency, officer.username) == (skhcn, "chuyenvien.stttt")
    stttt.refresh_from_db()
    assert stttt.active_to == MARCH and not stttt.is_active_on(MARCH) and stttt.is_active_on(D(2025, 2, 28))
    assert stttt.current() == skhcn
    with translation.override("vi"):
        assert str(stttt.display_name()) == f"{stttt.name} (nay là {skhcn.name})"
    assert predecessor_ids(skhcn.pk) == [stttt.pk]


def test_applying_a_decision_twice_changes_nothing(plan):
    old, new = AgencyFactory(), AgencyFactory()
    task_of(plan, old, number=1)
    made = decision((ChangeKind.MERGE, old, new))
    decision_apply(decision=made, by=None)
    before = list(TaskAssignment.objects.values_list("pk", "agency_id", "inherited_on"))
    decision_apply(decision=made, by=None)
    assert list(TaskAssignment.objects.values_list("pk", "agency_id", "inherited_on")) == before
    assert AgencyLineage.objects.count() == 1


def test_a_split_sends_each_task_where_chosen(plan):
    sldtbxh, snv, syt = AgencyFactory(), AgencyFactory(), AgencyFactory()
    first, second = task_of(plan, sldtbxh, number=1), task_of(plan, sldtbxh, number=2)
    made = decision((ChangeKind.SPLIT, sldtbxh, snv), (ChangeKind.SPLIT, sldtbxh, syt))
    to_snv, to_syt = made.changes.order_by("id")
    TaskDestination.objects.create(change=to_snv, task=first)
    TaskDestination.objects.create(change=to_syt, task=second)
    decision_apply(decision=made, by=None)
    assert TaskAssignment.objects.get(task=first).agency == snv
    assert TaskAssignment.objects.get(task=second).agency == syt


def test_a_split_that_leaves_an_open_task_without_a_destination_is_refused_and_writes_nothing(plan):
    sldtbxh, snv, syt = AgencyFactory(), AgencyFactory(), AgencyFactory()
    task_of(plan, sldtbxh, number=1)
    lost = task_of(plan, sldtbxh, number="7")
    made = decision((ChangeKind.SPLIT, sldtbxh, snv), (ChangeKind.SPLIT, sldtbxh, syt))
    TaskDestination.objects.create(change=made.changes.order_by("id").first(), task=lost.plan.tasks.get(number="1"))
    with pytest.raises(ValidationError, match="không có nơi nhận|without a destination"):
        decision_apply(decision=made, by=None)
    assert not Agency.objects.get(pk=sldtbxh.pk).active_to
    assert set(TaskAssignment.objects.values_list("agency_id", flat=True)) == {sldtbxh.pk}


def test_a_transfer_of_functions_moves_only_the_selected_tasks_and_keeps_the_agency(plan):
    stttt, skhcn, svh = AgencyFactory(), AgencyFactory(), AgencyFactory()
    press, digital = task_of(plan, stttt, number=1), task_of(plan, stttt, number=2)
    made = decision((ChangeKind.FUNCTIONS, stttt, svh))
    TaskDestination.objects.create(change=made.changes.get(), task=press)
    decision_apply(decision=made, by=None)
    assert TaskAssignment.objects.get(task=press).agency == svh
    assert TaskAssignment.objects.get(task=digital).agency == stttt
    assert Agency.objects.get(pk=stttt.pk).active_to is None
    assert skhcn.pk not in TaskAssignment.objects.values_list("agency_id", flat=True)


def test_a_dissolution_fills_the_coordinators_queue_and_the_coordinator_reassigns(plan):
    district = AgencyFactory(kind="huyen")
    commune = AgencyFactory()
    task = task_of(plan, district, number=1)
    user = UserFactory(agency=district)
    decision_apply(decision=decision((ChangeKind.DISSOLVE, district, None), effective_on=D(2025, 7, 1)), by=None)
    queue = list(waiting_for_reassignment(today=D(2026, 1, 5)))
    assert [a.task for a in queue] == [task]
    assert User.objects.get(pk=user.pk).is_active is False

    assignments_reassign(assignments=queue, agency=commune, today=D(2026, 1, 5))
    moved = TaskAssignment.objects.get(task=task)
    assert (moved.agency, moved.inherited_from, moved.inherited_on) == (commune, district, D(2026, 1, 5))
    assert not waiting_for_reassignment(today=D(2026, 1, 5)).exists()


def test_reassigning_to_an_agency_that_has_ceased_is_refused(plan):
    district, gone = AgencyFactory(), AgencyFactory(active_to=D(2025, 3, 1))
    assignment = TaskAssignment.objects.get(task=task_of(plan, district, number=1))
    with pytest.raises(ValidationError, match="không còn|no longer"):
        assignments_reassign(assignments=[assignment], agency=gone, today=D(2026, 1, 5))


def test_the_preview_lists_moves_users_reports_in_progress_and_conflicts(plan):
    stttt, skhcn = AgencyFactory(), AgencyFactory()
    shared = task_of(plan, stttt, number=1)
    TaskAssignmentFactory(task=shared, agency=skhcn, role=AssignmentRole.COOPERATING)
    task_of(plan, stttt, number=2)
    UserFactory(agency=stttt)
    result = preview(decision((ChangeKind.MERGE, stttt, skhcn)))
    assert len(result.moves) == 2 and [m.assignment.task for m in result.conflicts] == [shared]
    assert [destination for _user, _change, destination in result.users] == [skhcn]
    assert result.errors == []


def test_a_conflict_keeps_one_lead_part_and_undo_restores_both(plan):
    stttt, skhcn = AgencyFactory(), AgencyFactory()
    shared = task_of(plan, stttt, number=1)
    TaskAssignmentFactory(task=shared, agency=skhcn, role=AssignmentRole.COOPERATING)
    made = decision((ChangeKind.MERGE, stttt, skhcn))
    decision_apply(decision=made, by=None)
    assert list(TaskAssignment.objects.filter(task=shared).values_list("agency_id", "role")) == [(skhcn.pk, AssignmentRole.LEAD)]
    decision_undo(decision=made, today=D(2025, 2, 1))
    assert set(TaskAssignment.objects.filter(task=shared).values_list("agency_id", "role")) == {
        (stttt.pk, AssignmentRole.LEAD),
        (skhcn.pk, AssignmentRole.COOPERATING),
    }


def test_a_decision_can_be_undone_until_its_effective_date(plan):
    old, new = AgencyFactory(), AgencyFactory()
    task = task_of(plan, old, number=1)
    user = UserFactory(agency=old)
    made = decision((ChangeKind.MERGE, old, new, {"users": UsersFate.MOVE}))
    plan.coordinator = old
    plan.save()
    decision_apply(decision=made, by=None)
    plan.refresh_from_db()
    assert plan.coordinator == new  # the coordinating role passes with the work
    decision_undo(decision=made, today=D(2025, 2, 28))
    plan.refresh_from_db()
    assert plan.coordinator == old
    assert TaskAssignment.objects.get(task=task).agency == old
    assert User.objects.get(pk=user.pk).agency == old
    assert Agency.objects.get(pk=old.pk).active_to is None and not AgencyLineage.objects.exists()
    made.refresh_from_db()
    assert not made.is_applied

    decision_apply(decision=made, by=None)
    with pytest.raises(ValidationError, match="01/03/2025"):
        decision_undo(decision=made, today=MARCH)


def test_undoing_a_later_decision_gives_the_task_back_to_the_agency_the_earlier_one_gave_it_to(plan):
    first, second, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
    task = task_of(plan, first, number=1)
    earlier = decision((ChangeKind.MERGE, first, second), effective_on=D(2031, 3, 1))
    later = ReorganisationDecision.objects.create(number="12/2031/QĐ-UBND", effective_on=D(2031, 7, 1))
    ReorganisationChange.objects.create(decision=later, kind=ChangeKind.MERGE, source=second, target=third)
    decision_apply(decision=earlier, by=None)
    decision_apply(decision=later, by=None)
    assert TaskAssignment.objects.get(task=task).agency == third

    decision_undo(decision=later, today=D(2031, 1, 1))

    back = TaskAssignment.objects.get(task=task)
    assert (back.agency, back.inherited_from, back.inherited_on) == (second, first, D(2031, 3, 1))
    assert back.inherited_via.decision == earlier
    decision_undo(decision=earlier, today=D(2031, 1, 1))
    back.refresh_from_db()
    assert (back.agency, back.inherited_from, back.inherited_on, back.inherited_via) == (first, None, None, None)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("retired successor", "đã thôi hoạt động|has itself ceased"),
        ("cycle", "vòng|cycle"),
        ("before it existed", "chỉ tồn tại từ|only exists from"),
    ],
)
def test_bad_decisions_are_refused_with_a_clear_message_and_write_nothing(plan, case, message):
    old, new = AgencyFactory(), AgencyFactory()
    task_of(plan, old, number=1)
    if case == "retired successor":
        new.active_to = D(2024, 1, 1)
        new.save()
    if case == "cycle":
        AgencyLineage.objects.create(predecessor=new, successor=old, effective_on=D(2020, 1, 1))
    if case == "before it existed":
        old.active_from = D(2025, 7, 1)
        old.save()
    with pytest.raises(ValidationError, match=message):
        decision_apply(decision=decision((ChangeKind.MERGE, old, new)), by=None)
    assert TaskAssignment.objects.get().agency == old
    assert Agency.objects.get(pk=old.pk).active_to is None


SHARED_CSV = Path(__file__).resolve().parents[2] / "plans" / "data" / "reorganisation-2025.csv"


@pytest.fixture
def registry_2017():
    call_command("load_agencies", verbosity=0)


def test_the_shared_csv_loads_as_two_decisions_with_their_changes(registry_2017):
    loaded = decisions_load(content=open(SHARED_CSV, "rb").read())  # noqa: SIM115
    assert sorted(d.effective_on for d in loaded.decisions) == [MARCH, D(2025, 7, 1)]
    merger = ReorganisationDecision.objects.get(effective_on=MARCH)
    assert merger.changes.filter(kind=ChangeKind.MERGE, source__code="STTTT", target__code="SKHCN").exists()
    assert not Agency.objects.filter(code="SNNMT").exists()  # created when the decision is applied
    assert merger.changes.filter(new_code="SNNMT", new_name="Sở Nông nghiệp và Môi trường", kind=ChangeKind.MERGE).count() == 2
    dissolved = ReorganisationDecision.objects.get(effective_on=D(2025, 7, 1)).changes.filter(kind=ChangeKind.DISSOLVE)
    assert dissolved.count() == 8
    assert len(loaded.notes) == 1  # the provinces' merger is noted: the province is not in its own registry
    decisions_load(content=open(SHARED_CSV, "rb").read())  # noqa: SIM115
    assert ReorganisationChange.objects.count() == 9 + 8


def test_a_csv_row_naming_an_unknown_agency_says_row_column_and_the_nearest_name():
    AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông")
    AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ")
    content = "effective,decision,old_code,new_code,new_name,kind,note\n2025-03-01,45/2025,STTT,SKHCN,,merge,\n"
    with translation.override("vi"), pytest.raises(ValidationError) as raised:
        decisions_load(content=content)
    message = raised.value.messages[0]
    assert "2" in message and "old_code" in message and "Sở Thông tin và Truyền thông (STTTT)" in message
    assert not ReorganisationDecision.objects.exists()


def test_two_agencies_merging_into_one_on_the_same_task_leave_one_lead_part(plan):
    snnptnt, stnmt, snnmt = AgencyFactory(), AgencyFactory(), AgencyFactory()
    task = task_of(plan, snnptnt, number=1)
    TaskAssignmentFactory(task=task, agency=stnmt, role=AssignmentRole.COOPERATING)
    made = decision((ChangeKind.MERGE, snnptnt, snnmt), (ChangeKind.MERGE, stnmt, snnmt))
    assert len(preview(made).conflicts) == 1
    decision_apply(decision=made, by=None)
    assert list(TaskAssignment.objects.filter(task=task).values_list("agency_id", "role")) == [(snnmt.pk, AssignmentRole.LEAD)]


def test_filtering_by_the_successor_includes_what_it_inherited_and_by_the_ceased_agency_its_history(plan):
    from tasks.filters import TaskFilter
    from tasks.models import Task

    stttt, skhcn = AgencyFactory(), AgencyFactory()
    inherited, done = task_of(plan, stttt, number=1), task_of(plan, stttt, number=2, completed_on=D(2019, 1, 1))
    own = task_of(plan, skhcn, number=3)
    decision_apply(decision=decision((ChangeKind.MERGE, stttt, skhcn)), by=None)

    def found(agency):
        return set(TaskFilter({"agency": agency.pk}, queryset=Task.objects.all()).qs)

    assert found(skhcn) == {inherited, own}
    assert found(stttt) == {inherited, done}


def test_an_applied_decisions_page_shows_what_it_moved_not_a_new_preview_of_nothing(plan, client, sysadmin):
    from django.urls import reverse

    from plans.models import AgencyGroup, AgencyMembership

    stttt = AgencyFactory(name="Sở Thông tin và Truyền thông")
    skhcn = AgencyFactory(name="Sở Khoa học và Công nghệ")
    shared = task_of(plan, stttt, number=1)
    TaskAssignmentFactory(task=shared, agency=skhcn, role=AssignmentRole.COOPERATING)
    task_of(plan, stttt, number=2)
    UserFactory(agency=stttt, username="chuyenvien.stttt")
    group = AgencyGroup.objects.create(code="SBN", name="Các sở, ban, ngành tỉnh")
    AgencyMembership.objects.create(group=group, agency=stttt)
    made = decision((ChangeKind.MERGE, stttt, skhcn, {"users": UsersFate.MOVE}))
    decision_apply(decision=made, by=None)
    assert preview(made).moves == []  # what a new preview would show: nothing left to move

    client.force_login(sysadmin)
    page = client.get(reverse("admin:plans_reorganisationdecision_preview", args=[made.pk])).content.decode()
    assert "Đã chuyển 1 phần việc" in page  # task 2; task 1's part was folded into the successor's own part
    assert "Sở Thông tin và Truyền thông</td>" in page and "Sở Khoa học và Công nghệ</td>" in page
    assert "Phần việc nhập vào phần việc sẵn có của cơ quan kế thừa" in page
    assert "chuyenvien.stttt" in page and "đã chuyển từ Sở Thông tin và Truyền thông sang Sở Khoa học và Công nghệ" in page
    assert "1 lượt thuộc nhóm kết thúc" in page and "Sở Khoa học và Công nghệ vào nhóm Các sở, ban, ngành tỉnh" in page
    assert "thôi hoạt động từ 01/03/2025" in page
    assert "Không có phần việc đang thực hiện" not in page


def test_an_applied_dissolutions_page_lists_the_tasks_waiting_in_the_coordinators_queue(plan, client, sysadmin):
    from django.urls import reverse

    district = AgencyFactory(name="Ủy ban nhân dân huyện Long Hồ")
    task_of(plan, district, number=7)
    made = decision((ChangeKind.DISSOLVE, district, None), effective_on=D(2025, 7, 1))
    decision_apply(decision=made, by=None)
    client.force_login(sysadmin)
    page = client.get(reverse("admin:plans_reorganisationdecision_preview", args=[made.pk])).content.decode()
    assert "Kết quả áp dụng" in page and "Đã chuyển 0 phần việc" in page
    assert "1 phần việc chủ trì của 1 nhiệm vụ chờ cơ quan đầu mối giao lại" in page and "28/KH-UBND — 7." in page


def test_an_applied_dissolutions_page_counts_the_parts_and_the_tasks_waiting_apart(plan, client, sysadmin):
    # Walk: the demo's district decision read "13 nhiệm vụ chờ cơ quan đầu mối giao lại" over 13 parts of 2 tasks.
    from django.urls import reverse

    districts = [AgencyFactory(name=f"Ủy ban nhân dân huyện {name}") for name in ("Long Hồ", "Mang Thít", "Tam Bình")]
    for number in (7, 8):
        task = task_of(plan, districts[0], number=number)
        for district in districts[1:]:
            TaskAssignmentFactory(task=task, agency=district, role=AssignmentRole.LEAD)
    made = decision(*((ChangeKind.DISSOLVE, district, None) for district in districts), effective_on=D(2025, 7, 1))
    decision_apply(decision=made, by=None)
    client.force_login(sysadmin)
    page = client.get(reverse("admin:plans_reorganisationdecision_preview", args=[made.pk])).content.decode()
    assert "6 phần việc chủ trì của 2 nhiệm vụ chờ cơ quan đầu mối giao lại" in page


def test_the_preview_lists_a_withdrawn_report_with_the_reports_not_yet_sent(plan):
    """A withdrawn report is owed again and written again by its agency (workflow.EDITABLE_STATES, hfix8): the preview's
    "Reports not yet sent" listed drafts, reports waiting for approval and returned ones (its own copy of those states),
    not a withdrawn one the retiring agency had still to file."""
    from reports.choices import ReportState
    from reports.tests.factories import ReportFactory

    stttt, skhcn = AgencyFactory(), AgencyFactory()
    returned = ReportFactory(task=task_of(plan, stttt, number=1), agency=stttt, state=ReportState.RETURNED)
    withdrawn = ReportFactory(task=task_of(plan, stttt, number=2), agency=stttt, state=ReportState.WITHDRAWN)
    result = preview(decision((ChangeKind.MERGE, stttt, skhcn)))
    assert set(result.reports) == {returned, withdrawn}
