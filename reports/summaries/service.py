"""When summaries are made: compiled on demand or after each cut-off, issued once, then frozen."""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.locking import locked
from core.outbox import job_enqueue
from plans import policy
from plans.choices import PeriodKind, PlanState
from plans.models import Plan, User

from .. import policy as reports_policy
from .. import summary_workflow as workflow
from ..choices import ReportState, SummaryState
from ..models import Report, Summary
from ..models.summaries import SnapshotEncoder
from ..periods import Period, parse_period_code, period_containing, period_of, period_read
from ..services import reporting_period_get_or_create
from . import streaming
from .annex import annex_tempfile, summary_annex_write
from .drafting import document_write, pdf_enqueue, sections_refresh
from .drafting import summary_issue as summary_issue  # issued from here before drafting.py existed
from .snapshot import TaskAtCutoff, lead_agency_names, lead_parts, plan_tree, summary_snapshot, task_rows

logger = logging.getLogger(__name__)


def summary_period(*, plan: Plan, code: str) -> Period:
    """Read a period code for a plan's summary, with a Vietnamese message naming what is wrong."""
    period = period_read(code, deadline_day=plan.report_deadline_day)
    if period.kind not in (plan.reporting_kinds or []):
        kinds = ", ".join(str(PeriodKind(kind).label).lower() for kind in plan.reporting_kinds or [])
        raise ValidationError(
            {"period": _("Plan %(plan)s does not report by this period (it uses: %(kinds)s).") % {"plan": plan.symbol, "kinds": kinds}}
        )
    if period.last_day < plan.starts_on:
        raise ValidationError(
            {
                "period": _("Plan %(plan)s had not started by the end of %(period)s.")
                % {"plan": plan.symbol, "period": period.label_in_sentence}
            }
        )
    if period.last_day >= timezone.localdate():
        raise ValidationError(
            {
                "period": _("%(period)s has not reached its cut-off (%(day)s) yet.")
                % {"period": period.label, "day": f"{period.last_day:%d/%m/%Y}"}
            }
        )
    return period


def summary_compile(*, plan: Plan, period: Period, by: User | None = None) -> Summary:
    """Compile (or compile again) the summary of ``plan`` for ``period``; one row per plan and period.

    Only a draft is compiled: a summary waiting for signature or issued is returned untouched. The
    row is locked while compiled, so two workers (or two beats) compiling the same period make one
    summary. Sections nobody has written take the new figures' text; written ones stay as written.
    """
    row = reporting_period_get_or_create(period=period)
    with translation.override("vi"), transaction.atomic():
        # The previous snapshot is replaced, never read: at 50,000 tasks loading it held ~9 MB of JSON and its objects.
        summary, _created = locked(Summary.objects).defer("snapshot").get_or_create(plan=plan, period=row)
        if not workflow.is_editable(summary.state):
            return summary
        _no_jit()
        summary.compiled_at = timezone.now()
        summary.compiled_by = by
        summary.error = ""
        _compile_files(summary, plan, period)
        if _snapshot_stream(summary):
            summary.save(update_fields=[f.name for f in Summary._meta.concrete_fields if not f.primary_key and f.name != "snapshot"])
        else:
            summary.save()
        pdf_enqueue(summary)
    return summary


def _no_jit() -> None:
    """PostgreSQL compiles a query it costs high (the summary's, a subquery per task) before running it,
    which takes longer than the query itself: not for this transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _snapshot_stream(summary: Summary) -> bool:
    """Write ``summary.snapshot`` to its row streamed (``streaming.py``), never as one string: at 50,000 tasks
    the snapshot is ~9 MB of JSON, and sending it as a query parameter held five copies of it at once
    (benchmarks/summary.py). False where the database cannot: ``save()`` then writes it as before."""
    if summary.pk is None or not streaming.copy_possible():
        return False
    quote = connection.ops.quote_name
    table, column = quote(Summary._meta.db_table), quote(Summary._meta.get_field("snapshot").column)  # the model's names, no input
    with connection.cursor() as cursor:
        streaming.upload_table(cursor, "summary_snapshot_upload", {"snapshot": "jsonb"})
        streaming.copy_in(cursor, "summary_snapshot_upload", ["snapshot"], [(streaming.json_pieces(summary.snapshot, SnapshotEncoder()),)])
        cursor.execute(  # one round trip; the table is dropped now, so a second compilation in this transaction can make it again
            f"UPDATE {table} SET {column} = upload.snapshot FROM summary_snapshot_upload upload WHERE {table}.id = %s; "  # noqa: S608
            "DROP TABLE summary_snapshot_upload",
            [summary.pk],
        )
    return True


def _compile_files(summary: Summary, plan: Plan, period: Period) -> None:
    """The snapshot, the annex, the sections' text, then the document. The rows of every task (and who led
    them) are let go once the annex is written, before the sections' text and the document are written: at
    50,000 tasks they and either of those together were most of the compilation's memory (benchmarks/summary.py)."""
    holdings = lead_parts(plan, period.last_day)  # who held the lead parts at the cut-off
    leads = lead_agency_names(plan, period.last_day, holdings)
    tasks = task_rows(plan, period.last_day, holdings)
    summary.snapshot = summary_snapshot(plan=plan, period=period, leads=leads, tasks=tasks, holdings=holdings)
    del holdings
    _annex_write(summary, period, leads, tasks)
    del leads, tasks
    texts = sections_refresh(summary)
    document_write(summary, texts)


