import json

import pytest
from django.urls import reverse

from ...posts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_manifest_makes_the_site_installable(client):
    response = client.get(reverse("pwa:manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert {"name", "short_name", "start_url", "scope", "icons", "theme_color"} <= manifest.keys()
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        if icon["type"] == "image/png":
            png = client.get(icon["src"])
            assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert client.get("/icons/100.png").status_code == 404


def test_pages_link_the_manifest_and_the_registration_script(client):
    html = client.get(reverse("posts:home")).content.decode()
    assert f'<link rel="manifest" href="{reverse("pwa:manifest")}">' in html
    assert "js/pwa.js" in html


def test_the_service_worker_covers_the_site_and_stores_only_the_offline_page_and_static_files(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    script = response.content.decode()
    precache = json.loads(script.split("var PRECACHE = ", 1)[1].split(";\n", 1)[0])
    assert precache[0] == reverse("pwa:offline")
    assert all(url.startswith("/static/") for url in precache[1:])  # nothing else is stored
    assert 'request.mode === "navigate"' in script  # pages: the network first, the offline page if it fails


def test_the_offline_page_names_no_one(client):
    client.force_login(UserFactory(username="ana", name="Ana Secret"))
    response = client.get(reverse("pwa:offline"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are offline" in html
    assert "Ana Secret" not in html and "/people/ana/" not in html
