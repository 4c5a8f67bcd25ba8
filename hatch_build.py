"""Build hook: put the templates of every earlier release (``EARLIER`` in src/djstarter/_version.py) into
the package as ``djstarter/_releases/<version>.tar.gz``, made with ``git archive`` from the commit each was
built from. A djstarter whose template store was deleted restores them, so projects made by those
releases can still be updated. An sdist carries the archives; a wheel built from it reuses them.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

OUT = Path("src/djstarter/_releases")


def earlier_releases(root: Path) -> dict[str, str]:
    tree = ast.parse((root / "src/djstarter/_version.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "EARLIER" for t in targets) and node.value is not None:
                return dict(ast.literal_eval(node.value))
    return {}


class ReleasesHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return  # a checkout reads earlier releases from its own git history
        root = Path(self.root)
        (root / OUT).mkdir(parents=True, exist_ok=True)
        for release, commit in earlier_releases(root).items():
            archive = OUT / f"{release}.tar.gz"
            if not (root / archive).is_file():
                self._archive(root, commit, root / archive, release)
            build_data["artifacts"].append(f"/{archive.as_posix()}")

    @staticmethod
    def _archive(root: Path, commit: str, dest: Path, release: str) -> None:
        found = (
            subprocess.run(
                ["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=root, capture_output=True
            ).returncode
            == 0
        )
        if not found:
            raise RuntimeError(
                f"djstarter's package carries the templates of release {release} (commit {commit}), but this "
                "clone does not have that commit: it is shallow or incomplete. Run 'git fetch --unshallow' "
                "(or clone without --depth) and build again."
            )
        subprocess.run(
            ["git", "archive", "--format=tar.gz", f"--output={dest}", commit, "templates"],
            cwd=root, check=True, capture_output=True,
        )  # fmt: skip
