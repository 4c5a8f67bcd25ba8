from __future__ import annotations

from pathlib import Path

import pytest

from djstarter import answers
from djstarter.errors import AnswersError, UsageError
from djstarter.templates import implemented_kinds

from .helpers import BASE_ANSWERS, write


def test_questions_come_from_copier_yml() -> None:
    qs = answers.questions()
    assert list(qs)[:7] == [
        "project_name", "project_slug", "description", "author_name", "author_email", "project_kind",
        "django_version",
    ]  # fmt: skip
    assert set(qs) == set(BASE_ANSWERS)
    assert qs["ci"].values == ("github", "gitlab", "none")
    assert qs["database"].values == ("sqlite", "postgresql")
    assert qs["django_version"].values == ("5.2", "6.1")
    assert "LTS" in qs["django_version"].help and "3.12" in qs["django_version"].help


def test_django_version_takes_only_the_offered_versions() -> None:
    assert answers.validate({"django_version": "6.1"})["django_version"] == "6.1"
    with pytest.raises(AnswersError) as raised:
        answers.validate({"django_version": "6.0"})
    assert raised.value.problems == ["django_version: '6.0' is not one of 5.2, 6.1."]


def test_offered_kinds_are_exactly_the_implemented_template_folders() -> None:
    assert list(answers.questions()["project_kind"].values) == implemented_kinds()
    assert set(implemented_kinds()) <= set(answers.ALL_KINDS)


def test_defaults_are_complete_and_valid() -> None:
    result = answers.validate({})
    assert result["project_slug"] == "my_django_site"
    assert result["project_kind"] == "blog"
    assert result["use_drf"] is False
    assert result["database"] == "sqlite"
    assert result["django_version"] == "5.2"  # the LTS


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("My Blog", "my_blog"),
        ("Café Crème & Co.", "cafe_creme_co"),
        ("  42 Things!! ", "things"),
        ("{{ x }} {% y %}", "x_y"),
        ("!!!", "mysite"),
    ],
)
def test_slug_derived_from_name(name: str, slug: str) -> None:
    assert answers.slugify(name) == slug
    assert answers.validate({"project_name": name})["project_slug"] == slug


@pytest.mark.parametrize(
    ("slug", "fragment"),
    [
        ("", "must not be empty"),
        ("My-Site", "not a lowercase Python identifier"),
        ("9lives", "not a lowercase Python identifier"),
        ("class", "keyword"),
        ("match", "keyword"),
        ("django", "shadow"),
        ("json", "shadow"),
        ("site", "shadow"),
        ("config", "shadow"),
        ("test", "shadow"),
        ("pytest", "shadow"),
        ("a" * 41, "longer than 40"),
    ],
)
def test_bad_slugs_are_rejected_with_the_reason(slug: str, fragment: str) -> None:
    with pytest.raises(AnswersError) as info:
        answers.validate({"project_slug": slug})
    assert len(info.value.problems) == 1
    assert "project_slug" in info.value.problems[0]
    assert fragment in info.value.problems[0]


def test_every_problem_is_reported_together() -> None:
    bad = {
        "projet_name": "x",
        "use_drf": "maybe",
        "ci": "jenkins",
        "database": "oracle",
        "project_slug": "import",
        "author_email": "not-an-email",
        "project_name": "",
    }
    with pytest.raises(AnswersError) as info:
        answers.validate(bad)
    text = info.value.message
    assert "7 problems" in text
    assert "projet_name: unknown question. Did you mean 'project_name'?" in text
    assert "use_drf: expected true or false" in text
    assert "ci: 'jenkins' is not one of github, gitlab, none" in text
    assert "database: 'oracle' is not one of sqlite, postgresql" in text
    assert "project_slug: 'import' is a Python keyword" in text
    assert "author_email: 'not-an-email' is not an email address" in text
    assert "project_name: must not be empty" in text


def test_known_but_unimplemented_kind_is_a_clear_error() -> None:
    missing = [kind for kind in answers.ALL_KINDS if kind not in implemented_kinds()]
    if not missing:
        pytest.skip("every kind is implemented")
    with pytest.raises(AnswersError, match="not available in this version of djstarter yet"):
        answers.validate({"project_kind": missing[0]})


