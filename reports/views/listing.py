"""What every list page shares: 50 rows a page, and the filters kept in the page links."""

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def page_of(request, rows) -> tuple[Page, str]:
    """The page the request asks for, and its query string without ``page`` (for the page links)."""
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
