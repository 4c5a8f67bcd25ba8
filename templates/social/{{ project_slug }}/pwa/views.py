"""The installable web app (a progressive web app): its manifest, icons, service worker and offline page.

The service worker (``templates/pwa/sw.js``, served at ``/sw.js`` so that its scope is the whole site)
keeps only what is the same for everybody: the offline page and the static files it needs. Pages always
come from the network, so nobody's private pages are stored on the device; when the network fails, a
page request gets the offline page instead.
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

#: The brand colours (css/site.css's accent and background; the favicon's square).
THEME_COLOR = "#0c5c3e"
BACKGROUND_COLOR = "#f7f8f7"
ICON_COLOR = "#0c4b33"
#: PNG icon sizes, in pixels: the ones browsers ask of an installable app.
ICON_SIZES = (192, 512)
#: Static files the offline page uses, stored by the service worker when it installs.
OFFLINE_STATIC = ("css/site.css", "favicon.svg")


@require_safe
@cache_control(max_age=60 * 60)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME[:12],
        "description": settings.SITE_DESCRIPTION,
        "id": "/",
        "start_url": reverse("posts:home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            *(
                {"src": reverse("pwa:icon", args=[size]), "sizes": f"{size}x{size}", "type": "image/png"}
                for size in ICON_SIZES
            ),
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@require_safe
@cache_control(no_cache=True)  # browsers check for a new worker on every visit anyway; keep it fresh
def service_worker(request: HttpRequest) -> HttpResponse:
    offline_url = reverse("pwa:offline")
    precache = [offline_url, *(static(path) for path in OFFLINE_STATIC)]
    # A new list (a deployment with new static file names) makes a new cache and a new worker.
    version = hashlib.sha256(json.dumps(precache).encode()).hexdigest()[:12]
    context = {
        "cache_name": f"offline-{version}",
        "offline_url": json.dumps(offline_url),
        "precache": json.dumps(precache),
    }
    response = render(request, "pwa/sw.js", context, content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """What a page request gets with no network. The same for everybody: it names no one."""
    return render(request, "pwa/offline.html")


@lru_cache(maxsize=len(ICON_SIZES))
def _icon_png(size: int) -> bytes:
    """The favicon's "dj" on its green square, drawn at ``size`` pixels (no SVG renderer needed)."""
    image = Image.new("RGB", (size, size), ICON_COLOR)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size // 2)
    draw.text((size / 2, size * 0.52), "dj", fill="#ffffff", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@require_safe
@cache_control(max_age=24 * 60 * 60)
def icon(request: HttpRequest, size: int) -> HttpResponse:
    if size not in ICON_SIZES:
        raise Http404("No icon of that size.")
    return HttpResponse(_icon_png(size), content_type="image/png")
