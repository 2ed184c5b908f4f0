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
