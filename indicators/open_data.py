"""A published plan's indicators as open data: one row per value (an indicator without a value yet has one row
with the value fields empty), with the same judgement as the pages; ``FIELDS`` is their data dictionary."""

import datetime

from django.utils.translation import gettext_lazy

from .rules import provinces_in
from .selectors import IndicatorRow

FIELDS = {
    "plan_symbol": ("text", gettext_lazy("Number and symbol of the plan whose indicators the file holds.")),
    "indicator_id": ("integer", gettext_lazy("The indicator's id in the portal (the API's /api/v1/indicators/<id>/).")),
    "code": ("text", gettext_lazy("The indicator's short name, e.g. PCI, CT-01.")),
    "name": ("text", gettext_lazy("The indicator as the plan or the index words it.")),
    "scope": ("code", gettext_lazy("plan: an indicator of this plan; province: a province-wide index the plan names.")),
    "kind": ("code", gettext_lazy("number, percentage (0–100), rank (among the provinces of the value's year) or yes_no (1 yes, 0 no).")),
    "unit": ("text", gettext_lazy("Unit of the values, e.g. %, điểm, doanh nghiệp.")),
    "direction": ("code", gettext_lazy("higher or lower: which way is better (a rank is always better lower).")),
    "agency_code": ("code", gettext_lazy("Code of the agency reporting it today (after reorganisations).")),
    "agency_name": ("text", gettext_lazy("Name of that agency.")),
    "baseline_value": ("number", gettext_lazy("Baseline value; empty when the plan gives none.")),
    "baseline_year": ("integer", gettext_lazy("Year of the baseline value.")),
    "target_value": ("number", gettext_lazy("The target judged today: the first not yet due, else the last.")),
    "target_due_on": ("date", gettext_lazy("The date the target is due, ISO 8601.")),
    "as_of": ("date", gettext_lazy("The day the value describes, ISO 8601: the period's cut-off or 31/12 of the year.")),
    "year": ("integer", gettext_lazy("The year the value counts for.")),
    "provinces": ("integer", gettext_lazy("For a rank: the number of provinces of that year (63 before 2025, 34 from 2025).")),
    "value": ("number", gettext_lazy("The value (yes/no as 1/0); corrected values are left out, the correction is given.")),
    "source": ("text", gettext_lazy("The document the value comes from: a published index, or the accepted report.")),
    "source_url": ("text", gettext_lazy("Where the source document is published, when known.")),
    "published_on": ("date", gettext_lazy("When the value was published or accepted, ISO 8601.")),
    "is_illustrative": ("boolean", gettext_lazy("true: an illustrative figure (demonstration data), not a published statistic.")),
    "judgement": (
        "code",
        gettext_lazy("achieved, at_risk, not_achieved or no_data: the indicator's judgement today (the rule on the page)."),
    ),
    "share_of_way": ("number", gettext_lazy("Share of the way from baseline to target covered, in %.")),
}


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def open_data_rows(plan_symbol: str, rows: list[IndicatorRow]) -> list[dict]:
    """The file's rows, in the order of ``FIELDS``."""
    out = []
    for row in rows:
        indicator = row.indicator
        common = {
            "plan_symbol": plan_symbol,
            "indicator_id": indicator.pk,
            "code": indicator.code,
            "name": indicator.name,
            "scope": indicator.scope,
            "kind": indicator.kind,
            "unit": indicator.unit,
            "direction": indicator.direction,
            "agency_code": row.reporter.code if row.reporter else "",
            "agency_name": row.reporter.name if row.reporter else "",
            "baseline_value": "" if indicator.baseline_value is None else str(indicator.baseline_value),
            "baseline_year": indicator.baseline_year or "",
            "target_value": str(row.target.value) if row.target else "",
            "target_due_on": _iso(row.target.due_on if row.target else None),
        }
        tail = {"judgement": row.judgement, "share_of_way": "" if row.verdict.share is None else str(row.verdict.share)}
        for value in row.values or [None]:
            out.append(
                {
                    **common,
                    "as_of": _iso(value.measured_on) if value else "",
                    "year": value.year if value else "",
                    "provinces": provinces_in(value.year) if value and indicator.kind == "rank" else "",
                    "value": str(value.value) if value else "",
                    "source": value.source if value else "",
                    "source_url": value.source_url if value else "",
                    "published_on": _iso(value.published_on) if value else "",
                    "is_illustrative": bool(value.is_illustrative or indicator.is_illustrative) if value else indicator.is_illustrative,
                    **tail,
                }
            )
    return out


def dictionary() -> list[dict]:
    return [{"name": name, "type": kind, "description": str(meaning)} for name, (kind, meaning) in FIELDS.items()]
