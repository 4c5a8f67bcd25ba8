"""The shared templates: page titles, the form partial's names and descriptions, the CSRF refusal page."""

import html
import json
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.test import Client


class _References(HTMLParser):
    """Collects the ids in a fragment and the ids that ARIA and labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("aria-describedby", "aria-labelledby"):
            self.references += (values.get(name) or "").split()
        if tag == "label" and values.get("for"):
            self.references.append(values["for"])


def _references(fragment: str) -> _References:
    parser = _References()
    parser.feed(fragment)
    return parser


class _SampleForm(forms.Form):
    name = forms.CharField(help_text="What people call you.")
    colour = forms.ChoiceField(
        choices=[("red", "Red"), ("green", "Green")], widget=forms.RadioSelect, help_text="Pick one."
    )
    extras = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, required=False
    )


@pytest.mark.parametrize("data", [None, {}], ids=["blank", "with-errors"])
def test_form_partial_points_every_description_and_label_at_an_element(data):
    fragment = render_to_string("partials/form.html", {"form": _SampleForm(data=data)})
    parsed = _references(fragment)
    assert "id_name_helptext" in parsed.references
    assert set(parsed.references) <= parsed.ids, set(parsed.references) - parsed.ids
    # Radio and checkbox groups are named by a legend, as Django's own field template does.
    assert fragment.count("<fieldset") == 2
    assert fragment.count("<legend") == 2


def _title(content: str) -> str:
    match = re.search(r"<title>(.*?)</title>", content, re.DOTALL)
    assert match, content[:500]
    return html.unescape(" ".join(match.group(1).split()))


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "status"), [("/", 200), ("/no-such-page/", 404)], ids=["home", "not-found"])
def test_every_page_title_reads_page_then_site(client, url, status):
    response = client.get(url, follow=True)
    assert response.status_code == status
    title = _title(response.content.decode())
    page, separator, site = title.rpartition(" · ")
    assert separator and site == settings.SITE_NAME, title
    assert page.strip() and not page.endswith(settings.SITE_NAME), title


@pytest.mark.django_db
def test_a_refused_form_gets_the_sites_own_page_with_a_way_forward():
    client = Client(enforce_csrf_checks=True)
    response = client.post(resolve_url(settings.LOGIN_URL), {"username": "someone", "password": "secret"})
    assert response.status_code == 403
    assert response.templates[0].name == "403_csrf.html"
    assert response.context["site_name"] == settings.SITE_NAME  # the site's layout and context
    content = response.content.decode()
    assert '<main id="main"' in content
    assert _title(content) == f"Form expired · {settings.SITE_NAME}"
    assert "reload the page" in content
    assert "CSRF cookie not set" not in content  # Django's reason is for developers (DEBUG) only


@pytest.mark.django_db
def test_htmx_is_served_from_the_site_and_configured_to_stay_within_the_csp(client):
    page = client.get("/").content.decode()
    script = re.search(r'<script src="([^"]+/vendor/htmx/htmx\.min\.js)" defer>', page)
    assert script, "the base template loads htmx from the site's static files"
    assert finders.find("vendor/htmx/htmx.min.js")
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page)
    assert config
    options = json.loads(config.group(1))
    # The CSP allows no inline style and no eval: htmx must not need either.
    assert options["includeIndicatorStyles"] is False
    assert options["allowEval"] is False
    assert options["historyCacheSize"] == 0  # no copy of a signed-in page in localStorage


@pytest.mark.django_db
def test_an_in_place_refusal_shows_its_reason_in_the_pages_alert_region(client):
    """htmx swaps nothing on a 4xx by default: the refusal's reason would be lost. The configuration sends
    the [data-refusal] part of any 4xx answer to the page's #refusal alert, which every page has (empty)."""
    page = client.get("/").content.decode()
    options = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page).group(1))
    handling = options["responseHandling"]
    refusal = next(rule for rule in handling if re.fullmatch(rule["code"], "404"))
    assert refusal == {"code": "4..", "swap": True, "error": True, "target": "#refusal",
                       "select": "[data-refusal]", "swapOverride": "innerHTML"}  # fmt: skip
    assert next(rule for rule in handling if re.fullmatch(rule["code"], "500"))["swap"] is False
    assert next(rule for rule in handling if re.fullmatch(rule["code"], "204"))["swap"] is False
    assert next(rule for rule in handling if re.fullmatch(rule["code"], "200"))["swap"] is True
    assert '<div id="refusal" class="refusal" role="alert"></div>' in page
    missing = client.get("/no-such-page/", headers={"HX-Request": "true"})
    assert missing.status_code == 404
    assert re.search(r"<p data-refusal>[^<]*not visible to you", missing.content.decode())
    for template, context in (("400.html", {"reason": "A reason."}), ("403.html", {})):
        assert "data-refusal" in render_to_string(template, context)
