"""The outbox and job-run tables moved from the project package to ``core`` (issue 24): the move keeps every row,
and runs backwards."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from core.models import JobRun, OutboxMessage


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_moving_the_tables_back_and_forth_keeps_their_rows_and_content_types():
    OutboxMessage.objects.create(job="reports.jobs.upkeep_job")
    JobRun.objects.create(key="outbox-1", job="reports.jobs.upkeep_job")
    outbox_type = ContentType.objects.get_for_model(OutboxMessage).pk
    try:
        call_command("migrate", "core", "zero", verbosity=0)  # and the project's 0004, which depends on it
        assert {"vinhlong_cmcn4_outboxmessage", "vinhlong_cmcn4_jobrun"} <= _tables()
        assert not {"core_outboxmessage", "core_jobrun"} & _tables()
        with connection.cursor() as cursor:
            cursor.execute("SELECT job FROM vinhlong_cmcn4_outboxmessage")
            assert cursor.fetchall() == [("reports.jobs.upkeep_job",)]
        assert ContentType.objects.get(pk=outbox_type).app_label == "vinhlong_cmcn4"
    finally:
        call_command("migrate", "core", verbosity=0)
        call_command("migrate", "vinhlong_cmcn4", verbosity=0)
    assert {"core_outboxmessage", "core_jobrun"} <= _tables()
    assert list(OutboxMessage.objects.values_list("job", flat=True)) == ["reports.jobs.upkeep_job"]
    assert JobRun.objects.get().key == "outbox-1"
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(OutboxMessage).pk == outbox_type
