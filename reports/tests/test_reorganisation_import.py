"""A plan's annex imported, or imported again, after a reorganisation: open work stays with today's agencies.

Found by walking the portal (stop 22): importing the 1091 annex again after the 2025 mergers gave task
II.1 back to Sở TT&TT, which no longer exists, and took three open tasks off Sở KH&CN's list. The rule:
an import leaves a plan as it would be had the plan been in the portal when the decisions were applied.
"""

import datetime

import pytest
from django.db.models import Q
from django.utils import translation

from plans.choices import ChangeKind
from plans.models import ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory, PlanFactory
from reports.reorganisation.selectors import waiting_for_reassignment
from reports.reorganisation.services import decision_apply
from tasks.choices import AssignmentRole
from tasks.importing.service import annex_import
from tasks.models import PastHolding, Task, TaskAssignment, TaskDestination
from tasks.selectors import holdings_on
from tasks.tests.importing.annexes import build

pytestmark = pytest.mark.django_db
D = datetime.date
MARCH = D(2025, 3, 1)
LEAD, COOPERATING = AssignmentRole.LEAD, AssignmentRole.COOPERATING


@pytest.fixture
def agencies():
    return {
        "STTTT": AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông", aliases=["Sở TT&TT"]),
        "SKHCN": AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ", aliases=["Sở KH&CN"]),
        "SLDTBXH": AgencyFactory(code="SLDTBXH", name="Sở Lao động - Thương binh và Xã hội"),
        "SNV": AgencyFactory(code="SNV", name="Sở Nội vụ"),
        "SYT": AgencyFactory(code="SYT", name="Sở Y tế"),
    }


def annex(title_2: str = "Tập huấn chuyển đổi số") -> bytes:
    return build(
        [
            ["I", "CHUYỂN ĐỔI SỐ"],
            [1, "Xây dựng kho dữ liệu dùng chung", "Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ", "Năm 2030", "Kho", ""],
            [2, title_2, "Sở Thông tin và Truyền thông", "", "Năm 2030", "Lớp tập huấn", ""],
            [3, "Báo cáo đánh giá năm 2018", "Sở Thông tin và Truyền thông", "", "Năm 2018", "Báo cáo", ""],
            [4, "Đào tạo nghề số", "Sở Lao động - Thương binh và Xã hội", "", "Năm 2030", "Lớp học", ""],
        ]
    )


def merger_and_split(agencies) -> ReorganisationDecision:
    """Sở TT&TT merged into Sở KH&CN; Sở LĐ-TB&XH split between Sở Nội vụ (task 4 of ``plan``, when it exists) and Sở Y tế."""
    made = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=MARCH)
    ReorganisationChange.objects.create(decision=made, kind=ChangeKind.MERGE, source=agencies["STTTT"], target=agencies["SKHCN"])
    for target in ("SNV", "SYT"):
        ReorganisationChange.objects.create(decision=made, kind=ChangeKind.SPLIT, source=agencies["SLDTBXH"], target=agencies[target])
    return made


def parts(plan) -> dict[str, set]:
    """Each task's assignments as stored, by task number: agency, role, inherited from, from which day, by which change."""
    found: dict[str, set] = {}
    for row in TaskAssignment.objects.filter(task__plan=plan).values_list(
        "task__number", "agency__code", "role", "inherited_from__code", "inherited_on", "inherited_via__kind"
    ):
        found.setdefault(row[0], set()).add(row[1:])
    return found


