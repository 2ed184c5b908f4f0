"""The public pages as a citizen reads them: search results, the task page, open data and its dictionary."""

import csv
import io
import json

import pytest
from django.urls import reverse

from core.text import match_spans
from plans.tests.factories import AgencyFactory, PlanFactory
from tasks.choices import AssignmentRole, Recurrence
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_matches_are_found_in_the_text_as_written_with_or_without_diacritics():
    text = "Tổ chức Chuyển đổi số cấp tỉnh"
    assert [text[a:b] for a, b in match_spans(text, "chuyen DOI")] == ["Chuyển", "đổi"]
    assert [text[a:b] for a, b in match_spans(text, "chuyển đổi số")] == ["Chuyển", "đổi", "số"]
    assert match_spans(text, "") == [] and match_spans("", "so") == []


def test_search_results_name_each_tasks_plan_and_highlight_what_matched(client):
    plan = PlanFactory(symbol="28/KH-UBND")
    TaskFactory(plan=plan, title="Xây dựng chính quyền điện tử <b>tỉnh</b>")
    page = client.get(reverse("public:plans"), {"q": "chinh quyen dien tu"}).content.decode()
    assert "<mark>chính</mark> <mark>quyền</mark> <mark>điện</mark> <mark>tử</mark>" in page
    assert "&lt;b&gt;tỉnh&lt;/b&gt;" in page  # the title stays escaped around the marks
    assert "Kế hoạch 28/KH-UBND" in page


def test_the_home_page_writes_document_symbols_in_their_own_case(client):
    page = client.get("/").content.decode()
    assert "16/CT-TTg" in page and "text-uppercase" not in page


@pytest.mark.parametrize(
    ("recurrence", "words"), [(Recurrence.ONGOING, "Thường xuyên — báo cáo mỗi kỳ"), (Recurrence.YEARLY, "Hằng năm — báo cáo mỗi kỳ")]
)
def test_a_task_without_a_due_date_says_it_is_reported_every_period(client, recurrence, words):
    task = TaskFactory(timeframe="Thường xuyên", due_date=None, recurrence=recurrence)
    page = client.get(task.get_absolute_url()).content.decode()
    assert words in page and "không có: báo cáo mỗi kỳ" not in page


def test_open_data_gives_labels_beside_codes_the_licence_and_the_update_time(client):
    task = TaskFactory(recurrence=Recurrence.YEARLY, due_date=None, timeframe="Hằng năm")
    TaskAssignmentFactory(task=task, agency=AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông"), role=AssignmentRole.LEAD)
    data = json.loads(client.get(reverse("public:open_data", args=[task.plan.pk, "json"])).getvalue())
    [row] = data["tasks"]
    assert row["recurrence"] == "yearly" and row["recurrence_label"] == "Hằng năm"
    assert row["lead_agencies"] == ["STTTT"] and row["lead_agency_names"] == ["Sở Thông tin và Truyền thông"]
    assert row["status"] == "in_progress" and row["status_label"] == "Đang thực hiện trong hạn"  # this year's work
    assert "CC BY 4.0" in data["licence"]["name"] and data["licence"]["url"].startswith("https://")
    assert data["updated_at"].startswith(str(task.updated_at.year)) and data["updated_at"].endswith("+07:00")
    rows = list(csv.reader(io.StringIO(client.get(reverse("public:open_data", args=[task.plan.pk, "csv"])).getvalue().decode("utf-8-sig"))))
    assert rows[0][rows[0].index("recurrence") + 1] == "recurrence_label" and "Hằng năm" in rows[1]
    page = client.get(task.plan.get_absolute_url()).content.decode()
    assert "Giấy phép:" in page and "CC BY 4.0" in page and "Cập nhật" in page and reverse("public:open_data_dictionary_page") in page


def test_the_data_dictionary_explains_every_field_of_the_files(client):
    task = TaskFactory()
    fields = list(json.loads(client.get(reverse("public:open_data", args=[task.plan.pk, "json"])).getvalue())["tasks"][0])
    dictionary = json.loads(client.get(reverse("public:open_data_dictionary", args=["json"])).getvalue())
    assert [field["name"] for field in dictionary["fields"]] == fields
    assert all(field["description"] and field["type"] for field in dictionary["fields"])
    rows = list(csv.reader(io.StringIO(client.get(reverse("public:open_data_dictionary", args=["csv"])).getvalue().decode("utf-8-sig"))))
    assert rows[0] == ["name", "type", "description"] and [row[0] for row in rows[1:]] == fields
    page = client.get(reverse("public:open_data_dictionary_page")).getvalue().decode()
    assert all(f"<code>{name}</code>" in page for name in fields) and "từ điển dữ liệu" in page


def test_the_data_dictionary_page_names_each_type_in_vietnamese(client):
    """Walk: the page's "Kiểu" column read "text", "list of codes", "boolean" on a Vietnamese page (the files keep
    the codes a program reads; the page says them in words, the code beside)."""
    page = client.get(reverse("public:open_data_dictionary_page")).getvalue().decode()
    for english in ("<td>text</td>", "<td>list of codes</td>", "<td>list of text</td>", "<td>boolean</td>", "<td>date</td>"):
        assert english not in page, english
    assert "Danh sách mã" in page and "Đúng/sai" in page and "Ngày" in page


def test_every_open_data_type_is_one_of_the_vocabulary():
    from indicators.open_data import FIELDS as INDICATOR_FIELDS
    from tasks.choices import OpenDataType
    from tasks.open_data import FIELDS

    assert {kind for kind, _meaning in [*FIELDS.values(), *INDICATOR_FIELDS.values()]} <= set(OpenDataType.values)
