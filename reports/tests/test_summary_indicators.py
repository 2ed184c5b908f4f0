"""The summary's "Kết quả thực hiện các chỉ tiêu": the indicators at the period's cut-off, frozen with the snapshot."""

import datetime
from decimal import Decimal as D
from io import BytesIO

import pytest
from docx import Document

from indicators.services import indicator_value_record
from indicators.tests.factories import IndicatorFactory, TargetFactory
from reports.periods import parse_period_code
from reports.summaries.document import summary_document
from reports.summaries.drafting import summary_texts
from reports.summaries.service import summary_compile

pytestmark = pytest.mark.django_db
H2_2018 = parse_period_code("2018-H2")


def test_the_summary_freezes_the_indicators_at_the_cut_off_and_later_values_leave_it_unchanged(filed, agency_a):
    indicator = IndicatorFactory(plan=filed.plan, code="CT-01", agency=agency_a, baseline_value=D(5), baseline_year=2017)
    TargetFactory(indicator=indicator, year=2020, value=D(30))
    indicator_value_record(indicator=indicator, measured_on=datetime.date(2018, 12, 14), year=2018, value=D(12))
    indicator_value_record(indicator=indicator, measured_on=datetime.date(2019, 6, 14), year=2019, value=D(20))  # after the cut-off
    summary = summary_compile(plan=filed.plan, period=H2_2018)
    [row] = summary.snapshot["indicators"]
    assert row["code"] == "CT-01" and row["baseline"] == "5% (2017)" and row["target"] == "30% (31/12/2020)"
    assert row["latest"] == "12% (14/12/2018)"  # the value of the cut-off, not the later one
    frozen = dict(row)
    indicator_value_record(
        indicator=indicator, measured_on=datetime.date(2018, 12, 14), year=2018, value=D(13), correction_reason="Rà soát lại"
    )
    summary.refresh_from_db()
    assert summary.snapshot["indicators"] == [frozen]
    text = "\n".join(
        cell.text
        for table in Document(BytesIO(summary_document(summary, summary_texts(summary)))).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "CT-01" in text and "12% (14/12/2018)" in text and "Kết quả đến kỳ báo cáo" in text
