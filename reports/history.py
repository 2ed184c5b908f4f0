"""The change history as people read it: Vietnamese labels for states and choices, local times, day-first dates."""

import datetime
import os

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


SHOWN = 60  # characters of each side of a change
BEFORE_DIFFERENCE = 20  # characters kept before the first difference, to read it in context


def change_excerpts(old: str, new: str, *, width: int = SHOWN) -> tuple[str, str]:
    """The two sides of a change as a reader compares them, each at most ``width`` characters (and "…").

    A long text changed near its end would show the same first ``width`` characters on both sides;
    both sides then start a little before the first difference, at a word, with "…" in front.
    """
    start = len(os.path.commonprefix([old, new]))
    begin = 0
    if start > width - BEFORE_DIFFERENCE and (len(old) > width or len(new) > width):
        begin = old.rfind(" ", 0, start - BEFORE_DIFFERENCE) + 1 or start - BEFORE_DIFFERENCE

    def excerpt(text: str) -> str:
        piece = ("…" if begin else "") + text[begin:]
        return piece if len(piece) <= width else piece[: width - 1] + "…"

    return excerpt(old), excerpt(new)
