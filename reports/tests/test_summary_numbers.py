"""Official numbers: one series per issuer and year (Nghị định 30/2020); a number is never given twice."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reports.choices import SummaryState
from reports.models import Summary
from reports.periods import parse_period_code
from reports.summaries.service import summary_compile, summary_issue

pytestmark = pytest.mark.django_db


def test_a_second_summary_with_the_same_number_in_the_same_year_is_refused_with_a_clear_message(filed, leader):
    first = summary_compile(plan=filed.plan, period=parse_period_code("2018-H2"))
    summary_issue(summary=first, number="15", by=leader)
    second = summary_compile(plan=filed.plan, period=parse_period_code("2018-Y"))
    with pytest.raises(ValidationError) as refused:
        summary_issue(summary=second, number="15", by=leader)
    assert "15/BC-UBND" in refused.value.message_dict["number"][0]
    assert "28/KH-UBND" in refused.value.message_dict["number"][0]
    second.refresh_from_db()
    assert second.state == SummaryState.DRAFT
    assert summary_issue(summary=second, number="16", by=leader).number == "16"


def test_the_database_refuses_a_duplicate_number_too(filed, leader):
    first = summary_issue(summary=summary_compile(plan=filed.plan, period=parse_period_code("2018-H2")), number="15", by=leader)
    second = summary_compile(plan=filed.plan, period=parse_period_code("2018-Y"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Summary.objects.filter(pk=second.pk).update(
            state=SummaryState.ISSUED, number="15", issuer=first.issuer, issued_year=first.issued_year
        )


def test_a_number_typed_with_leading_zeros_is_the_same_number_and_is_refused_when_taken(filed, leader):
    # Walk hwalk9: "015" was issued beside 15/BC-UBND of the same year: two documents numbered 15 (the strings differed).
    summary_issue(summary=summary_compile(plan=filed.plan, period=parse_period_code("2018-H2")), number="15", by=leader)
    second = summary_compile(plan=filed.plan, period=parse_period_code("2018-Y"))
    with pytest.raises(ValidationError) as refused:
        summary_issue(summary=second, number="015", by=leader)
    assert "15/BC-UBND" in refused.value.message_dict["number"][0]
    second.refresh_from_db()
    assert second.state == SummaryState.DRAFT


@pytest.mark.parametrize(("typed", "written"), [("5", "05"), ("005", "05"), ("09", "09"), ("10", "10"), (" 125 ", "125")])
def test_a_number_is_written_as_the_decree_numbers_documents_from_01(filed, leader, typed, written):
    # Nghị định 30/2020, Điều 15: documents are numbered from 01 each year; "5" is written 05/BC-UBND.
    issued = summary_issue(summary=summary_compile(plan=filed.plan, period=parse_period_code("2018-H2")), number=typed, by=leader)
    assert issued.number == written


@pytest.mark.parametrize("typed", ["0", "00"])
def test_number_zero_is_refused(filed, leader, typed):
    summary = summary_compile(plan=filed.plan, period=parse_period_code("2018-H2"))
    with pytest.raises(ValidationError) as refused:
        summary_issue(summary=summary, number=typed, by=leader)
    assert "number" in refused.value.message_dict
    summary.refresh_from_db()
    assert summary.state == SummaryState.DRAFT
