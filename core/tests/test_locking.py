"""Every row lock of the project is taken by ``core.locking.locked``: of its own table only."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.locking import locked
from tasks.models import TaskAssignment

SKIP = {".venv", "staticfiles", "node_modules", "tests", "migrations", "benchmarks"}


def _sources():
    root = Path(settings.BASE_DIR)
    for path in root.rglob("*.py"):
        if not SKIP.intersection(path.relative_to(root).parts[:-1]):
            yield root, path


def test_no_lock_is_taken_outside_core_locking():
    """``select_for_update()`` called anywhere else would lock the rows of every table its statement joins (the model's
    default ordering, ``select_related``): one report locked its period's row, and every writer of the period queued."""
    found = []
    for root, path in _sources():
        if path.relative_to(root).as_posix() == "core/locking.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "select_for_update":
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == [], f"lock with core.locking.locked: {found}"


@pytest.mark.django_db
def test_locked_queryset_locks_its_own_table_in_key_order():
    query = locked(TaskAssignment.objects.select_related("task__plan", "agency")).query
    assert query.select_for_update and query.select_for_update_of == ("self",)
    assert query.order_by == ("pk",)
    if connection.vendor == "postgresql":
        sql, _params = query.get_compiler(connection=connection).as_sql()
        assert sql.endswith('FOR UPDATE OF "tasks_taskassignment"')
