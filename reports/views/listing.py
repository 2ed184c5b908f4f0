"""What every list page shares: 50 rows a page, and the filters kept in the page links."""

from django.core.paginator import Page, Paginator

from core.paging import PER_PAGE, SharedCountPaginator


def query_of(request) -> str:
    """The request's query string without ``page`` and ``format`` (for the page and export links)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def page_of(request, rows, *, shared_count: bool = False) -> tuple[Page, str]:
    """The page the request asks for, and its query string without ``page`` (for the page links).

    ``shared_count``: the number of rows from the shared cache, only for lists of what ``figures_changed`` follows
    (tasks and their plans, sections, agencies: ``READ_BY_FIGURES``); a list of anything else is counted each time.
    """
    paginator = (SharedCountPaginator if shared_count else Paginator)(rows, PER_PAGE)
    return paginator.get_page(request.GET.get("page")), query_of(request)


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"
