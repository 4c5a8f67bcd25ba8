import uuid

from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def database_ok() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_ok() -> bool:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    try:
        return cache.get(key) == "ok"
    finally:
        cache.delete(key)


def _check(probe) -> bool:
    try:
        return probe()
    except Exception:  # any error means "not ready"
        return False


@transaction.non_atomic_requests  # a broken database must give 503, not fail in ATOMIC_REQUESTS
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers: can this process reach the database and the cache?
    (``/healthz/`` only says the process is up.)"""
    checks = {"database": _check(database_ok), "cache": _check(cache_ok)}
    ready = all(checks.values())
    return JsonResponse({"status": "ok" if ready else "error", **checks}, status=200 if ready else 503)
