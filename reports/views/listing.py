"""What every list page shares: 50 rows a page, and the filters kept in the page links."""

from django.core.paginator import Page, Paginator

from core.columns import query_of, wants_xlsx
from core.paging import PER_PAGE, SharedCountPaginator

__all__ = ["page_of", "query_of", "wants_xlsx"]  # the list pages of reports import what they share from here


def page_of(request, rows, *, shared_count: bool = False) -> tuple[Page, str]:
    """The page the request asks for, and its query string without ``page`` (for the page links).

    ``shared_count``: the number of rows from the shared cache, only for lists of what ``figures_changed`` follows
    (tasks and their plans, sections, agencies: ``READ_BY_FIGURES``); a list of anything else is counted each time.
    """
    paginator = (SharedCountPaginator if shared_count else Paginator)(rows, PER_PAGE)
    return paginator.get_page(request.GET.get("page")), query_of(request)
