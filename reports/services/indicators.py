"""Indicator values inside a report: checked and saved with the draft, recorded as actuals on acceptance."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text
from indicators.models import Indicator
from indicators.selectors import indicators_reported_by
from indicators.services import indicator_value_record, indicator_value_withdraw, value_check
from plans.models import User

from ..choices import ReportState
from ..models import Report, ReportedValue, ReportingPeriod
from ..periods import Period


def field_name(indicator: Indicator) -> str:
    """The form field (and error key) of an indicator's value in the report form and the API."""
    return f"indicator_{indicator.pk}"


def report_indicators(*, task_id: int, agency_id: int, period: ReportingPeriod | Period) -> list[Indicator]:
    """The indicators this agency reports in its report on this task for this period: those the task moves that
    the agency reports as of the period's cut-off (a successor after a merger, ``indicators_reported_by``)."""
    return indicators_reported_by(task_id=task_id, agency_id=agency_id, day=period.last_day)


def reported_values_check(
    *, indicators: list[Indicator], period: ReportingPeriod | Period, values: dict[int, tuple[Decimal | None, str]]
) -> None:
    """Refuse, before anything is written, a value of an indicator the report does not carry or its kind forbids."""
    carried = {indicator.pk: indicator for indicator in indicators}
    errors: dict[str, list] = {}
    for indicator_id, (value, _note) in values.items():
        indicator = carried.get(indicator_id)
        if indicator is None:
            errors.setdefault("__all__", []).append(_("This report does not carry the indicator no. %(id)s.") % {"id": indicator_id})
            continue
        if value is None:
            continue
        try:
            value_check(indicator=indicator, value=value, year=period.year, field=field_name(indicator))
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def reported_values_same(*, report: Report, values: dict[int, tuple[Decimal | None, str]]) -> bool:
    """Does ``report`` keep these values already, as :func:`reported_values_save` would keep them (a blank value: none)?"""
    kept = {row.indicator_id: (row.value, row.note) for row in report.indicator_values.all()}
    return all(
        kept.get(indicator_id) == (None if value is None else (value, clean_text(note or "", keep_lines=True)))
        for indicator_id, (value, note) in values.items()
    )


def reported_values_save(*, report: Report, values: dict[int, tuple[Decimal | None, str]]) -> None:
    """Keep the draft's values as given (a blank value takes the indicator out of the report); checked first."""
    indicators = report_indicators(task_id=report.task_id, agency_id=report.agency_id, period=report.period)
    reported_values_check(indicators=indicators, period=report.period, values=values)
    kept = {row.indicator_id: row for row in report.indicator_values.all()}
    for indicator_id, (value, note) in values.items():
        row = kept.get(indicator_id)
        if value is None:
            if row is not None:
                row.delete()
            continue
        note = clean_text(note or "", keep_lines=True)
        if row is None:
            ReportedValue.objects.create(report=report, indicator_id=indicator_id, value=value, note=note)
        elif (row.value, row.note) != (value, note):
            row.value, row.note = value, note
            row.save()


def reported_values_accept(*, report: Report, by: User, at: datetime.datetime | None = None) -> list[ReportedValue]:
    """The report was accepted: each value becomes the indicator's value as of the period's cut-off.

    A value already recorded for that day (published, or from an earlier acceptance) is superseded and kept,
    the report named as the reason.
    """
    at = at or timezone.now()
    period = report.period
    rows = list(report.indicator_values.select_related("indicator"))
    for row in rows:
        row.actual = indicator_value_record(
            indicator=row.indicator,
            measured_on=period.last_day,
            year=period.year,
            period_label=str(period),
            value=row.value,
            source=_("Report of %(agency)s for %(period)s") % {"agency": report.agency.name, "period": period.label_in_sentence},
            published_on=timezone.localtime(at).date(),
            note=row.note,
            by=by,
            correction_reason=_("Accepted in the report of %(agency)s on %(day)s.")
            % {"agency": report.agency.name, "day": timezone.localtime(at).strftime("%d/%m/%Y")},
            at=at,
        )
        row.save(update_fields=["actual"])
    return rows


def reported_values_withdraw(*, report: Report, reason: str, by: User, at: datetime.datetime | None = None) -> None:
    """The report was withdrawn: its accepted values stop counting as actuals (kept, superseded); a value they had
    replaced for the same day stands again (``indicators.services.indicator_value_withdraw``)."""
    at = at or timezone.now()
    because = _("The report of %(agency)s for %(period)s was withdrawn: %(reason)s") % {
        "agency": report.agency.name,
        "period": report.period.label_in_sentence,
        "reason": reason,
    }
    for row in report.indicator_values.exclude(actual=None).select_related("actual"):
        # Another report standing (same agency, period and figure) may have been accepted into the same value: it stays.
        shared = ReportedValue.objects.filter(actual=row.actual_id).exclude(report=report).exclude(report__state=ReportState.WITHDRAWN)
        if row.actual is not None and not shared.exists():
            indicator_value_withdraw(value=row.actual, reason=because, by=by, at=at)


def reported_values_refile(*, report: Report) -> None:
    """A withdrawn report sent again: its values let go of the actuals its withdrawn acceptance recorded (those stay as they
    were, withdrawn, in the indicators' history, as does the link in the values' own); accepted again, they are recorded anew."""
    for row in report.indicator_values.exclude(actual=None):
        row.actual = None
        row.save(update_fields=["actual"])
