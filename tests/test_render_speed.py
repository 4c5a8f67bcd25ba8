"""``generate.faster_copier``: Copier renders faster and exactly as before.

Every project djstarter can make is rendered twice from the same composed template, once by plain
``copier.run_copy`` and once through djstarter's optimized path, and the two trees must match byte for
byte (modes included). The remaining tests pin the edge cases: ``{% yield %}`` paths, a destination
whose git ignores file modes, patches undone on exit, and Copier versions lacking a patched attribute.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import copier
import jinja2
import pytest
from copier import _template as copier_template
from copier._main import Worker

from djstarter import direct, generate, templates
from djstarter.commands import update
from djstarter.generate import faster_copier

from .generated import COMBINATIONS
from .helpers import BASE_ANSWERS, write

#: The answer sets compared by default; every other combination joins in the full tier.
CORE = {"defaults", "all-on", "all-off", "tricky-text"}
CASES = [
    pytest.param(kind, combination, id=f"{kind}-{combination}",
                 marks=() if combination in CORE else pytest.mark.full)
    for kind in templates.implemented_kinds()
    for combination in COMBINATIONS
]  # fmt: skip

Tree = dict[str, tuple[str, bytes, int]]


def tree(root: Path) -> Tree:
    """Every path under ``root`` but ``.git``: its kind, bytes (or link target) and a file's mode bits."""
    found: Tree = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if name != ".git"]
        for name in [*dirs, *files]:
            path = Path(directory, name)
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[relative] = ("link", os.readlink(path).encode(), False)
            elif path.is_dir():
                found[relative] = ("dir", b"", False)
            else:
                found[relative] = ("file", path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
    return found


def plain_copy(template: Path, dest: Path, answers: dict[str, Any]) -> None:
    """What ``generate.render`` does, without djstarter's speed-ups."""
    copier.run_copy(str(template), dest, data=answers, defaults=True, overwrite=True, quiet=True,
                    unsafe=False, skip_tasks=True)  # fmt: skip


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The composed template, as ``store.ensure(into=...)`` lays it out for ``djstarter new``."""
    return templates.compose(tmp_path_factory.mktemp("composed") / "template")


@pytest.mark.parametrize(("kind", "combination"), CASES)
def test_optimized_render_is_byte_identical(
    composed: Path, tmp_path: Path, kind: str, combination: str
) -> None:
    answers = {**BASE_ANSWERS, "project_kind": kind, **COMBINATIONS[combination]}
    if kind == "todo_api":
        answers["use_drf"] = True
    plain_copy(composed, tmp_path / "plain", answers)
    direct_renders: list[bool] = []
    direct_render = direct.render

    def spy(*args: Any) -> bool:
        direct_renders.append(direct_render(*args))
        return direct_renders[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(direct, "render", spy)
        generate.render(answers, tmp_path / "fast", str(composed), plain=True)
    assert direct_renders == [True]  # rendered without Copier
    plain, fast = tree(tmp_path / "plain"), tree(tmp_path / "fast")
    assert len(plain) > 50  # really a project
    assert sorted(fast) == sorted(plain)
    assert [path for path in plain if fast[path] != plain[path]] == []
    assert any(mode & stat.S_IXUSR for _, _, mode in plain.values())  # the executable bits were compared


def test_optimizations_are_active_during_render(
    composed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each distinct path string is compiled once, and git is asked about core.fileMode once."""
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting_compile(
        self: jinja2.Environment, source: Any, name: Any = None, *args: Any, **kw: Any
    ) -> Any:
        if name is None and isinstance(source, str):  # from_string, not a template file
            compiled.append(source)
        return compile_(self, source, name, *args, **kw)

    lookups: list[Path] = []
    lookup = generate._core_file_mode_may_be_false

    def counting_lookup(root: Path) -> bool:
        lookups.append(root)
        return lookup(root)

    monkeypatch.setattr(jinja2.Environment, "compile", counting_compile)
    monkeypatch.setattr(generate, "_core_file_mode_may_be_false", counting_lookup)
    generate.render(dict(BASE_ANSWERS), tmp_path / "project", str(composed))
    assert len(compiled) > 20
    assert len(compiled) == len(set(compiled))
    assert lookups == [(tmp_path / "project").absolute()]


# A template with a {% yield %} folder holding two files: the second compile of that part is a cache
# hit, which must still reset Copier's yield state (else: MultipleYieldTagsError).
YIELD_TEMPLATE = {
    "copier.yml": "items:\n  type: yaml\n  default: '[alpha, beta]'\nname:\n  type: str\n  default: demo\n",
    "{% yield item from items %}{{ item }}{% endyield %}/first.txt.jinja": "first {{ item }}\n",
    "{% yield item from items %}{{ item }}{% endyield %}/second.txt.jinja": "second {{ item }} {{ name }}\n",
    "{{ name }}/{{ name }}.txt.jinja": "{{ name }}\n",
    "{{ name }}/plain.txt": "plain\n",
    "{% if name %}run.sh{% endif %}": "#!/bin/sh\necho run\n",
    "{% if not name %}skipped{% endif %}/gone.txt": "never rendered\n",
}


def _write_template(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        write(root / relative, text)
    (root / "{% if name %}run.sh{% endif %}").chmod(0o755)
    return root


def test_yield_paths_render_identically(tmp_path: Path) -> None:
    template = _write_template(tmp_path / "template", YIELD_TEMPLATE)
    plain_copy(template, tmp_path / "plain", {})
    with faster_copier():
        plain_copy(template, tmp_path / "fast", {})
    assert tree(tmp_path / "fast") == tree(tmp_path / "plain")
    assert (tmp_path / "fast" / "beta" / "second.txt").read_text() == "second beta demo\n"


def test_from_string_is_memoized_per_environment_and_still_renders_any_context(tmp_path: Path) -> None:
    template = _write_template(tmp_path / "template", YIELD_TEMPLATE)
    with faster_copier():
        first = Worker(src_path=str(template), dst_path=tmp_path / "a").jinja_env
        second = Worker(src_path=str(template), dst_path=tmp_path / "b").jinja_env
    source = "{{ greeting }}, {{ name | upper }}"
    assert first.from_string(source) is first.from_string(source)
    assert first.from_string(source) is not second.from_string(source)
    assert first.from_string(source).render(greeting="Hi", name="ada") == "Hi, ADA"
    assert first.from_string(source).render(greeting="Bye", name="bob") == "Bye, BOB"
    with pytest.raises(TypeError):  # Copier relies on this for non-string values
        first.from_string(42)
    with pytest.raises(jinja2.TemplateSyntaxError):
        first.from_string("{% if %}")


def test_only_environments_with_known_extensions_are_memoized(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An extension from another package might have compile-time side effects: no memo then."""
    write(
        tmp_path / "path" / "elsewhere_ext.py",
        "import jinja2.ext\n\nclass Ext(jinja2.ext.Extension):\n    pass\n",
    )
    monkeypatch.syspath_prepend(str(tmp_path / "path"))
    envs = {}
    for extension in ("jinja2.ext.do", "elsewhere_ext.Ext"):
        template = _write_template(tmp_path / extension / "template", YIELD_TEMPLATE)
        config = template / "copier.yml"
        config.write_text(config.read_text() + f"_jinja_extensions:\n  - {extension}\n")
        with faster_copier():
            envs[extension] = Worker(src_path=str(template), dst_path=tmp_path / extension / "dest").jinja_env
    assert envs["jinja2.ext.do"].from_string("x") is envs["jinja2.ext.do"].from_string("x")
    assert envs["elsewhere_ext.Ext"].from_string("x") is not envs["elsewhere_ext.Ext"].from_string("x")


def _counting_compiles(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every real Jinja compile of a source (a code cache miss) from now on: (source, name, filename)."""
    compiled: list[Any] = []
    compile_ = jinja2.Environment.compile

    def counting_compile(self: jinja2.Environment, source: Any, name: Any = None, filename: Any = None,
                         *args: Any, **kw: Any) -> Any:  # fmt: skip
        if isinstance(source, str):  # Copier also passes other values, which fail to compile (TypeError)
            compiled.append((source, name, filename))
        return compile_(self, source, name, filename, *args, **kw)

    monkeypatch.setattr(jinja2.Environment, "compile", counting_compile)
    return compiled


def test_compiled_code_is_kept_for_the_next_run_and_renders_identically(
    composed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next run (a template folder at another path) compiles nothing and renders the same bytes;
    the code it reuses names the template files of its own folder."""
    answers = {**BASE_ANSWERS, "project_kind": "social", **COMBINATIONS["all-on"]}
    compiled = _counting_compiles(monkeypatch)
    generate.render(answers, tmp_path / "first", str(composed))
    assert len(compiled) > 20 and any(filename for _, _, filename in compiled)  # path parts and files
    moved = Path(shutil.copytree(composed, tmp_path / "elsewhere" / "template"))
    compiled.clear()
    generate.render(answers, tmp_path / "second", str(moved))
    assert compiled == []
    first, second = tree(tmp_path / "first"), tree(tmp_path / "second")
    answers_file = ".copier-answers.yml"  # records the template folder
    assert second.pop(answers_file)[1] == first.pop(answers_file)[1].replace(
        str(composed).encode(), str(moved).encode()
    )
    assert second == first
    with faster_copier():
        env = Worker(src_path=str(moved), dst_path=tmp_path / "third").jinja_env
        template = env.get_template("templates/social/_kind.jinja")
    assert compiled == [] and template.filename == str(moved / "templates" / "social" / "_kind.jinja")


def test_a_damaged_code_cache_is_ignored_and_replaced(composed: Path, tmp_path: Path) -> None:
    path = generate._code_cache_file()
    assert path is not None
    write(path, "not marshal data")
    generate.render(dict(BASE_ANSWERS), tmp_path / "project", str(composed))
    assert (tmp_path / "project" / "manage.py").is_file()
    assert generate._CodeCache(path).get("anything") is None and path.stat().st_size > 1000


def test_environments_that_compile_differently_never_share_code(tmp_path: Path) -> None:
    """Other delimiters (a template's _envops) or other filters make other code: another signature."""
    template = _write_template(tmp_path / "plain" / "template", YIELD_TEMPLATE)
    other = _write_template(tmp_path / "other" / "template", YIELD_TEMPLATE)
    config = other / "copier.yml"
    config.write_text(
        config.read_text() + "_envops:\n  variable_start_string: '[['\n  variable_end_string: ']]'\n"
    )
    with faster_copier():
        env = Worker(src_path=str(template), dst_path=tmp_path / "a").jinja_env
        twin = Worker(src_path=str(template), dst_path=tmp_path / "b").jinja_env
        changed = Worker(src_path=str(other), dst_path=tmp_path / "c").jinja_env
    assert generate._environment_signature(env) == generate._environment_signature(twin)
    assert generate._environment_signature(env) != generate._environment_signature(changed)
    assert changed.from_string("[[ name ]] {{ name }}").render(name="x") == "x {{ name }}"
    twin.filters["upper"] = str.lower
    assert generate._environment_signature(env) != generate._environment_signature(twin)


PATCHED = (
    "jinja_env",
    "_sync_git_index_executable_bit",
    "_render_template",
    "_render_context",
    "_git_initialize_repo",
)


def _originals() -> dict[str, object]:
    return {name: vars(Worker)[name] for name in PATCHED}


def test_patches_are_undone_on_exit() -> None:
    before, clone = _originals(), copier_template.clone
    with faster_copier():
        assert all(vars(Worker)[name] is not before[name] for name in PATCHED)
        assert copier_template.clone is not clone
    assert all(vars(Worker)[name] is before[name] for name in PATCHED)
    assert copier_template.clone is clone


def test_patches_are_undone_when_an_exception_escapes() -> None:
    before, clone = _originals(), copier_template.clone
    with pytest.raises(RuntimeError, match="boom"), faster_copier():
        raise RuntimeError("boom")
    assert all(vars(Worker)[name] is before[name] for name in PATCHED)
    assert copier_template.clone is clone


@contextmanager
def counting_clones() -> Iterator[list[str]]:
    """Copier's template clones counted by ref (the list grows as they happen) until the block ends."""
    calls: list[str] = []
    original = copier_template.clone

    def counting_clone(url: str, ref: str = "HEAD", location: str | None = None) -> str:
        calls.append(ref)
        return original(url, ref, location=location)

    copier_template.clone = counting_clone
    try:
        yield calls
    finally:
        copier_template.clone = original


def test_each_template_version_is_cloned_once_and_the_clones_are_removed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo / "copier.yml", "name: {type: str, default: x}\n")
    git(repo.parent, "init", "-q", str(repo))
    for tag in ("v1.0.0", "v2.0.0"):
        write(repo / "version.txt", tag)
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", tag)
        git(repo, "tag", tag)
    with counting_clones() as calls:
        with faster_copier():
            first = copier_template.clone(str(repo), "v1.0.0", location=str(tmp_path / "a"))
            again = copier_template.clone(str(repo), "v1.0.0", location=str(tmp_path / "b"))
            other = copier_template.clone(str(repo), "v2.0.0", location=str(tmp_path / "c"))
            assert first == again != other
            assert Path(first, "version.txt").read_text() == "v1.0.0"
            assert Path(other, "version.txt").read_text() == "v2.0.0"
        assert calls == ["v1.0.0", "v2.0.0"]
        assert not Path(first).exists() and not Path(other).exists()


def test_a_clone_for_one_kind_checks_out_only_that_kind_at_the_tag(tmp_path: Path) -> None:
    """An update's clones of the store hold copier.yml and the project's kind, exactly as tagged; a ref
    that could be read as an option, or a ref git cannot resolve, is left to Copier's own clone."""
    repo = tmp_path / "repo"
    for kind in ("blog", "social"):
        write(repo / "templates" / kind / "file.txt", kind)
    write(repo / "copier.yml", "_subdirectory: templates/{{ kind }}\n")
    git(repo.parent, "init", "-q", str(repo))
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    git(repo, "tag", "v1.0.0")
    write(repo / "templates" / "blog" / "file.txt", "uncommitted")
    with counting_clones() as calls, faster_copier(["blog"]):
        clone = Path(copier_template.clone(str(repo), "v1.0.0"))
        files = sorted(p.relative_to(clone).as_posix() for p in clone.rglob("*") if ".git" not in p.parts)
        assert files == ["copier.yml", "templates", "templates/blog", "templates/blog/file.txt"]
        assert (clone / "templates" / "blog" / "file.txt").read_text() == "blog"
        assert git(clone, "rev-parse", "HEAD") == git(repo, "rev-parse", "v1.0.0")
        assert calls == []
        for ref in ("--output=x", "v9.9.9"):
            with pytest.raises(ValueError, match="Unknown revision"):  # Copier's clone refuses both
                copier_template.clone(str(repo), ref)
        assert calls == ["--output=x", "v9.9.9"]


def test_a_copier_without_the_patched_attributes_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(Worker, "_sync_git_index_executable_bit")
    monkeypatch.delattr(Worker, "_render_context")
    monkeypatch.delattr(Worker, "_git_initialize_repo")
    monkeypatch.setattr(Worker, "jinja_env", property(vars(Worker)["jinja_env"].func))
    before = dict(vars(Worker))
    with faster_copier():
        assert dict(vars(Worker)) == before
    assert dict(vars(Worker)) == before


@pytest.fixture
def file_mode_false_destination(tmp_path: Path) -> Iterator[Path]:
    """A git repository with ``core.fileMode=false`` that tracks ``run.sh`` as not executable."""
    dest = tmp_path / "dest"
    dest.mkdir()
    git(dest, "init", "-q")
    git(dest, "config", "core.fileMode", "false")
    write(dest / "run.sh", "#!/bin/sh\necho old\n")
    git(dest, "add", "run.sh")
    git(dest, "commit", "-qm", "start")
    yield dest


@pytest.fixture
def sync_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files Copier's own ``_sync_git_index_executable_bit`` is called for (it still runs)."""
    calls: list[str] = []
    sync = vars(Worker)["_sync_git_index_executable_bit"]

    def spy(worker: Worker, dst_relpath: Path, src_mode: int) -> None:
        calls.append(str(dst_relpath))
        sync(worker, dst_relpath, src_mode)

    monkeypatch.setattr(Worker, "_sync_git_index_executable_bit", spy)
    return calls


@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast"])
def test_executable_bit_reaches_the_index_when_git_ignores_file_modes(
    tmp_path: Path, file_mode_false_destination: Path, fast: bool, sync_calls: list[str]
) -> None:
    """Copier writes the executable bit into the index itself when git ignores modes; so must we.
    (The plain case shows that the expectation is Copier's own behaviour.)"""
    dest = file_mode_false_destination
    assert git(dest, "ls-files", "--stage", "run.sh").startswith("100644")
    template = _write_template(tmp_path / "template", YIELD_TEMPLATE)
    if fast:
        with faster_copier():
            plain_copy(template, dest, {})
    else:
        plain_copy(template, dest, {})
    assert git(dest, "ls-files", "--stage", "run.sh").startswith("100755")
    rendered = [path for path, (kind, _, _) in tree(dest).items() if kind == "file"]
    assert sorted(sync_calls) == sorted(rendered)  # every rendered file still goes through Copier's method


def test_destination_outside_git_skips_the_per_file_git_calls(tmp_path: Path, sync_calls: list[str]) -> None:
    template = _write_template(tmp_path / "template", YIELD_TEMPLATE)
    with faster_copier():
        plain_copy(template, tmp_path / "dest", {})
    assert sync_calls == []
    assert (tmp_path / "dest" / "run.sh").stat().st_mode & stat.S_IXUSR


@pytest.mark.slow
def test_update_through_djstarter_matches_plain_copier_update(tmp_path: Path) -> None:
    """`djstarter update` (optimized) and plain `copier update` leave the same tree and the same index."""
    answers = {**BASE_ANSWERS, "ci": "none"}
    first = generate.generate(answers, tmp_path / "plain" / "project")
    second = tmp_path / "fast" / "project"
    shutil.copytree(first, second, symlinks=True)
    for project in (first, second):  # a user edit, to be merged
        readme = project / "README.md"
        readme.write_text(readme.read_text() + "\nOur own notes.\n")
        git(project, "commit", "-qam", "notes")
    copier.run_update(first, data={"use_drf": True, "ci": "gitlab"}, defaults=True, overwrite=True,
                      quiet=True, conflict="inline", unsafe=False)  # fmt: skip
    assert update.run(project=second, data=["use_drf=true", "ci=gitlab"], quiet=True) == 0
    assert tree(second) == tree(first)
    for args in (["status", "--porcelain"], ["diff", "--cached"], ["diff"], ["ls-files", "--stage"]):
        assert git(second, *args) == git(first, *args)
    assert (second / ".gitlab-ci.yml").is_file()
    assert "Our own notes." in (second / "README.md").read_text()


def test_the_render_context_is_built_once_per_render(
    composed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copier builds its context for every path part and file, hundreds of times per project."""
    built: list[int] = []
    original = vars(Worker)["_render_context"]

    def counting(worker: Worker) -> dict[str, Any]:
        built.append(id(worker))
        return original(worker)

    monkeypatch.setattr(Worker, "_render_context", counting)
    plain_copy(composed, tmp_path / "plain", dict(BASE_ANSWERS))
    plain, built[:] = len(built), []
    generate.render(dict(BASE_ANSWERS), tmp_path / "fast", str(composed))
    assert plain > 200
    assert 0 < len(built) < plain / 5  # the questions still build theirs; the render builds one
    assert tree(tmp_path / "fast") == tree(tmp_path / "plain")


def test_while_a_worker_renders_each_caller_gets_a_context_with_its_own_conf() -> None:
    """Copier's ``answers_relpath`` writes into ``_copier_conf``: no later caller may see that."""
    from copier._types import LazyDict

    calls: list[object] = []

    def context(worker: object) -> dict[str, Any]:
        calls.append(worker)
        return {"name": "demo", "_copier_conf": LazyDict({"answers_file": lambda: ".copier-answers.yml"})}

    built: dict[int, dict[str, Any]] = {}
    render_context = generate._context_once(context, built, LazyDict)
    seen: list[str] = []

    def render(worker: object) -> None:
        for _ in range(3):
            own = render_context(worker)
            seen.append(f"{own['name']} {own['_copier_conf']['answers_file']}")
            own["_copier_conf"]["answers_file"] = ""

    worker = object()
    generate._rendering(render, built)(worker)
    assert seen == ["demo .copier-answers.yml"] * 3
    assert len(calls) == 1 and not built
    render_context(worker)  # outside a render: built as Copier builds it
    assert len(calls) == 2


def test_copier_yml_is_parsed_once_per_distinct_file_and_each_caller_gets_its_own_copy(
    tmp_path: Path,
) -> None:
    parsed: list[Path] = []

    def load(conf_path: Path, quiet: bool = False) -> dict[str, Any]:
        parsed.append(conf_path)
        return {"name": {"type": "str", "default": conf_path.read_text().strip()}}

    config = tmp_path / "copier.yml"
    config.write_text("first")
    load_once = generate._parsed_once(load, copier_template)
    first = load_once(config)
    first["name"]["default"] = "changed by a caller"
    assert load_once(config) == {"name": {"type": "str", "default": "first"}}
    assert len(parsed) == 1
    config.write_text("second")  # another file (or version): parsed
    assert load_once(config)["name"]["default"] == "second" and len(parsed) == 2
    config.write_text("x: !include other.yml")  # includes: always parsed, as Copier does
    load_once(config), load_once(config)
    assert len(parsed) == 4


def test_the_copier_yml_patch_is_undone_on_exit() -> None:
    load = copier_template.load_template_config
    with faster_copier():
        assert copier_template.load_template_config is not load
    assert copier_template.load_template_config is load


# Copier imported without its prompt libraries (``import_copier(prompts=False)``), in a process of its own.
WITHOUT_PROMPTS = """
import json, sys
from pathlib import Path
from djstarter import generate
generate.import_copier(prompts=False)
prompt_modules = sorted(name for name in sys.modules if name.startswith("pygments.lexers")
                        or name.split(".")[0] in {"questionary", "prompt_toolkit"})
stand_ins = sorted(name for name, module in sys.modules.items() if "stand-in" in (module.__doc__ or ""))
answers = json.loads(sys.argv[3])
generate.render(answers, Path(sys.argv[2]), sys.argv[1])
refused = ""
try:
    generate.render({**answers, "database": "mysql"}, Path(sys.argv[2] + "-refused"), sys.argv[1])
except Exception as exc:
    refused = type(exc).__name__ + ": " + str(exc)
print(json.dumps({"prompt_modules": prompt_modules, "stand_ins": stand_ins, "refused": refused}))
"""


def test_copier_without_its_prompt_libraries_renders_byte_identically_and_refuses_a_bad_choice(
    composed: Path, tmp_path: Path
) -> None:
    """The commands never let Copier ask, so they import it without questionary, prompt_toolkit and
    pygments' lexers (a third of its import); choices are still validated, and the render is the same."""
    import json
    import sys

    answers = {**BASE_ANSWERS, "project_kind": "saas", "use_drf": True}
    plain_copy(composed, tmp_path / "plain", answers)
    env = {**os.environ, "PYTHONPATH": str(Path(generate.__file__).parents[1])}
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_PROMPTS, str(composed), str(tmp_path / "fast"), json.dumps(answers)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["prompt_modules"] == [] and found["stand_ins"] == []
    assert "Invalid choice for 'database': 'mysql'" in found["refused"]  # as Copier says it with questionary
    assert not (tmp_path / "fast-refused" / "pyproject.toml").exists()
    plain, fast = tree(tmp_path / "plain"), tree(tmp_path / "fast")
    assert len(plain) > 50 and fast == plain


def test_the_choice_stand_in_reads_a_choice_as_questionary_does() -> None:
    from questionary.prompts.common import Choice

    for args, kwargs in [
        (("Blog",), {}),
        (("Blog", "blog"), {}),
        (("Blog", "blog"), {"disabled": "not yet", "checked": None}),
        (([("class:x", "Bl"), ("", "og")],), {"checked": True, "description": "d"}),
    ]:
        real, ours = Choice(*args, **kwargs), generate._Choice(*args, **kwargs)
        for name in ("title", "value", "disabled", "checked", "description"):
            assert getattr(ours, name) == getattr(real, name), name


def test_copier_s_temporary_repositories_borrow_the_project_objects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update commits Copier's old and new renders in repositories of their own: they borrow the
    project's objects from the start, so git writes none of the files the project already holds."""
    from types import SimpleNamespace

    project = tmp_path / "project"
    for number in range(20):
        write(project / "pkg" / f"module{number}.py", f"VALUE = {number}\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "first")
    render = Path(shutil.copytree(project, tmp_path / "render", ignore=shutil.ignore_patterns(".git")))
    write(render / "pkg" / "new.py", "NEW = 1\n")
    worker = SimpleNamespace(subproject=SimpleNamespace(local_abspath=project))
    worker._git_commit = lambda message="dumb commit": Worker._git_commit(worker, message)  # type: ignore[attr-defined]
    monkeypatch.chdir(render)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "t")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "t@t")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "t")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "t@t")
    generate._borrowing_objects(Worker._git_initialize_repo)(worker)  # type: ignore[arg-type]
    alternates = (render / ".git" / "objects" / "info" / "alternates").read_text().split()
    assert alternates == [str((project / ".git" / "objects").resolve())]
    own = {f"{p.parent.name}{p.name}" for p in (render / ".git" / "objects").glob("??/*")}
    blobs = set(git(render, "ls-files", "-s").split()[1::4])
    assert blobs & own == {git(render, "rev-parse", "HEAD:pkg/new.py").strip()}  # only the new file
    assert git(render, "status", "--porcelain") == ""
    assert git(render, "ls-tree", "-r", "HEAD", "pkg").count("blob") == 21


def test_the_first_commit_packs_the_project_files(tmp_path: Path) -> None:
    """``djstarter new`` commits the files into one pack file, not a loose object file each; the
    repository is whole and clean."""
    project = generate.generate(dict(BASE_ANSWERS), tmp_path / "project")
    assert git(project, "status", "--porcelain") == ""
    assert "pack" in git(project, "count-objects", "-v")
    counts = dict(line.split(": ") for line in git(project, "count-objects", "-v").splitlines())
    assert int(counts["in-pack"]) > 100
    files = git(project, "ls-files").split()
    assert int(counts["count"]) < len(files) / 2  # loose: trees, the commit, empty files
    subprocess.run(["git", "fsck", "--strict", "--no-dangling"], cwd=project, check=True, capture_output=True)


def test_copier_yml_parsed_by_libyaml_is_what_copier_s_own_loader_makes(tmp_path: Path) -> None:
    """Copier's loader on libyaml's parser reads every copier.yml djstarter ships exactly as on PyYAML's
    pure-Python one, and the module's ``yaml`` is itself again afterwards."""
    import yaml

    assert hasattr(yaml, "CSafeLoader")  # else the optimisation is off, and this test would prove nothing
    load = copier_template.load_template_config
    config = templates.source_dir() / "copier.yml"
    assert generate._with_libyaml(copier_template, load, config) == load(config)
    text = config.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=yaml.CSafeLoader) == yaml.safe_load(text)  # answers.questions() reads it so
    assert copier_template.yaml is yaml
    seen: list[type] = []
    original = yaml.load_all

    def recording(stream: Any, Loader: type) -> Any:
        seen.append(Loader)
        return original(stream, Loader=Loader)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yaml, "load_all", recording)
        generate._with_libyaml(copier_template, load, config)
    assert len(seen) == 1 and issubclass(seen[0], yaml.CSafeLoader)


