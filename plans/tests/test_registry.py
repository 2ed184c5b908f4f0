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
