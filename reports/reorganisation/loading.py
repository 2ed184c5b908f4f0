"""Load reorganisation decisions from a CSV like ``shared/data/reorganisation-2025.csv``.

Columns: ``effective`` (yyyy-mm-dd or dd/mm/yyyy), ``decision``, ``old_code``, ``new_code``, ``new_name``,
``kind`` (merge, split, rename, functions, dissolve; ``province-merge`` is noted, not applied:
the province is not an agency of its own registry), ``note``. An ``old_code`` may name a group
(``HUYEN``): the change applies to each of its members existing on the effective date. A
``new_code`` not yet in the registry is recorded with ``new_name`` and created when the decision is
applied (existing from the effective date; its undo removes it).

Optional columns: ``new_kind``, the new agency's kind (``so``, ``ban_nganh``, ``xa``… or the kind's
name; empty: from its name, ``plans.agency_kinds.kind_by_name``); ``join_groups``, whether the
successor joins the groups the old agency belonged to (``có``/``không``, or the groups' codes or
names separated by ``;``; empty: yes for a merger or renaming, no otherwise).

Rows sharing decision and effective date make one decision. Errors name row and column, in
Vietnamese, and nothing is written.
"""

import csv
import dataclasses
import datetime
import difflib
import io
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from core.text import clean_text, search_key
from plans.agency_kinds import kind_by_name
from plans.choices import AgencyKind, ChangeKind
from plans.models import Agency, AgencyGroup, ReorganisationChange, ReorganisationDecision

COLUMNS = ("effective", "decision", "old_code", "new_code", "new_name", "kind", "note")
OPTIONAL = ("new_kind", "join_groups")
YES = {"co", "yes", "x", "1", "true"}
NO = {"khong", "no", "0", "false"}
NOTED_KINDS = {"province-merge"}
MAX_BYTES = 2 * 2**20  # a decision's file is a few kilobytes; the country's 2025 changes fit in 40
FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)


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
        self.groups_by_key = {search_key(name): group for group in self.groups.values() for name in [group.name, *group.aliases]}

    def group(self, text: str) -> AgencyGroup | None:
        return self.groups.get(text.upper()) or self.groups_by_key.get(search_key(text))

    def nearest(self, text: str) -> str | None:
        choices = {code: f"{agency.name} ({code})" for code, agency in self.agencies.items()}
        choices.update({search_key(agency.name): f"{agency.name} ({agency.code})" for agency in self.agencies.values()})
        match = difflib.get_close_matches(search_key(text) if not text.isupper() else text, list(choices), n=1, cutoff=0.5)
        return choices[match[0]] if match else None

    def find(self, text: str) -> Agency | None:
        return self.agencies.get(text.upper()) or self.by_key.get(search_key(text))


def _text(content: bytes | str) -> str:
    """The file's text, or a ``ValidationError`` saying in Vietnamese why it cannot be read (size, encoding)."""
    if len(content) > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s, more than %(limit)s: a decision's file holds only its changes.")
            % {"size": filesizeformat(len(content)), "limit": filesizeformat(MAX_BYTES)}
        )
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ValidationError(
            _("Row %(row)d is not written in UTF-8: save the file as “CSV UTF-8 (comma delimited)” and load it again.") % {"row": line}
        ) from error


def _rows(reader: csv.DictReader):
    """The rows, numbered as a spreadsheet shows them; a row the csv module cannot read is refused with its number."""
    number = 1
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ValidationError(
                _("Row %(row)d cannot be read as CSV (a cell longer than %(limit)d characters, or a stray quote).")
                % {"row": reader.line_num + 1, "limit": csv.field_size_limit()}
            ) from error
        number += 1
        yield number, raw


# Lengths the registry holds (longer text would be cut or refused by the database after the first write).
LENGTHS = {"decision": 128, "new_code": 32, "new_name": 255}


def _error(row: int, column: str, message: str) -> str:
    return _("Row %(row)d, column %(column)s: %(message)s") % {"row": row, "column": column, "message": message}


