from django.conf import settings

from . import policy


def portal(request) -> dict:
    """Portal name and the signed-in user's role, for every template."""
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_OWNER": settings.PORTAL_OWNER,
        "user_role": policy.role_of(getattr(request, "user", None)),
    }