def test_importing_the_plan_again_after_a_merger_and_a_split_keeps_the_open_work_where_the_decision_put_it(agencies):
    plan = PlanFactory(symbol="28/KH-UBND", issued_on=D(2017, 8, 23), starts_on=D(2017, 8, 23))
    assert annex_import(plan=plan, upload=annex()).ok
    Task.objects.filter(plan=plan, number="3").update(completed_on=D(2018, 12, 20))
    made = merger_and_split(agencies)
    TaskDestination.objects.create(change=made.changes.get(target__code="SNV"), task=plan.tasks.get(number="4"))
    decision_apply(decision=made, by=None, none_chosen_confirmed=True)  # Sở Y tế takes none of these tasks
    after_decision = parts(plan)
    assert after_decision["1"] == {("SKHCN", LEAD, "STTTT", MARCH, None)}  # the conflict rule: one part, the stronger role
    assert after_decision["2"] == {("SKHCN", LEAD, "STTTT", MARCH, ChangeKind.MERGE)}
    assert after_decision["3"] == {("STTTT", LEAD, None, None, None)}  # completed: stays with the agency that did it
    assert after_decision["4"] == {("SNV", LEAD, "SLDTBXH", MARCH, ChangeKind.SPLIT)}
    rows_before = set(TaskAssignment.objects.filter(task__plan=plan).values_list("pk", flat=True))

    outcome = annex_import(plan=plan, upload=annex())

    assert outcome.ok, outcome.errors
    assert (outcome.summary.created, outcome.summary.updated, outcome.summary.unchanged) == (0, 0, 4)
    assert parts(plan) == after_decision
    assert set(TaskAssignment.objects.filter(task__plan=plan).values_list("pk", flat=True)) == rows_before

    # A task the file changes is written again, and its part is still today's holder's.
    outcome = annex_import(plan=plan, upload=annex(title_2="Tập huấn kỹ năng số cho cán bộ"))
    assert (outcome.summary.updated, outcome.summary.unchanged) == (1, 3)
    assert parts(plan) == after_decision


def test_a_plan_imported_for_the_first_time_after_a_merger_is_as_if_it_had_been_here_when_the_decision_was_applied(agencies):
    before = PlanFactory(symbol="28/KH-UBND", issued_on=D(2017, 8, 23), starts_on=D(2017, 8, 23))
    assert annex_import(plan=before, upload=annex()).ok
    made = merger_and_split(agencies)
    TaskDestination.objects.create(change=made.changes.get(target__code="SNV"), task=before.tasks.get(number="4"))
    decision_apply(decision=made, by=None, none_chosen_confirmed=True)  # no task here yet: the split takes none
    later = PlanFactory(symbol="29/KH-UBND", issued_on=D(2017, 9, 1), starts_on=D(2017, 9, 1))

    with translation.override("vi"):
        outcome = annex_import(plan=later, upload=annex())

    assert outcome.ok, outcome.errors
    expected = parts(before)
    expected["4"] = {("SLDTBXH", LEAD, None, None, None)}  # a split names no destination for a task it never saw…
    assert parts(later) == expected
    waiting = waiting_for_reassignment(today=D(2026, 1, 5))
    assert [(a.task.plan, a.task.number) for a in waiting] == [(later, "4")]  # …so it waits for the coordinator
    assert outcome.warnings == [
        "Sở TT&TT đã chuyển giao công việc cho Sở KH&CN từ ngày 01/03/2025: nhiệm vụ chưa hoàn thành giao cho Sở KH&CN, "
        "nhiệm vụ đã hoàn thành vẫn là của Sở TT&TT."
    ]


def test_a_dry_run_after_a_merger_warns_and_writes_nothing(agencies):
    decision_apply(decision=merger_and_split(agencies), by=None)
    plan = PlanFactory(symbol="28/KH-UBND", issued_on=D(2017, 8, 23), starts_on=D(2017, 8, 23))
    outcome = annex_import(plan=plan, upload=annex(), dry_run=True)
    assert outcome.ok and len(outcome.warnings) == 1 and outcome.summary.created == 4
    assert not Task.objects.filter(plan=plan).exists()


def past_holders(plan) -> set:
    """Each part's past holders as stored: task number, holder now, past holder, its role, until when, folded."""
    return set(
        PastHolding.objects.filter(task__plan=plan).values_list(
            "task__number", "part__agency__code", "agency__code", "role", "held_to", "folded"
        )
    )