def _unknown(registry: _Registry, text: str) -> str:
    nearest = registry.nearest(text)
    if nearest:
        return _("no agency “%(text)s” in the registry. Did you mean %(nearest)s?") % {"text": text, "nearest": nearest}
    return _("no agency “%(text)s” in the registry.") % {"text": text}


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", search_key(text)))


# Short forms people write in the column, beyond the kinds' codes and names.
KIND_WORDS = {"so": AgencyKind.DEPARTMENT, "ban nganh": AgencyKind.PROVINCIAL_BODY, "xa": AgencyKind.COMMUNE, "phuong": AgencyKind.COMMUNE}


def _kind(text: str) -> str | None:
    """An ``AgencyKind`` from its code, its name in Vietnamese or English, or a short form ("sở", "ban/ngành", "xã")."""
    key = _words(text)
    if key in KIND_WORDS:
        return KIND_WORDS[key]
    for value, label in AgencyKind.choices:
        with translation.override("vi"):
            vietnamese = str(label)
        if key in {_words(value), _words(str(label)), _words(vietnamese)}:
            return value
    return None


def _groups(registry: _Registry, text: str) -> tuple[bool | None, list[AgencyGroup], list[str]]:
    """``join_groups``: (joins, the groups named, the names not found)."""
    if not text:
        return None, [], []
    if search_key(text) in YES:
        return True, [], []
    if search_key(text) in NO:
        return False, [], []
    named = [part.strip() for part in re.split(r"[;|]", text) if part.strip()]
    found = [registry.group(name) for name in named]
    return True, [group for group in found if group is not None], [name for name, group in zip(named, found, strict=True) if group is None]


@dataclasses.dataclass
class _Row:
    number: int
    decision: ReorganisationDecision
    kind: str
    sources: list[Agency]
    target: Agency | None
    new: tuple[str, str, str] | None  # (code, name, kind) of a successor created when the decision is applied
    joins: bool | None
    groups: list[AgencyGroup]
    note: str


