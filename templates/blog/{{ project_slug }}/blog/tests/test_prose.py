"""A post's body as HTML (prose.py) and the article page that shows it."""

import pytest
from django.urls import reverse

from ..models import WORDS_PER_MINUTE
from ..prose import render_body
from .factories import PostFactory


def test_paragraphs_and_line_breaks():
    assert render_body("One\ntwo\n\n\nThree") == "<p>One<br>two</p>\n<p>Three</p>"


def test_everything_is_escaped():
    html = render_body('<script>alert("x")</script> & `<b>`\n\n```\n<img src=x onerror=alert(1)>\n```')
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "<code>&lt;b&gt;</code>" in html
    assert '<pre tabindex="0"><code>&lt;img src=x onerror=alert(1)&gt;</code></pre>' in html


def test_quotes_and_code_blocks_keep_their_text():
    body = "Before:\n\n> Simple is better\n> than complex.\n\n"
    body += "```python\ndef f():\n    return 1\n\n# done\n```\nAfter"
    assert render_body(body) == (
        "<p>Before:</p>\n"
        "<blockquote><p>Simple is better<br>than complex.</p></blockquote>\n"
        '<pre tabindex="0"><code>def f():\n    return 1\n\n# done</code></pre>\n'
        "<p>After</p>"
    )


def test_an_unclosed_fence_makes_the_rest_code():
    html = render_body("Text\n```\ncode\n\nmore")
    assert html == '<p>Text</p>\n<pre tabindex="0"><code>code\n\nmore</code></pre>'


@pytest.mark.parametrize(
    ("words", "minutes"),
    [(0, 1), (WORDS_PER_MINUTE, 1), (WORDS_PER_MINUTE * 5 + 10, 5), (WORDS_PER_MINUTE * 12, 12)],
)
def test_reading_time(words, minutes):
    assert PostFactory.build(body=" ".join(["word"] * words)).reading_minutes == minutes


@pytest.mark.django_db
def test_the_article_shows_its_author_reading_time_and_formatted_body(client, author):
    post = PostFactory(author=author, body="Intro\n\n> A quote\n\n```\nx = 1\n```")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<article class="article">' in html
    assert 'class="avatar avatar-hue-' in html  # the author's initials beside their name
    assert "1 min read" in html
    assert "<blockquote><p>A quote</p></blockquote>" in html
    assert '<pre tabindex="0"><code>x = 1</code></pre>' in html


@pytest.mark.django_db
def test_post_cards_show_the_byline_and_reading_time(client, post):
    html = client.get("/").content.decode()
    assert 'class="card post-card"' in html
    assert 'class="byline byline-small"' in html
    assert f"{post.reading_minutes} min read" in html


@pytest.mark.django_db
def test_the_post_form_tells_the_writer_how_the_body_is_formatted(client, author):
    client.force_login(author)
    html = client.get(reverse("blog:post_create")).content.decode()
    assert 'id="id_body_helptext"' in html
    assert "<code>&gt;</code> to quote" in html
