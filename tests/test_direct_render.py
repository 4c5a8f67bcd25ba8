"""``djstarter.direct``: a render without Copier gives Copier's files, or is left to Copier.

The projects themselves are compared with plain Copier's in ``test_render_speed.py``
(``test_optimized_render_is_byte_identical``, every kind and answer set); these tests pin the template
features the direct render takes (templated and conditional paths, a templated sibling, exclusions, file
modes, the answers file) and the ones it must leave to Copier, writing nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from djstarter import direct, generate

from .helpers import BASE_ANSWERS, write
from .test_render_speed import composed, plain_copy, tree  # noqa: F401 - composed: a fixture

CONFIG = """\
_min_copier_version: "9.4"
_subdirectory: "kinds/{{ kind }}"
_answers_file: .copier-answers.yml
_exclude:
  - "_hooks.jinja"
  - "_hooks"
  - "*.py[co]"
  - "__pycache__"
_external_data:
  recorded: .copier-answers.yml
name:
  type: str
  help: A name
  default: demo
  validator: >-
    {% if not name %}A name is required.{% elif _external_data.recorded.name %}Already named.{% endif %}
kind:
  type: str
  default: one
  choices:
    "First": one
    "Second": two
fancy:
  type: bool
  default: "{{ kind == 'two' }}"
