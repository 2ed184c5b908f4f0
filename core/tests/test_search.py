import pytest

from core.search import search_filter
from plans.models import Agency, Plan
from plans.tests.factories import AgencyFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_search_finds_text_typed_without_diacritics_in_any_case():
    PlanFactory(title="Kế hoạch Chuyển đổi số")
    PlanFactory(title="Kế hoạch phát triển du lịch")
    assert [p.title for p in search_filter(Plan.objects.all(), "CHUYEN DOI so")] == ["Kế hoạch Chuyển đổi số"]


def test_search_finds_agencies_by_abbreviation():
    AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông", aliases=["Sở TT&TT"])
    assert search_filter(Agency.objects.all(), "so tt&tt").get().code == "STTTT"


def test_a_saved_row_keeps_its_fields_syllables_in_the_search_column():
    plan = PlanFactory(symbol="28/KH-UBND", title="Đài Phát thanh và Truyền hình Vĩnh Long", issuer="UBND tỉnh")
    assert plan.search_text == " 28 kh ubnd | dai phat thanh va truyen hinh vinh long | ubnd tinh "
    assert list(search_filter(Plan.objects.all(), "dai phat thanh")) == [plan]
