"""Throttles of the task API, on top of the global anon/user rates.

https://www.django-rest-framework.org/api-guide/throttling/
"""

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle
from rest_framework.views import APIView


class BulkActionRateThrottle(UserRateThrottle):
    """Bulk changes touch many rows per request: they get their own, lower rate ("tasks_bulk")."""

    scope = "tasks_bulk"


class TokenRateThrottle(SimpleRateThrottle):
    """Slows down password guessing on the token endpoint, per client IP ("login")."""

    scope = "login"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
