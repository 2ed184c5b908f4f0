"""Today's agencies: rows of a retired agency fold into the row of the agency that holds its work now.

Pages group by today's agencies by default (issue 12): a merged department's completed tasks,
counts and late reports count in its successor's row, while each task and report still names
the agency that acted. A switch (``?tien_than=1``) shows predecessors separately. Only *main*
successors (mergers, renamings, ``AgencyLineage.main``) fold: a split or a transfer of functions
leaves the predecessor's row as it is, since no single agency holds its work.
"""

import datetime
from collections.abc import Iterable

from plans.models import Agency
from plans.selectors import holders_on

from .compliance import on_time_rate
from .dashboard import most_behind_first

PREDECESSORS_PARAM = "tien_than"
# Every other number of a row (led, each status, on_time, late, overdue, missing, late_reports) adds up
# when rows fold; the rate is recomputed from the sums (``compliance.on_time_rate``).
NOT_SUMMED = ("agency_id", "on_time_rate")


def successors_now(*, as_of: datetime.date) -> dict[int, Agency]:
    """For every agency whose work passed whole to another by ``as_of``, the agency that holds it on that day (one query)."""
    return holders_on(as_of=as_of)


def fold_into_successors(rows: Iterable[dict], *, as_of: datetime.date, successors: dict[int, Agency] | None = None) -> list[dict]:
    """The dashboard's agency rows (``reports.dashboard._agencies``' shape) grouped by today's agencies.

    A row of a retired agency is added into its successor's row (created when the successor led
    nothing itself); counts are summed and the on-time rate recomputed. Each folded row lists its
    predecessors in ``predecessors``. ``successors``: from :func:`successors_now` (read when not given).
    """
    successors = successors if successors is not None else successors_now(as_of=as_of)
    folded: dict[int, dict] = {}
    for row in rows:
        holder = successors.get(row["agency_id"])
        key = holder.pk if holder is not None else row["agency_id"]
        target = folded.get(key)
        if target is None:
            target = folded[key] = {**row, "predecessors": []}
            if holder is not None:
                target.update(agency_id=holder.pk, agency=holder, predecessors=[row["agency"]])
            continue
        if holder is not None:
            target["predecessors"].append(row["agency"])
        else:  # the successor's own row came after a predecessor's: it names the row
            target.update(agency=row["agency"])
        for name, value in row.items():
            if name not in NOT_SUMMED and isinstance(value, int) and not isinstance(value, bool):
                target[name] = target.get(name, 0) + value
    for row in folded.values():
        row["on_time_rate"] = on_time_rate(on_time=row["on_time"], late=row["late"], overdue=row["overdue"])
    result = list(folded.values())
    result.sort(key=most_behind_first)
    return result
