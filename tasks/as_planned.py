"""A task's agencies as the plan named them, with the agency holding each part today (issue 25: what the plan said stays readable).

The one way every surface writes them: the task's pages (public and leadership), the lists' exports, the
open data and the API. The names come from ``tasks.selectors.parts_as_named``; each is written by
``plans.models.agencies.then_now``: "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)".
"""

from plans.models.agencies import then_now

from .models import Task
from .selectors import parts_as_named


def agencies_as_planned(task: Task, role: str) -> list[str]:
    """The agencies the plan named in ``role``, each with today's holder of its part when that changed."""
    return [then_now(named, holder) for named, holder in parts_as_named(task, role)]
