"""In-place interactions: one view answers both a plain form post and the same form sent by htmx.

Every in-place control (like, follow, add to cart, a cart quantity, a task's checkbox, an invitation's
accept and decline) is a real ``<form method="post">`` that also carries ``hx-post``. Without JavaScript
the browser posts it and gets the usual redirect (post/redirect/get) with a message; with JavaScript,
htmx posts it (django-htmx's middleware sets ``request.htmx``) and swaps in only the fragment that
changed, so the page keeps its scroll position and focus.

The fragment is marked replayable: the idempotency middleware keeps it, so a form sent twice from the
same fragment (a double click, a retry) takes effect once and both copies get the same fragment.

A refusal (any 4xx: a form error, a privacy rule, a rate limit) is answered as a page that marks its reason
``data-refusal``; base.html's htmx configuration shows that part in the page's ``#refusal`` region (a live
alert), and the next in-place success empties the region again (``CLEAR_REFUSAL``, swapped out of band).
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

#: Appended to every in-place fragment: empties base.html's refusal region (htmx's out-of-band swap).
CLEAR_REFUSAL = b'<div id="refusal" class="refusal" role="alert" hx-swap-oob="true"></div>'


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
        response.content += CLEAR_REFUSAL
        response.replayable = True  # type: ignore[attr-defined]
        return response
    if message:
        messages.success(request, message)
    return redirect(redirect_to)
