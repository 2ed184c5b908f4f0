"""Indicators read the same on the plan page, the indicator page, the dashboard's panel, its list and the API."""

import datetime
import json
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.services import indicator_value_record
from indicators.tests.factories import IndicatorFactory, TargetFactory
from plans.models import AgencyLineage
from plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_with_indicators(agency_a, agency_b):
    plan = PlanFactory(symbol="125/KH-SKHCN")
    behind = IndicatorFactory(plan=plan, code="CT-01", agency=agency_a, name="Tỷ lệ hồ sơ trực tuyến")
    TargetFactory(indicator=behind, year=2030, value=D(100))
    indicator_value_record(indicator=behind, measured_on=datetime.date(2025, 12, 31), year=2025, value=D(45), is_illustrative=True)
    ahead = IndicatorFactory(
        plan=plan, code="CT-02", agency=agency_b, name="Số doanh nghiệp khởi nghiệp", kind="number", unit="doanh nghiệp"
    )
    TargetFactory(indicator=ahead, year=2030, value=D(20))
    indicator_value_record(indicator=ahead, measured_on=datetime.date(2025, 12, 31), year=2025, value=D(30))
    index = IndicatorFactory(
        scope="province", plan=None, code="PCI", kind="rank", unit="", baseline_value=D(30), baseline_year=2016, agency=agency_b
    )
    index.named_by.add(plan)
    TargetFactory(indicator=index, year=2030, value=D(8))
    indicator_value_record(
        indicator=index,
        measured_on=datetime.date(2025, 12, 31),
        year=2025,
        value=D(11),
        source="VCCI",
        published_on=datetime.date(2026, 5, 10),
    )
    return plan


def test_the_public_plan_page_shows_baseline_latest_target_judgement_and_the_rule(client, plan_with_indicators):
    page = client.get(plan_with_indicators.get_absolute_url()).content.decode()
    assert "Chỉ tiêu và mục tiêu" in page and "Cách đánh giá" in page and "đường thẳng nối giá trị cơ sở" in page
    assert "CT-01" in page and "45%" in page and "100%" in page and "Có nguy cơ không đạt" in page
    assert "PCI" in page and "11/34" in page and "30/63" in page  # each rank with its own year's provinces
    assert "số liệu minh họa" in page  # CT-01's value is illustrative, and says so


def test_the_public_does_not_read_the_indicators_of_an_unpublished_plan(client, plan_with_indicators, leader):
    plan_with_indicators.is_published = False
    plan_with_indicators.save()
    assert client.get(reverse("indicators:plan", args=[plan_with_indicators.pk])).status_code == 404
    own = plan_with_indicators.own_indicators.first()
    assert client.get(reverse("indicators:detail", args=[own.pk])).status_code == 404
    client.force_login(leader)
    assert "CT-01" in client.get(reverse("indicators:plan", args=[plan_with_indicators.pk])).content.decode()


def test_every_number_of_the_dashboard_panel_opens_a_list_of_as_many_indicators(client, plan_with_indicators, leader):
    from indicators.selectors import dashboard_panel

    client.force_login(leader)
    panel = dashboard_panel(today=timezone.localdate(), url=reverse("indicators:list"))
    assert panel["rows"][0].judgement == "at_risk"  # at risk first
    for judgement, _label, count, url in panel["counts"]:
        page = client.get(url)
        assert len(page.context["rows"]) == count, judgement
    assert "Chỉ tiêu và mục tiêu, có nguy cơ không đạt lên trước" in client.get(reverse("reports:dashboard")).content.decode()


