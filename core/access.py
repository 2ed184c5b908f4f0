"""Which requests fetch a file rather than a page: an anonymous one is answered 401, not sent to the sign-in page.

A browser following a link to a page is sent to the sign-in page and comes back; a file fetched by a program
(a download manager, a script, an integration) would receive the sign-in form as if it were the file, with
status 200 once it follows the redirect. Files that need signing in answer 401 instead
(``vinhlong_cmcn4.middleware.SignInRequiredMiddleware``); so does the API.
"""

from collections.abc import Callable

# ``?format=xlsx`` asks a list page for its Excel download (core.columns.xlsx).
FILE_FORMATS = frozenset({"xlsx", "csv", "docx", "pdf"})


def private_file(view: Callable) -> Callable:
    """Mark a view (a function, or a class-based view's class) that sends a file only to those signed in."""
    view.private_file = True
    return view


def fetches_file(request, view: Callable) -> bool:
    """Whether ``request`` asks ``view`` for a file: a view marked :func:`private_file`, or a list's download."""
    marked = getattr(view, "private_file", False) or getattr(getattr(view, "view_class", None), "private_file", False)
    return bool(marked) or request.GET.get("format") in FILE_FORMATS
