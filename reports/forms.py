from django import forms
from django.utils.translation import gettext_lazy as _

from plans.models import Agency, Plan

from .choices import ReportState
from .models import Report
from .selectors import NOT_REPORTED


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
        label=_("Completed on"), required=False, widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
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

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.style()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

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
        return self.cleaned_data["attachments"]


class AgencyTaskFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Search tasks, with or without diacritics")})
    )
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), required=False, empty_label=_("All plans"))
    status = forms.ChoiceField(label=_("Status"), required=False)
    report_state = forms.ChoiceField(label=_("This period's report"), required=False)

    def __init__(self, *args, plans=None, **kwargs):
        from tasks.choices import TaskStatus

        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.none()
        self.fields["status"].choices = [("", _("All statuses")), *TaskStatus.choices]
        self.fields["report_state"].choices = [("", _("All")), (NOT_REPORTED, _("Not reported")), *ReportState.choices]
        self.style()


class InboxFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.order_by("-issued_on"), required=False, empty_label=_("All plans"))
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.order_by("name"), required=False, empty_label=_("All agencies")
    )
    late = forms.ChoiceField(label=_("Sent"), required=False, choices=[("", _("On time or late")), ("1", _("Late")), ("0", _("On time"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class ReturnForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class SummaryPeriodMixin:
    """Reads a plan and a period code into ``period_obj``, with the service's message on the period field."""

    period_field = "period"

    def clean(self):
        from django.core.exceptions import ValidationError

        from .summaries.service import summary_period

        data = super().clean()
        code = data.get(self.period_field)
        if data.get("plan") and code:
            try:
                data["period_obj"] = summary_period(plan=data["plan"], code=code)
            except ValidationError as error:
                self.add_error(self.period_field, error.message_dict["period"])
        return data


class SummaryRequestForm(SummaryPeriodMixin, BootstrapMixin, forms.Form):
    """Compile a summary of a past period on demand."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), empty_label=_("Choose a plan"))
    period = forms.CharField(
        label=_("Period"),
        max_length=16,
        help_text=_("E.g. 2018-Q4, 2018-H1, 2018-9M, 2018-Y or 2018-M03."),
        widget=forms.TextInput(attrs={"placeholder": "2018-Y"}),
    )

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.none()
        self.fields["plan"].label_from_instance = lambda plan: plan.symbol
        self.style()


class SummaryIssueForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=_("Document number"), max_length=32, help_text=_("The number the clerk assigned, e.g. 125."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