def test_the_list_of_indicators_exports_to_excel_what_it_shows_under_a_line_naming_its_filters(client, plan_with_indicators, leader):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(leader)
    url = reverse("indicators:list")
    page = client.get(url, {"plan": plan_with_indicators.pk})
    assert f"?plan={plan_with_indicators.pk}&amp;format=xlsx" in page.content.decode()  # the link keeps the filter
    shown = page.context["rows"]
    response = client.get(url, {"plan": plan_with_indicators.pk, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("Chỉ tiêu, chỉ số — Kế hoạch: 125/KH-SKHCN — tải về lúc")
    header = list(rows[1])
    assert header[:4] == ["Mã", "Chỉ tiêu", "Loại", "Cơ quan báo cáo"] and "Đánh giá" in header
    exported = [dict(zip(header, row, strict=True)) for row in rows[2:]]
    assert [row["Mã"] for row in exported] == [row.indicator.code for row in shown]  # at risk first, as the page
    pci = next(row for row in exported if row["Mã"] == "PCI")
    assert pci["Mới nhất"] == "11/34" and pci["Mục tiêu"] == "8/34"  # a rank as the pages write it: 34 provinces since 2025
    online = next(row for row in exported if row["Mã"] == "CT-01")
    assert online["Mới nhất"] == "45%" and online["Số liệu minh họa"] == "có"
    assert online["Đánh giá"] == next(row.judgement_label for row in shown if row.indicator.code == "CT-01")


def test_a_bad_filter_of_the_list_of_indicators_is_named_in_vietnamese_and_the_export_says_it_holds_every_row(
    client, plan_with_indicators, leader
):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(leader)
    url = reverse("indicators:list")
    page = client.get(url, {"plan": "abc", "judgement": "zzz"}).content.decode()
    assert "Hãy chọn một lựa chọn hợp lệ. zzz không phải là một trong các lựa chọn khả thi." in page
    response = client.get(url, {"plan": "abc", "format": "xlsx"})
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert "— mọi dòng, không lọc —" in rows[0][0]  # what the page shows: every indicator, the filter refused
    assert len(rows) - 2 == 3


def test_the_api_lists_indicators_with_baseline_targets_values_and_filters_by_plan_and_agency(
    client, plan_with_indicators, agency_a, agency_b
):
    other = IndicatorFactory(plan=PlanFactory(), code="KHAC", agency=agency_a)
    url = reverse("api:indicator-list")
    body = client.get(url, {"plan": plan_with_indicators.pk}).json()
    codes = sorted(item["code"] for item in body["results"])
    assert codes == ["CT-01", "CT-02", "PCI"]
    pci = next(item for item in body["results"] if item["code"] == "PCI")
    assert pci["baseline"] == {"value": 30, "year": 2016, "source": ""}
    assert pci["targets"][0]["value"] == 8 and pci["values"][0]["source"] == "VCCI" and pci["values"][0]["published_on"] == "2026-05-10"
    assert pci["judgement"]["code"] in {"achieved", "at_risk"}
    assert sorted(item["code"] for item in client.get(url, {"agency": agency_a.pk}).json()["results"]) == ["CT-01", other.code]
    # After a merger the successor reports its predecessor's indicators (the as-of rule tasks follow).
    AgencyLineage.objects.create(predecessor=agency_a, successor=agency_b, effective_on=datetime.date(2025, 3, 1), main=True)
    assert client.get(url, {"agency": agency_a.pk}).json()["results"] == []
    assert sorted(item["code"] for item in client.get(url, {"agency": agency_b.pk}).json()["results"]) == [
        "CT-01",
        "CT-02",
        other.code,
        "PCI",
    ]


def test_the_api_list_reads_a_fixed_number_of_queries_however_many_indicators(client, plan_with_indicators, django_assert_max_num_queries):
    url = reverse("api:indicator-list")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _n in range(20):
        TargetFactory(indicator=IndicatorFactory(plan=plan_with_indicators))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 23


def test_the_open_data_holds_one_row_per_value_with_its_source_and_the_dictionary_names_every_field(client, plan_with_indicators):
    from indicators.open_data import FIELDS

    body = client.get(reverse("indicators:open_data", args=[plan_with_indicators.pk, "json"])).json()
    pci = next(row for row in body["indicators"] if row["code"] == "PCI")
    assert list(pci) == list(FIELDS)
    assert pci["value"] == "11.00" and pci["provinces"] == 34 and pci["source"] == "VCCI" and pci["published_on"] == "2026-05-10"
    assert next(row for row in body["indicators"] if row["code"] == "CT-01")["is_illustrative"] is True
    response = client.get(reverse("indicators:open_data", args=[plan_with_indicators.pk, "csv"]))
    csv_text = (b"".join(response.streaming_content) if response.streaming else response.content).decode("utf-8-sig")
    assert csv_text.splitlines()[0] == ",".join(FIELDS)
    dictionary = client.get(reverse("indicators:open_data_dictionary", args=["json"])).json()["fields"]
    assert [field["name"] for field in dictionary] == list(FIELDS)
    assert "target_due_on" in client.get(reverse("public:open_data_dictionary_page")).content.decode()


def test_the_dashboards_one_statement_read_gives_the_same_rows_as_the_pages(plan_with_indicators, django_assert_num_queries):
    from indicators.models import Indicator
    from indicators.selectors import dashboard_panel, indicator_rows, sort_at_risk_first

    today = timezone.localdate()

    def seen(rows):
        return [(row.indicator.pk, row.judgement, row.verdict.share, row.latest and row.latest.value, row.target and row.target.value,
                 [value.value for value in row.values], row.reporter.pk, row.is_illustrative) for row in rows]  # fmt: skip

    with django_assert_num_queries(1):
        panel = dashboard_panel(today=today, url="/", holders={})
    assert seen(panel["rows"]) == seen(sort_at_risk_first(indicator_rows(Indicator.objects.all(), today=today))) != []


def test_the_plan_page_reads_its_indicators_in_a_fixed_number_of_statements(client, plan_with_indicators, django_assert_max_num_queries):
    client.get(plan_with_indicators.get_absolute_url())  # the day's first read stores shared figures
    with django_assert_max_num_queries(30) as few:
        client.get(plan_with_indicators.get_absolute_url())
    for _n in range(20):
        indicator = IndicatorFactory(plan=plan_with_indicators)
        TargetFactory(indicator=indicator)
        indicator_value_record(indicator=indicator, measured_on=datetime.date(2024, 12, 31), year=2024, value=D(50))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "CT-" in client.get(plan_with_indicators.get_absolute_url()).content.decode()


def test_the_api_answers_an_id_beyond_the_databases_range_with_400_naming_the_field(client, leader):
    # Found by the schema's property run: ?agency=-5276155451216407560192 answered 500.
    client.force_login(leader)
    response = client.get("/api/v1/indicators/", {"agency": "-5276155451216407560192", "plan": "99999999999999999999999"})
    assert response.status_code == 400, response.content
    assert "agency" in str(response.json()) and "plan" in str(response.json())


def test_the_panels_are_judged_again_after_an_indicator_changes_not_after_a_plan_s_report(
    client, plan_with_indicators, leader, django_capture_on_commit_callbacks
):
    """The dashboard's and the plan page's indicators panels are shared until a change of everything (which every
    write moving a judgement makes); a change of one plan's figures (a report sent) recomputes the dashboard, not them."""
    from unittest import mock

    from django.db import connection

    from core.shared_figures import figures_changed
    from indicators import selectors

    client.force_login(leader)
    behind = plan_with_indicators.own_indicators.get(code="CT-01")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("reports:dashboard"))  # the day's first visit stores the trend points: a change of everything
    connection.run_on_commit.clear()  # the writes so far, as if committed before (the test's transaction never commits)
    with (
        mock.patch.object(selectors, "dashboard_panel", wraps=selectors.dashboard_panel) as dashboard_judged,
        mock.patch.object(selectors, "indicator_rows", wraps=selectors.indicator_rows) as plan_judged,
    ):
        for _ in range(2):
            assert client.get(reverse("reports:dashboard")).status_code == 200
            assert "CT-01" in client.get(plan_with_indicators.get_absolute_url()).content.decode()
        assert (dashboard_judged.call_count, plan_judged.call_count) == (0, 1)  # the dashboard's was judged on the first visit
        with django_capture_on_commit_callbacks(execute=True):
            figures_changed(plans=[plan_with_indicators.pk], agencies=[behind.agency_id])  # as a report's step names them
        connection.run_on_commit.clear()
        client.get(reverse("reports:dashboard"))
        client.get(plan_with_indicators.get_absolute_url())
        assert (dashboard_judged.call_count, plan_judged.call_count) == (0, 1)
        with django_capture_on_commit_callbacks(execute=True):
            indicator_value_record(indicator=behind, measured_on=datetime.date(2026, 6, 30), year=2026, value=D(97))
        dashboard = client.get(reverse("reports:dashboard")).content.decode()
        page = client.get(plan_with_indicators.get_absolute_url()).content.decode()
        assert (dashboard_judged.call_count, plan_judged.call_count) == (1, 2)
    assert "97%" in page
    assert 'judgement=at_risk"><span class="badge text-bg-warning fs-6">0</span>' in dashboard  # CT-01 no longer at risk


def test_the_panels_kept_in_the_shared_cache_hold_texts_not_lazy_ones(plan_with_indicators):
    """Kept per language, a panel's judgements and labels are texts: a lazy text read back from the cache is rebuilt as a
    new class each time (some 24 of them on every plan page read, a few ms each under load)."""
    import pickle

    from indicators.models import Indicator
    from indicators.selectors import dashboard_panel, panel_shared

    today = timezone.localdate()
    for panel in (
        dashboard_panel(today=today, url="/", holders={}),
        panel_shared(Indicator.objects.filter(plan=plan_with_indicators), today=today, shown=8),
    ):
        assert panel["rows"]
        assert b"_lazy_proxy_unpickle" not in pickle.dumps(panel)


def test_the_trend_chart_draws_each_target_over_the_stage_it_is_in_force(client, agency_a):
    # Walk (hwalk7): CT-01 aims at 30 % by 2020, 80 % by 2025 and 100 % by 2030; its chart drew one flat line at
    # 100 over 2018-2025, as if every value had been judged against the last target.
    plan = PlanFactory(symbol="125/KH-SKHCN")
    indicator = IndicatorFactory(plan=plan, code="CT-01", agency=agency_a)
    for year, value in ((2020, 30), (2025, 80), (2030, 100)):
        TargetFactory(indicator=indicator, year=year, value=D(value))
    for year, value in ((2019, 14), (2022, 45), (2025, 61)):
        indicator_value_record(indicator=indicator, measured_on=datetime.date(year, 12, 31), year=year, value=D(value))
    response = client.get(reverse("indicators:detail", args=[indicator.pk]))
    chart = json.loads(re.search(r'<script id="indicator-data" type="application/json">(.*?)</script>', response.content.decode()).group(1))
    # The days of the values and of the targets, in order: the last target's day closes the chart.
    assert chart["labels"] == ["31/12/2019", "31/12/2020", "31/12/2022", "31/12/2025", "31/12/2030"]
    assert chart["values"] == [14, None, 45, 61, None]
    # Each day reads the target in force then (the first not yet due), as the judgement does.
    assert chart["targets"] == [30, 30, 80, 80, 100]


def test_the_list_offers_the_agencies_reporting_today_not_those_merged_away(client, plan_with_indicators, leader, agency_a, agency_b):
    # Walk hwalk9: the demo's filter offered Sở TT&TT and Sở KH&ĐT (merged on 01/03/2025: choosing one listed nothing)
    # and not Sở Tài chính, which the rows named as reporting PCI.
    AgencyLineage.objects.create(predecessor=agency_a, successor=agency_b, effective_on=datetime.date(2025, 3, 1), main=True)
    client.force_login(leader)
    url = reverse("indicators:list")
    form = client.get(url).context["form"]
    offered = set(form.fields["agency"].queryset)
    assert agency_b in offered and agency_a not in offered
    rows = client.get(url, {"agency": agency_b.pk}).context["rows"]
    assert {row.indicator.code for row in rows} >= {"CT-01", "CT-02"}  # agency A's work passed to B with its indicator