@pytest.mark.parametrize("key", ["project_name", "description", "author_name"])
def test_text_answers_must_be_one_printable_line(key: str) -> None:
    with pytest.raises(AnswersError, match=f"{key}: must be a single line"):
        answers.validate({key: "two\nlines"})


def test_overlong_text_is_rejected() -> None:
    with pytest.raises(AnswersError, match="project_name: at most 80 characters"):
        answers.validate({"project_name": "x" * 81, "project_slug": "ok"})


def test_wrong_types_are_named() -> None:
    with pytest.raises(AnswersError) as info:
        answers.validate({"project_name": 42, "use_celery": "true"})
    assert "project_name: expected text, got int 42." in info.value.problems
    assert "use_celery: expected true or false, got 'true'." in info.value.problems


def test_command_line_text_becomes_booleans() -> None:
    parsed = answers.from_text(answers.parse_data(["use_drf=yes", "use_celery=False", "project_name=a=b"]))
    assert parsed == {"use_drf": True, "use_celery": False, "project_name": "a=b"}


def test_malformed_data_item() -> None:
    with pytest.raises(AnswersError, match="expected KEY=VALUE"):
        answers.parse_data(["use_drf"])


def test_answers_file_round_trip_skips_copier_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "a.yml", "_src_path: /x\n_commit: v1\nproject_name: Blog\nuse_drf: true\n")
    assert answers.load_file(path) == {"project_name": "Blog", "use_drf": True}


def test_empty_answers_file_means_all_defaults(tmp_path: Path) -> None:
    assert answers.load_file(write(tmp_path / "a.yml", "")) == {}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("project_name: [unclosed\n", "not valid YAML at line"),
        ("- a\n- b\n", "must be a YAML mapping"),
        ("just text\n", "must be a YAML mapping"),
        ("project_name: a\n---\nproject_name: b\n", "not valid YAML at line 2"),
        ("a:\n\t- b\n", "not valid YAML at line 2"),
        ("project_name: !!python/object:os.system x\n", "could not determine a constructor"),
    ],
)
def test_bad_answers_files(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        answers.load_file(write(tmp_path / "a.yml", text))


def test_missing_answers_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        answers.load_file(tmp_path / "nope.yml")


def test_answers_file_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        answers.load_file(tmp_path)


def test_unreadable_answers_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "a.yml", "project_name: x\n")
    real_read_text = Path.read_text

    def denied(self: Path, *args: object, **kwargs: object) -> str:
        if self == path:  # we run as root in CI, so the permission problem is simulated
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_text(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", denied)
    with pytest.raises(UsageError, match=r"Cannot read the answers file .*a\.yml: Permission denied\."):
        answers.load_file(path)


def test_answers_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_bytes(b"project_name: Caf\xe9\n")
    with pytest.raises(UsageError, match=r"is not UTF-8 text \(byte 0xe9 at position 17\)"):
        answers.load_file(path)


def test_a_question_answered_twice_is_refused_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "a.yml", "project_name: A\nuse_drf: true\nproject_name: B\n")
    with pytest.raises(UsageError, match=r"line 3, column 1: the question 'project_name' is answered twice"):
        answers.load_file(path)


def test_deeply_nested_yaml_is_a_clear_error_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path / "a.yml", "project_name: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(UsageError, match="nested too deeply"):
        answers.load_file(path)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"project_name": "   "}, "project_name: must not be empty."),
        ({"author_name": ""}, "author_name: must not be empty."),
        ({"author_email": ""}, "author_email: must not be empty."),
        ({"description": "d" * 201}, "description: at most 200 characters (got 201)."),
        ({"author_name": "a" * 201}, "author_name: at most 200 characters (got 201)."),
        ({"project_name": None}, "project_name: expected text, got NoneType None."),
        ({"project_name": ["a"]}, "project_name: expected text, got list ['a']."),
        ({"use_docker": 1}, "use_docker: expected true or false, got 1."),
        ({"project_slug": "___"}, "not a lowercase Python identifier"),
        ({"project_slug": "café"}, "not a lowercase Python identifier"),
        ({"project_name": "\ud800"}, "project_name: must be a single line of printable text."),
        ({"project_name": "a\x00b"}, "project_name: must be a single line of printable text."),
    ],
)
def test_empty_long_and_mistyped_text(raw: dict[str, object], problem: str) -> None:
    with pytest.raises(AnswersError) as info:
        answers.validate(raw)
    assert len(info.value.problems) == 1
    assert problem in info.value.problems[0]


