"""Tasks' search column holds syllables between spaces, indexed by trigrams on PostgreSQL (see plans 0008)."""

from django.db import migrations

from core.search import rebuild_search_text, trigram_index

MODELS = {"task": ("number", "title", "product", "timeframe")}


class Migration(migrations.Migration):
    dependencies = [("tasks", "0012_past_holdings"), ("plans", "0010_search_whole_syllables")]

    operations = [
        migrations.RunPython(rebuild_search_text("tasks", MODELS), migrations.RunPython.noop, elidable=True),
        trigram_index("tasks", "task"),
    ]
