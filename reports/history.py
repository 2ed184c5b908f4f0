"""The change history as people read it: Vietnamese labels for states and choices, local times, day-first dates."""

import datetime

from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _


def history_value(field: Field, value) -> str:
    """One value of a history diff: "Đã gửi" rather than "submitted", "14:05 20/12/2018" rather than "+00:00"."""
    if value in (None, ""):
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%H:%M %d/%m/%Y}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, str) and field.get_internal_type() == "DateTimeField":
        parsed = datetime.datetime.fromisoformat(value)
        return history_value(field, parsed)
    return str(value)
