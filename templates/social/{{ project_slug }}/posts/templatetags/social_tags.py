"""Template filters of the social network."""

from __future__ import annotations

from collections.abc import Iterator

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ..services import MENTION

register = template.Library()


def _pieces(text: str) -> Iterator[str | SafeString]:
    """The text cut at each ``@username``: plain text as it is, mentions as safe links."""
    position = 0
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        if not name:
            continue
        yield text[position : match.start()]
        url = reverse("profiles:detail", kwargs={"username": name})
        yield format_html('<a href="{}" class="mention">@{}</a>', url, name)
        position = match.start() + 1 + len(name)
    yield text[position:]


@register.filter
def linkify_mentions(text: str) -> SafeString:
    """A post's text with each ``@username`` turned into a link to that profile.

    ``format_html_join`` escapes every plain piece and keeps the links built by ``format_html``: the only
    HTML in the result is those links (no XSS through posts).
    """
    return format_html_join("", "{}", ((piece,) for piece in _pieces(str(text))))
