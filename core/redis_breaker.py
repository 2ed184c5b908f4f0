"""A Redis that does not answer is not asked again for a few seconds: a request waits on it once, not at every call.

Every call to Redis has its socket timeout (``REDIS_SOCKET_TIMEOUT``, one second), but a frozen Redis (a
paused process, a full disk, a network that drops packets) accepts connections and never replies, so
each call waits that long; a page asking the cache five times waited five seconds and more. After one
call fails for want of an answer or a connection, this process gives Redis up for ``REDIS_BREAKER_SECONDS``:
the calls in between fail at once, and their callers go on without it as they already do when Redis
is down (the throttles let requests through, figures are computed afresh, the outbox keeps the job
for the next drain). One thread's failure spares every other thread of the worker.

Used by the cache backend (``CACHES``, :class:`RedisCache`) and the outbox's publishing on the request path.
"""

import functools
import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


class RedisGivenUp(RedisConnectionError):
    """Redis failed a moment ago: not asked again until the pause ends."""


class _Breaker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self._until

    def check(self) -> None:
        if self.is_open():
            raise RedisGivenUp(f"Redis did not answer a moment ago: not asked for {settings.REDIS_BREAKER_SECONDS} s")

    def failed(self, error: BaseException) -> None:
        with self._lock:
            if not self.is_open():
                logger.warning("Redis does not answer (%s): not asked for %s s", error, settings.REDIS_BREAKER_SECONDS)
            self._until = time.monotonic() + settings.REDIS_BREAKER_SECONDS

    def reset(self) -> None:
        self._until = 0.0


breaker = _Breaker()


def guarded(call):
    """``call`` refused at once while the breaker is open, and opening it when Redis fails to answer."""

    @functools.wraps(call)
    def guarded_call(*args, **kwargs):
        breaker.check()
        try:
            return call(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError) as error:
            breaker.failed(error)
            raise

    return guarded_call


class _GuardedClient(RedisCacheClient):
    pass


for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear"):
    setattr(_GuardedClient, _name, guarded(getattr(RedisCacheClient, _name)))


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, every call through the breaker."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _GuardedClient
