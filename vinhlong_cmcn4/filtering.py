"""What every list's FilterSet shares: the links to the list, built from the FilterSet's own parameter names.

E-mails, notices and dashboards link to lists with filters set. They build the link with
``SomeFilter.url(param=value)``, which refuses a parameter the FilterSet does not have: a link
cannot drift from the list it opens.
"""

import django_filters
from django import forms
from django.urls import reverse
from django.utils.http import urlencode


class ListFilterSet(django_filters.FilterSet):
    """A FilterSet for a list page named by ``route``; its form is styled for Bootstrap."""

    route = ""

    @classmethod
    def url(cls, *args, **params) -> str:
        """The list's address with these filters (``None`` and "" are left out)."""
        unknown = set(params) - set(cls.base_filters)
        if unknown:
            raise ValueError(f"{cls.__name__} has no filter {', '.join(sorted(unknown))}")
        query = urlencode({name: value for name, value in params.items() if value not in (None, "")})
        return reverse(cls.route, args=args) + (f"?{query}" if query else "")

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if hasattr(field, "choices") else "form-control")
            if isinstance(field, forms.DateField):
                field.widget.attrs.setdefault("placeholder", "dd/mm/yyyy")
        return form
