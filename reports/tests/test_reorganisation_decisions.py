"""Reorganisation decisions as an administrator makes them (issue 25): the tasks a transfer of functions takes,
the new agencies a CSV names, and ceased cooperating agencies on open tasks handed on like lead parts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from plans.agency_kinds import kind_by_name
from plans.choices import AgencyKind, ChangeKind
from plans.models import Agency, AgencyGroup, AgencyLineage, AgencyMembership, ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory, PlanFactory, SectionFactory
from reports.reorganisation.loading import decisions_load
from reports.reorganisation.preview import preview
from reports.reorganisation.services import decision_apply, decision_undo, leftover_parts_hand_on
from reports.tests.helpers import assert_kept_figures_true
from reports.upkeep import upkeep_run
from tasks.choices import AssignmentRole, Recurrence
from tasks.models import PastHolding, Task, TaskAssignment, TaskDestination
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
    assert_kept_figures_true()  # the dashboard's kept counts followed the decision


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
    assert_kept_figures_true()


# 2. and 3. The new agency's kind and groups, from the CSV; created when applied, removed by the undo.


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Sở Nông nghiệp và Môi trường", AgencyKind.DEPARTMENT),
        ("UBND xã Long Hồ", AgencyKind.COMMUNE),
        ("Ủy ban nhân dân phường Thanh Đức", AgencyKind.COMMUNE),
        ("Báo và Phát thanh, Truyền hình Vĩnh Long", AgencyKind.PROVINCIAL_BODY),
        ("Sơn Đông trading", AgencyKind.PROVINCIAL_BODY),
    ],
)
def test_the_kind_of_a_new_agency_is_read_from_its_name_by_one_rule(name, kind):
    assert kind_by_name(name) == kind


@pytest.fixture
def registry():
    sbn = AgencyGroup.objects.create(code="SBN", name="Các sở, ban, ngành tỉnh")
    agencies = {
        code: AgencyFactory(code=code, name=name)
        for code, name in [
            ("BVL", "Báo Vĩnh Long"),
            ("DPTTH", "Đài Phát thanh và Truyền hình Vĩnh Long"),
            ("STTTT", "Sở Thông tin và Truyền thông"),
        ]
    }
    for agency in agencies.values():
        AgencyMembership.objects.create(group=sbn, agency=agency)
    return agencies


MADE_UP = (
    f"{HEADER},new_kind,join_groups\n"
    '2031-01-01,12/QĐ-UBND,BVL,BPTTH,"Báo và Phát thanh, Truyền hình Vĩnh Long",merge,,,\n'
    '2031-01-01,12/QĐ-UBND,DPTTH,BPTTH,"Báo và Phát thanh, Truyền hình Vĩnh Long",merge,,,\n'
    '2031-01-01,12/QĐ-UBND,STTTT,SCNS,Sở Công nghệ số,functions,chuyển đổi số,,"Các sở, ban, ngành tỉnh"\n'
    "2031-01-01,12/QĐ-UBND,STTTT,TTCNS,Trung tâm Công nghệ số,functions,dữ liệu,sở,không\n"
)


def test_new_agencies_come_into_being_when_the_decision_is_applied_with_their_kind_and_groups_and_go_with_its_undo(registry, plan):
    newspaper = task_of(plan, registry["BVL"], number=1, cooperating=[registry["DPTTH"]])
    digital = task_of(plan, registry["STTTT"], number=2)
    loaded = decisions_load(content=MADE_UP)
    made = loaded.decisions[0]
    assert not Agency.objects.filter(code__in=["BPTTH", "SCNS", "TTCNS"]).exists()  # loading creates nothing

    TaskDestination.objects.create(change=made.changes.get(new_code="SCNS"), task=digital)
    planned = preview(made)
    assert {(a.code, a.kind) for a in planned.created} == {
        ("BPTTH", AgencyKind.PROVINCIAL_BODY),  # not a "Sở": read from its name
        ("SCNS", AgencyKind.DEPARTMENT),
        ("TTCNS", AgencyKind.DEPARTMENT),  # as the column says
    }
    assert not Agency.objects.filter(code="BPTTH").exists()  # the preview writes nothing

    decision_apply(decision=made, by=None, none_chosen_confirmed=True)

    press = Agency.objects.get(code="BPTTH")
    assert (press.kind, press.active_from) == (AgencyKind.PROVINCIAL_BODY, D(2031, 1, 1))
    assert parts(newspaper) == {("BPTTH", AssignmentRole.LEAD)}
    assert parts(digital) == {("SCNS", AssignmentRole.LEAD)}
    sbn = AgencyGroup.objects.get(code="SBN")
    on_day = set(sbn.members_on(D(2031, 1, 1)).values_list("code", flat=True))
    assert {"BPTTH", "SCNS", "STTTT"} <= on_day and "TTCNS" not in on_day  # a merger's and a named group's successor join
    assert set(sbn.members_on(D(2030, 12, 31)).values_list("code", flat=True)) == {"BVL", "DPTTH", "STTTT"}

    decision_undo(decision=made, today=D(2030, 12, 1))

    assert not Agency.objects.filter(code__in=["BPTTH", "SCNS", "TTCNS"]).exists()
    assert parts(newspaper) == {("BVL", AssignmentRole.LEAD), ("DPTTH", AssignmentRole.COOPERATING)}
    assert parts(digital) == {("STTTT", AssignmentRole.LEAD)}
    assert made.changes.filter(target=None, new_code="SCNS").count() == 1  # the change still names the agency to create
    decision_apply(decision=made, by=None, none_chosen_confirmed=True)  # and applying again creates it again
    assert Agency.objects.get(code="SCNS").kind == AgencyKind.DEPARTMENT
    assert not AgencyLineage.objects.filter(successor__code="SCNS").exclude(change__decision=made).exists()


def test_an_undo_keeps_a_created_agency_that_something_else_now_refers_to(registry, plan):
    from plans.tests.factories import UserFactory

    made = decisions_load(content=MADE_UP).decisions[0]
    decision_apply(decision=made, by=None, none_chosen_confirmed=True)
    UserFactory(agency=Agency.objects.get(code="TTCNS"))  # an account made for it since
    decision_undo(decision=made, today=D(2030, 12, 1))
    assert set(Agency.objects.filter(code__in=["BPTTH", "SCNS", "TTCNS"]).values_list("code", flat=True)) == {"TTCNS"}


def test_bad_kinds_and_groups_are_refused_by_row_and_column_in_vietnamese_and_nothing_is_written(registry):
    content = (
        f"{HEADER},new_kind,join_groups\n"
        "2031-01-01,12/QĐ-UBND,BVL,BPTTH,Báo mới,merge,,cơ quan lạ,\n"
        "2031-01-01,12/QĐ-UBND,STTTT,SCNS,Sở Công nghệ số,functions,,,Nhóm không có\n"
        "2031-01-01,12/QĐ-UBND,DPTTH,,,dissolve,,xã,\n"
    )
    with translation.override("vi"), pytest.raises(ValidationError) as raised:
        decisions_load(content=content)
    messages = raised.value.messages
    assert len(messages) == 3
    assert messages[0].startswith("Dòng 2, cột new_kind") and "cơ quan lạ" in messages[0]
    assert messages[1].startswith("Dòng 3, cột join_groups") and "Nhóm không có" in messages[1]
    assert messages[2].startswith("Dòng 4, cột new_kind")
    assert not ReorganisationDecision.objects.exists() and not ReorganisationChange.objects.exists()
    assert not Agency.objects.filter(code__in=["BPTTH", "SCNS"]).exists()


# 1. The tasks that go with a transfer of functions or a split: chosen from the decision and its preview.


@pytest.fixture
def transfer(registry, plan):
    """Sở TT&TT hands its digital work to a new Sở Công nghệ số and is renamed Sở Truyền thông (made up)."""
    stttt = registry["STTTT"]
    task_of(plan, stttt, number=1)
    task_of(plan, stttt, number=2)
    content = (
        f"{HEADER}\n"
        "2031-01-01,12/QĐ-UBND,STTTT,SCNS,Sở Công nghệ số,functions,chuyển đổi số\n"
        "2031-01-01,12/QĐ-UBND,STTTT,STT,Sở Truyền thông,rename,\n"
    )
    return decisions_load(content=content).decisions[0]


def test_a_transfer_with_no_task_chosen_is_warned_in_vietnamese_and_not_applied_without_confirmation(transfer, plan):
    with translation.override("vi"):
        warnings = preview(transfer).warnings
        assert len(warnings) == 1
        assert "Sở Công nghệ số" in warnings[0] and "Chưa chọn nhiệm vụ" in warnings[0] and "Sở Truyền thông" in warnings[0]
        with pytest.raises(ValidationError):
            decision_apply(decision=transfer, by=None)
    transfer.refresh_from_db()
    assert not transfer.is_applied and not Agency.objects.filter(code__in=["SCNS", "STT"]).exists()
    assert set(TaskAssignment.objects.values_list("agency__code", flat=True)) == {"STTTT"}


def test_the_decision_page_and_its_preview_lead_to_the_choice_of_tasks_and_apply_asks_for_confirmation(transfer, plan, client, sysadmin):
    client.force_login(sysadmin)
    change = transfer.changes.get(kind=ChangeKind.FUNCTIONS)
    choose = reverse("admin:plans_reorganisationchange_change", args=[change.pk])
    with translation.override("vi"):
        page = client.get(reverse("admin:plans_reorganisationdecision_change", args=[transfer.pk]), HTTP_ACCEPT_LANGUAGE="vi")
        assert choose in page.content.decode()
        preview_url = reverse("admin:plans_reorganisationdecision_preview", args=[transfer.pk])
        body = client.get(preview_url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        assert choose in body and "Chưa chọn nhiệm vụ" in body and 'name="none_chosen_confirmed"' in body
        assert "sẽ tạo" in body.lower() and "Sở Công nghệ số" in body

        apply_url = reverse("admin:plans_reorganisationdecision_apply", args=[transfer.pk])
        client.post(apply_url)
        transfer.refresh_from_db()
        assert not transfer.is_applied  # no confirmation ticked

        # Choosing task 2 on the change's page: only the agency's open tasks are offered.
        form = client.get(choose, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        first, second = plan.tasks.order_by("number")
        assert f'value="{first.pk}"' in form and f'value="{second.pk}"' in form
        response = client.post(
            choose,
            {
                "kind": change.kind,
                "source": change.source_id,
                "new_code": "SCNS",
                "new_name": "Sở Công nghệ số",
                "users": change.users,
                "note": "",
                "tasks": [second.pk],
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        assert list(change.destinations.values_list("task_id", flat=True)) == [second.pk]
        body = client.get(preview_url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        assert "Chưa chọn nhiệm vụ" not in body and 'name="none_chosen_confirmed"' not in body
        client.post(apply_url)
    transfer.refresh_from_db()
    assert transfer.is_applied
    assert parts(second) == {("SCNS", AssignmentRole.LEAD)} and parts(first) == {("STT", AssignmentRole.LEAD)}


def test_a_new_agency_named_like_one_registered_since_the_file_was_loaded_is_refused_before_anything_is_written(registry):
    made = decisions_load(content=MADE_UP).decisions[0]
    AgencyFactory(code="SCNS2", name="Sở Công nghệ số")  # registered by hand in the meantime
    with translation.override("vi"), pytest.raises(ValidationError, match="SCNS2"):
        decision_apply(decision=made, by=None, none_chosen_confirmed=True)
    assert not Agency.objects.filter(code__in=["BPTTH", "SCNS", "TTCNS"]).exists()
