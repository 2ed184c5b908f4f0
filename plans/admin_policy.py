"""What every ModelAdmin of the portal shares: the access policy and accent-free search."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _

from core.search import search_filter
from core.text import clean_text

from . import policy


class PortalChangeList(ChangeList):
    """Django's change list, with an impossible date in the address (``?issued_on__year=99999999999999999999``,
    or 9999, whose next year does not exist) shown as a bad filter rather than a 500."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class PortalModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows pass through ``policy.restrict`` and whose search ignores accents.

    Search uses ``search_filter`` (``unaccent`` on PostgreSQL, the normalised column
    elsewhere) when ``search_fields`` is set, so "chuyen doi so" finds "Chuyển đổi số".
    """

    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return PortalChangeList

    def get_queryset(self, request):
        return policy.restrict(super().get_queryset(request), request.user, policy.VIEW)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or policy.can(request.user, policy.CHANGE, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or policy.can(request.user, policy.CHANGE, obj))

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        if hasattr(queryset.model, "search_text"):
            return search_filter(queryset, search_term), False
        return super().get_search_results(request, queryset, search_term)


class AliasesField(forms.CharField):
    """Edit a JSON list of spellings as one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        return [clean_text(line) for line in (value or "").splitlines() if clean_text(line)]


class AliasesFormMixin(forms.ModelForm):
    aliases = AliasesField(label=_("Abbreviations and other spellings"), required=False, help_text=_("One per line."))
