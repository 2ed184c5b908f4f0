"""The registry keeps each agency's dates and lineage: the API and the agency admin show them."""

import datetime

import pytest
from django.urls import reverse

from plans.models import AgencyLineage
from plans.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def merger():
    stttt = AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông", active_to=D(2025, 3, 1))
    skhcn = AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ")
    AgencyLineage.objects.create(predecessor=stttt, successor=skhcn, effective_on=D(2025, 3, 1))
    return stttt, skhcn


def test_the_agency_api_shows_dates_predecessors_and_successors(client, merger):
    stttt, skhcn = merger
    rows = {row["code"]: row for row in client.get(reverse("api:agency-list")).json()["results"]}
    assert rows["STTTT"]["active_to"] == "2025-03-01" and rows["STTTT"]["is_active"] is False
    assert rows["STTTT"]["successors"] == [{"code": "SKHCN", "name": skhcn.name, "effective_on": "2025-03-01"}]
    assert rows["SKHCN"]["predecessors"] == [{"code": "STTTT", "name": stttt.name, "effective_on": "2025-03-01"}]
    current = client.get(reverse("api:agency-list"), {"is_active": "true"}).json()["results"]
    assert [row["code"] for row in current] == ["SKHCN"]


def test_the_agency_admin_shows_the_lineage(client, sysadmin, merger):
    stttt, _skhcn = merger
    client.force_login(sysadmin)
    page = client.get(reverse("admin:plans_agency_change", args=[stttt.pk])).content.decode()
    assert "Sở Khoa học và Công nghệ (01/03/2025)" in page