def _template_facts(url: str, ref: str) -> tuple[str | None, Any]:
    """A Copier template's ``commit`` and ``version`` (what it records and compares), read anew."""
    template = copier_template.Template(url=url, ref=ref)
    try:
        return template.commit, template.version
    finally:
        template._cleanup()


@pytest.mark.parametrize(
    "tag", ["v1.2.3", "v1.2.3+f0123456789", "v1.2.3.post4+gabc1234.dirty.f0123456789", "v2.0.0rc1", "release"]
)
@pytest.mark.parametrize("second_tag", [False, True], ids=["only-tag", "two-tags"])
def test_a_store_clone_at_a_tag_reads_its_commit_and_version_as_copier_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tag: str, second_tag: bool
) -> None:
    """The clone an update makes of a store tag answers ``commit`` and ``version`` without git when the tag is
    the only one on its commit, and with exactly Copier's values (dunamai asks git otherwise)."""
    import dunamai

    repo = tmp_path / "repo"
    write(repo / "copier.yml", "name: {type: str, default: x}\n")
    write(repo / "templates" / "blog" / "file.txt", "one")
    git(repo.parent, "init", "-q", str(repo))
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "tag", "--annotate", tag, "-m", "digest")
    if second_tag:
        git(repo, "tag", "v0.0.9")  # describe and dunamai choose between them: left to them
    expected = _template_facts(str(repo), tag)
    asked: list[str] = []
    from_git = dunamai.Version.from_git

    def counting(*args: Any, **kwargs: Any) -> Any:
        asked.append(tag)
        return from_git(*args, **kwargs)

    monkeypatch.setattr(dunamai.Version, "from_git", counting)
    with faster_copier(["blog"]):
        assert _template_facts(str(repo), tag) == expected
    known = not second_tag and tag != "release"  # "release" is no version: Copier reads it as it does
    assert asked == ([] if known else [tag])


