"""One plan's figures as the seven places that show them give them, read side by side (issue 25's closing check).

The seven places: the leadership dashboard, the public plan page, the API, the open data, the leadership list's
Excel export, the summary's annex and the summary's body. Each is read through the portal's own views, exports
and services, as a person or another system would read it (Django's test client, in this process): nothing is
recomputed here but the on-time rate, which every place derives from its counts by the one rule
(``reports.compliance.on_time_rate``).

The summary is compiled for the period up to today (its cut-off today), so that it counts what the live
places count. Everything runs in one transaction that is rolled back, and the summary's files are deleted:
the check leaves nothing behind.
"""

import dataclasses
import io
import json
import logging
import re
import zipfile
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from plans.choices import PeriodKind, Role
from plans.models import Plan, User
from plans.policy import ROLE_GROUPS
from reports import compliance
from reports.dashboard import dashboard
from reports.models import Summary
from reports.periods import period_containing
from reports.services import reporting_period_get_or_create
from reports.summaries.service import summary_compile
from tasks.choices import TaskStatus
from tasks.status import status_label

PLACES = ("dashboard", "public page", "API", "open data", "Excel list", "summary annex", "summary body")
STATUSES = [status.value for status in TaskStatus]
# The body's sentence on the whole plan (reports.summaries.prose._count), the first of its kind in the document.
BODY_COUNTS = re.compile(
    r"tổng số (\d+) nhiệm vụ: (\d+) nhiệm vụ đã hoàn thành đúng hạn, (\d+) nhiệm vụ hoàn thành quá hạn, (\d+) nhiệm vụ "
    r"đang thực hiện trong hạn, (\d+) nhiệm vụ chưa hoàn thành, quá hạn và (\d+) nhiệm vụ thường xuyên; tiến độ bình quân (\d+)%"
)
# The public plan page's panel (templates/plans/plan_detail.html): each status's count (a link to its rows when it is
# not 0), the overall progress bar.
PAGE_COUNTS = re.compile(r'<span class="dot status-(\w+)"></span>[^<]*: (?:<strong>|<a [^>]*>)(\d+)</')
PAGE_PROGRESS_FROM = 'role="progressbar"'
PAGE_PROGRESS = re.compile(r'aria-valuenow="(\d+)"')
BODY_ORDER = (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE, TaskStatus.IN_PROGRESS, TaskStatus.OVERDUE, TaskStatus.ONGOING)


@dataclasses.dataclass
class Figures:
    """What one place says of one plan: tasks by status, mean progress (%) as it gives it, and the on-time rate."""

    counts: dict[str, int]
    progress: float | None
    on_time_rate: float | None = None

    def __post_init__(self):
        self.on_time_rate = compliance.on_time_rate(
            on_time=self.counts[TaskStatus.DONE_ON_TIME], late=self.counts[TaskStatus.DONE_LATE], overdue=self.counts[TaskStatus.OVERDUE]
        )

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def shown(self) -> tuple:
        """What a reader compares: the counts, the progress as the summary writes it (a whole percent) and the rate."""
        return (self.counts, _whole(self.progress), None if self.on_time_rate is None else round(float(self.on_time_rate), 1))

    def as_dict(self) -> dict:
        return {
            "tasks": self.total,
            **self.counts,
            "progress": None if self.progress is None else round(float(self.progress), 2),
            "on_time_rate": None if self.on_time_rate is None else round(float(self.on_time_rate), 1),
        }


def _whole(value) -> int | None:
    return None if value is None else int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _from_rows(rows: list[tuple[str, float]]) -> Figures:
    counts = Counter(status for status, _progress in rows)
    progress = sum(Decimal(str(p)) for _s, p in rows) / len(rows) if rows else None
    return Figures({s: counts[s] for s in STATUSES}, None if progress is None else float(progress))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _labels() -> dict[str, str]:
    labels = {}
    for status in STATUSES:
        labels[status_label(status)] = labels[status_label(status, extended=True)] = status
    return labels


def _dashboard(plan: Plan, today) -> Figures | None:
    shown = [p for p in dashboard(today=today).plans if p.pk == plan.pk]
    if not shown:
        return None  # the dashboard shows the plans in force only
    counts, progress = getattr(shown[0], "counts"), getattr(shown[0], "overall_progress")  # noqa: B009 - set by the dashboard
    return Figures({s: counts[s] for s in STATUSES}, progress)


def _public_page(client: Client, plan: Plan) -> Figures | None:
    """The page as a visitor reads it: the count beside each status's dot and the overall progress bar's percent."""
    if not plan.is_published:
        return None
    html = client.get(plan.get_absolute_url(), secure=True).content.decode()
    counts = {status: int(n) for status, n in PAGE_COUNTS.findall(html)}
    progress = PAGE_PROGRESS.search(html[html.index(PAGE_PROGRESS_FROM) :]) if PAGE_PROGRESS_FROM in html else None
    return Figures({s: counts.get(s, 0) for s in STATUSES}, int(progress.group(1)) if progress else None)


