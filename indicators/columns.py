"""The columns of leadership's list of indicators (``/dieu-hanh/chi-tieu/``): its Excel export writes them, each figure
as the pages write it (``indicators.formatting.figure_text``), the share of the way and the judgement as the list
shows them (``indicators.rules.judge``, read through ``selectors.indicator_rows``)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.columns import Column, day
from core.formatting import percent_text

from .formatting import figure_text


def _figure(row, figure) -> str:
    if figure is None:
        return "—"
    return figure_text(kind=row.indicator.kind, unit=row.indicator.unit, value=figure.value, year=figure.year)


INDICATORS = [
    Column("code", _("Code"), lambda row: row.indicator.code),
    Column("indicator", _("Indicator"), lambda row: row.indicator.name),
    Column("kind", _("Kind"), lambda row: row.indicator.get_kind_display()),
    Column("reporter", _("Agency reporting"), lambda row: (row.reporter.short_name or row.reporter.name) if row.reporter else ""),
    Column("baseline", _("Baseline"), lambda row: _figure(row, row.baseline)),
    Column("baseline_year", _("Baseline year"), lambda row: row.baseline.year if row.baseline else ""),
    Column("latest", _("Latest"), lambda row: _figure(row, row.latest)),
    Column("measured_on", _("Measured on"), lambda row: day(row.latest.measured_on) if row.latest else ""),
    Column("target", _("Target"), lambda row: _figure(row, row.target)),
    Column("due_on", _("Reach by"), lambda row: day(row.target.due_on) if row.target else ""),
    Column("share", _("Share of the way"), lambda row: percent_text(row.verdict.share) if row.verdict.share is not None else "—"),
    Column("judgement", _("Judgement"), lambda row: row.judgement_label),
    Column("reason", _("Why"), lambda row: row.verdict.reason),
    Column("illustrative", _("Illustrative figures"), lambda row: gettext("yes") if row.is_illustrative else ""),
]