def test_new_asks_git_nothing_about_its_plain_template(composed: Path, tmp_path: Path) -> None:
    """Rendering from a composed folder skips Copier's repository and bundle checks (three git commands);
    other URLs are checked as before, each once per update."""
    from copier import _vcs

    calls: list[str] = []
    checks = {name: getattr(_vcs, name) for name in ("is_git_repo_root", "is_git_bundle")}

    def spy(name: str) -> Any:
        return lambda path: calls.append(name) or checks[name](path)

    with pytest.MonkeyPatch.context() as patch:
        for name in checks:
            patch.setattr(_vcs, name, spy(name))
        generate.render(dict(BASE_ANSWERS), tmp_path / "fast", str(composed), plain=True)
        assert calls == []
        with faster_copier():
            assert copier_template.get_repo(str(composed)) is None
            assert copier_template.get_repo(str(composed)) is None
        assert calls == ["is_git_repo_root", "is_git_bundle"]  # once, then remembered


@pytest.mark.parametrize("where", ["memory", "tmpdir-set", "too-little-room", "not-writable"])
def test_an_updates_temporary_renders_and_clones_go_to_memory_when_it_has_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Copier's temporary folders (the update's old and new renders) and djstarter's template clones are
    made in the memory folder while ``faster_copier`` is active, unless ``TMPDIR`` names a folder of the
    user's, the memory folder lacks room, or it cannot be written; and are removed as before."""
    from copier import _main as copier_main

    memory = tmp_path / "memory"
    memory.mkdir()
    default = tmp_path / "default"
    default.mkdir()
    monkeypatch.setattr(generate, "_MEMORY_FOLDER", memory)
    monkeypatch.setattr(tempfile, "tempdir", str(default))
    monkeypatch.delenv("TMPDIR", raising=False)
    if where == "tmpdir-set":
        monkeypatch.setenv("TMPDIR", str(default))
    elif where == "too-little-room":
        free = os.statvfs(memory).f_bavail * os.statvfs(memory).f_frsize
        monkeypatch.setattr(generate, "_MEMORY_FOLDER_ROOM", free * 2)
    elif where == "not-writable":
        monkeypatch.setattr(os, "access", lambda *_: False)
    expected = memory if where == "memory" else default
    repo = tmp_path / "repo"
    write(repo / "copier.yml", "name: {type: str, default: x}\n")
    git(repo.parent, "init", "-q", str(repo))
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    git(repo, "tag", "v1.0.0")
    with faster_copier():
        with copier_main.TemporaryDirectory(prefix="copier._main.old_copy.") as copy:
            assert Path(copy).parent == expected
        clone = copier_template.clone(str(repo), "v1.0.0", location=str(tmp_path / "a"))
        assert Path(clone).parent.parent == expected
    assert copier_main.TemporaryDirectory is tempfile.TemporaryDirectory
    assert list(memory.iterdir()) == [] and list(default.iterdir()) == []
