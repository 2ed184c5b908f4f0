"""Spreadsheet safety for every export of the portal.

A text cell that starts with "=", "+", "-", "@", a tab or a carriage return may run as a
formula when a spreadsheet opens the file (CSV/formula injection). Every exported text
cell goes through :func:`neutralise`, which prefixes such text with an apostrophe;
importers call :func:`restore` to read it back as written.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make a text value inert in a spreadsheet; other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(value):
    """Undo :func:`neutralise` on a value read back from an exported file."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def safe_resource(resource_class):
    """A django-import-export Resource whose exported text cells are neutralised."""

    class SafeResource(resource_class):
        def export_field(self, field, instance, **kwargs):
            return neutralise(super().export_field(field, instance, **kwargs))

        class Meta:
            abstract = True

    return SafeResource
