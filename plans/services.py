"""Writes of the plans app: the agency registry and the portal's role groups."""

import csv
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plans.choices import Role
from plans.policy import ROLE_GROUPS

from .models import Agency, AgencyGroup

DATA_DIR = Path(__file__).resolve().parent / "data"
AGENCIES_CSV = DATA_DIR / "agencies-vinh-long-2017.csv"
GROUPS_CSV = DATA_DIR / "agency-groups-vinh-long-2017.csv"
# Today's commune and ward committees (since 01/07/2025), names as published, each row with its source.
COMMUNES_CSV = DATA_DIR / "communes-vinh-long-2025.csv"

# Django permissions each role's group carries (the admin reads them; pages ask the policy).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMIN: ["*"],
    Role.COORDINATOR: [
        "plans.view_*",
        "tasks.view_*",
        "reports.view_*",
        "reports.change_report",
    ],
    Role.LEADERSHIP: ["plans.view_*", "tasks.view_*", "reports.view_*"],
    Role.HEAD: ["tasks.view_task", "reports.view_report", "reports.add_report", "reports.change_report"],
    Role.OFFICER: ["tasks.view_task", "reports.view_report", "reports.add_report", "reports.change_report"],
}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def agency_registry_load(
    *, agencies_csv: Path = AGENCIES_CSV, groups_csv: Path = GROUPS_CSV, communes_csv: Path | None = COMMUNES_CSV
) -> dict[str, int]:
    """Load (or update) the agency registry and groups from the province's CSV files, and today's communes and wards
    (``communes_csv``: optional ``active_from`` column; its other columns, such as each row's source, are for people).

    Idempotent: rows are matched by code. Returns how many rows were created and updated.
    Any bad row rejects the whole load with its line number.
    """
    agencies_paths = [agencies_csv, *([communes_csv] if communes_csv else [])]
    counts = {"created": 0, "updated": 0}
    groups: dict[str, AgencyGroup] = {}
    for line, row in enumerate(_read_csv(groups_csv), start=2):
        group = AgencyGroup.objects.filter(code=row["code"].strip()).first() or AgencyGroup(code=row["code"].strip())
        counts["updated" if group.pk else "created"] += 1
        group.name = row["name"]
        group.aliases = row.get("aliases", "").split("|")
        _save(group, groups_csv, line)
        groups[group.code] = group
    for path in agencies_paths:
        for line, row in enumerate(_read_csv(path), start=2):
            agency = Agency.objects.filter(code=row["code"].strip()).first() or Agency(code=row["code"].strip())
            counts["updated" if agency.pk else "created"] += 1
            agency.name, agency.kind = row["name"], row["kind"].strip()
            agency.aliases = row.get("aliases", "").split("|")
            agency.active_from = _day(row.get("active_from", ""), path, line) or agency.active_from
            _save(agency, path, line)
            codes = [code.strip() for code in row.get("groups", "").split("|") if code.strip()]
            unknown = [code for code in codes if code not in groups]
            if unknown:
                raise ValidationError(
                    _("%(file)s, line %(line)d: unknown group %(codes)s.") % {"file": path.name, "line": line, "codes": ", ".join(unknown)}
                )
            # a member from the day it exists (a commune of 2025 was never in a group of 2017's plans)
            agency.groups.set([groups[code] for code in codes], through_defaults={"member_from": agency.active_from})
    return counts


def _day(text: str, path: Path, line: int):
    """A CSV's ISO date (2025-07-01), None when empty; a bad one names its file and line."""
    import datetime

    if not text.strip():
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            _("%(file)s, line %(line)d: “%(value)s” is not a date (write it as 2025-07-01).")
            % {"file": path.name, "line": line, "value": text}
        ) from None


def _save(obj, path: Path, line: int) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ValidationError(
            _("%(file)s, line %(line)d: %(errors)s") % {"file": path.name, "line": line, "errors": "; ".join(error.messages)}
        ) from None
    obj.save()


@transaction.atomic
def roles_setup() -> dict[str, Group]:
    """Create or refresh one Django group per role with its permissions. Idempotent."""
    result = {}
    for role, name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(ROLE_PERMISSIONS[role]))
        result[role] = group
    return result


def _permissions(patterns: list[str]) -> list[Permission]:
    chosen = []
    for permission in Permission.objects.select_related("content_type"):
        label = f"{permission.content_type.app_label}.{permission.codename}"
        for pattern in patterns:
            if pattern == "*" or label == pattern or (pattern.endswith("*") and label.startswith(pattern[:-1])):
                chosen.append(permission)
                break
    return chosen
