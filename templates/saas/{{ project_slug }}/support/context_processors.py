from django.conf import settings
from django.http import HttpRequest


def impersonation(request: HttpRequest) -> dict[str, bool]:
    """For the impersonation banner (``partials/impersonation_banner.html``)."""
    return {"impersonation_read_only": settings.SAAS_IMPERSONATION_READ_ONLY}
