"""The demo's people are true to today: a title is a position; the agency it is held in is the account's, shown beside it."""

import csv

import pytest

from plans.services import AGENCIES_CSV
from plans.tests.factories import AgencyFactory
from vinhlong_cmcn4 import demo_content


def _agency_names() -> set[str]:
    with AGENCIES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {row["name"] for row in rows} | {alias for row in rows for alias in row["aliases"].split("|") if alias}


def test_no_demo_title_names_an_agency_so_a_move_cannot_leave_it_stale():
    # Sở TT&TT merged into Sở KH&CN on 01/03/2025 (Nghị định 45/2025): its director's account moved with him.
    names = _agency_names()
    stale = [(username, title) for username, _name, title, _role, _code in demo_content.USERS if any(name in title for name in names)]
    assert stale == []


def test_one_director_per_agency_once_the_merged_agencies_moved():
    moved = {"STTTT": "SKHCN"}  # the accounts of a merged agency move to the one it merged into
    directors = [moved.get(code, code) for _u, _n, title, _r, code in demo_content.USERS if title == "Giám đốc"]
    assert len(directors) == len(set(directors))


@pytest.mark.django_db
def test_a_person_is_shown_with_the_agency_they_work_for_now(django_user_model):
    agency = AgencyFactory(name="Sở Khoa học và Công nghệ")
    person = django_user_model(username="p", full_name="Phạm Minh Trưởng", job_title="Phó Giám đốc", agency=agency)
    assert person.title_line == "Phó Giám đốc · Sở Khoa học và Công nghệ"
    assert django_user_model(username="q", job_title="Quản trị hệ thống").title_line == "Quản trị hệ thống"
    assert django_user_model(username="r", agency=agency).title_line == "Sở Khoa học và Công nghệ"
