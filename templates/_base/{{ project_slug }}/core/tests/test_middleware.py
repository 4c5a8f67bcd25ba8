import asyncio
import importlib.util
import re

import pytest
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from ..middleware import ServerTimingMiddleware
from ..views import healthz

SERVER_TIMING = re.compile(r"^app;dur=\d+\.\d$")


def test_every_response_has_a_server_timing_header(client, db):
    response = client.get("/healthz/")
    assert SERVER_TIMING.match(response["Server-Timing"])


def test_sync_middleware_adds_the_header():
    middleware = ServerTimingMiddleware(lambda request: HttpResponse("ok"))
    response = middleware(RequestFactory().get("/"))
    assert SERVER_TIMING.match(response["Server-Timing"])


def test_metrics_set_inside_are_kept():
    """The debug toolbar (inside this middleware in local settings) sets its own Server-Timing metrics."""

    def get_response(request):
        response = HttpResponse("ok")
        response["Server-Timing"] = 'sql;dur=1.5;desc="SQL 2 queries"'
        return response

    response = ServerTimingMiddleware(get_response)(RequestFactory().get("/"))
    earlier, ours = response["Server-Timing"].split(", ")
    assert earlier == 'sql;dur=1.5;desc="SQL 2 queries"'
    assert SERVER_TIMING.match(ours)


def test_local_settings_put_the_debug_toolbar_inside_server_timing(monkeypatch):
    # base.py read SECRET_KEY when the test settings loaded it; a fresh clone has no .env to give one.
    monkeypatch.setattr("config.settings.base.SECRET_KEY", "local-settings-test-key")
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("USE_DEBUG_TOOLBAR", "true")
    spec = importlib.util.find_spec("config.settings.local")
    local = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(local)
    names = [name.rsplit(".", 1)[-1] for name in local.MIDDLEWARE]
    assert names[:2] == ["ServerTimingMiddleware", "DebugToolbarMiddleware"]
    assert names.count("ServerTimingMiddleware") == 1


def _the_same_page(request):
    return HttpResponse("<p>The same every time.</p>")


urlpatterns = [path("same/", _the_same_page), path("healthz/", healthz)]


@pytest.mark.urls(__name__)
def test_an_unchanged_answer_is_a_304_without_a_body(client, db):
    """ConditionalGetMiddleware: every answer carries an ETag, and a repeat GET of an unchanged one is a
    304 with no body (pages that must not be stored, like /healthz/, say no-store and get none)."""
    first = client.get("/same/")
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/same/", headers={"If-None-Match": first["ETag"]})
    assert (again.status_code, again.content) == (304, b"")
    assert client.get("/same/", headers={"If-None-Match": '"another"'}).status_code == 200
    assert not client.get("/healthz/").has_header("ETag")


def _settings_with_redis(monkeypatch):
    """``config.settings.base`` as loaded with ``REDIS_URL`` set (not the settings this run uses)."""
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/3")
    spec = importlib.util.find_spec("config.settings.base")
    base = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(base)
    return base


def test_with_redis_the_cache_and_the_sessions_use_it(monkeypatch):
    base = _settings_with_redis(monkeypatch)
    assert base.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert base.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_with_redis_every_cache_object_of_the_process_shares_one_pool(monkeypatch):
    """One pool of connections per process: each thread's cache object (one per request under ASGI) reuses
    it (core/redis_pool.py)."""
    pytest.importorskip("redis", reason="REDIS_URL needs the redis package (with Celery or Docker)")
    from ..redis_pool import SharedConnectionPool

    base = _settings_with_redis(monkeypatch)
    options = base.CACHES["default"]["OPTIONS"]
    first, second = (RedisCache(base.CACHES["default"]["LOCATION"], {"OPTIONS": options}) for _ in range(2))
    assert first is not second
    pool = first._cache._get_connection_pool(write=True)
    assert isinstance(pool, SharedConnectionPool)
    assert second._cache._get_connection_pool(write=True) is pool
    other = RedisCache("redis://cache.example:6379/4", {"OPTIONS": options})
    assert other._cache._get_connection_pool(write=True) is not pool


def test_every_response_has_a_permissions_policy(client, db):
    policy = client.get("/healthz/")["Permissions-Policy"]
    assert "camera=()" in policy
    assert "microphone=()" in policy


def test_async_middleware_adds_the_header():
    async def get_response(request):
        return HttpResponse("ok")

    middleware = ServerTimingMiddleware(get_response)
    assert asyncio.iscoroutinefunction(middleware.__acall__)
    response = asyncio.run(middleware(RequestFactory().get("/")))
    assert SERVER_TIMING.match(response["Server-Timing"])
