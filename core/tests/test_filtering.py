"""The list filters' selects write the same HTML as Django's templates, only faster."""

from django import forms
from django.test.html import parse_html

from core.filtering import QuickSelect, QuickSelectMultiple

CHOICES = [
    ("", "---------"),
    ("Sở, ban, ngành", [(1, "Sở Khoa học & Công nghệ"), (2, 'Sở "Tài chính"')]),
    (3, "UBND <huyện> Long Hồ"),
]


def both(plain, quick, value, attrs):
    return parse_html(plain.render("agency", value, attrs)), parse_html(quick.render("agency", value, attrs))


def test_a_quick_select_is_django_s_select_option_for_option():
    attrs = {"id": "id_agency", "class": "form-select", "disabled": False, "required": True}
    for value in ("", 2, 3, None):
        plain, quick = both(forms.Select(choices=CHOICES), QuickSelect(choices=CHOICES), value, attrs)
        assert quick == plain, value
    html = QuickSelect(choices=CHOICES).render("agency", 2, attrs)
    assert "Sở &quot;Tài chính&quot;" in html and "UBND &lt;huyện&gt;" in html  # labels escaped
    assert '<option value="2" selected>' in html


def test_a_quick_multiple_select_keeps_every_chosen_option_and_the_multiple_attribute():
    plain, quick = both(forms.SelectMultiple(choices=CHOICES), QuickSelectMultiple(choices=CHOICES), [1, 3], {"id": "id_agency"})
    assert quick == plain
    assert "multiple" in QuickSelectMultiple(choices=CHOICES).render("agency", [1], {})


def test_the_list_filters_use_the_quick_selects(rf):
    from reports.filters import DashboardTaskFilter
    from tasks.models import Task

    form = DashboardTaskFilter({}, queryset=Task.objects.none()).form
    selects = [field.widget for field in form.fields.values() if isinstance(field.widget, forms.Select)]
    assert selects and all(isinstance(widget, QuickSelect | QuickSelectMultiple) for widget in selects)


def test_the_leadership_list_names_each_section_with_its_plan(db):
    # QA: sections of two plans ("1. Tuyên truyền…", "I. TUYÊN TRUYỀN…") were offered side by side with no plan named.
    from plans.tests.factories import PlanFactory, SectionFactory
    from reports.filters import DashboardTaskFilter
    from tasks.models import Task

    first = SectionFactory(plan=PlanFactory(symbol="28/KH-UBND"), number="1", title="Tuyên truyền")
    SectionFactory(plan=PlanFactory(symbol="1091/KH-UBND"), number="I", title="Tuyên truyền")
    labels = [str(label) for _, label in DashboardTaskFilter({}, queryset=Task.objects.none()).form.fields["section"].choices]
    assert "28/KH-UBND — 1. Tuyên truyền" in labels and "1091/KH-UBND — I. Tuyên truyền" in labels
    assert f'<option value="{first.pk}">28/KH-UBND — 1. Tuyên truyền</option>' in str(
        DashboardTaskFilter({}, queryset=Task.objects.none()).form["section"]
    )


def test_a_list_s_address_is_made_once_and_follows_the_script_prefix():
    """``ListFilterSet.url`` keeps the addresses it made (a dashboard links 2,000 numbers), keyed by what reverse
    reads: the same filters under another script prefix (the portal behind /cong/) give that prefix's address."""
    from django.urls import get_script_prefix, set_script_prefix

    from reports.filters import DashboardTaskFilter

    first = DashboardTaskFilter.url(plan=7, status="overdue", section=None)
    assert first == DashboardTaskFilter.url(plan=7, status="overdue") and first.endswith("?plan=7&status=overdue")
    before = get_script_prefix()
    set_script_prefix("/cong/")
    try:
        assert DashboardTaskFilter.url(plan=7, status="overdue") == "/cong/" + first.lstrip("/")
    finally:
        set_script_prefix(before)
    assert DashboardTaskFilter.url(plan=7, status="overdue") == first
    assert DashboardTaskFilter.url(plan=7, status=["overdue", "in_progress"]).endswith("status=%5B%27overdue%27%2C+%27in_progress%27%5D")


def test_equal_values_of_other_types_give_their_own_address():
    """A value's text is its address's: 1, True and 1.0 are equal keys to a cache, not the same filter."""
    from reports.filters import DashboardReportFilter

    assert DashboardReportFilter.url(late=1).endswith("?late=1")
    assert DashboardReportFilter.url(late=True).endswith("?late=True")
    assert DashboardReportFilter.url(agency=3).endswith("?agency=3")
    assert DashboardReportFilter.url(agency=3.0).endswith("?agency=3.0")