def _annex_write(summary: Summary, period: Period, leads: dict[int, list[str]], tasks: list[TaskAtCutoff]) -> None:
    old = [f.name for f in (summary.annex, summary.pdf) if f]
    slug = summary.plan.symbol.replace("/", "-")
    path = annex_tempfile()
    try:
        summary_annex_write(summary=summary, leads=leads, path=path, tasks=tasks)
        with path.open("rb") as handle:
            summary.annex.save(f"phu-luc-{slug}-{period.code}.xlsx", File(handle), save=False)
    finally:
        path.unlink(missing_ok=True)
    summary.pdf = ""  # rendered again from the new document by a job
    storage = summary.annex.storage
    for name in old:
        transaction.on_commit(lambda name=name: storage.delete(name))


def summary_request(*, plan: Plan, period: Period, by: User) -> Summary:
    """Ask for a summary to be compiled (or compiled again) in the background; its page shows progress.

    The row exists at once, so the request is visible; an issued summary is refused.
    """
    if not (policy.may(by, policy.CHANGE, Summary) and reports_policy.summary_plan_open(by, plan)):
        raise PermissionDenied(_("You may not compile summaries."))
    row = reporting_period_get_or_create(period=period)
    with transaction.atomic():
        summary, _created = locked(Summary.objects).get_or_create(plan=plan, period=row)
        if summary.is_frozen:
            raise ValidationError(_("This summary was issued: it can no longer change."))
        if not workflow.is_editable(summary.state):
            raise ValidationError(_("This summary is waiting for signature: leadership returns it before it is compiled again."))
        summary.requested_at, summary.error = timezone.now(), ""
        summary.save(update_fields=["requested_at", "error"])
        job_enqueue("reports.jobs.summary_compile_job", plan.pk, period.code, by.pk)
    return summary


def last_closed_period(*, kind: str, today: datetime.date, deadline_day: int) -> Period:
    """The latest period of ``kind`` whose cut-off is before ``today``."""
    if kind == PeriodKind.NINE_MONTHS:
        this_year = period_of(kind, today.year, deadline_day=deadline_day)
        return this_year if this_year.last_day < today else period_of(kind, today.year - 1, deadline_day=deadline_day)
    current = period_containing(today, kind, deadline_day=deadline_day)
    return period_containing(current.first_day - datetime.timedelta(days=1), kind, deadline_day=deadline_day)


def summaries_due(*, today: datetime.date) -> list[tuple[Plan, Period]]:
    """The summaries to compile now: for each plan in force and each period kind it uses, the period
    just closed, unless its summary is issued or nothing was accepted since it was compiled."""
    due = []
    for plan in Plan.objects.filter(state=PlanState.IN_FORCE).order_by("pk"):
        for kind in plan.reporting_kinds or []:
            period = last_closed_period(kind=kind, today=today, deadline_day=plan.report_deadline_day)
            if period.last_day < plan.starts_on:
                continue
            summary = Summary.objects.filter(plan=plan, period__kind=kind, period__year=period.year, period__number=period.number).first()
            if (
                summary is None
                or summary.state == SummaryState.DRAFT
                and (
                    summary.compiled_at is None
                    or Report.objects.filter(
                        plan_tree(plan, "task__"), state=ReportState.ACCEPTED, accepted_at__gt=summary.compiled_at
                    ).exists()
                )
            ):
                due.append((plan, period))
    return due


def summary_failure_record(*, plan_id: int, code: str, error: str) -> None:
    """Keep the error of a compilation that failed for good on the summary's row, for its page to show.

    (The job's failure itself is stored by django-celery-results and listed in the admin.)
    """
    plan = Plan.objects.filter(pk=plan_id).first()
    try:
        period = parse_period_code(code, deadline_day=plan.report_deadline_day) if plan else None
    except ValueError:
        period = None
    if period is None:
        return
    summary, _created = Summary.objects.get_or_create(plan=plan, period=reporting_period_get_or_create(period=period))
    if not summary.is_frozen:
        summary.error = error[:2000]
        summary.save(update_fields=["error"])
