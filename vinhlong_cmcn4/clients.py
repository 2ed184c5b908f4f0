"""Who is on the other end of a request, and how often they may try: decided in one place.

The portal runs behind proxies listed in ``TRUSTED_PROXIES`` (addresses or networks: the nginx in
front). ``X-Forwarded-For`` is believed only when the socket's peer is one of them: anyone reaching
gunicorn directly writes whatever they like there, so their own address is the client. Behind our
proxies the header is read from the right, each trusted proxy's entry skipped; the first address that
is not one of ours is the client, and anything a client wrote to the left of it is ignored, so
rotating the header changes nothing. django-axes (``AXES_CLIENT_IP_CALLABLE``), the API throttles,
the per-address login limit and the monitoring pages all call :func:`client_address`.

Throttles keep their counters in the cache (Redis). When the cache is down they let the request
through and log it: a throttle must not turn an outage of Redis into an outage of the portal.
"""

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from rest_framework import throttling

logger = logging.getLogger(__name__)


def within(address: str, networks: list[str]) -> bool:
    """Whether ``address`` is one of ``networks`` (single addresses or CIDR networks); never for a non-address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


def client_address(request, *args, **kwargs) -> str:
    """The client's IP address: ``X-Forwarded-For`` is read only when the peer is one of ``TRUSTED_PROXIES``."""
    request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    client = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    while forwarded and within(client, trusted):
        candidate = forwarded.pop()
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            return client  # our proxy appends addresses only: garbage there was written by someone else
        client = candidate
    return client


class _ByClientFailingOpen:
    def get_ident(self, request):
        return client_address(request)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as error:  # noqa: BLE001 - any cache failure: let the request through, say so
            logger.warning("throttle %s skipped: the cache is unreachable (%s: %s)", type(self).__name__, type(error).__name__, error)
            return True


class AnonRateThrottle(_ByClientFailingOpen, throttling.AnonRateThrottle):
    """Anonymous API calls per client address (``API_ANON_RATE``); open when the cache is down."""


class ScopedRateThrottle(_ByClientFailingOpen, throttling.ScopedRateThrottle):
    """Per-view limits (the token endpoint: ``API_TOKEN_RATE``) per client address; open when the cache is down."""


def _failures_key(address: str) -> str:
    return f"login-failures:{address}"


@receiver(user_login_failed)
def login_failure_count(sender, credentials=None, request=None, **kwargs) -> None:
    """Count failed logins per client address, whatever the username (password spraying)."""
    if request is None:
        return
    key = _failures_key(client_address(request))
    try:
        if not cache.add(key, 1, timeout=settings.LOGIN_ADDRESS_WINDOW_SECONDS):
            cache.incr(key)
    except Exception as error:  # noqa: BLE001 - the cache is down: axes (in the database) still locks per username
        logger.warning("login failures of %s not counted: the cache is unreachable (%s)", key, error)


class AddressLoginLimitBackend:
    """Refuses every login from an address that failed ``LOGIN_FAILURES_PER_ADDRESS`` times in the window.

    django-axes locks a username *and* address pair, so nobody can lock a leader out from elsewhere;
    this limit catches one client trying many usernames. It shows the lockout page of axes.
    """

    def authenticate(self, request, **credentials):
        if request is None:
            return None
        try:
            failures = cache.get(_failures_key(client_address(request)), 0)
        except Exception as error:  # noqa: BLE001 - fail open, logged
            logger.warning("login limit per address skipped: the cache is unreachable (%s)", error)
            return None
        if failures >= settings.LOGIN_FAILURES_PER_ADDRESS:
            getattr(request, "_request", request).axes_locked_out = True  # axes' middleware shows its lockout page
            raise PermissionDenied("too many failed logins from this address")
        return None  # no get_user: this backend never signs anyone in (nor does Django's test client use it)


_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def rate_allows(request, *, scope: str, rate: str) -> bool:
    """May this client address make one more request of ``scope`` under ``rate`` ("10/min")?

    For pages outside the API (the public verification page); counted in the cache per fixed
    window, open when the cache is down, like the API's throttles.
    """
    count, _slash, period = rate.partition("/")
    window = _PERIODS.get(period, 60)
    key = f"rate:{scope}:{client_address(request)}"
    try:
        if cache.add(key, 1, timeout=window):
            return True
        return cache.incr(key) <= int(count)
    except ValueError:  # the key expired between add and incr
        return True
    except Exception as error:  # noqa: BLE001 - any cache failure: let the request through, say so
        logger.warning("rate %s skipped: the cache is unreachable (%s: %s)", scope, type(error).__name__, error)
        return True
