from django.conf import settings

from plans import policy


def portal(request) -> dict:
    """Portal name, and the pages they may open (``policy.PAGES``), for every template."""
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_OWNER": settings.PORTAL_OWNER,
        "pages": {page: policy.may_open(user, page) for page in policy.PAGES},
    }
