from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from .impersonation import READ_ONLY_REASON, is_read_only

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: What an impersonating staff member can still send: stop impersonating, and sign out (allauth's or
#: Django's sign-out view, whichever the project has).
ALLOWED_VIEWS = frozenset({"support:stop_impersonating", "account_logout", "logout"})


class ReadOnlyImpersonationMiddleware:
    """While a staff member impersonates a user and ``SAAS_IMPERSONATION_READ_ONLY`` is on, refuse every
    request that could change something (403 with the reason; JSON under ``/api/``). The rule:
    ``impersonation.is_read_only``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method in SAFE_METHODS or not is_read_only(request):
            return None
        if request.resolver_match is not None and request.resolver_match.view_name in ALLOWED_VIEWS:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": READ_ONLY_REASON}, status=403)
        return TemplateResponse(request, "support/refused.html", {"reason": READ_ONLY_REASON}, status=403)
