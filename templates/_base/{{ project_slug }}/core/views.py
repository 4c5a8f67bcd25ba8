from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def _database_ok() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


@transaction.non_atomic_requests  # async views cannot run inside ATOMIC_REQUESTS
@never_cache
@require_safe
async def healthz(request: HttpRequest) -> JsonResponse:
    """An async view for load balancers and container health checks: is the database reachable?"""
    try:
        database = await sync_to_async(_database_ok)()
    except Exception:  # any database error means "unhealthy"
        database = False
    return JsonResponse(
        {"status": "ok" if database else "error", "database": database},
        status=200 if database else 503,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a refused form in the site's layout, saying what to do next (status 403)."""
    # Django's reason ("CSRF cookie not set.") helps a developer; visitors do not need it.
    return render(request, "403_csrf.html", {"reason": reason if settings.DEBUG else ""}, status=403)
