"""What every list's FilterSet shares: the links to the list, built from the FilterSet's own parameter names.

E-mails, notices and dashboards link to lists with filters set. They build the link with
``SomeFilter.url(param=value)``, which refuses a parameter the FilterSet does not have: a link
cannot drift from the list it opens.
"""

import datetime
import functools

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .columns import escaped
from .shared_figures import figures_cached, followed, query_digest, reads_reports


class OptionsWrittenInPython:
    """A select that writes its options in Python, not through Django's template for each option.

    The same HTML as ``django/forms/widgets/select.html``; a filter listing every agency and plan
    has hundreds of options, and rendering each through two included templates was the larger
    part of a list page's time.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            written = "".join(_option(option) for option in options)
            groups.append(f'\n  <optgroup label="{escaped(group_name)}">{written}\n  </optgroup>' if group_name else written)
        return format_html('<select name="{}"{}>{}\n</select>', widget["name"], flatatt(widget["attrs"]), mark_safe("".join(groups)))  # noqa: S308


def _option(option: dict) -> str:
    attrs = option["attrs"]
    written = " selected" if attrs == {"selected": True} else ("" if not attrs else flatatt(attrs))
    return f'\n  <option value="{escaped(option["value"])}"{written}>{escaped(option["label"])}</option>'


class QuickSelect(OptionsWrittenInPython, forms.Select):
    pass


class QuickSelectMultiple(OptionsWrittenInPython, forms.SelectMultiple):
    pass


QUICK = {forms.Select: QuickSelect, forms.SelectMultiple: QuickSelectMultiple}


class SharedChoices(ModelChoiceIterator):
    """A list filter's choice of agencies, plans or sections, read from the shared cache.

    Every visitor of a list is offered the same hundreds of agencies: they are read and labelled
    once per change of figures (``core.shared_figures``; saving an agency or a plan is
    one), per language and per question (the queryset's SQL, so its date too).
    """

    def _choices(self) -> list[tuple]:
        field = self.field
        try:
            key = (get_language(), type(field).__qualname__, field.to_field_name, query_digest(self.queryset))
        except EmptyResultSet:
            return []
        return figures_cached(
            "choices",
            key,
            lambda: [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in self.queryset],
            reads_reports=reads_reports(self.queryset),
        )

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self._choices()

    def __len__(self) -> int:
        return len(self._choices()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self._choices())


@functools.cache
def shared(iterator: type[ModelChoiceIterator]) -> type[ModelChoiceIterator]:
    """``iterator`` (Django's, or django-filter's with its "none" choice) reading its rows through :class:`SharedChoices`."""
    if iterator is ModelChoiceIterator:
        return SharedChoices
    return type(f"Shared{iterator.__name__}", (iterator, SharedChoices), {})


class ListFilterForm(forms.Form):
    """A list's filters. A range's end (``<name>_to``) may not come before its start (``<name>_from``)."""

    def clean(self):
        cleaned = super().clean()
        for name in [name for name in self.fields if name.endswith("_from")]:
            end = name.removesuffix("_from") + "_to"
            if end in self.fields and cleaned.get(name) and cleaned.get(end) and cleaned[end] < cleaned[name]:
                self.add_error(
                    end,
                    _("“%(end)s” (%(to)s) comes before “%(start)s” (%(from)s): swap the two dates.")
                    % {
                        "end": self.fields[end].label,
                        "to": cleaned[end].strftime("%d/%m/%Y"),
                        "start": self.fields[name].label,
                        "from": cleaned[name].strftime("%d/%m/%Y"),
                    },
                )
        return cleaned


@functools.lru_cache(maxsize=8192)
def _address(route: str, args: tuple, items: tuple, prefix: str, urlconf: str | None, root_urlconf: str) -> str:
    """A list's address with these filters, made once (a dashboard links 2,000 numbers to a few lists, the same
    addresses each time it is computed again); keyed by what ``reverse`` reads besides the route and arguments, so a
    test's other URLconf or a script prefix gets its own. Each value comes with its type: 1, True and 1.0 are one key
    to a cache and three texts in an address."""
    query = urlencode([(name, value) for name, _kind, value in items])
    return reverse(route, args=[value for _kind, value in args]) + (f"?{query}" if query else "")


class ListFilterSet(django_filters.FilterSet):
    """A FilterSet for a list page named by ``route``; its form is styled for Bootstrap.

    A filter whose value is wrong (a date that does not exist, a range's end before its start) is named
    under its field and filters nothing out; the others apply.
    """

    route = ""

    class Meta:
        form = ListFilterForm

    @classmethod
    def url(cls, *args, **params) -> str:
        """The list's address with these filters (``None`` and "" are left out)."""
        unknown = set(params) - set(cls.base_filters)
        if unknown:
            raise ValueError(f"{cls.__name__} has no filter {', '.join(sorted(unknown))}")
        items = tuple((name, type(value), value) for name, value in params.items() if value not in (None, ""))
        typed = tuple((type(value), value) for value in args)
        try:
            return _address(cls.route, typed, items, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
        except TypeError:  # a value that cannot be a key (a list of choices): made afresh
            return _address.__wrapped__(cls.route, typed, items, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)

    def described(self) -> list[str]:
        """The filters in use as a reader names them (:func:`form_described`)."""
        return form_described(self.form) if self.is_bound else []

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            shareable = isinstance(field, forms.ModelChoiceField) and followed(field.queryset.model)
            if shareable and not issubclass(field.iterator, SharedChoices):
                field.iterator = shared(field.iterator)
                field.widget.choices = field.choices
            if type(field.widget) in QUICK:
                field.widget.__class__ = QUICK[type(field.widget)]  # the same widget, its options written in Python
            field.widget.attrs.setdefault("class", "form-select" if hasattr(field, "choices") else "form-control")
            if isinstance(field, forms.DateField):
                field.widget.attrs.setdefault("placeholder", "dd/mm/yyyy")
        return form


def form_described(form: forms.Form) -> list[str]:
    """The filters a bound form uses as a reader names them: "Kế hoạch: 28/KH-UBND", "Hạn từ ngày: 01/01/2026" (the line
    atop every list's export); nothing when the form is invalid (the list then shows every row)."""
    if not form.is_bound or not form.is_valid():
        return []
    described = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], False) or (hasattr(value, "exists") and not value.exists()):
            continue
        if isinstance(value, datetime.date):
            shown = value.strftime("%d/%m/%Y")
        elif value is True:
            shown = str(_("yes"))
        elif isinstance(field, forms.ModelMultipleChoiceField):
            shown = ", ".join(map(field.label_from_instance, value))
        elif isinstance(field, forms.ModelChoiceField):  # or its "none" choice ("Chưa xếp nhóm")
            shown = field.label_from_instance(value) if hasattr(value, "pk") else str(getattr(field, "null_label", None) or value)
        elif isinstance(field, forms.ChoiceField):
            shown = str(dict(field.choices).get(value, value))
        else:
            shown = str(value)
        described.append(f"{field.label}: {shown}")
    return described
