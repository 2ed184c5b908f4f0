"""The kind of an agency read from its name, when nobody says otherwise (a reorganisation's new agency)."""

import re

from core.text import search_key

from .choices import AgencyKind

# "Sở Tài chính"; "UBND xã Long Hồ", "Ủy ban nhân dân phường 1", "UBND đặc khu …" (the two-level local government of 2025).
_DEPARTMENT = re.compile(r"^so\b")
_COMMUNE = re.compile(r"^(ubnd|uy ban nhan dan) (xa|phuong|thi tran|dac khu)\b")


# The kinds whose agencies lead plan tasks (DOMAIN.md, "Agencies"): the province's sở, ban, ngành and its office
# (the group "Các sở, ban, ngành tỉnh"), the district People's Committees until 01/07/2025 and the commune and ward
# People's Committees ("UBND các huyện, thị xã, thành phố", "UBND các xã, phường"). Mass organisations, associations
# and other bodies cooperate; a lead part left by a dissolved agency is given to one of these kinds.
LEADING_KINDS = (
    AgencyKind.DEPARTMENT,
    AgencyKind.PROVINCIAL_BODY,
    AgencyKind.OFFICE,
    AgencyKind.DISTRICT,
    AgencyKind.COMMUNE,
)


def kind_by_name(name: str) -> AgencyKind:
    """ "Sở …" → sở; "UBND xã …" / "UBND phường …" (or "Ủy ban nhân dân …") → xã; any other name → ban, ngành."""
    key = search_key(name).strip()
    if _DEPARTMENT.match(key):
        return AgencyKind.DEPARTMENT
    if _COMMUNE.match(key):
        return AgencyKind.COMMUNE
    return AgencyKind.PROVINCIAL_BODY
