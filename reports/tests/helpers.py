"""Reports made the way agencies make them: through the services, step by step."""

import datetime
import threading

from django.db import connections

from reports.services import report_save, report_transition


def report_accept(*, task, agency, period, officer, head, coordinator, progress=40, at=None, **texts):
    """Draft, submit and accept an agency's report; ``texts`` are results, difficulties, proposals."""
    texts.setdefault("results", "Đã triển khai theo kế hoạch")  # a report is sent with its results (or evidence)
    data = {"progress": progress, "work_state": "completed" if progress == 100 else "in_progress", **texts}
    if progress == 100:
        data.setdefault("completed_on", period.last_day)
    report = report_save(task=task, agency=agency, period=period, by=officer, data=data, version=None)
    report_transition(report=report, action="submit", by=head, notify=False, at=at)
    return report_transition(report=report, action="accept", by=coordinator, notify=False, at=at)


def assert_kept_figures_true(*, days=None) -> None:
    """The kept counts of lead parts (``tasks.kept``) and of sent lead reports (``reports.figures``) equal the recount,
    row for row, and the dashboard's per-agency figures read from them equal the ones counted from every assignment
    and report, on each of ``days`` (dates pass without writes) and for every stored period."""
    from django.utils import timezone

    from plans.models import Plan
    from reports.compliance import lead_counts_by_agency, lead_counts_by_agency_recounted, sent_owed_by_agency, sent_owed_by_agency_kept
    from reports.dashboard import _trend_periods, task_groups, task_groups_recounted
    from reports.models import ReportingPeriod
    from reports.selectors import due_periods
    from tasks.kept import lead_parts_drift

    assert lead_parts_drift() == {}
    plans = list(Plan.objects.all())
    plan_ids = [plan.pk for plan in plans]
    today = timezone.localdate()
    for day in days or (today - datetime.timedelta(days=3650), today, today + datetime.timedelta(days=3650)):
        starts = {plan_id: due.period for plan_id, due in due_periods(plans, day, rows=False).items()}
        kept = lead_counts_by_agency(plan_ids, as_of=day, starts=starts)
        recounted = lead_counts_by_agency_recounted(plan_ids, as_of=day, starts=starts)
        assert {a: (dict(c), c.owing) for a, c in kept.items() if sum(c.values())} == {
            a: (dict(c), c.owing) for a, c in recounted.items()
        }, day
        cutoffs = _trend_periods(plans, day)
        assert _groups(task_groups(set(plan_ids), day, cutoffs)) == _groups(task_groups_recounted(set(plan_ids), day, cutoffs)), day
        for row in ReportingPeriod.objects.all():
            due: dict[int, ReportingPeriod | None] = dict.fromkeys(plan_ids, row)
            assert sent_owed_by_agency_kept(due, as_of=day) == sent_owed_by_agency(due, as_of=day), (day, str(row))


def _groups(rows: list[dict]) -> dict:
    return {(row["plan_id"], row["section_id"], row["status_code"]): {k: v or 0 for k, v in row.items()} for row in rows}


def run_at_once(*steps) -> list[BaseException]:
    """Run each step in its own thread (named ``writer-<n>``) and database connection; return the errors they raised."""
    errors: list[BaseException] = []

    def run(step):
        try:
            step()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(step,), name=f"writer-{n}") for n, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer is still waiting"
    return errors
