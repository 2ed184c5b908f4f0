"""Accent-insensitive whole-syllable search, shared by admin, pages, exports and the API.

Every searchable row keeps a ``search_text`` column (:class:`SearchableModel`) holding the
syllables of its fields without accents, between spaces (``text.search_keys``). A query matches a
row when each of its syllables is found whole (`` so `` finds "số" and "sở", never "soát"); rows
holding the query's whole phrase come first. The same ``LIKE`` runs on SQLite and PostgreSQL, where
a trigram index (``pg_trgm``) serves it: the same answers everywhere.
"""

import unicodedata
from functools import reduce
from operator import and_

from django.db import migrations, models
from django.db.models import Case, Q, Value, When
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .text import excerpt, match_spans, search_keys, search_patterns


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


def search_filter(queryset: models.QuerySet, query: str, *, ranked: bool = True) -> models.QuerySet:
    """Rows of ``queryset`` holding every syllable of ``query`` whole, ignoring accents and case.

    With ``ranked`` the rows holding the query's whole phrase come first, then the queryset's own order.
    """
    words, phrase = search_patterns(query)
    if not words:
        return queryset
    found = queryset.filter(reduce(and_, (Q(search_text__contains=word) for word in words)))
    if not ranked or phrase is None:
        return found
    order = list(found.query.order_by) or list(found.model._meta.ordering)
    return found.alias(search_rank=search_rank(query)).order_by("search_rank", *order)


def phrase_q(query: str, *, prefix: str = "") -> Q | None:
    """Rows holding the whole phrase of ``query`` (None for a query of one syllable, where every match holds it)."""
    _, phrase = search_patterns(query)
    return None if phrase is None else Q(**{f"{prefix}search_text__contains": phrase})


def search_rank(query: str, *, prefix: str = "") -> Case | Value:
    """0 for rows holding the whole phrase of ``query``, 1 for the others (``prefix``: a related row's column)."""
    phrase = phrase_q(query, prefix=prefix)
    return Value(0) if phrase is None else Case(When(phrase, then=Value(0)), default=Value(1))


def mark_matches(text, query: str) -> SafeString:
    """``text``, escaped, with the words of a search ``query`` marked (<mark>), found with or without diacritics."""
    text = unicodedata.normalize("NFC", str(text or ""))
    parts, last = [], 0
    for start, end in match_spans(text, query or ""):
        parts += [conditional_escape(text[last:start]), format_html("<mark>{}</mark>", text[start:end])]
        last = end
    parts.append(conditional_escape(text[last:]))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every piece escaped above


def snippet(text, query: str, *, words: int = 40) -> SafeString:
    """About ``words`` words of ``text`` around the best match of ``query``, escaped, with the matches marked."""
    return mark_matches(excerpt(str(text or ""), query or "", words=words), query)


def rebuild_search_text(app: str, models_fields: dict[str, tuple[str, ...]]):
    """A migration step writing each row's search column afresh from ``models_fields`` (model → its ``SEARCH_FIELDS``)."""

    def forwards(apps, schema_editor):
        for name, fields in models_fields.items():
            model = apps.get_model(app, name)
            changed = []
            for row in model.objects.only("pk", "search_text", *fields).iterator(chunk_size=2000):
                values = []
                for field in fields:
                    value = getattr(row, field)
                    values.extend(value if isinstance(value, list | tuple) else [value])
                row.search_text = search_keys(*values)
                changed.append(row)
                if len(changed) == 2000:
                    model.objects.bulk_update(changed, ["search_text"])
                    changed = []
            model.objects.bulk_update(changed, ["search_text"])

    return forwards


def trigram_index(app: str, model: str) -> migrations.RunPython:
    """A migration step indexing ``model``'s search column by trigrams on PostgreSQL (nothing elsewhere)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            table = apps.get_model(app, model)._meta.db_table
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{table}_search_trgm" ON "{table}" USING gin (search_text gin_trgm_ops)')

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{apps.get_model(app, model)._meta.db_table}_search_trgm"')

    return migrations.RunPython(forwards, backwards)
