"""Pages of long lists whose number of rows is shared by everyone who asks the same question."""

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

from .shared_figures import cached_count

PER_PAGE = 50  # rows a page on every list, public or not


class SharedCountPaginator(Paginator):
    """A paginator whose count comes from the shared cache (:func:`shared_figures.cached_count`).

    Counting the rows of a filtered list of tens of thousands of tasks is the slowest statement of
    the page; the same filters give the same count until the figures change.
    """

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return super().count
