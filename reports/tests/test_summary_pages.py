"""The summary pages: compile on demand, read, download, compile again, issue; the list filters and exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.choices import SummaryState
from reports.models import Summary
from reports.periods import parse_period_code

pytestmark = pytest.mark.django_db


def test_leadership_compiles_a_past_period_on_demand_and_reads_it(client, leader, filed, django_capture_on_commit_callbacks):
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:summary_request"), {"plan": filed.plan.pk, "period": "2018-H2"})
    summary = Summary.objects.get()
    assert response["Location"] == summary.get_absolute_url()
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "6 tháng cuối năm 2018" in page and "Dự thảo" in page and "Ban hành và khóa" in page
    download = client.get(reverse("reports:summary_download", args=[summary.pk, "docx"]))
    assert download["Content-Disposition"].startswith('attachment; filename="bao-cao-28-KH-UBND-2018-H2.docx"')
    annex = client.get(reverse("reports:summary_download", args=[summary.pk, "xlsx"]))
    assert load_workbook(io.BytesIO(b"".join(annex.streaming_content))).active["A1"].value == "PHỤ LỤC"


def test_the_compile_form_offers_the_plans_closed_periods_in_words(client, coordinator, filed):
    client.force_login(coordinator)
    page = client.get(reverse("reports:summary_list")).content.decode()
    form = page[page.index('name="period"') : page.index("</select>", page.index('name="period"'))]
    assert f'<optgroup label="{filed.plan.symbol}">' in form
    assert f'<option value="2018-H2" data-plan="{filed.plan.pk}">6 tháng cuối năm 2018</option>' in form
    assert 'value="2018-Q4"' not in form  # the plan reports by half-year and year only
    assert '<input type="text" name="period"' not in page  # chosen, not typed
    assert "js/summary-periods.js" in page


def test_a_period_not_offered_is_refused_with_a_clear_message(client, coordinator, filed):
    client.force_login(coordinator)
    for code in ("2018-Q9", "2099-Y", "2018-Q4"):
        page = client.post(reverse("reports:summary_request"), {"plan": filed.plan.pk, "period": code}, follow=True).content.decode()
        assert "Kỳ báo cáo: Hãy chọn một lựa chọn hợp lệ" in page, code
    assert not Summary.objects.exists()


def test_issuing_freezes_the_summary_and_compiling_again_is_refused(client, coordinator, leader, filed, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:summary_request"), {"plan": filed.plan.pk, "period": "2018-H2"})
    summary = Summary.objects.get()
    client.post(reverse("reports:summary_step", args=[summary.pk, "submit"]))
    client.force_login(leader)
    page = client.post(reverse("reports:summary_issue", args=[summary.pk]), {"number": "12/BC"}, follow=True).content.decode()
    assert "Hãy nhập số văn bản do văn thư cấp" in page
    page = client.post(reverse("reports:summary_issue", args=[summary.pk]), {"number": "125"}, follow=True).content.decode()
    # Walk (hwalk11): the message read "Đã ban hành báo cáo số 125", without the symbol the document carries
    assert "Đã ban hành báo cáo số 125/BC-UBND:" in page
    # Walk: the badge read "Đã ban hành · 125" beside the list's "Nhiệm vụ" column: the document's number as written on it
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "Đã ban hành · 125/BC-UBND</span>" in page and "Đã ban hành · 125</span>" not in page
    # Walk (hwalk11): the list's row read "Đã ban hành · 125/BC-UBND" and, in its column "Số văn bản", "125/BC-UBND" again
    page = client.get(reverse("reports:summary_list")).content.decode()
    assert page.count("125/BC-UBND") == 1 and "Đã ban hành</span>" in page
    summary.refresh_from_db()
    assert summary.state == SummaryState.ISSUED and summary.issued_by == leader
    page = client.post(reverse("reports:summary_regenerate", args=[summary.pk]), follow=True).content.decode()
    assert "đã ban hành: không thể thay đổi nữa" in page


def test_the_list_filters_and_exports_what_it_shows(client, leader, filed):
    from reports.summaries.service import summary_compile

    summary_compile(plan=filed.plan, period=parse_period_code("2018-H2"))
    summary_compile(plan=filed.plan, period=parse_period_code("2018-Y"))
    client.force_login(leader)
    page = client.get(reverse("reports:summary_list"), {"kind": "year"}).content.decode()
    table = page[page.index("<table") :]  # the compile form above lists every closed period
    assert "Năm 2018" in table and "6 tháng cuối năm 2018" not in table
    export = client.get(reverse("reports:summary_list"), {"kind": "year", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[2:]] == ["Năm 2018"]
    page = client.get(reverse("reports:summary_list"), {"year": "hai nghìn"}).content.decode()
    assert 'class="invalid-feedback d-block">Nhập một số' in page


def test_agency_users_cannot_see_summaries(client, officer_a, filed):
    client.force_login(officer_a)
    assert client.get(reverse("reports:summary_list")).status_code == 403


def test_the_admin_compile_form_explains_a_bad_period_and_writes_nothing(client, sysadmin, filed):
    client.force_login(sysadmin)
    page = client.get(reverse("admin:reports_summary_add")).content.decode()
    assert "6 tháng cuối năm 2018</option>" in page and "js/summary-periods.js" in page
    page = client.post(reverse("admin:reports_summary_add"), {"plan": filed.plan.pk, "period_code": "2018-H3"}).content.decode()
    assert "Hãy chọn một lựa chọn hợp lệ" in page
    assert not Summary.objects.exists()


def test_a_plan_outside_the_list_is_refused_on_the_compile_form(client, leader, filed):
    client.force_login(leader)
    page = client.post(reverse("reports:summary_request"), {"plan": 999999, "period": "2018-H2"}, follow=True).content.decode()
    assert "Kế hoạch:" in page and not Summary.objects.exists()


def test_the_compile_form_lists_only_the_chosen_plans_periods_with_or_without_javascript(client, coordinator, filed):
    # Walk (issue 30, point 7): the form listed every period of every plan (82) until a plan was chosen.
    from plans.choices import PlanState
    from plans.tests.factories import PlanFactory

    other = PlanFactory(symbol="9/KH-UBND", state=PlanState.IN_FORCE, coordinator=filed.plan.coordinator, starts_on=filed.plan.starts_on)
    other.reporting_kinds = filed.plan.reporting_kinds
    other.save()
    client.force_login(coordinator)
    url = reverse("reports:summary_list")
    page = client.get(url).content.decode()
    select = page[page.index('name="period"') : page.index("</select>", page.index('name="period"'))]
    # With a script: the periods wait hidden until a plan is chosen, the prompt (translated) says so.
    assert 'data-choose-plan-first="Chọn kế hoạch trước"' in select
    assert "js/summary-periods.js" in page
    # Without: a button asks the page for the chosen plan's periods only, and the plan stays chosen.
    assert 'formmethod="get"' in page
    page = client.get(url, {"plan": other.pk}).content.decode()
    select = page[page.index('name="period"') : page.index("</select>", page.index('name="period"'))]
    assert f'<optgroup label="{other.symbol}">' in select and f'<optgroup label="{filed.plan.symbol}">' not in select
    assert f'<option value="{other.pk}" selected>' in page
