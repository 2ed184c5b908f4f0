"""Findings of the walk hwalk11 (every role at 1366 and 390 px)."""

import pytest
from django.urls import reverse

from plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_the_hint_under_the_plans_chart_speaks_of_bars_that_lie_as_rows(client, leader):
    # Walk: the chart "Tình trạng nhiệm vụ theo kế hoạch" draws one horizontal bar per plan (Chart.js indexAxis "y"),
    # but the hint under it said "Bấm vào một cột…": there is no column on that chart.
    PlanFactory(symbol="28/KH-UBND")
    client.force_login(leader)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "Bấm vào một thanh ngang để xem danh sách nhiệm vụ." in page
    assert "Bấm vào một cột" not in page


def test_a_period_named_inside_a_sentence_starts_in_lower_case_and_keeps_its_roman_numeral():
    # Walk: "…sau khi kỳ Năm 2018 đã kết thúc", "Báo cáo tổng hợp 28/KH-UBND, Năm 2018 đang chờ ký": a yearly period's
    # name kept its capital inside a sentence; the summary's text lower-cased a quarter to "quý iv/2018".
    from plans.choices import PeriodKind
    from reports.periods import period_label
    from reports.summaries.prose import in_sentence

    assert period_label(PeriodKind.YEAR, 2018, 1, in_sentence=True) == "năm 2018"
    assert period_label(PeriodKind.YEAR, 2018, 1) == "Năm 2018"  # a title or a list keeps its capital
    assert period_label(PeriodKind.QUARTER, 2018, 4, in_sentence=True) == "quý IV/2018"
    assert period_label(PeriodKind.MONTH, 2018, 3, in_sentence=True) == "tháng 3/2018"
    assert period_label(PeriodKind.HALF_YEAR, 2018, 1, in_sentence=True) == "6 tháng đầu năm 2018"
    assert in_sentence({"code": "2018-Q4", "label": "Quý IV/2018"}) == "quý IV/2018"


def test_a_yearly_period_in_a_refusal_is_written_in_lower_case():
    import datetime

    from reports.periods import parse_period_code, unreportable_reason

    reason = unreportable_reason(
        parse_period_code("2018-Y"), kinds=["year"], starts_on=datetime.date(2019, 3, 1), today=datetime.date(2020, 1, 1)
    )
    assert reason == "Nhiệm vụ bắt đầu từ ngày 01/03/2019, sau khi kỳ năm 2018 đã kết thúc."


def test_the_inbox_offers_only_the_plans_whose_reports_the_coordinator_reviews(client, coordinator, coordinating_agency):
    # Walk: daumoi.stc (Sở Tài chính, reviews 1091/KH-UBND only) found every plan of the province under "Kế hoạch"
    # in its inbox's filter, 28/KH-UBND and the departments' plans included, each giving an empty list.
    from plans.tests.factories import AgencyFactory
    from reports.choices import ReportState
    from reports.tests.factories import ReportFactory
    from tasks.tests.factories import TaskFactory

    other = AgencyFactory(code="SKHDT", name="Sở Kế hoạch và Đầu tư")
    mine = PlanFactory(symbol="1091/KH-UBND", coordinator=coordinating_agency)
    theirs = PlanFactory(symbol="28/KH-UBND", coordinator=other)
    quiet = PlanFactory(symbol="125/KH-SKHCN", coordinator=other)
    first = PlanFactory(symbol="99/KH-UBND", coordinator=coordinating_agency)  # no report yet: offered all the same
    for plan in (mine, theirs):
        ReportFactory(task=TaskFactory(plan=plan), state=ReportState.SUBMITTED)
    ReportFactory(task=TaskFactory(plan=mine), state=ReportState.ACCEPTED)
    client.force_login(coordinator)
    response = client.get(reverse("reports:inbox"))
    offered = list(response.context["filter"].form.fields["plan"].queryset)
    assert set(offered) == {mine, first}
    page = response.content.decode()
    assert "1091/KH-UBND" in page and theirs.symbol not in page and quiet.symbol not in page


def test_the_reassign_queue_offers_only_the_plans_the_coordinator_coordinates(client, coordinator, coordinating_agency):
    # Walk: daumoi's "Nhiệm vụ cần giao lại" offered every plan under "Kế hoạch", 1091/KH-UBND (Sở Tài chính's) included.
    from plans.tests.factories import AgencyFactory

    mine = PlanFactory(symbol="125/KH-SKHCN", coordinator=coordinating_agency)
    theirs = PlanFactory(symbol="1091/KH-UBND", coordinator=AgencyFactory(code="STC", name="Sở Tài chính"))
    client.force_login(coordinator)
    response = client.get(reverse("reports:reassign_queue"))
    assert list(response.context["filter"].form.fields["plan"].queryset) == [mine]
    assert theirs.symbol not in response.content.decode()


def test_the_document_check_names_the_number_as_the_document_writes_it_and_the_portal_as_no_issuer(client, settings, filed, leader):
    # Walk: "Xác thực văn bản do Cổng ban hành", "Đây là bản ký số của văn bản do Cổng ban hành": a portal issues nothing,
    # the province does (Nghị định 30/2020) and publishes through it; and the document was named "số 15/BC-UBND" whatever
    # symbol the province's number series has (settings.SUMMARY_NUMBER_SUFFIX, Summary.document_number).
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.tests.test_public_summaries import _issued

    settings.SUMMARY_NUMBER_SUFFIX = "BC-VPUBND"
    _issued(filed.plan, "2018-H2", "15", leader, signed=True)
    page = client.get(reverse("verify")).content.decode()
    assert "Xác thực văn bản ban hành qua Cổng" in page and "do Cổng ban hành" not in page
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7 issued 15 signed", content_type="application/pdf")
    page = client.post(reverse("verify"), {"file": upload}).content.decode()
    assert "Đây là bản ký số của văn bản ban hành qua Cổng." in page
    assert "Báo cáo số 15/BC-VPUBND của" in page and "/BC-UBND" not in page


def test_the_number_refusals_name_the_symbol_the_province_numbers_with(settings, filed, leader):
    # Walk: the refusals of a number said "/BC-UBND" whatever symbol the number series has (SUMMARY_NUMBER_SUFFIX).
    from django.core.exceptions import ValidationError

    from reports.periods import parse_period_code
    from reports.summaries.drafting import summary_issue
    from reports.summaries.service import summary_compile

    settings.SUMMARY_NUMBER_SUFFIX = "BC-VPUBND"
    summary_issue(summary=summary_compile(plan=filed.plan, period=parse_period_code("2018-Y")), number="15", by=leader)
    other = summary_compile(plan=filed.plan, period=parse_period_code("2018-H2"))
    for number, said in (("15", "Số 15/BC-VPUBND năm "), ("abc", "(không ghi “/BC-VPUBND”)")):
        with pytest.raises(ValidationError) as refused:
            summary_issue(summary=other, number=number, by=leader)
        [message] = refused.value.messages
        assert said in message and "/BC-UBND" not in message, message
        if number == "15":
            assert message.endswith("đã được dùng cho báo cáo tổng hợp 28/KH-UBND, năm 2018."), message
