from django import forms
from django.utils.translation import gettext_lazy as _

from plans.choices import PeriodKind

from .models import Plan, Section


class PlanForm(forms.ModelForm):
    """A plan in the admin: the reporting regime as tick boxes, not raw JSON."""

    reporting_kinds = forms.MultipleChoiceField(
        label=_("Reporting periods"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Which periodic reports the plan requires (Decree 09/2019)."),
    )

    class Meta:
        model = Plan
        fields = [
            "symbol",
            "issuer",
            "issuing_agency",
            "issued_on",
            "title",
            "purpose",
            "directives",
            "parent",
            "starts_on",
            "ends_on",
            "state",
            "is_published",
            "coordinator",
            "reporting_kinds",
            "report_deadline_day",
        ]
        widgets = {"title": forms.Textarea(attrs={"rows": 3, "cols": 80}), "purpose": forms.Textarea(attrs={"rows": 6, "cols": 80})}

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["reporting_kinds"].choices = PeriodKind.choices


class SectionChoiceField(forms.ModelChoiceField):
    """Sections named short in selects: "2. Xác định công nghệ thông tin…"."""

    def label_from_instance(self, obj: Section) -> str:
        title = obj.title if len(obj.title) <= 45 else obj.title[:44] + "…"
        return f"{obj.number}. {title}"
