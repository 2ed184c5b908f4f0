"""Change history records changes only."""

import pytest

from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_a_save_that_changes_nothing_writes_no_history_row():
    task = TaskFactory(title="Tuyên truyền")
    task.save()
    task.save()
    assert task.history.count() == 1


def test_a_save_that_changes_something_is_recorded_with_its_change():
    task = TaskFactory(title="Tuyên truyền")
    task.title = "Tuyên truyền về chuyển đổi số"
    task.save()
    latest, first = task.history.order_by("-history_id")[:2]
    assert [change.field for change in latest.diff_against(first).changes] == ["title"]
