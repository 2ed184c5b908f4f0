"""The demo's 2025 reorganisation: the decisions of ``plans/data/reorganisation-2025.csv``, recorded and applied.

So that the demo of today is the province of today: the merged departments, the districts ended
with their open tasks in the coordinator's queue (two already reassigned), the transfers of
functions choosing their tasks by subject, as an administrator would in the preview.
"""

import csv
import datetime
import re
from pathlib import Path

from plans.choices import ChangeKind
from plans.models import Agency, AgencyGroup, ReorganisationDecision, User
from reports.reorganisation.loading import decisions_load
from reports.reorganisation.selectors import waiting_for_reassignment
from reports.reorganisation.services import assignments_reassign, decision_apply
from tasks.models import Task, TaskDestination

REORGANISATION_CSV = Path(__file__).resolve().parent.parent / "plans" / "data" / "reorganisation-2025.csv"
# The subjects each transfer of functions takes (the CSV's notes, as an administrator reads them).
FUNCTIONS = {
    ("STTTT", "SVHTTDL"): r"báo chí|xuất bản",
    ("SLDTBXH", "SYT"): r"bảo trợ|trẻ em|tệ nạn",
    ("SLDTBXH", "SGDDT"): r"nghề",
}
REASSIGNED_TO = "SNV"  # the two district tasks already reassigned in the demo


def ceasing() -> dict[str, datetime.date]:
    """By agency code, the day the CSV's decisions end it (before they are applied)."""
    groups = {group.code: group for group in AgencyGroup.objects.prefetch_related("members")}
    ends: dict[str, datetime.date] = {}
    with REORGANISATION_CSV.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] not in {ChangeKind.MERGE, ChangeKind.SPLIT, ChangeKind.RENAME, ChangeKind.DISSOLVE}:
                continue
            day = datetime.date.fromisoformat(row["effective"])
            codes = [m.code for m in groups[row["old_code"]].members.all()] if row["old_code"] in groups else [row["old_code"]]
            for code in codes:
                ends[code] = day
    return ends


def reorganise(*, tasks: list[Task], by: User, today: datetime.date) -> None:
    """Load the decisions, choose the tasks of each transfer of functions, apply them in date order, reassign two district tasks."""
    decisions_load(content=REORGANISATION_CSV.read_bytes())
    for decision in ReorganisationDecision.objects.filter(applied_at__isnull=True).order_by("effective_on"):
        for change in decision.changes.filter(kind=ChangeKind.FUNCTIONS).select_related("source", "target"):
            pattern = FUNCTIONS.get((change.source.code, change.target.code))
            if pattern is None:
                continue
            for task in Task.objects.filter(assignments__agency=change.source, completed_on__isnull=True).distinct():
                if re.search(pattern, task.title, flags=re.IGNORECASE):
                    TaskDestination.objects.get_or_create(change=change, task=task)
        # A transfer whose subject matches no open task takes none: the administrator confirms it, as the preview asks.
        decision_apply(decision=decision, by=by, none_chosen_confirmed=True)
    waiting = list(waiting_for_reassignment(today=today)[:2])
    if waiting:
        assignments_reassign(assignments=waiting, agency=Agency.objects.get(code=REASSIGNED_TO), today=today)