@transaction.atomic
def decisions_load(*, content: bytes | str) -> Loaded:
    """Record the decisions of a CSV (not yet applied: no agency is created); raises ``ValidationError`` listing every bad cell."""
    text = _text(content)
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
    registry, errors, notes = _Registry(), [], []
    decisions: dict[tuple[str, datetime.date], ReorganisationDecision] = {}
    new_agencies: dict[str, tuple[int, str, str]] = {}  # code → (row, name, kind)
    new_names: dict[str, tuple[int, str]] = {}  # name's key → (row, code)
    planned: list[_Row] = []
    for number, raw in _rows(reader):
        cell = {column: clean_text(raw.get(column) or "") for column in (*COLUMNS, *OPTIONAL)}
        too_long = [
            _error(number, column, _("%(length)d characters, more than %(limit)d.") % {"length": len(cell[column]), "limit": limit})
            for column, limit in LENGTHS.items()
            if len(cell[column]) > limit
        ]
        if too_long:
            errors += too_long
            continue
        day = _date(cell["effective"])
        if day is None:
            errors.append(_error(number, "effective", _("“%(text)s” is not a date (yyyy-mm-dd).") % {"text": cell["effective"]}))
            continue
        if not FIRST_DAY <= day <= LAST_DAY:
            errors.append(
                _error(
                    number,
                    "effective",
                    _("%(date)s is not between %(first)s and %(last)s.")
                    % {"date": cell["effective"], "first": FIRST_DAY.strftime("%d/%m/%Y"), "last": LAST_DAY.strftime("%d/%m/%Y")},
                )
            )
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
        kind = _kind(cell["new_kind"]) if cell["new_kind"] else ""
        if kind is None:
            errors.append(
                _error(
                    number,
                    "new_kind",
                    _("“%(text)s” is not a kind of agency; write one of %(kinds)s, or leave it empty to read it from the name.")
                    % {"text": cell["new_kind"], "kinds": ", ".join(AgencyKind.values)},
                )
            )
        joins, groups, unknown_groups = _groups(registry, cell["join_groups"])
        for name in unknown_groups:
            errors.append(
                _error(
                    number,
                    "join_groups",
                    _("no group “%(text)s” in the registry; write có, không, or the groups' codes or names separated by “;”.")
                    % {"text": name},
                )
            )
        target, new = None, None
        if cell["kind"] == ChangeKind.DISSOLVE:
            if cell["new_kind"] or cell["join_groups"]:
                column = "new_kind" if cell["new_kind"] else "join_groups"
                errors.append(_error(number, column, _("a dissolution has no successor: leave this column empty.")))
        else:
            target = registry.find(cell["new_code"]) if cell["new_code"] else None
            if target is None and cell["new_code"] and cell["new_name"]:
                code = cell["new_code"].upper()
                namesake = registry.by_key.get(search_key(cell["new_name"]))
                if namesake is not None:
                    errors.append(
                        _error(
                            number,
                            "new_code",
                            _("“%(name)s” is already in the registry with the code %(code)s: write that code.")
                            % {"name": namesake.name, "code": namesake.code},
                        )
                    )
                    continue
                chosen = kind or kind_by_name(cell["new_name"])
                first = new_agencies.setdefault(code, (number, cell["new_name"], chosen))
                named = new_names.setdefault(search_key(cell["new_name"]), (number, code))
                if named[1] != code:
                    errors.append(
                        _error(
                            number,
                            "new_name",
                            _("row %(row)d names the new agency %(code)s “%(name)s”: two agencies cannot bear one name; write %(code)s.")
                            % {"row": named[0], "code": named[1], "name": cell["new_name"]},
                        )
                    )
                elif search_key(first[1]) != search_key(cell["new_name"]):
                    errors.append(
                        _error(
                            number,
                            "new_name",
                            _("row %(row)d names the new agency %(code)s “%(name)s”: give it the same name.")
                            % {"row": first[0], "code": code, "name": first[1]},
                        )
                    )
                elif kind and first[2] != kind:
                    errors.append(
                        _error(
                            number,
                            "new_kind",
                            _("row %(row)d gives the new agency %(code)s another kind: give it the same kind.")
                            % {"row": first[0], "code": code},
                        )
                    )
                new = (code, first[1], first[2])
            elif target is None:
                errors.append(
                    _error(number, "new_code", _unknown(registry, cell["new_code"]) if cell["new_code"] else _("give the successor."))
                )
                continue
            elif kind and target.kind != kind:
                errors.append(
                    _error(
                        number,
                        "new_kind",
                        _(
                            "%(agency)s is already in the registry as “%(kind)s”: leave this column empty (its kind is changed in the registry)."
                        )
                        % {"agency": target.name, "kind": target.get_kind_display()},
                    )
                )
        for source in sources:
            if source == target:
                errors.append(_error(number, "new_code", _("an agency cannot succeed itself.")))
        key = (cell["decision"], day)
        if key not in decisions:
            decisions[key] = ReorganisationDecision.objects.filter(number=cell["decision"][:128], effective_on=day).first() or (
                ReorganisationDecision(number=cell["decision"][:128], effective_on=day)
            )
        planned.append(_Row(number, decisions[key], cell["kind"], sources, target, new, joins, groups, cell["note"]))
    if errors:
        raise ValidationError(errors)
    for decision in decisions.values():
        if decision.pk is None:
            decision.save()
    for row in planned:
        if row.decision.is_applied:
            notes.append(
                _("Row %(row)d: the decision %(decision)s is already applied; left as it is.")
                % {"row": row.number, "decision": row.decision}
            )
            continue
        code, name, kind = row.new or ("", "", "")
        for source in row.sources:
            change, created = ReorganisationChange.objects.get_or_create(
                decision=row.decision,
                kind=row.kind,
                source=source,
                target=row.target,
                new_code=code,
                defaults={"note": row.note, "new_name": name, "new_kind": kind, "joins_groups": row.joins},
            )
            if created and row.groups:
                change.groups_to_join.set(row.groups)
    return Loaded(decisions=list(decisions.values()), notes=notes)
