"""Agencies as annexes write them: official name, abbreviation or code, several to a cell.

Official names contain commas ("Sở Văn hóa, Thể thao và Du lịch", "UBND các huyện, thị xã,
thành phố"), so a cell is first split on ";" and line breaks, and only then on commas, joining
the pieces back whenever the joined text is a known name.
"""

import datetime
import difflib
import re
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text, search_key
from plans.models import Agency, AgencyGroup

_HARD_SEPARATORS = re.compile(r"[;\n\r]+")


@lru_cache(maxsize=4096, typed=True)  # an import asks for the same few dozen names thousands of times
def agency_key(text: object) -> str:
    """Search key with the spellings offices mix: "UBND" = "Ủy ban nhân dân", "&" = "và"."""
    key = search_key(text).replace("&", " va ")
    key = re.sub(r"\bubnd\b", "uy ban nhan dan", key)
    key = re.sub(r"[.]+$", "", key)
    return " ".join(key.split())


class AgencyMatcher:
    """Finds agencies and groups by any of their spellings; loaded once per import."""

    def __init__(self, on: datetime.date | None = None) -> None:
        """``on``: the plan's date. A name of an agency that had ceased by then is resolved to its successor, with a warning;
        for a plan dated before the change the old agency is kept, since it existed then."""
        self.entries: dict[str, Agency | AgencyGroup] = {}
        self.replaced: dict[str, tuple[Agency, Agency]] = {}
        self.warnings: list[str] = []
        self.on = on
        self.empty_groups: set[int] = set()
        for group in AgencyGroup.objects.prefetch_related("memberships__agency"):
            for spelling in (group.code, group.name, *group.aliases):
                self.entries.setdefault(agency_key(spelling), group)
            if on is not None and not any(m.is_active_on(on) and m.agency.is_active_on(on) for m in group.memberships.all()):
                self.empty_groups.add(group.pk)
        for agency in Agency.objects.all():
            target = agency
            if agency.active_to and (on is None or on >= agency.active_to):
                target = agency.current(on)
            for spelling in (agency.code, agency.name, *agency.aliases):
                self.entries.setdefault(agency_key(spelling), target)
                if target.pk != agency.pk:
                    self.replaced.setdefault(agency_key(spelling), (agency, target))
        self._parsed: dict[str, tuple[list, list[str]]] = {}

    def find(self, text: str) -> Agency | AgencyGroup | None:
        key = agency_key(text)
        if key in self.replaced:
            old, new = self.replaced[key]
            warning = _("%(old)s merged into %(new)s from %(date)s") % {
                "old": old.short_name,
                "new": new.short_name,
                "date": old.active_to.strftime("%d/%m/%Y"),
            }
            if warning not in self.warnings:
                self.warnings.append(warning)
        entry = self.entries.get(key)
        if isinstance(entry, AgencyGroup) and entry.pk in self.empty_groups and self.on is not None:
            # "UBND các huyện" in a plan of 2026: the district level ended, the group names nobody on the plan's date.
            warning = _("%(group)s has no members on %(date)s (the plan's date): name the agencies instead") % {
                "group": entry.name,
                "date": self.on.strftime("%d/%m/%Y"),
            }
            if warning not in self.warnings:
                self.warnings.append(warning)
        return entry

    def suggest(self, text: str) -> str | None:
        """The closest known name, as the agency of today: a ceased agency's work is followed to the agency holding it now,
        and one whose work went to no agency is never proposed (a clerk would type a name that no longer exists)."""
        today = timezone.localdate()
        for match in difflib.get_close_matches(agency_key(text), self.entries.keys(), n=5, cutoff=0.6):
            entry = self.entries[match]
            if isinstance(entry, AgencyGroup):
                return entry.name
            entry = entry.current(today)
            if entry.is_active_on(today):
                return entry.name
        return None

    def parse(self, cell: object) -> tuple[list[Agency | AgencyGroup], list[str]]:
        """Split a cell into agencies and groups; return them and the messages for unknown names."""
        key = "" if cell is None else str(cell)
        if key not in self._parsed:  # annexes repeat the same few cells thousands of times
            self._parsed[key] = self._parse(cell)
        return self._parsed[key]

    def _parse(self, cell: object) -> tuple[list[Agency | AgencyGroup], list[str]]:
        text = clean_text(cell, keep_lines=True)
        if not text:
            return [], []
        found: list = []
        unknown: list[str] = []
        for chunk in _HARD_SEPARATORS.split(text):
            chunk = clean_text(chunk).strip(" ,.")
            if not chunk:
                continue
            entry = self.find(chunk)
            if entry is not None:
                found.append(entry)
                continue
            matched, missing = self._split_commas(chunk)
            found.extend(matched)
            unknown.extend(missing)
        messages = []
        for name in unknown:
            suggestion = self.suggest(name)
            if suggestion:
                messages.append(_("Unknown agency “%(name)s”: did you mean “%(suggestion)s”?") % {"name": name, "suggestion": suggestion})
            else:
                messages.append(_("Unknown agency “%(name)s”: add it to the agency registry or correct the name.") % {"name": name})
        unique = list(dict.fromkeys(found))
        return unique, messages

    def _split_commas(self, chunk: str) -> tuple[list, list[str]]:
        """Greedy: at each piece, take the longest run of comma-separated pieces that is a known name."""
        pieces = [piece.strip() for piece in chunk.split(",") if piece.strip()]
        found, unknown, start = [], [], 0
        while start < len(pieces):
            for end in range(len(pieces), start, -1):
                entry = self.find(", ".join(pieces[start:end]))
                if entry is not None:
                    found.append(entry)
                    start = end
                    break
            else:
                unknown.append(pieces[start])
                start += 1
        return found, unknown
