"""The public agency registry: dates, predecessors and successors, filters without diacritics, the Excel export."""

import datetime
import html
import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plans.filters import CURRENT, RETIRED, AgencyRegistryFilter
from plans.models import AgencyLineage
from plans.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def merged():
    """Sở TT&TT merged into Sở KH&CN on 01/03/2025; Sở Y tế unchanged."""
    stttt = AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông", aliases=["Sở TT&TT"], active_to=D(2025, 3, 1))
    skhcn = AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ", aliases=["Sở KH&CN"])
    syt = AgencyFactory(code="SYT", name="Sở Y tế")
    AgencyLineage.objects.create(predecessor=stttt, successor=skhcn, effective_on=D(2025, 3, 1), main=True)
    return stttt, skhcn, syt


def _links(response) -> list[str]:
    return [html.unescape(link) for link in re.findall(r'href="(\?[^"]*)"', response.content.decode())]


def _names(response):
    return [row.obj.code for row in response.context["rows"]]


def test_anyone_reads_the_registry_with_dates_and_who_holds_a_ceased_agencys_work_today(client, merged):
    response = client.get(reverse("registry:agencies"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)" in page
    assert "01/03/2025" in page
    assert reverse("registry:agencies") in page  # linked from the public menu
    assert set(_names(response)) == {"STTTT", "SKHCN", "SYT"}


def test_the_registry_filters_current_or_ceased_and_searches_without_diacritics(client, merged):
    assert _names(client.get(AgencyRegistryFilter.url(state=RETIRED))) == ["STTTT"]
    assert set(_names(client.get(AgencyRegistryFilter.url(state=CURRENT)))) == {"SKHCN", "SYT"}
    assert _names(client.get(AgencyRegistryFilter.url(q="thong tin truyen thong"))) == ["STTTT"]
    assert _names(client.get(AgencyRegistryFilter.url(q="KH&CN"))) == ["SKHCN"]


def test_the_registry_exports_what_it_shows_to_excel(client, merged):
    response = client.get(AgencyRegistryFilter.url(state=RETIRED) + "&format=xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))).active
    title, header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert title[0].startswith("Cơ quan, đơn vị — Còn hoạt động: Đã thôi hoạt động (hợp nhất, đổi tên, giải thể) — tải về lúc ")
    assert title[0].endswith(timezone.localdate().strftime(" ngày %d/%m/%Y")) and len(header) == 8
    assert len(rows) == 1
    code, name, *_rest, successors = rows[0]
    assert (code, name) == ("STTTT", "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)")
    assert successors == "Sở Khoa học và Công nghệ (01/03/2025)"


def test_the_registry_export_writes_its_dates_as_dates_shown_day_first_like_every_other_export(client, merged):
    """The active dates are date cells (Excel sorts and filters them as dates) shown dd/mm/yyyy, not text."""
    stttt = merged[0]
    stttt.active_from = D(2004, 7, 1)
    stttt.save()
    response = client.get(AgencyRegistryFilter.url(state=RETIRED) + "&format=xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))).active
    _title, header, row = [list(row) for row in sheet.iter_rows(min_row=1, max_row=3)]
    header = [cell.value for cell in header]
    ended, started = row[header.index("Thôi hoạt động từ")], row[header.index("Hoạt động từ")]
    assert (ended.value.date(), started.value.date()) == (D(2025, 3, 1), D(2004, 7, 1))
    assert ended.is_date and ended.number_format == started.number_format == "dd/mm/yyyy"


def test_the_registry_runs_a_fixed_number_of_queries(client, merged, max_queries):
    for n in range(20):
        AgencyFactory(code=f"X{n}", active_to=timezone.localdate() if n % 2 else None)
    # no session: today's holders, the agencies counted, a page of them, their predecessors' and successors' links and agencies
    with max_queries(7):
        assert client.get(reverse("registry:agencies")).status_code == 200


def test_a_wrong_filter_value_is_named_in_vietnamese_and_filters_nothing_out(client, merged):
    page = client.get("/co-quan/", {"state": "xyz", "kind": "khong-co"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hãy chọn một lựa chọn hợp lệ" in text  # under the field that holds the wrong value
    assert set(_names(page)) == {"STTTT", "SKHCN", "SYT"}


def test_the_registry_shows_fifty_agencies_a_page_its_links_keep_the_filters_and_its_export_has_every_row(client, merged):
    """300 agencies at once were most of the page's time: a page at a time, as every list; the Excel file still has all."""
    for n in range(55):
        AgencyFactory(code=f"PTN{n:02}", name=f"Phòng thử nghiệm số {n:02}")
    for n in range(3):  # found by the text, left out by "exists today"
        AgencyFactory(code=f"CU{n}", name=f"Phòng thử nghiệm cũ {n}", active_to=D(2025, 1, 1))
    first = client.get(AgencyRegistryFilter.url(q="phong thu nghiem", state=CURRENT))
    assert len(_names(first)) == 50 and first.context["total"] == 55
    (following,) = [link for link in _links(first) if "page=" in link]  # "Trang sau"
    assert following == "?q=phong+thu+nghiem&state=hien-tai&page=2"
    second = client.get("/co-quan/" + following)
    assert len(_names(second)) == 5 and not set(_names(first)) & set(_names(second))
    assert set(_names(first)) | set(_names(second)) == {f"PTN{n:02}" for n in range(55)}

    # The export link of the second page drops the page, not the filters: every row the filters choose.
    (export,) = [link for link in _links(second) if "format=xlsx" in link]
    assert "page=" not in export and "state=hien-tai" in export
    response = client.get("/co-quan/" + export)
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))).active
    _title, _header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert sorted(row[0] for row in rows) == [f"PTN{n:02}" for n in range(55)]
