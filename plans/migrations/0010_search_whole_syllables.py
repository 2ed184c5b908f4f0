"""The search column holds syllables between spaces (``text.search_keys``), and PostgreSQL indexes it.

Searching matches whole syllables (`` so `` finds "số", not "soát") with one ``LIKE`` on every
database; on PostgreSQL a trigram GIN index (``pg_trgm``) serves that ``LIKE`` at any size.
"""

from django.db import migrations

from core.search import rebuild_search_text, trigram_index

MODELS = {
    "directive": ("symbol", "title", "issuer"),
    "plan": ("symbol", "title", "issuer"),
    "section": ("number", "title"),
    "agencygroup": ("code", "name", "aliases"),
    "agency": ("code", "name", "aliases"),
}


class Migration(migrations.Migration):
    dependencies = [("plans", "0009_stand_ins")]

    operations = [
        migrations.RunPython(rebuild_search_text("plans", MODELS), migrations.RunPython.noop, elidable=True),
        *(trigram_index("plans", model) for model in MODELS),
    ]