"""

FILES = {
    "kinds/one/_hooks.jinja": "{% macro greet(who) %}Hello {{ who }}{% endmacro %}\n",
    "kinds/one/{{ _copier_conf.answers_file }}.jinja": (
        "# Changes here will be overwritten by Copier\n{{ _copier_answers|to_nice_yaml -}}\n"
    ),
    "kinds/one/{{ name }}/__init__.py": "",
    "kinds/one/{{ name }}/greeting.txt.jinja": (
        '{% from "kinds/one/_hooks.jinja" import greet %}{{ greet(name) }} from {{ _folder_name }}\n'
        "{{ name | to_json }} {{ pathjoin('a', name) }} {{ _copier_conf.dst_path | string | length > 0 }}\n"
    ),
    "kinds/one/{{ name }}/plain.txt": "{{ name }} stays as written\n",
    "kinds/one/{{ name }}/both.txt": "the copy, never rendered\n",
    "kinds/one/{{ name }}/both.txt.jinja": "the template wins: {{ name }}\n",
    "kinds/one/{% if fancy %}fancy.txt{% endif %}": "fancy\n",
    "kinds/one/{% if not fancy %}plain-only{% endif %}/note.txt": "plain\n",
    "kinds/one/empty/.keep": "",
    "kinds/one/cache.pyc": "excluded\n",
    "kinds/one/__pycache__/x.py": "excluded\n",
    "kinds/one/run.sh": "#!/bin/sh\necho run\n",
    "kinds/one/secret.txt": "private\n",
}

ANSWERS: dict[str, Any] = {"name": "alpha", "kind": "one", "fancy": False}


def make_template(root: Path, config: str = CONFIG, files: dict[str, str] | None = None) -> Path:
    write(root / "copier.yml", config)
    for relative, text in (FILES if files is None else files).items():
        write(root / relative, text)
    if (root / "kinds/one/run.sh").exists():
        (root / "kinds/one/run.sh").chmod(0o755)
        (root / "kinds/one/secret.txt").chmod(0o600)
    return root


@pytest.mark.parametrize("fancy", [False, True])
@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_a_direct_render_writes_what_copier_writes(tmp_path: Path, fancy: bool, umask: int) -> None:
    template = make_template(tmp_path / "template")
    answers = {**ANSWERS, "fancy": fancy}
    previous = os.umask(umask)
    try:
        plain_copy(template, tmp_path / "plain" / "site", answers)
        assert direct.render(answers, tmp_path / "fast" / "site", template) is True
    finally:
        os.umask(previous)
    plain, fast = tree(tmp_path / "plain" / "site"), tree(tmp_path / "fast" / "site")
    assert fast == plain
    assert plain["run.sh"][2] == 0o755 and plain["secret.txt"][2] == 0o600  # modes were compared
    assert ("fancy.txt" in plain) is fancy and ("plain-only/note.txt" in plain) is not fancy
    assert plain["alpha/both.txt"][1] == b"the template wins: alpha\n"
    assert plain["empty"][0] == "dir" and "cache.pyc" not in plain and "_hooks" not in plain
    assert b"_src_path:" in plain[".copier-answers.yml"][1]


def test_a_direct_render_into_an_existing_empty_folder(tmp_path: Path) -> None:
    template = make_template(tmp_path / "template")
    plain_copy(template, tmp_path / "plain" / "site", ANSWERS)
    (tmp_path / "fast" / "site").mkdir(parents=True)
    assert direct.render(ANSWERS, tmp_path / "fast" / "site", template) is True
    assert tree(tmp_path / "fast" / "site") == tree(tmp_path / "plain" / "site")


UNSUPPORTED = {
    "a setting it does not know": (CONFIG + "_skip_if_exists: ['run.sh']\n", {}, ANSWERS),
    "a question field it does not know": (
        CONFIG + "extra:\n  type: str\n  default: x\n  when: false\n",
        {},
        {**ANSWERS, "extra": "x"},
    ),
    "a missing answer": (CONFIG, {}, {"name": "alpha", "kind": "one"}),
    "an answer of another type": (CONFIG, {}, {**ANSWERS, "fancy": "yes"}),
    "an answer that is not a choice": (CONFIG, {}, {**ANSWERS, "kind": "three"}),
    "a validator that refuses": (CONFIG, {}, {**ANSWERS, "name": ""}),
    "a value only Copier computes": (
        CONFIG,
        {"kinds/one/where.txt.jinja": "{{ _copier_conf.src_path }}\n"},
        ANSWERS,
    ),
    "now()": (CONFIG, {"kinds/one/when.txt.jinja": "{{ now() }}\n"}, ANSWERS),
    "the render phase": (CONFIG, {"kinds/one/phase.txt.jinja": "{{ _copier_phase }}\n"}, ANSWERS),
    "a yield path": (
        CONFIG,
        {"kinds/one/{% yield x from [1, 2] %}{{ x }}{% endyield %}/a.txt": "a\n"},
        ANSWERS,
    ),
    "a template for a newer Copier": (CONFIG.replace('"9.4"', '"9.5.1"'), {}, ANSWERS),
    "an exclusion of two lines": (
        CONFIG.replace('  - "__pycache__"', '  - "__pycache__\\nrun.sh"'),
        {},
        ANSWERS,
    ),
    "a template error": (CONFIG, {"kinds/one/broken.txt.jinja": "{% if %}\n"}, ANSWERS),
    "no subdirectory": (CONFIG.replace('_subdirectory: "kinds/{{ kind }}"\n', ""), {}, ANSWERS),
}


@pytest.mark.parametrize("case", UNSUPPORTED)
def test_what_it_does_not_know_is_left_to_copier_with_nothing_written(tmp_path: Path, case: str) -> None:
    config, extra, answers = UNSUPPORTED[case]
    template = make_template(tmp_path / "template", config, {**FILES, **extra})
    assert direct.render(answers, tmp_path / "fast" / "site", template) is False
    assert not (tmp_path / "fast" / "site").exists()


def test_a_folder_with_files_is_left_to_copier(tmp_path: Path) -> None:
    template = make_template(tmp_path / "template")
    write(tmp_path / "fast" / "site" / "mine.txt", "mine\n")
    assert direct.render(ANSWERS, tmp_path / "fast" / "site", template) is False
    assert os.listdir(tmp_path / "fast" / "site") == ["mine.txt"]


def test_generate_render_falls_back_to_copier_with_the_same_result(tmp_path: Path) -> None:
    files = {**FILES, "kinds/one/where.txt.jinja": "{{ _copier_conf.src_path }}\n"}
    template = make_template(tmp_path / "template", CONFIG, files)
    plain_copy(template, tmp_path / "plain" / "site", ANSWERS)
    generate.render(ANSWERS, tmp_path / "fast" / "site", str(template), plain=True)
    assert tree(tmp_path / "fast" / "site") == tree(tmp_path / "plain" / "site")


def test_a_refused_answer_is_reported_in_copiers_words(composed: Path, tmp_path: Path) -> None:  # noqa: F811
    answers = {**BASE_ANSWERS, "project_slug": "django"}
    with pytest.raises(ValueError, match="name of a module the generated project depends on"):  # as before
        generate.render(answers, tmp_path / "project", str(composed), plain=True)
    assert not (tmp_path / "project" / "pyproject.toml").exists()


def test_the_copier_it_stands_in_for_is_the_oldest_djstarter_installs_with() -> None:
    """A template asking for a newer Copier than this is left to Copier (which checks the one installed)."""
    import re

    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'"copier>=([0-9.]+)', pyproject)
    assert match is not None
    assert tuple(map(int, match.group(1).split("."))) == direct.COPIER_AT_LEAST


def test_a_path_that_only_mentions_yield_is_rendered_directly(tmp_path: Path) -> None:
    template = make_template(tmp_path / "template", CONFIG, {**FILES, "kinds/one/yield_curve.py": "x = 1\n"})
    plain_copy(template, tmp_path / "plain" / "site", ANSWERS)
    assert direct.render(ANSWERS, tmp_path / "fast" / "site", template) is True
    assert tree(tmp_path / "fast" / "site") == tree(tmp_path / "plain" / "site")


EXCLUDE_PATTERNS = [
    [
        "_kind.jinja",
        "_kind",
        "_django.jinja",
        "_django",
        "copier.yml",
        "~*",
        "*.py[co]",
        "__pycache__",
        ".git",
    ],
    [".DS_Store", "*.tmp", "a?c", "[ab]*.txt", "x[0-9]", "*~", "-", "node_modules"],
]
PATHS = [
    "_kind",
    "_kind.jinja",
    "a/_kind/b.py",
    "a/b_kind",
    "copier.yml",
    "x/copier.yml",
    "copier.yml.bak",
    "~x",
    "a/~b/c",
    "a~b",
    "m.pyc",
    "m.pyo",
    "m.pyx",
    "a/__pycache__/m.py",
    "__pycache__x",
    ".git",
    "a/.git/config",
    ".gitignore",
    ".DS_Store",
    "a.tmp",
    "a/b.tmp/c",
    "abc",
    "a/abc",
    "abbc",
    "ab.txt",
    "b.txt",
    "c.txt",
    "x1",
    "x10",
    "x",
    "f~",
    "-",
    "a/-/b",
    "node_modules/x",
    "src/node_modules",
    "README.md",
    "a/b/c/d.py",
]


@pytest.mark.parametrize("patterns", EXCLUDE_PATTERNS)
def test_simple_exclusions_match_as_pathspec_matches(composed: Path, patterns: list[str]) -> None:  # noqa: F811
    fast, spec = direct._matcher(patterns), direct._pathspec_matcher(patterns)
    assert all(direct._part_regex(pattern) is not None for pattern in patterns)  # really the fast matcher
    paths = [Path(p) for p in PATHS] + [path.relative_to(composed) for path in composed.rglob("*")]
    assert [path for path in paths if fast(path) != spec(path)] == []
    assert any(fast(path) for path in paths) and not all(fast(path) for path in paths)


@pytest.mark.parametrize(
    "pattern", ["a/b", "!x", "**/x", "#x", "\\x", "[!a]x", "x ", "é", "a[b", "a]b", "", ".", "..", "a[]b"]
)
def test_other_exclusions_are_left_to_pathspec(pattern: str) -> None:
    assert direct._part_regex(pattern) is None
