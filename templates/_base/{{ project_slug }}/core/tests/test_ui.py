"""The design system's template tags: icons from the sprite, avatars with an initials fallback."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from ..templatetags.ui import AVATAR_HUES, avatar_hue, initials


def _render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ada Lovelace", "AL"), ("demo", "D"), ("Jean-Luc de la Tour", "JT"), ("  ", "?"), ("ümit öz", "ÜÖ")],
)
def test_initials_take_the_first_and_last_words(name, expected):
    assert initials(name) == expected


def test_a_person_without_a_picture_gets_their_initials_on_a_stable_colour():
    person = SimpleNamespace(display_name="Ada Lovelace", username="ada")
    html = _render("{% avatar person %}", person=person)
    assert ">AL</span>" in html and 'aria-hidden="true"' in html
    assert f"avatar-hue-{avatar_hue('ada')}" in html
    assert html == _render("{% avatar person %}", person=person)
    assert {avatar_hue(f"user{n}") for n in range(50)} == set(range(AVATAR_HUES))


def test_a_picture_is_shown_when_there_is_one():
    person = SimpleNamespace(display_name="Ada", username="ada")
    picture = SimpleNamespace(url="/media/avatars/ada.png")
    html = _render('{% avatar person image=picture size="large" %}', person=person, picture=picture)
    assert html.startswith('<img class="avatar avatar-large" src="/media/avatars/ada.png" alt=""')
    assert 'width="96"' in html


def test_an_icon_is_decoration_unless_it_is_given_a_label():
    assert 'aria-hidden="true"' in _render('{% icon "menu" %}')
    assert "icons.svg#menu" in _render('{% icon "menu" %}')
    labelled = _render('{% icon "search" label="Search" %}')
    assert 'role="img" aria-label="Search"' in labelled and "aria-hidden" not in labelled


def test_the_sprite_holds_every_icon_the_templates_use(settings):
    root = Path(settings.BASE_DIR)
    sprite = next(root.glob("*/static/icons.svg")).read_text()
    symbols = set(re.findall(r'<symbol id="([\w-]+)"', sprite))
    used = {
        name
        for template in root.glob("*/templates/**/*.html")
        for name in re.findall(r'{% icon "([\w-]+)"', template.read_text())
    }
    assert used and used <= symbols, used - symbols


@pytest.mark.django_db
def test_the_menu_needs_no_javascript_and_pages_need_no_inline_code(client):
    """The phone's menu is a <details>; the strict CSP allows no inline script or style, so none is used."""
    html = client.get("/", follow=True).content.decode()
    assert '<details class="nav-menu">' in html and "<summary>" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html and not re.search(r"\sstyle=", html)
