import pytest
from django.db import connection

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


@pytest.mark.postgres
def test_postgresql_searches_the_real_column_through_unaccent():
    plan = PlanFactory(title="Đài Phát thanh và Truyền hình Vĩnh Long")
    Plan.objects.filter(pk=plan.pk).update(search_text="")  # only unaccent can find it now
    assert connection.vendor == "postgresql"
    assert list(search_filter(Plan.objects.all(), "dai phat thanh")) == [plan]
