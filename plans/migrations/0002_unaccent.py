from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL's unaccent powers accent-insensitive search; other databases skip this."""

    dependencies = [("plans", "0001_initial")]

    operations = [UnaccentExtension()]
