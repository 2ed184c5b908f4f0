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


def test_a_save_marked_changed_that_failed_does_not_mark_a_later_save_that_changes_nothing():
    """``changed_for_certain`` speaks of the next save: one that failed (the database refused it) leaves no mark, so the
    same row saved back as it was writes no history row."""
    from django.db import IntegrityError, transaction

    from core.history import changed_for_certain

    task = TaskFactory(title="Tuyên truyền")
    task.title = None
    changed_for_certain(task)
    with pytest.raises(IntegrityError), transaction.atomic():
        task.save()
    task.title = "Tuyên truyền"
    task.save()
    assert task.history.count() == 1


def test_a_save_marked_changed_is_recorded_even_when_the_mark_came_before_its_change():
    from core.history import changed_for_certain

    task = TaskFactory(title="Tuyên truyền")
    changed_for_certain(task)
    task.title = "Tuyên truyền về chuyển đổi số"
    task.save()
    assert task.history.count() == 2


def test_writing_a_history_row_makes_no_manager_class_and_the_history_reads_as_before(monkeypatch):
    """simple-history made the class of ``Model.history``'s manager anew on every read (``Manager.from_queryset`` lists
    every method of a queryset), and each history row written reads it: a deadline day's every save and step."""
    from django.db.models import Manager

    from tasks.models import Task

    task = TaskFactory(title="Tuyên truyền")
    assert type(Task.history) is type(task.history)  # made once, for the model and its rows
    made = []
    original = Manager.from_queryset.__func__
    monkeypatch.setattr(
        Manager, "from_queryset", classmethod(lambda cls, *args, **kwargs: made.append(cls) or original(cls, *args, **kwargs))
    )
    task.title = "Tuyên truyền về chuyển đổi số"
    task.save()
    assert made == []
    assert [row.title for row in task.history.order_by("-history_id")] == ["Tuyên truyền về chuyển đổi số", "Tuyên truyền"]
    assert Task.history.filter(id=task.pk).count() == 2 and task.history.model.__name__ == "HistoricalTask"
