"""The report form shows a saved completion date day first, as its placeholder asks (found by walking the portal)."""

from datetime import date

from django.test import override_settings
from django.utils import translation

from reports.forms import ReportForm
from reports.models import Report


@override_settings(LANGUAGE_CODE="vi")
def test_a_saved_completion_date_is_shown_day_first():
    with translation.override("vi"):
        field = ReportForm(instance=Report(progress=100, work_state="completed", completed_on=date(2026, 12, 1)))["completed_on"]
        html = str(field)
    assert 'value="01/12/2026"' in html
    assert "2026-12-01" not in html
    assert 'placeholder="dd/mm/yyyy"' in html
