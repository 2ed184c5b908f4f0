"""Reorganisation CSV and decisions as a careless or hostile administrator uses them (attack pass on the merge of issue 25's decisions)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from plans.models import Agency, AgencyGroup, AgencyLineage, AgencyMembership, ReorganisationChange, ReorganisationDecision
from plans.tests.factories import AgencyFactory
from reports.reorganisation.loading import decisions_load
from reports.reorganisation.services import decision_apply

pytestmark = pytest.mark.django_db
HEADER = "effective,decision,old_code,new_code,new_name,kind,note"


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def refused(content) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        decisions_load(content=content)
    assert not ReorganisationDecision.objects.exists()
    return caught.value.messages


def test_a_file_not_in_utf8_is_refused_in_vietnamese():
    AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông")
    AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ")
    content = f"{HEADER}\n2025-03-01,45/2025/NĐ-CP,STTTT,SKHCN,,merge,Hợp nhất\n".encode("utf-16")
    [message] = refused(content)
    assert "UTF-8" in message


def test_a_code_or_name_too_long_is_refused_by_row_and_column():
    AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông")
    long_code, long_name = "X" * 40, "Sở " + "Mới " * 80
    messages = refused(f"{HEADER}\n2025-03-01,45/2025/NĐ-CP,STTTT,{long_code},{long_name},merge,\n")
    assert any("Dòng 2, cột new_code" in m and "32" in m for m in messages), messages
    assert any("Dòng 2, cột new_name" in m and "255" in m for m in messages), messages


def test_a_decision_number_too_long_is_refused_not_cut():
    AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông")
    AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ")
    messages = refused(f"{HEADER}\n2025-03-01,{'9' * 200},STTTT,SKHCN,,merge,\n")
    assert any("Dòng 2, cột decision" in m and "128" in m for m in messages), messages


def test_an_effective_date_at_the_calendar_s_first_day_is_refused_not_a_server_error():
    group = AgencyGroup.objects.create(code="HUYEN", name="UBND cấp huyện")
    agency = AgencyFactory(code="UBNDLH", name="UBND huyện Long Hồ")
    AgencyMembership.objects.create(group=group, agency=agency)
    AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ")
    messages = refused(f"{HEADER}\n0001-01-01,45/2025/NĐ-CP,HUYEN,SKHCN,,merge,\n")
    assert any("Dòng 2, cột effective" in m for m in messages), messages


def test_a_cell_beyond_the_csv_field_limit_is_refused_in_vietnamese():
    AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông")
    AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ")
    messages = refused(f"{HEADER}\n2025-03-01,45/2025/NĐ-CP,STTTT,SKHCN,,merge,{'a' * 200_000}\n")
    assert any("dòng 2" in m.lower() for m in messages), messages


def test_two_new_agencies_with_one_name_under_two_codes_are_refused_at_loading():
    AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông")
    AgencyFactory(code="SNN", name="Sở Nông nghiệp")
    messages = refused(f"{HEADER}\n2025-03-01,45/2025/NĐ-CP,STTTT,SMOI1,Sở Mới,merge,\n2025-03-01,45/2025/NĐ-CP,SNN,SMOI2,Sở Mới,merge,\n")
    assert any("Dòng 3, cột new_name" in m and "SMOI1" in m for m in messages), messages


def test_two_new_agencies_with_one_name_under_two_codes_are_refused_by_the_preview_not_a_server_error():
    old1 = AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông")
    old2 = AgencyFactory(code="SNN", name="Sở Nông nghiệp")
    made = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=datetime.date(2025, 3, 1))
    ReorganisationChange.objects.create(decision=made, kind="merge", source=old1, new_code="SMOI1", new_name="Sở Mới")
    ReorganisationChange.objects.create(decision=made, kind="merge", source=old2, new_code="SMOI2", new_name="Sở  mới")
    with pytest.raises(ValidationError) as caught:
        decision_apply(decision=made, by=None)
    assert any("SMOI2" in m for m in caught.value.messages), caught.value.messages
    assert not Agency.objects.filter(code__startswith="SMOI").exists()


@pytest.fixture
def applied():
    old = AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông")
    new = AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ")
    made = ReorganisationDecision.objects.create(number="45/2025/NĐ-CP", effective_on=datetime.date(2099, 3, 1))
    ReorganisationChange.objects.create(decision=made, kind="merge", source=old, target=new)
    decision_apply(decision=made, by=None)
    made.refresh_from_db()
    assert made.is_applied and Agency.objects.get(code="STTTT").active_to == made.effective_on
    return made


def test_an_applied_decision_cannot_be_deleted_from_the_admin(applied, client, sysadmin):
    """Deleting it would drop its lineage and leave its agencies retired with nothing to undo: undo it first."""
    client.force_login(sysadmin)
    url = reverse("admin:plans_reorganisationdecision_delete", args=[applied.pk])
    assert client.get(url).status_code == 403
    client.post(url, {"post": "yes"})
    assert ReorganisationDecision.objects.filter(pk=applied.pk).exists()
    assert AgencyLineage.objects.filter(change__decision=applied).exists()


def test_a_change_of_an_applied_decision_cannot_be_deleted_or_added_from_the_admin(applied, client, sysadmin):
    client.force_login(sysadmin)
    change = applied.changes.get()
    url = reverse("admin:plans_reorganisationchange_delete", args=[change.pk])
    assert client.get(url).status_code == 403
    client.post(url, {"post": "yes"})
    assert ReorganisationChange.objects.filter(pk=change.pk).exists()
    # A change is added on its decision's page (the change's own form has no decision to choose): no add page of its own.
    response = client.get(reverse("admin:plans_reorganisationchange_add"))
    assert response.status_code == 403


def test_the_decisions_list_offers_no_bulk_delete_that_would_take_applied_ones(applied, client, sysadmin):
    client.force_login(sysadmin)
    client.post(
        reverse("admin:plans_reorganisationdecision_changelist"),
        {"action": "delete_selected", "_selected_action": [applied.pk], "post": "yes"},
    )
    assert ReorganisationDecision.objects.filter(pk=applied.pk).exists()
