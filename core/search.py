"""Accent-insensitive search, shared by admin, pages, exports and the API.

On PostgreSQL the real columns are searched through the ``unaccent`` extension; on
SQLite a normalised ``search_text`` column, kept by :class:`SearchableModel`, is used.
Both give the same answers: "chuyen doi so" finds "Chuyển đổi số", "đ" matches "d".
"""

from functools import reduce
from operator import and_, or_

from django.db import connection, models
from django.db.models import Q
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .text import match_spans, search_key, search_keys


class SearchableModel(models.Model):
    """A model with a ``search_text`` column holding the search keys of ``SEARCH_FIELDS``."""

    SEARCH_FIELDS: tuple[str, ...] = ()

    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCH_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def refresh_search_text(self) -> None:
        """Recompute ``search_text``; call it before ``bulk_create``/``bulk_update``."""
        values = []
        for name in self.SEARCH_FIELDS:
            value = getattr(self, name)
            values.extend(value if isinstance(value, list | tuple) else [value])
        self.search_text = search_keys(*values)


def search_filter(queryset: models.QuerySet, query: str, *, fields: tuple[str, ...] | None = None) -> models.QuerySet:
    """Filter ``queryset`` to rows where every word of ``query`` appears, ignoring accents and case.

    ``fields`` are the text columns searched on PostgreSQL (default: the model's
    ``SEARCH_FIELDS`` that are real columns); elsewhere ``search_text`` is used.
    """
    words = search_key(query).split()
    if not words:
        return queryset
    model = queryset.model
    if connection.vendor == "postgresql":
        columns = fields or tuple(
            name
            for name in getattr(model, "SEARCH_FIELDS", ())
            if isinstance(model._meta.get_field(name), models.CharField | models.TextField)
        )
        # search_text stays in the OR: it also holds list fields (aliases) that have no column.
        return queryset.filter(
            reduce(
                and_,
                (
                    reduce(or_, (Q(**{f"{column}__unaccent__icontains": word}) for column in columns), Q(search_text__contains=word))
                    for word in words
                ),
            )
        )
    return queryset.filter(reduce(and_, (Q(search_text__contains=word) for word in words)))


def mark_matches(text, query: str) -> SafeString:
    """``text``, escaped, with the words of a search ``query`` marked (<mark>), found with or without diacritics."""
    text = str(text or "")
    parts, last = [], 0
    for start, end in match_spans(text, query or ""):
        parts += [conditional_escape(text[last:start]), format_html("<mark>{}</mark>", text[start:end])]
        last = end
    parts.append(conditional_escape(text[last:]))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every piece escaped above
