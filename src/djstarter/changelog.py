"""djstarter's CHANGELOG.md, read back: the upgrade notes a project needs between two versions.

The file ships in the package (``djstarter/CHANGELOG.md``; beside ``src/`` in a checkout). Each release is
a ``## X.Y.Z — date`` section; its ``### Upgrade notes`` subsection lists, one ``-`` line each, what a
project owner must do after updating to it (new settings, new dependencies, migrations).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

_RELEASE = re.compile(r"^## \[?(\d[^\]\s]*)\]?", re.MULTILINE)


@dataclass(frozen=True)
class Release:
    version: Version
    upgrade_notes: list[str]


def path() -> Path | None:
    here = Path(__file__).resolve().parent
    for candidate in (here / "CHANGELOG.md", here.parent.parent / "CHANGELOG.md"):
        if candidate.is_file():
            return candidate
    return None


def releases(text: str | None = None) -> list[Release]:
    """The releases the changelog describes, newest first, with their upgrade notes."""
    if text is None:
        found = path()
        text = found.read_text(encoding="utf-8") if found else ""
    result = []
    sections = _RELEASE.split(text)[1:]  # version, body, version, body, …
    for raw, body in zip(sections[::2], sections[1::2], strict=True):
        try:
            version = Version(raw)
        except InvalidVersion:
            continue
        result.append(Release(version, _upgrade_notes(body)))
    return result


def _upgrade_notes(body: str) -> list[str]:
    notes = re.search(r"^### Upgrade notes\s*$(.*?)(?=^##|\Z)", body, re.MULTILINE | re.DOTALL)
    if not notes:
        return []
    lines = [line.strip() for line in notes.group(1).splitlines()]
    return [line[2:].strip() for line in lines if line.startswith("- ")]


def notes_between(old: Version | None, new: Version | None, text: str | None = None) -> list[str]:
    """Upgrade notes of every release after ``old`` up to ``new`` (oldest release first)."""
    if new is None:
        return []
    chosen = [
        release for release in releases(text)
        if (old is None or release.version > old) and release.version <= new
    ]  # fmt: skip
    return [note for release in reversed(chosen) for note in release.upgrade_notes]