def _top_level_modules(distribution: str) -> set[str]:
    """An installed distribution's importable top-level names (top_level.txt, else its files)."""
    from importlib import metadata

    dist = metadata.distribution(distribution)
    listed = dist.read_text("top_level.txt")
    if listed:
        return {name.strip() for name in listed.split() if name.strip()}
    names = set()
    for file in dist.files or []:
        first = file.parts[0]
        if first.endswith((".dist-info", ".data", ".pth")) or first == "..":
            continue
        names.add(first.split(".")[0])
    return names


@pytest.mark.slow
def test_slugs_of_every_dependency_module_are_refused_and_the_table_cannot_drift(tmp_path: Path) -> None:
    """Every kind rendered with every option: each dependency (project and dependency groups) is in
    DEPENDENCY_MODULES with exactly its installed top-level modules, each of those is refused as a
    slug, and the table names nothing the templates no longer use."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    from djstarter.generate import generate

    used: set[str] = set()
    for kind in implemented_kinds():
        every_option = {
            **BASE_ANSWERS, "project_kind": kind, "project_slug": f"all_{kind}", "use_drf": True,
            "use_celery": True, "use_allauth": True, "use_docker": True, "database": "postgresql",
        }  # fmt: skip
        project = generate(every_option, tmp_path / kind, git=False)
        config = tomllib.loads((project / "pyproject.toml").read_text())
        requirements = list(config["project"]["dependencies"])
        for group in config.get("dependency-groups", {}).values():
            requirements += [item for item in group if isinstance(item, str)]
        used |= {canonicalize_name(Requirement(item).name) for item in requirements}
    assert used == set(answers.DEPENDENCY_MODULES), "update DEPENDENCY_MODULES in src/djstarter/answers.py"
    for distribution, modules in answers.DEPENDENCY_MODULES.items():
        assert _top_level_modules(distribution) == set(modules), distribution
        for module in modules:
            if module.isidentifier() and module == module.lower() and not module.startswith("_"):
                assert answers.slug_problem(module) is not None, module


@pytest.mark.parametrize("slug", ["celery", "environ", "whitenoise", "pytest", "factory", "channels", "csp"])
def test_slugs_that_shadow_a_dependency_are_refused(slug: str) -> None:
    problem = answers.slug_problem(slug)
    assert problem is not None and "generated projects depend on" in problem, problem


def test_plain_copier_refuses_the_same_dependency_slugs() -> None:
    """copier.yml's slug validator holds the same list as DEPENDENCY_MODULES (the slugs it can refuse)."""
    import re

    import yaml

    from djstarter.templates import source_dir

    validator = yaml.safe_load((source_dir() / "copier.yml").read_text())["project_slug"]["validator"]
    listed = re.search(r"project_slug in (\[[^\]]*\])", validator)
    assert listed is not None
    expected = {
        module for modules in answers.DEPENDENCY_MODULES.values() for module in modules
        if module.isidentifier() and module == module.lower() and not module.startswith("_")
    }  # fmt: skip
    assert set(yaml.safe_load(listed.group(1))) == expected


@pytest.mark.slow
def test_plain_copier_copy_refuses_a_slug_that_shadows_a_dependency(tmp_path: Path) -> None:
    import subprocess
    import sys

    from djstarter import store

    template = tmp_path / "template"
    store.ensure(into=template, kinds=["blog"])
    copier = str(Path(sys.executable).parent / "copier")
    result = subprocess.run(
        [copier, "copy", "--defaults", "--data", "project_slug=celery", str(template), str(tmp_path / "p")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0 and "module the generated project depends on" in result.stderr, (
        result.stderr
    )
    command = [copier, "copy", "--defaults", "--data", "project_slug=celery_site", str(template)]
    ok = subprocess.run([*command, str(tmp_path / "q")], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
