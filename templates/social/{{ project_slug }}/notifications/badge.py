"""The unread badge's page-cache group: the signed-in pages kept whole that show a person's badge.

The home page of a signed-in person is kept whole for their session (``posts/views.py``,
``core/page_cache.signed_in_page_cache``), with the badge's count in its menu. It is kept under
``group(user_id)``, and ``changed(user_id)`` starts a new version of that group (now, and again after the
commit) whenever the count can change:

- a notification saved or deleted, deleted with its post or person too (``signals.py``);
- a notification bumped back to unread by a new actor, or marked read (``services.py``: ``update()`` sends
  no signal);
- the person's choice of what the app shows (``preferences.py``).

What else can change the count, a reply or mention whose post the person may no longer see, changes the
timelines' group as well (``posts/timeline_cache.py``), which those pages are kept under too.
"""

from __future__ import annotations

from ..core import page_cache


def group(user_id: int) -> str:
    """The page-cache group of the pages that show ``user_id``'s badge."""
    return f"social:badge:{user_id}"


def changed(user_id: int) -> None:
    """``user_id``'s unread count may have changed: their kept pages are not served again."""
    page_cache.invalidate_pages(group(user_id))