def _api(client: Client, plan: Plan) -> Figures:
    rows: list[tuple[str, float]] = []
    url: str | None = "/api/v1/tasks/"
    params: dict[str, int] | None = {"plan": plan.pk, "page_size": 200}
    while url:
        page = client.get(url, params, secure=True).json()
        rows += [(r["status"], r["progress"]) for r in page["results"]]
        url, params = page.get("next"), None
    return _from_rows(rows)


def _open_data(client: Client, plan: Plan) -> Figures | None:
    if not plan.is_published:
        return None
    tasks = json.loads(_body(client.get(reverse("public:open_data", args=[plan.pk, "json"]), secure=True)))["tasks"]
    return _from_rows([(r["status"], r["progress"]) for r in tasks])


def _excel_list(client: Client, plan: Plan) -> Figures:
    params: dict[str, str | int] = {"family": plan.pk, "format": "xlsx"}
    response = client.get(reverse("reports:dashboard_tasks"), params, secure=True)
    sheet = list(load_workbook(io.BytesIO(_body(response)), read_only=True).active.iter_rows(values_only=True))
    header = list(sheet[1])
    status_at, progress_at = header.index(status_label_header("status")), header.index(status_label_header("progress"))
    labels = _labels()
    return _from_rows([(labels[row[status_at]], row[progress_at]) for row in sheet[2:] if row[status_at]])


def status_label_header(key: str) -> str:
    """The export's header of a column of the leadership list (its words, in the language of the export)."""
    from reports.columns import LEADERSHIP_TASKS

    return next(str(column.header) for column in LEADERSHIP_TASKS if column.key == key)


def _summary(plan: Plan, today) -> tuple[Figures, Figures]:
    """The summary of the period up to today: its annex's rows and its body's sentence on the whole plan."""
    kind = next((k for k in (plan.reporting_kinds or []) if k in PeriodKind.values), PeriodKind.HALF_YEAR)
    period = dataclasses.replace(period_containing(today, kind), last_day=today)
    row = reporting_period_get_or_create(period=period)
    Summary.objects.filter(plan=plan, period=row).delete()  # rolled back with the rest: a fresh draft to compile
    summary = summary_compile(plan=plan, period=period)
    try:
        annex = list(load_workbook(summary.annex.open("rb"), read_only=True).active.iter_rows(min_row=5, values_only=True))
        labels = _labels()
        from_annex = _from_rows([(labels[r[7]], r[8]) for r in annex if r[7]])
        with zipfile.ZipFile(io.BytesIO(summary.document.open("rb").read())) as document:
            xml = document.read("word/document.xml").decode()
    finally:
        summary.annex.close()
        summary.document.close()
        for file in (summary.annex, summary.document):
            file.storage.delete(file.name)
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    found = BODY_COUNTS.search(text)
    if found is None:
        raise ValueError(f"{plan.symbol}: the summary's body has no sentence on the whole plan")
    numbers = [int(n) for n in found.groups()]
    said: dict[str, int] = {status.value: n for status, n in zip(BODY_ORDER, numbers[1:6], strict=True)}
    body = Figures({s: said.get(s, 0) for s in STATUSES}, numbers[6])
    if body.total != numbers[0]:
        raise ValueError(f"{plan.symbol}: the summary's body says {numbers[0]} tasks, its counts add to {body.total}")
    return from_annex, body


def figures_side_by_side(symbols: list[str], *, today=None) -> dict[str, dict[str, Figures | None]]:
    """For each plan (by its number and symbol), each place's figures (None where the place does not show the plan)."""
    today = today or timezone.localdate()
    requests_log = logging.getLogger("vinhlong_cmcn4.requests")  # one line per request read: not this check's output
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)
    try:
        return _read(symbols, today)
    finally:
        requests_log.setLevel(level)


def _read(symbols: list[str], today) -> dict[str, dict[str, Figures | None]]:
    result: dict[str, dict[str, Figures | None]] = {}
    with translation.override("vi"), override_settings(ALLOWED_HOSTS=["testserver"]), transaction.atomic():
        reader = User.objects.create(username="doc-so-lieu-tam", full_name="Đọc số liệu (tạm, không lưu)")
        reader.groups.set([Group.objects.get_or_create(name=ROLE_GROUPS[Role.LEADERSHIP])[0]])
        client = Client()
        client.force_login(reader)
        for symbol in symbols:
            plan = Plan.objects.get(symbol__iexact=symbol)
            annex, body = _summary(plan, today)
            result[plan.symbol] = {
                "dashboard": _dashboard(plan, today),
                "public page": _public_page(client, plan),
                "API": _api(client, plan),
                "open data": _open_data(client, plan),
                "Excel list": _excel_list(client, plan),
                "summary annex": annex,
                "summary body": body,
            }
        transaction.set_rollback(True)  # the reader, its session and the compiled summary leave nothing behind
    return result


def disagreements(places: dict[str, Figures | None]) -> list[str]:
    """The places whose figures differ from the first place's (compared as a reader compares them)."""
    shown = {name: figures.shown() for name, figures in places.items() if figures is not None}
    if not shown:
        return []
    first_name, first = next(iter(shown.items()))
    return [f"{name} ≠ {first_name}" for name, value in shown.items() if value != first]
