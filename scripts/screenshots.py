"""Screenshots of each kind's main pages, desktop (1280 px) and phone (390 px), from its demo data.

    python scripts/screenshots.py                 # every kind, into docs/screenshots/ (the README's gallery)
    python scripts/screenshots.py blog saas --out /tmp/shots

The CLI renders each kind from this checkout, deploys it as the accessibility gate does (production
settings, demo data), signs in as the demo user (or the first one of the demo data: a page of someone's own
orders or feed, not an empty one), serves it and drives the system Chromium (DJSTARTER_TEST_CHROMIUM, as
for the browser tests). The accessibility gate (tests/test_accessibility.py) calls `capture` on the site
it serves anyway, into artifacts/screenshots/, so CI redraws the gallery on every run at no extra site.

Each picture is the first screen a visitor sees (the viewport, not the whole page), saved as WebP at quality
`QUALITY`, the desktop one scaled to 800 px wide: a few tens of KB each.
Names: <kind>-<page>-<desktop|phone>.webp.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GALLERY = REPO / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: Saved width per device (the desktop picture is halved: the README shows it small) and WebP quality.
SAVED_WIDTH = {"desktop": 800, "phone": 390}
QUALITY = 70


@dataclass(frozen=True)
class Shot:
    """One page to picture: ``path`` opened (signed in or not), then for each URL pattern name in ``via`` the
    first link of the page's main content to that pattern followed (a detail page of the demo data, whatever
    its id)."""

    name: str
    path: str
    signed_in: bool = False
    via: tuple[str, ...] = ()


#: The name and description the CLI gives each kind's project, as its owner would (the gate's copies, in
#: artifacts/screenshots/, carry the tests' "Demo Blog").
NAMES: dict[str, tuple[str, str]] = {
    "blog": ("Field Notes", "Notes on Django, Python and the web."),
    "todo_api": ("Tasklist", "Tasks, lists and labels, on the web and through a REST API."),
    "ecommerce": ("Corner Shop", "Small-batch goods, packed by hand."),
    "social": ("Circles", "Posts and replies from the people you follow."),
    "saas": ("Launchpad", "Projects and tasks for teams."),
}

#: Each kind's main pages: home, main list, one detail, and its main signed-in page, named "signed-in" (the
#: page Lighthouse scores besides the home page, tests/lighthouse.py).
SHOTS: dict[str, list[Shot]] = {
    "blog": [
        Shot("home", "/"),
        Shot("list", "/", via=("blog:category",)),
        Shot("detail", "/", via=("blog:post_detail",)),
        Shot("signed-in", "/my-posts/", signed_in=True),
    ],
    "todo_api": [
        Shot("home", "/"),
        Shot("signed-in", "/", signed_in=True),
    ],
    "ecommerce": [
        Shot("home", "/"),
        Shot("detail", "/", via=("catalogue:product_detail",)),
        Shot("cart", "/cart/", signed_in=True),
        Shot("signed-in", "/orders/", signed_in=True),
    ],
    "social": [
        Shot("home", "/"),
        Shot("list", "/explore/"),
        Shot("detail", "/explore/", via=("posts:detail",)),
        Shot("signed-in", "/", signed_in=True),
    ],
    "saas": [
        Shot("home", "/"),
        Shot("organisations", "/", signed_in=True),
        Shot("signed-in", "/", signed_in=True, via=("organizations:dashboard",)),
        Shot("list", "/", signed_in=True, via=("organizations:dashboard", "projects:list")),
        Shot(
            "detail", "/", signed_in=True, via=("organizations:dashboard", "projects:list", "projects:detail")
        ),
    ],
}


def save(png: bytes, target: Path, width: int) -> None:
    """The screenshot scaled to ``width`` and written as WebP."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        if image.width != width:
            image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
        image.save(target, "WEBP", quality=QUALITY, method=6)


def follow(page: Any, base: str, path: str, via: tuple[str, ...], route: Callable[[str], str]) -> bool:
    """Open ``path`` on the site at ``base``, then the first link in the main content to each pattern of
    ``via`` in turn; False when one is missing."""
    page.goto(base + path)
    for name in via:
        hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
        target = next((href for href in hrefs if href.startswith(base + "/") and route(href) == name), None)
        if target is None:
            return False
        page.goto(target)
    return True


def capture(
    page: Any, base: str, kind: str, route: Callable[[str], str], folder: Path, signed_in: bool
) -> dict[str, str]:
    """Picture the kind's pages of this state (signed in or not) in the Playwright ``page``, at both widths,
    into ``folder`` as <kind>-<page>-<device>.webp; ``route`` names a URL's pattern. Returns each pictured
    page's URL by name; a page whose link is missing is left out."""
    folder.mkdir(parents=True, exist_ok=True)
    pictured = {}
    viewport = page.viewport_size
    try:
        for shot in (shot for shot in SHOTS.get(kind, []) if shot.signed_in == signed_in):
            page.set_viewport_size(DESKTOP)
            if not follow(page, base, shot.path, shot.via, route):
                continue
            for device, size in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(size)
                png = page.screenshot(animations="disabled", caret="hide")
                save(png, folder / f"{kind}-{shot.name}-{device}.webp", SAVED_WIDTH[device])
            pictured[shot.name] = page.url
    finally:
        if viewport:
            page.set_viewport_size(viewport)
    return pictured


def main(argv: list[str]) -> None:
    import argparse
    import tempfile

    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "src"))
    from djstarter.generate import generate
    from djstarter.templates import implemented_kinds
    from tests.crawl import Routes, setup_code, setup_result
    from tests.generated import COMBINATIONS
    from tests.helpers import BASE_ANSWERS
    from tests.served import PASSWORD, chromium, serve, served_env, shell
    from tests.test_accessibility import log_in

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kinds", nargs="*", help="kinds to picture (default: every implemented kind)")
    parser.add_argument("--out", type=Path, default=GALLERY, help=f"folder (default: {GALLERY})")
    arguments = parser.parse_args(argv)
    for kind in arguments.kinds or implemented_kinds():
        with tempfile.TemporaryDirectory(prefix=f"screenshots-{kind}-") as folder:
            name, description = NAMES.get(kind, (BASE_ANSWERS["project_name"], BASE_ANSWERS["description"]))
            answers = {
                **BASE_ANSWERS,
                **COMBINATIONS["drf"],
                "project_kind": kind,
                "project_name": name,
                "project_slug": name.lower().replace(" ", "_"),
                "description": description,
            }
            project = generate(answers, Path(folder) / "project", git=False)
            env = served_env(project)
            setup = setup_result(shell(project, setup_code(PASSWORD, user="first"), env))
            routes = Routes(setup["routes"])
            with (
                serve(project, env, Path(folder) / "server.log") as base,
                chromium(viewport=DESKTOP) as context,
            ):
                page = context.new_page()
                pictured = capture(page, base, kind, routes.name, arguments.out, signed_in=False)
                log_in(page, base, setup["login_url"], setup["username"])
                pictured |= capture(page, base, kind, routes.name, arguments.out, signed_in=True)
        for shot in SHOTS[kind]:
            if shot.name not in pictured:
                print(
                    f"{kind} {shot.name}: not pictured (no link to {' > '.join(shot.via)})", file=sys.stderr
                )
                continue
            for device in ("desktop", "phone"):
                path = arguments.out / f"{kind}-{shot.name}-{device}.webp"
                print(f"{path} ({path.stat().st_size // 1024} KB): {pictured[shot.name]}")


if __name__ == "__main__":
    main(sys.argv[1:])
