from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .services import badge_text, unread_count


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """The header badge's text ("", "3", "99+"); counted (one bounded query) only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: badge_text(unread_count(user)))}