def test_an_annex_imported_after_a_merger_keeps_the_agencies_it_named_as_the_parts_past_holders(agencies):
    before = PlanFactory(symbol="28/KH-UBND", issued_on=D(2017, 8, 23), starts_on=D(2017, 8, 23))
    assert annex_import(plan=before, upload=annex()).ok
    decision_apply(decision=_merger_only(agencies), by=None)
    later = PlanFactory(symbol="29/KH-UBND", issued_on=D(2017, 9, 1), starts_on=D(2017, 9, 1))

    assert annex_import(plan=later, upload=annex()).ok

    expected = {
        ("1", "SKHCN", "STTTT", LEAD, MARCH, True),  # Sở TT&TT's lead part folded into Sở KH&CN's own…
        ("1", "SKHCN", "SKHCN", COOPERATING, MARCH, False),  # …which cooperated until then
        ("2", "SKHCN", "STTTT", LEAD, MARCH, False),
        ("3", "SKHCN", "STTTT", LEAD, MARCH, False),  # overdue since 2018, still open
    }
    assert past_holders(before) == expected
    assert past_holders(later) == expected  # as if the plan had been here when the decision was applied
    task = later.tasks.get(number="2")
    (in_2018,) = holdings_on(on=D(2018, 12, 14), tasks=Q(task=task))
    assert in_2018.agency_id == agencies["STTTT"].pk  # a 2018 summary names the agency of 2018
    assert annex_import(plan=later, upload=annex(title_2="Tập huấn kỹ năng số")).ok  # written again: kept, not doubled
    assert past_holders(later) == expected


def _merger_only(agencies) -> ReorganisationDecision:
    made = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=MARCH)
    ReorganisationChange.objects.create(decision=made, kind=ChangeKind.MERGE, source=agencies["STTTT"], target=agencies["SKHCN"])
    return made


def _history(plan, number: str) -> set:
    return set(PastHolding.objects.filter(task__plan=plan, task__number=number).values_list("agency__code", "held_to"))


def test_importing_the_plan_again_never_undoes_a_coordinators_reassignment(agencies):
    """Sở TT&TT merged into Sở KH&CN, whose part of task 2 the coordinator then gave to Sở Y tế; Sở LĐ-TB&XH's task 4
    waited (the department dissolved) and was reassigned to Sở Nội vụ, which the coordinator later replaced by
    Sở Y tế. Writing the annex again (a task's title changed) leaves both with Sở Y tế, keeps who held them when, and
    the preview says so."""
    from reports.reorganisation.services import assignments_reassign

    plan = PlanFactory(symbol="28/KH-UBND", issued_on=D(2017, 8, 23), starts_on=D(2017, 8, 23))
    assert annex_import(plan=plan, upload=annex()).ok
    made = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=MARCH)
    ReorganisationChange.objects.create(decision=made, kind=ChangeKind.MERGE, source=agencies["STTTT"], target=agencies["SKHCN"])
    ReorganisationChange.objects.create(decision=made, kind=ChangeKind.DISSOLVE, source=agencies["SLDTBXH"])
    decision_apply(decision=made, by=None)  # task 4 waits for the coordinator
    second, fourth = (TaskAssignment.objects.get(task__plan=plan, task__number=n) for n in ("2", "4"))
    assignments_reassign(assignments=[second], agency=agencies["SYT"], today=D(2025, 6, 2))
    assignments_reassign(assignments=[fourth], agency=agencies["SNV"], today=D(2025, 4, 1))
    fourth.refresh_from_db()
    assignments_reassign(assignments=[fourth], agency=agencies["SYT"], today=D(2025, 9, 1))
    reassigned = parts(plan)
    assert {row[:4] for row in reassigned["2"]} == {("SYT", LEAD, "SKHCN", D(2025, 6, 2))}
    assert {row[:4] for row in reassigned["4"]} == {("SYT", LEAD, "SNV", D(2025, 9, 1))}
    history = {number: _history(plan, number) for number in ("2", "4")}
    assert history["4"] == {("SLDTBXH", D(2025, 4, 1)), ("SNV", D(2025, 9, 1))}

    with translation.override("vi"):
        preview = annex_import(plan=plan, upload=annex(title_2="Tập huấn kỹ năng số"), dry_run=True)
        outcome = annex_import(plan=plan, upload=annex(title_2="Tập huấn kỹ năng số"))

    assert outcome.ok, outcome.errors
    assert parts(plan)["2"] == reassigned["2"] and parts(plan)["4"] == reassigned["4"]  # was back with Sở KH&CN and Sở LĐ-TB&XH
    assert {number: _history(plan, number) for number in ("2", "4")} == history
    said = " ".join(preview.warnings)
    assert "Nhiệm vụ 2" in said and "Sở Y tế" in said and "02/06/2025" in said
    assert "Nhiệm vụ 4" in said and "01/09/2025" in said
