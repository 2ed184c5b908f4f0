"""Pages of indicators: a plan's indicators, one indicator with its trend, leadership's list behind the dashboard."""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core import columns
from core.filtering import form_described
from plans import policy
from plans.models import Agency, Plan
from tasks.open_data import LICENCE, licence_note
from tasks.public.views import _csv_response

from . import open_data
from .choices import IndicatorKind, Judgement
from .columns import INDICATORS
from .models import Indicator, IndicatorValue
from .rules import RULE_TEXT, provinces_in, standing
from .selectors import (
    indicator_row,
    indicator_rows,
    indicators_of_plan,
    indicators_of_plan_q,
    judgement_counts,
    reported_by_q,
    reporting_agency_ids_on,
    sort_at_risk_first,
    trend,
    with_figures,
)


def chart_data(row) -> dict:
    """The trend chart's series (the page's table shows the same numbers)."""
    kind = row.indicator.kind

    def scale(value, year) -> float:
        # A rank is drawn as its standing among its year's provinces (%), so 63 and 34 share one axis.
        return float(standing(kind=kind, value=value, year=year) * 100) if kind == IndicatorKind.RANK else float(value)

    days = trend(row)
    return {
        "labels": [day.day.strftime("%d/%m/%Y") for day in days],
        "values": [round(scale(day.value.value, day.value.year), 1) if day.value else None for day in days],
        "valueLabel": str(_("Standing among the provinces (%; 100 = first)") if kind == IndicatorKind.RANK else _("Value")),
        "targetLabel": str(_("Target")),
        # The target in force on each day: each stage of the plan's targets, not the last one drawn over every year.
        "targets": [round(scale(day.target.value, day.target.year), 1) if day.target else None for day in days],
    }


@method_decorator(login_not_required, name="dispatch")
class PlanIndicatorsView(TemplateView):
    """``/ke-hoach/<pk>/chi-tieu/``: a plan's indicators, baseline → latest → target, the share of the way and the
    judgement, with the rule stated. The public reads published plans; leadership any plan (``policy.restrict``)."""

    template_name = "indicators/plan_indicators.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = get_object_or_404(policy.restrict(Plan.objects.all(), self.request.user), pk=self.kwargs["pk"])
        today = timezone.localdate()
        rows = indicator_rows(policy.restrict(indicators_of_plan(plan), self.request.user), today=today)
        context.update(plan=plan, rows=rows, today=today, rule=RULE_TEXT, illustrative=any(row.is_illustrative for row in rows))
        return context


@method_decorator(login_not_required, name="dispatch")
class IndicatorDetailView(TemplateView):
    """``/chi-tieu/<pk>/``: one indicator, its targets, its values as a chart and as a table, and their corrections."""

    template_name = "indicators/indicator_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicators = with_figures(policy.restrict(Indicator.objects.all(), self.request.user)).prefetch_related("named_by", "tasks")
        indicator = get_object_or_404(indicators, pk=self.kwargs["pk"])
        today = timezone.localdate()
        row = indicator_row(indicator, today=today)
        superseded = IndicatorValue.objects.filter(indicator=indicator, superseded_at__isnull=False).select_related("recorded_by")
        context.update(
            indicator=indicator,
            row=row,
            today=today,
            rule=RULE_TEXT,
            chart=chart_data(row),
            superseded=superseded.order_by("-superseded_at"),
            ranks=[(value, provinces_in(value.year)) for value in row.values] if indicator.kind == "rank" else [],
        )
        return context


class IndicatorFilterForm(forms.Form):
    judgement = forms.ChoiceField(label=_("Judgement"), required=False, choices=[("", _("All")), *Judgement.choices])
    plan = forms.ModelChoiceField(label=_("Plan"), required=False, queryset=Plan.objects.none(), empty_label=_("All plans"))
    agency = forms.ModelChoiceField(
        label=_("Agency reporting"), required=False, queryset=Agency.objects.none(), empty_label=_("All agencies")
    )

    def __init__(self, *args, user=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = policy.restrict(Plan.objects.order_by("-issued_on"), user)
        self.fields["plan"].label_from_instance = lambda plan: plan.symbol
        # the agencies reporting today, as the rows name them (an agency merged away would list nothing)
        reporting = reporting_agency_ids_on(today or timezone.localdate())
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=reporting).order_by("name")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def described(self) -> list[str]:
        """The filters in use as the export's heading names them (``core.columns.export_heading``)."""
        return form_described(self)


