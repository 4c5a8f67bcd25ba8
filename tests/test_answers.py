from __future__ import annotations

from pathlib import Path

import pytest

from djstarter import answers
from djstarter.errors import AnswersError, UsageError
from djstarter.templates import implemented_kinds

from .helpers import BASE_ANSWERS, write


def test_questions_come_from_copier_yml() -> None:
    qs = answers.questions()
    assert list(qs)[:6] == [
        "project_name", "project_slug", "description", "author_name", "author_email", "project_kind",
    ]  # fmt: skip
    assert set(qs) == set(BASE_ANSWERS)
    assert qs["ci"].values == ("github", "gitlab", "none")
    assert qs["database"].values == ("sqlite", "postgresql")


def test_offered_kinds_are_exactly_the_implemented_template_folders() -> None:
    assert list(answers.questions()["project_kind"].values) == implemented_kinds()
    assert set(implemented_kinds()) <= set(answers.ALL_KINDS)


def test_defaults_are_complete_and_valid() -> None:
    result = answers.validate({})
    assert result["project_slug"] == "my_django_site"
    assert result["project_kind"] == "blog"
    assert result["use_drf"] is False
    assert result["database"] == "sqlite"


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
