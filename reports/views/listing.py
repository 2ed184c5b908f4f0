"""What every list page shares: 50 rows a page, and the filters kept in the page links."""

from django.core.paginator import Page

from vinhlong_cmcn4.paging import PER_PAGE, SharedCountPaginator


def query_of(request) -> str:
    """The request's query string without ``page`` and ``format`` (for the page and export links)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def page_of(request, rows) -> tuple[Page, str]:
    """The page the request asks for, and its query string without ``page`` (for the page links)."""
    return SharedCountPaginator(rows, PER_PAGE).get_page(request.GET.get("page")), query_of(request)


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"
