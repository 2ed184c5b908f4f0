"""Recording an indicator's values: checked against its kind, corrections keep the value they replace."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from indicators.models import IndicatorValue
from indicators.selectors import indicator_rows, reporting_agency_on, with_figures
from indicators.services import indicator_value_record
from indicators.tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2023, 12, 31)


def test_a_value_is_recorded_with_its_source_and_publication_date():
    indicator = IndicatorFactory()
    row = indicator_value_record(
        indicator=indicator,
        measured_on=DAY,
        year=2023,
        value=D("72.5"),
        source="Báo cáo số 12/BC-STTTT",
        published_on=datetime.date(2024, 1, 10),
    )
    assert row.is_current and row.source == "Báo cáo số 12/BC-STTTT" and row.published_on == datetime.date(2024, 1, 10)


def test_a_percentage_above_100_is_refused_naming_the_indicator_and_nothing_is_written():
    indicator = IndicatorFactory(code="CT-09")
    with pytest.raises(ValidationError) as refused:
        indicator_value_record(indicator=indicator, measured_on=DAY, year=2023, value=D("101"))
    assert "CT-09" in refused.value.message_dict["value"][0] and "từ 0 đến 100" in refused.value.message_dict["value"][0]
    assert not IndicatorValue.objects.exists()


def test_a_rank_of_2025_is_among_34_provinces_and_of_2024_among_63():
    rank = IndicatorFactory(kind="rank", unit="", baseline_value=D(30), baseline_year=2020)
    indicator_value_record(indicator=rank, measured_on=datetime.date(2024, 12, 31), year=2024, value=D(50))
    with pytest.raises(ValidationError) as refused:
        indicator_value_record(indicator=rank, measured_on=datetime.date(2025, 12, 31), year=2025, value=D(50))
    assert "34" in refused.value.message_dict["value"][0]


def test_a_correction_needs_a_reason_and_keeps_the_value_it_replaces():
    indicator = IndicatorFactory()
    first = indicator_value_record(indicator=indicator, measured_on=DAY, year=2023, value=D(70), source="Báo cáo A")
    with pytest.raises(ValidationError) as refused:
        indicator_value_record(indicator=indicator, measured_on=DAY, year=2023, value=D(71), source="Báo cáo A")
    assert "correction_reason" in refused.value.message_dict
    second = indicator_value_record(
        indicator=indicator, measured_on=DAY, year=2023, value=D(71), source="Báo cáo A", correction_reason="Số liệu rà soát lại"
    )
    first.refresh_from_db()
    assert first.superseded_at is not None and first.value == 70
    assert second.is_current and second.correction_reason == "Số liệu rà soát lại"
    assert list(IndicatorValue.objects.filter(superseded_at__isnull=True)) == [second]


def test_recording_the_same_value_again_changes_nothing():
    indicator = IndicatorFactory()
    first = indicator_value_record(indicator=indicator, measured_on=DAY, year=2023, value=D(70), source="Báo cáo A")
    assert indicator_value_record(indicator=indicator, measured_on=DAY, year=2023, value=D(70), source="Báo cáo A") == first
    assert IndicatorValue.objects.count() == 1


def test_rows_read_baseline_latest_target_and_judge_with_the_rule(django_assert_max_num_queries):
    indicator = IndicatorFactory()
    TargetFactory(indicator=indicator, year=2025, value=D(90))
    published = datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)
    indicator_value_record(indicator=indicator, measured_on=datetime.date(2022, 12, 31), year=2022, value=D(50), at=published)
    indicator_value_record(indicator=indicator, measured_on=datetime.date(2023, 12, 31), year=2023, value=D(85), at=published)
    indicator_value_record(
        indicator=indicator, measured_on=datetime.date(2024, 12, 31), year=2024, value=D(20)
    )  # recorded today: unknown in 2024
    for _n in range(5):
        other = IndicatorFactory(plan=indicator.plan)
        TargetFactory(indicator=other)
    with django_assert_max_num_queries(5):  # indicators, targets, values, holders, handovers: any number of indicators
        rows = indicator_rows(type(indicator).objects.all(), today=datetime.date(2024, 6, 1))
    row = next(row for row in rows if row.indicator == indicator)
    assert row.latest.value == 85 and row.target.value == 90 and row.baseline.value == 40
    assert row.judgement == "achieved"  # 85 is beyond the path's 80 at the end of 2023
    assert row.verdict.share == D("90.0")


def test_the_reporting_agency_follows_a_merger_by_the_as_of_rule(agency_a, agency_b):
    from plans.models import AgencyLineage

    indicator = IndicatorFactory(agency=agency_a)
    AgencyLineage.objects.create(predecessor=agency_a, successor=agency_b, effective_on=datetime.date(2025, 3, 1), main=True)
    assert reporting_agency_on(indicator, datetime.date(2025, 2, 28)) == agency_a
    assert reporting_agency_on(indicator, datetime.date(2025, 3, 1)) == agency_b
    assert with_figures(type(indicator).objects.all()).count() == 1
