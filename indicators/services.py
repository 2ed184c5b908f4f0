"""Writes of the indicators app: recording a value, correcting it (the old value kept)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.locking import locked

from .models import Indicator, IndicatorValue
from .rules import value_problem


def value_check(*, indicator: Indicator, value: Decimal | None, year: int, field: str = "value") -> None:
    """Refuse a value the indicator's kind does not allow (``rules.value_problem``), naming ``field``."""
    if value is None:
        raise ValidationError({field: _("Give a value.")})
    if problem := value_problem(kind=indicator.kind, value=value, year=year):
        raise ValidationError({field: f"{indicator}: {problem}"})


def indicator_value_refusal(
    *,
    indicator: Indicator,
    measured_on: datetime.date | None,
    year: int | None,
    value: Decimal | None,
    source: str = "",
    correction_reason: str = "",
) -> IndicatorValue | None:
    """Check a value before anything is written (``ValidationError`` naming the field); the current value it would supersede, if any."""
    if measured_on is None:
        raise ValidationError({"measured_on": _("Give the day the value describes.")})
    if year is None:
        raise ValidationError({"year": _("Give the year the value counts for.")})
    value_check(indicator=indicator, value=value, year=year)
    current = IndicatorValue.objects.filter(indicator=indicator, measured_on=measured_on, superseded_at__isnull=True).first()
    if current is not None and (current.value, current.source, current.year) != (value, source, year) and not correction_reason.strip():
        raise ValidationError(
            {
                "correction_reason": _("%(indicator)s already has a value as of %(day)s: say why it is corrected.")
                % {"indicator": indicator, "day": measured_on.strftime("%d/%m/%Y")}
            }
        )
    return current


@transaction.atomic
def indicator_value_record(
    *,
    indicator: Indicator,
    measured_on: datetime.date,
    year: int,
    value: Decimal,
    by=None,
    period_label: str = "",
    source: str = "",
    source_url: str = "",
    published_on: datetime.date | None = None,
    note: str = "",
    is_illustrative: bool = False,
    correction_reason: str = "",
    at: datetime.datetime | None = None,
) -> IndicatorValue:
    """Record the indicator's value as of ``measured_on``; one already there is superseded, never overwritten.

    Correcting a value needs a reason (the history says why the figure moved). Recording the very
    same value and source again changes nothing.
    """
    locked(Indicator.objects).filter(pk=indicator.pk).first()  # one writer per indicator at a time
    current = indicator_value_refusal(
        indicator=indicator, measured_on=measured_on, year=year, value=value, source=source, correction_reason=correction_reason
    )
    at = at or timezone.now()
    if current is not None:
        if (current.value, current.source, current.year) == (value, source, year):
            return current
        current.superseded_at = at
        current.save(update_fields=["superseded_at"])
    row = IndicatorValue(
        indicator=indicator,
        measured_on=measured_on,
        year=year,
        period_label=period_label,
        value=value,
        source=source,
        source_url=source_url,
        published_on=published_on,
        note=note,
        is_illustrative=is_illustrative,
        recorded_by=by,
        recorded_at=at,
        correction_reason=correction_reason.strip() if current is not None else "",
    )
    row.full_clean()
    row.save()  # the shared figures follow this model (apps.READ_BY_FIGURES)
    return row


@transaction.atomic
def indicator_value_withdraw(*, value: IndicatorValue, reason: str, by=None, at: datetime.datetime | None = None) -> IndicatorValue | None:
    """Stop counting ``value`` (its report was withdrawn): it is superseded and kept; the value it had superseded for
    the same day, if any, stands again as a new current row naming ``reason`` (history is never rewritten).

    A value already superseded (corrected since) is left as it is. Returns the value that now counts for that day.
    """
    locked(Indicator.objects).filter(pk=value.indicator_id).first()  # one writer per indicator at a time
    value = IndicatorValue.objects.get(pk=value.pk)
    if value.superseded_at is not None:
        return IndicatorValue.objects.filter(
            indicator_id=value.indicator_id, measured_on=value.measured_on, superseded_at__isnull=True
        ).first()
    at = at or timezone.now()
    before = (
        IndicatorValue.objects.filter(indicator_id=value.indicator_id, measured_on=value.measured_on, superseded_at__isnull=False)
        .exclude(pk=value.pk)
        .filter(superseded_at__lte=value.recorded_at)
        .order_by("-superseded_at", "-recorded_at")
        .first()
    )
    value.superseded_at = at
    value.save(update_fields=["superseded_at"])
    if before is None:
        return None
    restored = IndicatorValue(
        indicator_id=before.indicator_id,
        measured_on=before.measured_on,
        year=before.year,
        period_label=before.period_label,
        value=before.value,
        source=before.source,
        source_url=before.source_url,
        published_on=before.published_on,
        note=before.note,
        is_illustrative=before.is_illustrative,
        recorded_by=by,
        recorded_at=at,
        correction_reason=reason,
    )
    restored.save()
    return restored
