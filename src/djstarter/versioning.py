"""djstarter's version, derived from ``_version.py`` and git history (no tags needed).

Every build has its own version, ordered as the commits are:

- a build of the release commit (the newest commit titled ``Release <RELEASE>``, or else the newest that
  changed ``_version.py``) is ``RELEASE``, e.g. ``0.2.0``;
- a build ``N`` commits later is ``RELEASE.post<N>+g<hash>``, e.g. ``0.2.0.post3+g1a2b3c4``: newer than
  the release, older than the next one, and not a pre-release (plain ``copier update`` considers it);
- uncommitted changes add ``.dirty`` to the local label (the template store tells such trees apart by
  their content).

Tags are never read, so a clone without them builds the same version. A shallow clone cannot count the
commits: its version says so (``+shallow``, with a warning), and a wheel built from one stops with a clear
message (it lacks the earlier releases' commits). Installed packages read the version written into them at
build time (``_build.py``); an unpacked sdist reads its ``PKG-INFO``. ``DJSTARTER_VERSION`` overrides
everything (for packagers who build from an export without history).

This module is loaded by the build backend (hatchling's ``code`` version source) on its own, so it
imports nothing from djstarter.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

VERSION_ENV = "DJSTARTER_VERSION"
ROOT = Path(__file__).resolve().parent.parent.parent  # a checkout's root (src/djstarter/ is two down)
VERSION_FILE = "src/djstarter/_version.py"


class VersionError(RuntimeError):
    """The version cannot be derived (no history, a shallow clone, no git)."""


def release(root: Path = ROOT) -> str:
    """``RELEASE`` from ``_version.py`` (read as text: the build backend must not import djstarter)."""
    text = (root / VERSION_FILE).read_text(encoding="utf-8")
    match = re.search(r'^RELEASE = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise VersionError(f'{root / VERSION_FILE} has no RELEASE = "X.Y.Z" line.')
    return match.group(1)


def is_checkout(root: Path = ROOT) -> bool:
    return (
        (root / ".git").exists() and (root / "pyproject.toml").is_file() and (root / VERSION_FILE).is_file()
    )


def build_version(root: Path = ROOT) -> str:
    """The version of a build of ``root``: what the build backend records and ``--version`` prints."""
    override = os.environ.get(VERSION_ENV, "").strip()
    if override:
        return override
    if is_checkout(root):
        try:
            return from_git(root)
        except VersionError as exc:
            if _git(root, "rev-parse", "--is-shallow-repository") != "true":
                raise
            # An editable install from a shallow clone still installs (its runtime version says
            # "+unknown"); a wheel cannot be built from one (the earlier releases' commits are missing).
            import sys

            print(f"warning: {exc}", file=sys.stderr)
            return f"{release(root)}+shallow.g{_git(root, 'rev-parse', '--short=7', 'HEAD')}"
    pkg_info = root / "PKG-INFO"  # an unpacked sdist: the version its checkout computed
    if pkg_info.is_file():
        match = re.search(r"^Version: (\S+)$", pkg_info.read_text(encoding="utf-8"), re.MULTILINE)
        if match:
            return match.group(1)
    raise VersionError(
        f"Cannot tell djstarter's version: {root} is neither a git clone nor an sdist. Build from a clone "
        f"(its history gives the version) or set {VERSION_ENV}."
    )


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=60
        )
    except FileNotFoundError as exc:
        raise VersionError("git is needed to tell the version of a djstarter checkout.") from exc
    except subprocess.CalledProcessError as exc:
        raise VersionError(f"'git {' '.join(args)}' failed in {root}: {exc.stderr.strip()}") from exc
    return result.stdout.strip()


def release_commit(root: Path, version: str) -> str | None:
    """The commit that cut ``version``: the newest titled ``Release <version>``, else the newest that
    changed ``_version.py`` (whichever is newer when both exist)."""
    titled = _git(root, "log", "-1", "--format=%H", "--fixed-strings", f"--grep=Release {version}")
    if titled and _git(root, "log", "-1", "--format=%s", titled).strip() != f"Release {version}":
        titled = ""  # the words appear, but the title is another
    changed = _git(root, "log", "-1", "--format=%H", "--", VERSION_FILE)
    candidates = [commit for commit in (titled, changed) if commit]
    if not candidates:
        return None  # _version.py is not committed yet
    if len(candidates) == 2 and candidates[0] != candidates[1]:
        ancestor = (
            subprocess.run(
                ["git", "merge-base", "--is-ancestor", titled, changed], cwd=root, capture_output=True
            ).returncode
            == 0
        )
        return changed if ancestor else titled
    return candidates[0]


def from_git(root: Path = ROOT) -> str:
    """``RELEASE`` at the release commit, ``RELEASE.post<N>+g<hash>`` after it, ``.dirty`` when changed."""
    version = release(root)
    if _git(root, "rev-parse", "--is-shallow-repository") == "true":
        raise VersionError(
            f"{root} is a shallow clone: djstarter's version counts the commits since its release commit, "
            "so it needs the history. Run 'git fetch --unshallow' (or clone without --depth), or set "
            f"{VERSION_ENV}."
        )
    commit = release_commit(root, version)
    distance = int(_git(root, "rev-list", "--count", f"{commit}..HEAD")) if commit else 0
    dirty = commit is None or bool(
        _git(root, "status", "--porcelain", "--", "src", "templates", "pyproject.toml")
    )
    if distance == 0 and not dirty:
        return version
    head = _git(root, "rev-parse", "--short=7", "HEAD")
    return f"{version}.post{distance}+g{head}" + (".dirty" if dirty else "")
