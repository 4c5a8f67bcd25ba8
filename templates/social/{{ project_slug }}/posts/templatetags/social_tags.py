"""Template filters of the social network."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ..services import HASHTAG, MENTION, tag_name

register = template.Library()

#: A mention (group 1) or a hashtag (group 2): the two things a post's text links.
_LINKED = re.compile(f"{MENTION.pattern}|{HASHTAG.pattern}")


def _pieces(text: str, people: Collection[str] | None) -> Iterator[str | SafeString]:
    """The text cut at each ``@username`` and ``#tag``: plain text as it is, those as safe links (a mention
    only of one of ``people``, when given)."""
    position = 0
    for match in _LINKED.finditer(text):
        if match.group(1) is not None:
            name = match.group(1).rstrip(".")
            if not name or (people is not None and name not in people):
                continue
            yield text[position : match.start()]
            url = reverse("profiles:detail", kwargs={"username": name})
            yield format_html('<a href="{}" class="mention">@{}</a>', url, name)
            position = match.start() + 1 + len(name)
        elif (tag := tag_name(match.group(2))) is not None:
            yield text[position : match.start()]
            url = reverse("posts:tag", kwargs={"name": tag})
            yield format_html('<a href="{}" class="hashtag" rel="tag">#{}</a>', url, match.group(2))
            position = match.end()
    yield text[position:]


@register.filter
def linkify(text: str, people: Collection[str] | None = None) -> SafeString:
    """A post's text with each ``@username`` linked to that profile and each ``#tag`` to the tag's page.

    ``people``: the usernames to link (``Post.linked_mentions``, the mentions stored with the post), so an
    ``@name`` that names nobody, or someone whose account was deleted, stays plain text and never leads
    to whoever takes the name next. ``None`` links every ``@name``.

    ``format_html_join`` escapes every plain piece and keeps the links built by ``format_html``: the only
    HTML in the result is those links (no XSS through posts). The text is Unicode-normalised (NFC) first,
    as tags are when stored, so a link goes to the tag the post was stored with.
    """
    text = unicodedata.normalize("NFC", str(text))
    people = None if people is None or isinstance(people, str) else people
    return format_html_join("", "{}", ((piece,) for piece in _pieces(text, people)))
