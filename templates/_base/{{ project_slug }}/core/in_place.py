"""In-place interactions: one view answers both a plain form post and the same form sent by htmx.

Every in-place control (like, follow, add to cart, a cart quantity, a task's checkbox, an invitation's
accept and decline) is a real ``<form method="post">`` that also carries ``hx-post``. Without JavaScript
the browser posts it and gets the usual redirect (post/redirect/get) with a message; with JavaScript,
htmx posts it (django-htmx's middleware sets ``request.htmx``) and swaps in only the fragment that
changed, so the page keeps its scroll position and focus.

The fragment is marked replayable: the idempotency middleware keeps it, so a form sent twice from the
same fragment (a double click, a retry) takes effect once and both copies get the same fragment.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def answer(
    request: HttpRequest,
    fragment: str,
    context: dict[str, Any],
    *,
    redirect_to: str,
    message: str = "",
) -> HttpResponse:
    """The fragment for htmx; for a plain form, the message and a redirect to ``redirect_to``."""
    if getattr(request, "htmx", False):
        response = render(request, fragment, context)
        response.replayable = True  # type: ignore[attr-defined]
        return response
    if message:
        messages.success(request, message)
    return redirect(redirect_to)
