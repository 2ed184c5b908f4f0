"""Load reorganisation decisions from a CSV like ``shared/data/reorganisation-2025.csv``.

Columns: ``effective`` (yyyy-mm-dd or dd/mm/yyyy), ``decision``, ``old_code``, ``new_code``, ``new_name``,
``kind`` (merge, split, rename, functions, dissolve; ``province-merge`` is noted, not applied:
the province is not an agency of its own registry), ``note``. An ``old_code`` may name a group
(``HUYEN``): the change applies to each of its members existing on the effective date. A
``new_code`` not yet in the registry is created with ``new_name``, existing from the effective date.
Rows sharing decision and effective date make one decision. Errors name row and column, in
Vietnamese, and nothing is written.
"""

import csv
import dataclasses
import datetime
import difflib
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.text import clean_text, search_key
from plans.choices import AgencyKind, ChangeKind
from plans.models import Agency, AgencyGroup, ReorganisationChange, ReorganisationDecision

COLUMNS = ("effective", "decision", "old_code", "new_code", "new_name", "kind", "note")
NOTED_KINDS = {"province-merge"}


@dataclasses.dataclass
class Loaded:
    decisions: list[ReorganisationDecision]
    notes: list[str]


def _date(text: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar day, no time)
        except ValueError:
            continue
    return None


class _Registry:
    def __init__(self) -> None:
        self.agencies = {agency.code.upper(): agency for agency in Agency.objects.all()}
        self.groups = {group.code.upper(): group for group in AgencyGroup.objects.all()}
        self.by_key = {search_key(agency.name): agency for agency in self.agencies.values()}

    def nearest(self, text: str) -> str | None:
        choices = {code: f"{agency.name} ({code})" for code, agency in self.agencies.items()}
        choices.update({search_key(agency.name): f"{agency.name} ({agency.code})" for agency in self.agencies.values()})
        match = difflib.get_close_matches(search_key(text) if not text.isupper() else text, list(choices), n=1, cutoff=0.5)
        return choices[match[0]] if match else None

    def find(self, text: str) -> Agency | None:
        return self.agencies.get(text.upper()) or self.by_key.get(search_key(text))


def _error(row: int, column: str, message: str) -> str:
    return _("Row %(row)d, column %(column)s: %(message)s") % {"row": row, "column": column, "message": message}


def _unknown(registry: _Registry, text: str) -> str:
    nearest = registry.nearest(text)
    if nearest:
        return _("no agency “%(text)s” in the registry. Did you mean %(nearest)s?") % {"text": text, "nearest": nearest}
    return _("no agency “%(text)s” in the registry.") % {"text": text}


@transaction.atomic
def decisions_load(*, content: bytes | str) -> Loaded:
    """Record the decisions of a CSV (not yet applied); raises ``ValidationError`` listing every bad cell."""
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
    registry, errors, notes = _Registry(), [], []
    decisions: dict[tuple[str, datetime.date], ReorganisationDecision] = {}
    planned: list[tuple[int, ReorganisationDecision, str, list[Agency], Agency | None, str]] = []
    for number, raw in enumerate(reader, start=2):
        cell = {column: clean_text(raw.get(column) or "") for column in COLUMNS}
        day = _date(cell["effective"])
        if day is None:
            errors.append(_error(number, "effective", _("“%(text)s” is not a date (yyyy-mm-dd).") % {"text": cell["effective"]}))
            continue
        if not cell["decision"]:
            errors.append(_error(number, "decision", _("give the number of the decision.")))
            continue
        if cell["kind"] in NOTED_KINDS:
            notes.append(
                _("Row %(row)d (%(kind)s): noted, nothing to apply in the registry: %(note)s")
                % {"row": number, "kind": cell["kind"], "note": cell["note"]}
            )
            continue
        if cell["kind"] not in ChangeKind.values:
            errors.append(
                _error(
                    number, "kind", _("“%(text)s” is not one of %(kinds)s.") % {"text": cell["kind"], "kinds": ", ".join(ChangeKind.values)}
                )
            )
            continue
        group = registry.groups.get(cell["old_code"].upper())
        if group is not None:
            sources = list(group.members_on(day - datetime.timedelta(days=1)).order_by("name"))
        else:
            source = registry.find(cell["old_code"])
            if source is None:
                errors.append(_error(number, "old_code", _unknown(registry, cell["old_code"])))
                continue
            sources = [source]
        target = None
        if cell["kind"] != ChangeKind.DISSOLVE:
            target = registry.find(cell["new_code"]) if cell["new_code"] else None
            if target is None and cell["new_code"] and cell["new_name"]:
                target = Agency(code=cell["new_code"].upper(), name=cell["new_name"], kind=AgencyKind.DEPARTMENT, active_from=day)
                target.full_clean()
                target.save()
                registry.agencies[target.code] = target
                registry.by_key[search_key(target.name)] = target
            elif target is None:
                errors.append(
                    _error(number, "new_code", _unknown(registry, cell["new_code"]) if cell["new_code"] else _("give the successor."))
                )
                continue
        key = (cell["decision"], day)
        if key not in decisions:
            decisions[key], _created = ReorganisationDecision.objects.get_or_create(
                number=cell["decision"][:128], effective_on=day, defaults={"note": ""}
            )
        planned.append((number, decisions[key], cell["kind"], sources, target, cell["note"]))
    if errors:
        raise ValidationError(errors)
    for number, decision, kind, sources, target, note in planned:
        if decision.is_applied:
            notes.append(
                _("Row %(row)d: the decision %(decision)s is already applied; left as it is.") % {"row": number, "decision": decision}
            )
            continue
        for source in sources:
            if source == target:
                raise ValidationError(_error(number, "new_code", _("an agency cannot succeed itself.")))
            ReorganisationChange.objects.get_or_create(decision=decision, kind=kind, source=source, target=target, defaults={"note": note})
    return Loaded(decisions=list(decisions.values()), notes=notes)
