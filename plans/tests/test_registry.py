import pytest
from django.core.management import CommandError, call_command

from plans.models import Agency, AgencyGroup

pytestmark = pytest.mark.django_db


def test_load_agencies_reads_the_province_registry(tmp_path):
    call_command("load_agencies", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    assert Agency.objects.get(code="SVHTTDL").name == "Sở Văn hóa, Thể thao và Du lịch"
    assert "Sở VH,TT&DL" in Agency.objects.get(code="SVHTTDL").aliases
    assert AgencyGroup.objects.get(code="HUYEN").members.count() == 8


def test_a_bad_registry_row_rejects_the_whole_file_with_its_line(tmp_path):
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("code,name,aliases,kind,groups\nA1,Sở Một,,so,SBN\nA2,Sở Hai,,so,NHOMLA\n", encoding="utf-8")
    with pytest.raises(CommandError, match="dòng 3"):
        call_command("load_agencies", agencies=agencies)
    assert not Agency.objects.exists()


def test_the_registry_holds_todays_communes_and_wards_each_with_its_published_source(tmp_path):
    # Issue 26: the reassignment list offered no commune or ward (UBND xã, phường), which took over the districts' work
    # on 01/07/2025. The merged province has 124 of them (105 xã, 19 phường; Nghị quyết 1687/NQ-UBTVQH15).
    import csv
    import datetime

    from plans.choices import AgencyKind
    from plans.services import COMMUNES_CSV

    call_command("load_agencies", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    communes = Agency.objects.filter(kind=AgencyKind.COMMUNE)
    assert communes.count() == 124
    assert communes.filter(name__startswith="Ủy ban nhân dân phường").count() == 19
    assert communes.filter(name__startswith="Ủy ban nhân dân xã").count() == 105
    ward = Agency.objects.get(name="Ủy ban nhân dân phường Long Châu")
    assert ward.active_from == datetime.date(2025, 7, 1) and "UBND phường Long Châu" in ward.aliases
    group = AgencyGroup.objects.get(name="UBND các xã, phường")
    assert group.members.count() == 124
    assert not communes.active_on(datetime.date(2025, 6, 30)).exists() and communes.active_on(datetime.date(2025, 7, 1)).count() == 124
    with COMMUNES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all("1687/NQ-UBTVQH15" in row["source"] and row["formed_from"] for row in rows)  # each row names where it comes from
    call_command("load_agencies", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115 - loading again changes nothing
    assert Agency.objects.filter(kind=AgencyKind.COMMUNE).count() == 124 and group.members.count() == 124
