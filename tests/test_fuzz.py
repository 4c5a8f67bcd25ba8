"""Property-based tests (hypothesis): any project name, description or author name either gets a clear
validation error, or renders a project whose Python parses, whose settings import with the exact name,
whose Django templates compile and whose YAML/TOML files load.

Budget: ``test_validation_is_total`` runs 300 examples (no rendering, well under a second each);
``test_any_accepted_text_renders_a_sound_project`` renders 25 projects (about 3 s each); the slow
``test_sampled_projects_pass_their_own_suite`` runs the generated suite of 2 of them.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from djstarter import answers as answers_mod
from djstarter.errors import AnswersError
from djstarter.generate import generate

from .generated import project_env, run
from .helpers import BASE_ANSWERS

#: Fragments that break naive templating: Jinja and Django syntax, quotes, escapes, markup, YAML/TOML.
NASTY = [
    "{{", "}}", "{%", "%}", "{#", "#}", "{{ project_slug }}", "{% raw %}", "{% endraw %}", "{% block x %}",
    "{{ request.user }}", "{% load static %}", "{% csrf_token %}", "'", '"', '"""', "'''", "\\", "\\n",
    "\\x00", "\\u00e9", "`", "$", "${HOME}", "%s", "%(name)s", "{0}", "<script>alert(1)</script>", "&amp;",
    "-->", "# ", ": ", "- ", "---", "[", "]", "=", "@", "*", "!", "|", "é", "ß", "Ω", "日本", "😀",
    "\U0001d518", "\u200b", "\u202e", "\ufeff", " ", "  ",
]  # fmt: skip
FIELDS = ("project_name", "description", "author_name")

#: Printable text of any script (letters, combining marks, digits, punctuation, symbols incl. non-BMP).
printable = st.text(st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs")), min_size=1)
#: Template syntax, quotes and escapes mixed with printable text, mostly within the length limits.
nasty_text = st.lists(
    st.one_of(st.sampled_from(NASTY), printable.map(lambda text: text[:8])), min_size=1, max_size=16
).map(lambda parts: "".join(parts)[:90])
any_text = st.one_of(
    nasty_text,
    printable.map(lambda text: text[:90]),
    st.text(max_size=300),  # anything: control characters, lone surrogates, very long strings
)
#: The test answers with random text in the free-text fields (each replaced or kept).
answer_sets = st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, any_text)).map(
    lambda given: {**BASE_ANSWERS, **given}
)
#: Text that usually passes validation: printable template syntax, quotes, escapes, any script.
visible = st.text(st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S")), min_size=1, max_size=8)
accepted_text = st.lists(
    st.one_of(st.sampled_from([part for part in NASTY if part.isprintable()]), visible),
    min_size=1,
    max_size=16,
).map(lambda parts: "".join(parts)[:80])
#: Answers for rendering: all three fields random, mostly accepted ones.
render_sets = st.fixed_dictionaries(
    {field: st.one_of(*[accepted_text] * 6, any_text) for field in FIELDS}
).map(lambda given: {**BASE_ANSWERS, **given})


def validated(raw: dict[str, Any]) -> dict[str, Any] | None:
    """The complete answers, or None after checking the rejection is a clear, per-key message."""
    try:
        return answers_mod.validate(raw)
    except AnswersError as error:
        keys = tuple(answers_mod.questions())
        assert error.problems
        for problem in error.problems:
            assert problem.startswith(tuple(f"{key}: " for key in keys)), problem
        assert error.message.startswith("Invalid answers (")
        return None


@settings(max_examples=300, deadline=None)
@given(raw=answer_sets)
def test_validation_is_total(raw: dict[str, Any]) -> None:
    """Validation never crashes, and every accepted value is one printable line within the limits."""
    result = validated(raw)
    if result is not None:
        for field in FIELDS:
            assert result[field].isprintable()
        assert result["project_name"].strip() and result["author_name"].strip()
        assert answers_mod.slug_problem(result["project_slug"]) is None


@contextmanager
def rendered(answers: dict[str, Any]) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="djstarter-fuzz-"))
    try:
        yield generate(answers, root / "project", git=False)
    finally:
        shutil.rmtree(root, ignore_errors=True)


#: Imports the test settings, prints the site's name and description, and compiles every Django template.
SETTINGS_PROBE = """
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
from django.conf import settings
from django.template.loader import get_template
from pathlib import Path
compiled = 0
for folder in [Path(d) for t in settings.TEMPLATES for d in t["DIRS"]]:
    for path in folder.rglob("*.html"):
        get_template(path.relative_to(folder).as_posix())
        compiled += 1
shown = {"name": settings.SITE_NAME, "description": settings.SITE_DESCRIPTION, "compiled": compiled}
print(json.dumps(shown))
"""


def check_sound(project: Path, answers: dict[str, Any]) -> None:
    for path in project.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for path in project.rglob("*.toml"):
        tomllib.loads(path.read_text(encoding="utf-8"))
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert pyproject["description"] == answers["description"]
    assert pyproject["authors"][0]["name"] == answers["author_name"]
    for path in [*project.rglob("*.yml"), *project.rglob("*.yaml"), project / ".copier-answers.yml"]:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert {key: recorded[key] for key in FIELDS} == {key: answers[key] for key in FIELDS}
    assert not [path for path in project.rglob("*") if path.suffix == ".jinja" or "{{" in path.name]
    probe = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        cwd=project,
        env=project_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    shown = json.loads(probe.stdout.strip().splitlines()[-1])
    assert shown["name"] == answers["project_name"]
    assert shown["description"] == answers["description"]
    assert shown["compiled"] > 5


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=render_sets)
@example(
    raw={**BASE_ANSWERS, "project_name": "{% raw %}{{ x }}\"'\\", "description": "{# c", "author_name": "😀"}
)
@example(
    raw={
        **BASE_ANSWERS,
        "project_name": "{% endraw %}{% load x %}",
        "description": '"""',
        "author_name": "\\",
    }
)
def test_any_accepted_text_renders_a_sound_project(raw: dict[str, Any]) -> None:
    answers = validated(raw)
    event("rejected by validation" if answers is None else "rendered")
    if answers is None:
        return
    with rendered(answers) as project:
        check_sound(project, answers)


@pytest.mark.slow
@pytest.mark.full
@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=render_sets.filter(lambda raw: validated(raw) is not None))
def test_sampled_projects_pass_their_own_suite(raw: dict[str, Any]) -> None:
    answers = answers_mod.validate({**raw, "use_drf": True, "use_allauth": True})
    with rendered(answers) as project:
        output = run(
            project,
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
            env=project_env(DATABASE_URL="sqlite:///:memory:"),
        )  # fmt: skip
        assert re.search(r"\d+ passed", output)
