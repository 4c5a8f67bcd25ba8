"""Template tags of the blog; templates use them after ``load blog_tags``."""

from typing import Any

from django import template
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from ..models import Post
from ..prose import render_body
from ..sidebar import get_sidebar

register = template.Library()


@register.inclusion_tag("blog/_sidebar.html", takes_context=True)
def blog_sidebar(context: template.Context, search: bool = True) -> dict[str, Any]:
    """The sidebar: search, categories and tags (cached, see sidebar.py).

    ``search=False`` leaves the search form out, on the search page that has its own.
    """
    return {**get_sidebar(), "request": context.get("request"), "search": search}


@register.simple_tag
def published_posts_by(user: Any, limit: int = 10) -> QuerySet[Post]:
    """A user's latest published posts; in a template: ``published_posts_by profile as posts``."""
    return Post.published.filter(author=user).select_related("category")[:limit]


@register.filter
def prose(text: str) -> SafeString:
    """A post's body as HTML: paragraphs, quotes and code (see prose.py); everything else escaped."""
    return render_body(text)