def filtered_indicators(data, user, today):
    """The indicators a filter chooses (plan, agency reporting today, judgement): the leadership list, its export and the API read this."""
    form = IndicatorFilterForm(data or None, user=user, today=today)
    indicators = policy.restrict(Indicator.objects.all(), user)
    judgement = ""
    if form.is_bound and form.is_valid():
        if plan := form.cleaned_data["plan"]:
            indicators = indicators.filter(pk__in=Indicator.objects.filter(indicators_of_plan_q([plan.pk])).values("pk"))
        if agency := form.cleaned_data["agency"]:
            indicators = indicators.filter(reported_by_q(agency.pk, day=today))  # today's holder (reorganisations followed)
        judgement = form.cleaned_data["judgement"]
    rows = sort_at_risk_first(indicator_rows(indicators, today=today))
    counts = judgement_counts(rows)
    if judgement:
        rows = [row for row in rows if row.judgement == judgement]
    return form, rows, counts


class IndicatorListView(policy.PageRequiredMixin, TemplateView):
    """``/dieu-hanh/chi-tieu/``: every indicator, at risk first; each number of the dashboard's panel opens it filtered;
    exported to Excel as shown (``?format=xlsx``, :data:`indicators.columns.INDICATORS`)."""

    page = policy.OVERSIGHT
    template_name = "indicators/indicator_list.html"

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        data = request.GET.copy()
        data.pop("format", None)
        form, rows, counts = filtered_indicators(data, request.user, today)
        if columns.wants_xlsx(request):
            return columns.xlsx("chi-tieu.xlsx", _("Indicators"), INDICATORS, rows, filters=form, request=request)
        context = self.get_context_data(
            form=form, rows=rows, counts=counts, today=today, rule=RULE_TEXT, judgements=Judgement, query=columns.query_of(request)
        )
        return self.render_to_response(context)


def _public_plan(pk: int) -> Plan:
    return get_object_or_404(policy.public(Plan.objects.all()), pk=pk)


@login_not_required
def plan_open_data(request, pk: int, fmt: str):
    """A published plan's indicators as open data (JSON, or CSV in UTF-8 with BOM): one row per value."""
    if fmt not in {"json", "csv"}:
        raise Http404
    plan = _public_plan(pk)
    rows = open_data.open_data_rows(plan.symbol, indicator_rows(policy.public(indicators_of_plan(plan)), today=timezone.localdate()))
    name = f"chi-tieu-{plan.symbol.replace('/', '-')}"
    if fmt == "json":
        payload = {
            "plan": {"symbol": plan.symbol, "title": plan.title},
            "licence": {**LICENCE, "note": licence_note()},
            "generated_at": timezone.localtime().isoformat(),
            "data_dictionary": request.build_absolute_uri(reverse("indicators:open_data_dictionary", args=["json"])),
            "indicators": rows,
        }
        response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    else:
        response = _csv_response(name, list(open_data.FIELDS), ({k: str(v) for k, v in row.items()} for row in rows))
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
def open_data_dictionary(request, fmt: str):
    """The fields of the indicators' open data (JSON or CSV); the dictionary page lists them too."""
    fields = open_data.dictionary()
    if fmt == "json":
        response = JsonResponse(
            {"licence": {**LICENCE, "note": licence_note()}, "fields": fields}, json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
    elif fmt == "csv":
        response = _csv_response("tu-dien-du-lieu-chi-tieu", ["name", "type", "description"], fields)
    else:
        raise Http404
    response["Access-Control-Allow-Origin"] = "*"
    return response
