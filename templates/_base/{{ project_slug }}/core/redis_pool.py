"""One Redis connection pool per process for the cache (``CACHES["default"]["OPTIONS"]["pool_class"]``).

Django makes a cache object per thread, and its Redis client opens a pool per cache object. Under
Gunicorn's sync workers that is one pool per process. Under an ASGI server it is one pool per *request*:
Django runs each request's synchronous code (the middleware, the view) in a thread of its own, so every
request that read the session or a cached page opened a new TCP connection to Redis and dropped it.
``SharedConnectionPool`` hands every cache object of the process the same pool (redis-py's pools are
thread-safe), so connections are reused whatever the server.

https://docs.djangoproject.com/en/stable/topics/cache/#redis
"""

from __future__ import annotations

import threading
from typing import Any

from redis import ConnectionPool

_lock = threading.Lock()
_pools: dict[tuple[str, str], ConnectionPool] = {}


class SharedConnectionPool(ConnectionPool):
    """A ``ConnectionPool`` whose ``from_url`` returns the process's pool for the same URL and options."""

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:
        key = (url, repr(sorted(kwargs.items())))
        with _lock:
            pool = _pools.get(key)
            if pool is None:
                pool = _pools[key] = super().from_url(url, **kwargs)
            return pool
