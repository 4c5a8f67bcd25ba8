"""Template filters of the social network."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..services import MENTION

register = template.Library()


@register.filter
def linkify_mentions(text: str) -> SafeString:
    """Escape a post's text, then turn each ``@username`` into a link to that profile.

    Escaping comes first: the only HTML in the result is the links built here (no XSS through posts).
    """
    escaped = str(conditional_escape(text))

    def link(match) -> str:
        name = match.group(1).rstrip(".")
        tail = match.group(1)[len(name) :]
        if not name:
            return match.group(0)
        url = reverse("profiles:detail", kwargs={"username": name})
        return format_html('<a href="{}" class="mention">@{}</a>', url, name) + tail

    return mark_safe(MENTION.sub(link, escaped))  # noqa: S308 - built from escaped text and format_html
