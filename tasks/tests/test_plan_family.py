"""The roll-up rule: a plan's figures take its own tasks and those of the plans carrying it out (one level)."""

import pytest

from plans.tests.factories import PlanFactory
from tasks.models import Task
from tasks.selectors import plan_family_ids, plan_progress_subquery, tasks_of_plans_q
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans():
    """28 carried out through 125, which has a plan of its own below it; 1091 stands alone."""
    parent = PlanFactory(symbol="28/KH-UBND")
    child = PlanFactory(symbol="125/KH-SKHCN", parent=parent)
    grandchild = PlanFactory(symbol="7/KH-PKHCN", parent=child)
    alone = PlanFactory(symbol="1091/KH-UBND")
    for plan, progress in ((parent, 10), (child, 50), (child, 90), (grandchild, 0), (alone, 30)):
        TaskFactory(plan=plan, progress=progress)
    return parent, child, grandchild, alone


def test_a_plans_family_is_itself_and_its_child_plans(plans):
    parent, child, grandchild, alone = plans
    assert plan_family_ids([parent.pk, child.pk, alone.pk]) == {
        parent.pk: {parent.pk, child.pk},
        child.pk: {child.pk, grandchild.pk},
        alone.pk: {alone.pk},
    }


def test_the_condition_selects_the_same_tasks_as_the_families_and_progress_agrees(plans):
    parent, child, _grandchild, alone = plans
    for plan in (parent, child, alone):
        family = plan_family_ids([plan.pk])[plan.pk]
        assert set(Task.objects.filter(tasks_of_plans_q([plan.pk])).values_list("pk", flat=True)) == set(
            Task.objects.filter(plan_id__in=family).values_list("pk", flat=True)
        )
    progress = dict(type(parent).objects.annotate(p=plan_progress_subquery()).values_list("symbol", "p"))
    assert progress["28/KH-UBND"] == 50  # (10 + 50 + 90) / 3: each task once
    both = Task.objects.filter(tasks_of_plans_q([parent.pk, child.pk]))
    assert both.count() == 4  # a task under a parent and its child is selected once
