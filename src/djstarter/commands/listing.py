"""``djstarter list``: the kinds and options with their descriptions."""

from __future__ import annotations

from djstarter import answers as answers_mod
from djstarter import store
from djstarter.prompts import STACK_LABELS


def render() -> str:
    qs = answers_mod.questions()
    available = qs["project_kind"].values
    lines = ["Project kinds (project_kind):"]
    for label, value in qs["project_kind"].choices:
        lines.append(f"  {value:<10} {label}")
    missing = [kind for kind in answers_mod.ALL_KINDS if kind not in available]
    if missing:
        lines.append(f"  (coming later: {', '.join(missing)})")
    lines += ["", "Stack options:"]
    for key, label in STACK_LABELS.items():
        lines.append(f"  {key:<12} {label}")
    lines += ["", "Choices:"]
    for key in ("django_version", "ci", "database"):
        values = ", ".join(f"{value} ({label})" for label, value in qs[key].choices)
        lines.append(f"  {key:<14} {values} — default {qs[key].default}")
    release = store.ensure()  # running djstarter adds its templates to the store (for copier update)
    versions = ", ".join(store.sorted_tags(store.tags(release.path)))
    lines += ["", f"Template store: {release.path} (this djstarter: {release.tag}; held: {versions})"]
    return "\n".join(lines)
