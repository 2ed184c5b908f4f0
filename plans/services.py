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
def agency_registry_load(*, agencies_csv: Path = AGENCIES_CSV, groups_csv: Path = GROUPS_CSV) -> dict[str, int]:
    """Load (or update) the agency registry and groups from the province's CSV files.

    Idempotent: rows are matched by code. Returns how many rows were created and updated.
    Any bad row rejects the whole load with its line number.
    """
    counts = {"created": 0, "updated": 0}
    groups: dict[str, AgencyGroup] = {}
    for line, row in enumerate(_read_csv(groups_csv), start=2):
        group = AgencyGroup.objects.filter(code=row["code"].strip()).first() or AgencyGroup(code=row["code"].strip())
        counts["updated" if group.pk else "created"] += 1
        group.name = row["name"]
        group.aliases = row.get("aliases", "").split("|")
        _save(group, groups_csv, line)
        groups[group.code] = group
    for line, row in enumerate(_read_csv(agencies_csv), start=2):
        agency = Agency.objects.filter(code=row["code"].strip()).first() or Agency(code=row["code"].strip())
        counts["updated" if agency.pk else "created"] += 1
        agency.name, agency.kind = row["name"], row["kind"].strip()
        agency.aliases = row.get("aliases", "").split("|")
        _save(agency, agencies_csv, line)
        codes = [code.strip() for code in row.get("groups", "").split("|") if code.strip()]
        unknown = [code for code in codes if code not in groups]
        if unknown:
            raise ValidationError(
                _("%(file)s, line %(line)d: unknown group %(codes)s.")
                % {"file": agencies_csv.name, "line": line, "codes": ", ".join(unknown)}
            )
        agency.groups.set([groups[code] for code in codes])
    return counts


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
