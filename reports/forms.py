from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import content_digest
from plans.models import Plan

from . import workflow
from .attachments import evidence_type
from .models import Report
from .periods import closed_periods
from .services.indicators import field_name
from .summaries.service import summary_period


class DayFirstDateInput(forms.DateInput):
    """A date typed and shown day first, as the portal writes every date (dd/mm/yyyy), with the digits keyboard on a phone.

    DateInput, not TextInput: a saved date is shown day first (a TextInput showed it as 2026-12-01)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", **(attrs or {})}, format="%d/%m/%Y")


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render fields plainly."""

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
                continue
            if isinstance(widget, forms.HiddenInput):
                continue
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.png,.jpg,.jpeg,.gif,.webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def as_typed(value: Decimal) -> Decimal:
    """A kept figure as it was typed, without the column's two decimals: 18.00 gives back 18 (not 1.8E+1), 72.50 72.5."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class ReportForm(BootstrapMixin, forms.ModelForm):
    """What an agency reports on a task for a period; ``version`` guards against lost updates."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": _("Progress is a whole number from 0 to 100."),
            "min_value": _("Progress is a whole number from 0 to 100."),
            "max_value": _("Progress is a whole number from 0 to 100."),
        },
    )
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        # DateInput, not TextInput: a saved date is shown day first (a TextInput showed it as 2026-12-01)
        widget=DayFirstDateInput(),
    )
    attachments = MultipleFileField(
        label=_("Attach evidence"), required=False, help_text=_("PDF, Word, Excel or images; several files at once.")
    )

    class Meta:
        model = Report
        fields = ["progress", "work_state", "completed_on", "results", "difficulties", "proposals"]
        widgets = {
            "results": forms.Textarea(attrs={"rows": 6}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
            "work_state": forms.RadioSelect,
        }

    def __init__(self, *args, request=None, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.indicators = list(indicators)
        self._indicator_fields()
        self.style()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _indicator_fields(self) -> None:
        """A value and a note for each indicator the report carries (``services.indicators.report_indicators``)."""
        kept = {row.indicator_id: row for row in self.instance.indicator_values.all()} if self.instance.pk else {}
        for indicator in self.indicators:
            name, row = field_name(indicator), kept.get(indicator.pk)
            self.fields[name] = forms.DecimalField(
                label=f"{indicator} ({indicator.unit})" if indicator.unit else str(indicator),
                required=False,
                max_digits=14,
                decimal_places=2,
                localize=True,
                initial=as_typed(row.value) if row else None,
                help_text=indicator.get_kind_display(),
                error_messages={"invalid": _("Type a number, e.g. 85 or 85,5.")},
            )
            self.fields[f"{name}_note"] = forms.CharField(
                label=_("Note and source of the figure"),
                required=False,
                max_length=2000,
                initial=row.note if row else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def _update_errors(self, errors):
        """The report's rules (``Report.clean``) say nothing more of a field the form could not read: they read it as
        missing ('31/02/2018' was also told to give the completion date, a progress of 150 that a completed task is at
        100%); the person corrects what they typed first."""
        if hasattr(errors, "error_dict"):
            unread = set(self._errors or ())
            kept = {field: messages for field, messages in errors.error_dict.items() if field not in unread}
            if not kept:
                return
            errors = forms.ValidationError(kept)
        super()._update_errors(errors)

    def indicator_bound_fields(self):
        return [(indicator, self[field_name(indicator)], self[f"{field_name(indicator)}_note"]) for indicator in self.indicators]

    def indicator_values(self) -> dict:
        """{indicator id: (value or None, note)} from the cleaned form, for ``report_save``."""
        return {
            indicator.pk: (self.cleaned_data.get(field_name(indicator)), self.cleaned_data.get(f"{field_name(indicator)}_note") or "")
            for indicator in self.indicators
        }

    def clean_attachments(self):
        too_large = getattr(self.request, "uploads_too_large", [])
        if too_large:
            from django.conf import settings
            from django.template.defaultfilters import filesizeformat

            raise forms.ValidationError(
                _("These files are larger than %(limit)s and were not received: %(names)s")
                % {"limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES), "names": ", ".join(too_large)}
            )
        from django.conf import settings

        files = self.cleaned_data["attachments"] or []
        kept = self.instance.attachments.count() if self.instance.pk else 0
        if kept + len(files) > settings.ATTACHMENT_MAX_FILES:
            raise forms.ValidationError(
                _("A report carries at most %(count)d evidence files (it has %(kept)d): send at most %(left)d more.")
                % {"count": settings.ATTACHMENT_MAX_FILES, "kept": kept, "left": max(settings.ATTACHMENT_MAX_FILES - kept, 0)}
            )
        refused = []
        for upload in files:
            try:
                evidence_type(upload)  # told now, with the form's other mistakes (the service asks it again)
            except ValidationError as error:
                refused.extend(error.messages)
        if refused:
            raise forms.ValidationError(refused)
        return self._once(files)

    def _once(self, files):
        """The same file twice (in this upload or already attached) is kept once, and the user is told."""
        from django.contrib import messages

        seen = dict(self.instance.attachments.values_list("sha256", "original_name")) if self.instance.pk else {}
        seen.pop("", None)
        kept, skipped = [], []
        for upload in files:
            digest = content_digest(upload)
            if digest in seen:
                skipped.append((upload.name, seen[digest]))
                continue
            seen[digest] = upload.name
            kept.append(upload)
        if skipped and self.request is not None:
            for name, same in skipped:
                messages.info(
                    self.request,
                    _("“%(name)s” has the same content as “%(same)s”, already attached: it was kept once.") % {"name": name, "same": same},
                )
        return kept


def step_comment_field() -> forms.CharField:
    """A workflow step's comment, a report's and a summary's alike: at most ``workflow.COMMENT_MAX_LENGTH`` characters, no
    NUL (Django's ``CharField`` refuses it), the field named in its messages (:func:`named_errors`)."""
    return forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=workflow.COMMENT_MAX_LENGTH
    )


def named_errors(form: forms.Form) -> list[str]:
    """A step form's errors, each after its field's label ('Ghi chú: …'), for the page's messages."""
    return [
        f"{form.fields[name].label}: {error}" if name in form.fields else error for name, errors in form.errors.items() for error in errors
    ]


class ReturnForm(BootstrapMixin, forms.Form):
    """A report's workflow step: its comment, and the version of the page it was taken from (a double click is the same step)."""

    comment = step_comment_field()
    version = forms.IntegerField(label=_("version"), required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class SummaryStepForm(forms.Form):
    """A summary's step (sent for signature, returned): its comment by a report step's one rule (:func:`step_comment_field`)."""

    comment = step_comment_field()


class SummaryPeriodMixin:
    """Reads a plan and a period code into ``period_obj``, with the service's message on the period field."""

    period_field = "period"

    def clean(self):
        from django.core.exceptions import ValidationError

        data = super().clean()
        code = data.get(self.period_field)
        if data.get("plan") and code:
            try:
                data["period_obj"] = summary_period(plan=data["plan"], code=code)
            except ValidationError as error:
                self.add_error(self.period_field, error.message_dict["period"])
        return data


class PlanPeriodSelect(forms.Select):
    """Periods grouped by plan; each option carries its plan's id (``data-plan``) so that
    ``summary-periods.js`` shows only the periods of the plan chosen."""

    plan_ids: dict[str, int] = {}

    class Media:
        js = ["js/summary-periods.js"]

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        for group_name, options, _index in groups:
            for option in options:
                if group_name in self.plan_ids:
                    option["attrs"]["data-plan"] = self.plan_ids[group_name]
        return groups


def plan_period_field(plans, *, today=None, chosen=None) -> forms.ChoiceField:
    """The closed periods of each plan, in words ("6 tháng đầu năm 2026"), grouped by plan symbol; of ``chosen`` only
    when a plan is chosen (a page without its script asks for them: ``?plan=``). With the script, the periods of the
    plan chosen in the form are shown and the others hidden; none before a plan is chosen (the prompt says so)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    choices: list = [("", _("Choose a period"))]
    widget = PlanPeriodSelect(
        attrs={
            "data-plan-periods": "id_plan",
            # the script's words, from the catalogue (as checks.js reads its own)
            "data-choose-plan-first": _("Choose a plan first"),
            "data-choose-period": _("Choose a period"),
        }
    )
    widget.plan_ids = {}
    for plan in plans:
        if chosen is not None and plan.pk != chosen.pk:
            continue
        periods = closed_periods(plan.reporting_kinds or [], plan.starts_on, today, deadline_day=plan.report_deadline_day)
        if periods:
            choices.append((plan.symbol, [(period.code, period.label) for period in periods]))
            widget.plan_ids[plan.symbol] = plan.pk
    return forms.ChoiceField(
        label=_("Period"), choices=choices, widget=widget, help_text=_("The periods of the chosen plan whose cut-off has passed.")
    )


class SummaryRequestForm(SummaryPeriodMixin, BootstrapMixin, forms.Form):
    """Compile a summary of a past period on demand: the plan, then one of its closed periods.

    ``chosen``: the plan already chosen (a page asked for its periods), then only its periods are offered."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), empty_label=_("Choose a plan"))

    def __init__(self, *args, plans=None, chosen=None, **kwargs):
        if chosen is not None:
            kwargs.setdefault("initial", {})["plan"] = chosen.pk
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.none()
        self.fields["plan"].label_from_instance = lambda plan: plan.symbol
        self.fields["period"] = plan_period_field(self.fields["plan"].queryset, chosen=chosen)
        self.style()


class SummaryIssueForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=_("Document number"), max_length=32, help_text=_("The number the clerk assigned, e.g. 125."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
