"""Reports made the way agencies make them: through the services, step by step."""

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
