from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    """Make the site name and description available to every template."""
    return {"site_name": settings.SITE_NAME, "site_description": settings.SITE_DESCRIPTION}
