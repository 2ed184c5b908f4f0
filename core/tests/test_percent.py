"""Vietnamese writes a percentage against its number ("90%", "72,5%"): one helper, every page, summary and export."""

import re
from decimal import Decimal
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

from core.formatting import percent_text
from indicators.choices import IndicatorKind
from indicators.formatting import figure_text

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_a_percentage_reads_against_its_number_with_a_decimal_comma():
    with translation.override("vi"):
        assert percent_text(90) == "90%"
        assert percent_text(Decimal("72.50")) == "72,5%"
        assert percent_text(None) == "—"
        assert figure_text(kind=IndicatorKind.PERCENTAGE, unit="%", value=Decimal("90.00")) == "90%"
        assert Template("{% load formatting %}{{ v|percent }}").render(Context({"v": Decimal("85.5")})) == "85,5%"


def test_no_template_writes_a_percent_sign_by_hand():
    # Walk (hwalk5): the indicators read "90 %", the reports "90%": each template wrote its own.
    hand_written = re.compile(r"}}\s*%(?!})")
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if hand_written.search(line.replace("width: {{ row.bar }}%", ""))
    ]
    assert found == []


def test_a_value_that_is_no_number_reads_as_missing_never_as_a_bare_sign():
    with translation.override("vi"):
        assert percent_text("abc") == "—"
        assert percent_text(object()) == "—"
        assert percent_text("72.5") == "72,5%"  # a number written as text still reads as one
        assert Template("{% load formatting %}{{ v|percent }}").render(Context({"v": "abc"})) == "—"
