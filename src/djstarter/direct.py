"""Render a composed template into a new folder as Copier would, without Copier (``djstarter new``).

Copier's import (about 0.1 s) and its per-path work (a Jinja render, several ``stat`` and ``resolve`` calls
and a pathspec match for every part of every path) were most of ``djstarter new``. For the case djstarter
always has when it renders a project (a plain template folder it composed, complete answers, a new empty
destination, no prompts, no tasks), this module does the same steps Copier's ``run_copy`` does, in the same
order and with the same Jinja environment (``SandboxedEnvironment``, Ansible's filters, ``to_json``,
``pathjoin``), and writes the same files with the same modes.

It only takes a template whose every feature it knows: ``copier.yml`` with the settings and question
fields below, no symlinks, no ``{% yield %}`` paths. Anything else — an unknown setting, an answer of another
type, a validator that refuses, a value Copier computes that this module does not (``_copier_conf.src_path``,
``now()``, ``_copier_phase``…, which raise ``Unsupported`` when a template reads them), or any error at
all — makes ``render`` return False before anything is written, and the caller runs Copier, which renders
or reports the error as always. ``tests/test_render_speed.py`` compares the two renders byte for byte.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any

#: Copier settings this module renders exactly as Copier does.
_SETTINGS = frozenset({"_min_copier_version", "_subdirectory", "_answers_file", "_exclude", "_external_data"})
#: Question fields it knows (no ``when``, ``secret``, ``multiselect``, ``placeholder``…).
_QUESTION_FIELDS = frozenset({"type", "help", "default", "validator", "choices"})
_TYPES: dict[str, type] = {"str": str, "bool": bool}
_SUFFIX = ".jinja"  # Copier's default templates suffix (``_templates_suffix`` is not among _SETTINGS)
#: The oldest Copier djstarter installs with (pyproject.toml: ``copier>=9.4``): a template that asks for a
#: newer one is left to Copier, which checks the version installed.
COPIER_AT_LEAST = (9, 4)
_YIELD_TAG = re.compile(r"\{%[-+]?\s*yield\b")


class Unsupported(Exception):  # a signal, not an error: the caller renders with Copier
    """This render needs something only Copier does; nothing was written."""


class _Strict:
    """A value Copier puts in the render context that this module does not compute: any use of it (truth,
    text, comparison, call, attribute) raises ``Unsupported``."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise Unsupported(f"the template uses {object.__getattribute__(self, '_name')}")

    __bool__ = __str__ = __repr__ = __eq__ = __ne__ = __hash__ = __call__ = __iter__ = __len__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = __contains__ = __getitem__ = __html__ = _refuse

    def __getattr__(self, name: str) -> Any:
        self._refuse()


class _StrictMapping(dict[str, Any]):
    """``_copier_conf`` with the entries this module knows; reading any other raises ``Unsupported``."""

    def __missing__(self, key: str) -> Any:
        raise Unsupported(f"the template uses _copier_conf.{key}")


def render(answers: Mapping[str, Any], project: Path, template: Path) -> bool:
    """Render ``template`` (a plain folder) with ``answers`` into ``project`` (missing or empty) as
    ``copier.run_copy(..., data=answers, defaults=True, overwrite=True, quiet=True, skip_tasks=True)``
    would; False (nothing written) when Copier must do it."""
    try:
        if project.exists() and (not project.is_dir() or any(project.iterdir())):
            return False
        folders, files = _plan(dict(answers), project, template)
    except Exception:  # Copier renders it, or reports the error in its own words
        return False
    _write(project, folders, files)
    return True


def _plan(
    data: dict[str, Any], project: Path, template: Path
) -> tuple[list[str], dict[str, tuple[bytes, int]]]:
    """The folders to create and the files to write (bytes, mode), in Copier's order; nothing is written."""
    settings, questions = _config(template)
    if any(key.startswith("_") for key in data):
        raise Unsupported("an answer this module does not know")

    src_path = str(template)
    answers = _answers(questions, data)
    given_project, project = project, project.absolute()
    answers_file = _plain(settings.get("_answers_file", ".copier-answers.yml"))
    external = settings.get("_external_data", {})
    if not isinstance(external, dict) or any((project / _plain(path)).exists() for path in external.values()):
        raise Unsupported("external data this module cannot read")
    conf = _StrictMapping(
        dst_path=PurePath(given_project), answers_file=PurePath(answers_file), data=dict(data), defaults=True,
        overwrite=True, pretend=False, quiet=True, skip_tasks=True, unsafe=False, sep=os.sep,
    )  # fmt: skip
    remembered = {"_src_path": src_path, **{key: answers[key] for key in data if key in questions}}
    context: dict[str, Any] = {
        "now": _Strict("now"),
        "make_secret": _Strict("make_secret"),
        "_external_data": {key: {} for key in external},  # no file of that name in the new folder
        "_src_path": src_path,
        **data,
        **answers,
        "_copier_answers": remembered,
        "_copier_conf": conf,
        "_folder_name": project.name,
        "_copier_python": sys.executable,
        "_copier_phase": _Strict("_copier_phase"),
    }
    env = _environment(template)
    for name, details in questions.items():
        validator = details.get("validator")
        asked = {**context, "_copier_answers": _Strict("_copier_answers"), name: answers[name]}
        if validator is not None and env.from_string(validator).render(asked).strip():
            raise Unsupported(f"the answer to {name} is refused")  # Copier says why

    subdirectory = env.from_string(_plain_or_template(settings.get("_subdirectory", ""))).render(context)
    template_root = template.resolve()
    copy_root = (template_root / subdirectory).resolve()
    if not copy_root.is_relative_to(template_root) or copy_root == template_root:
        raise Unsupported("no subdirectory")  # Copier's default exclusions then apply
    exclusions = settings.get("_exclude", [])
    if not isinstance(exclusions, list) or not all(isinstance(item, str) for item in exclusions):
        raise Unsupported("unexpected exclusions")
    excluded = _matcher([_plain(pattern) for pattern in exclusions])

    return _walk(
        env,
        lambda: context,
        template_root,
        copy_root,
        excluded,
        Path(answers_file),
        modes={},
        yield_check=None,
    )


def _walk(
    env: Any,
    context_for: Callable[[], dict[str, Any]],
    template_root: Path,
    copy_root: Path,
    excluded: Callable[[Path | str], bool],
    answers_file: Path,
    *,
    modes: Mapping[PurePosixPath, int],
    yield_check: Callable[[], bool] | None,
) -> tuple[list[str], dict[str, tuple[bytes, int]]]:
    """Copier's ``_render_template`` walk: the folders to create and the files to write (bytes, mode) in
    Copier's order; nothing is written. ``context_for()`` gives each render its context; ``modes`` holds the
    template's git index modes (their executable bits win over the file system's, as in Copier);
    ``yield_check()`` tells whether the last file render met a ``{% yield %}`` tag (Copier refuses it)."""
    folders: list[str] = []
    known_folders: set[str] = set()
    files: dict[str, tuple[bytes, int]] = {}
    entries = list(_scan(str(copy_root), ""))
    names = {relative for _, relative in entries}  # what exists in the copy root (no symlinks: refused)
    top = {entry.name for entry in os.scandir(template_root)}
    prefix = copy_root.relative_to(template_root).as_posix()
    paths = _Paths(env, context_for, names, template_root, top, answers_file)
    for entry, relative in entries:
        if entry.is_symlink():
            raise Unsupported("a symlink in the template")
        for dst in paths.render(relative, entry.name):
            if excluded(dst):
                continue
            is_dir = entry.is_dir()
            if dst in files or (dst in known_folders and not is_dir):
                raise Unsupported("two template paths render to one path")
            if is_dir:
                folders.append(dst)
                known_folders.add(dst)
                continue
            source = f"{prefix}/{relative}"
            if entry.name.endswith(_SUFFIX):
                content = env.get_template(source).render(**context_for()).encode()
                if yield_check is not None and yield_check():
                    raise Unsupported("a {% yield %} tag in a file")  # Copier says so
            else:
                with open(entry.path, "rb") as file:
                    content = file.read()
            mode = entry.stat().st_mode
            indexed = modes.get(PurePosixPath(source))
            if indexed is not None:
                mode = (mode & ~0o111) | (indexed & 0o111)
            files[dst] = (content, mode)
    return folders, files


def _config(template: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The settings and the questions of ``template``'s ``copier.yml``; ``Unsupported`` unless every setting
    is one this module knows and the template asks for no newer Copier than djstarter's oldest."""
    import yaml

    config_file = template / "copier.yml"
    text = config_file.read_bytes()
    if b"!include" in text or (template / "copier.yaml").exists():
        raise Unsupported("copier.yml includes other files")
    config = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(config, dict) or any(not isinstance(key, str) for key in config):
        raise Unsupported("an unexpected copier.yml")
    settings = {key: value for key, value in config.items() if key.startswith("_")}
    questions = {key: value for key, value in config.items() if not key.startswith("_")}
    if set(settings) - _SETTINGS:
        raise Unsupported("a setting this module does not know")
    minimum = str(settings.get("_min_copier_version", "0"))
    if not re.fullmatch(r"\d+(\.\d+)*", minimum) or tuple(map(int, minimum.split("."))) > COPIER_AT_LEAST:
        raise Unsupported("a template for a newer Copier")
    return settings, questions


def render_worker(worker: Any) -> bool:
    """Do what Copier's ``Worker._render_template`` does for ``worker`` (a Copier worker whose answers are
    final: called in its place), with Copier's own render context, Jinja environment, exclusions,
    answers-file path and template file modes; False (nothing written) when Copier must render it.

    Into a missing or empty folder every file is written. Into a folder with files (``overwrite`` on, no
    skip-if-exists patterns, no symlink on the way), as Copier: a file whose bytes and executable bits are
    those rendered is left alone, any other is written and gets the template file's mode. ``copier update``
    renders the old and the new templates into empty temporary folders, then the new ones into the project;
    ``tests/test_update.py`` compares each with Copier's."""
    try:
        folders, files = _plan_worker(worker)
        project = Path(worker.subproject.local_abspath)
        changed = _unchanged_left_out(project, folders, files)
        if changed is not None and (not worker.overwrite or tuple(worker.all_skip_if_exists)):
            raise Unsupported("Copier may ask, or skip files")
    except Exception:  # Copier renders it, or reports the error in its own words
        return False
    if changed is None:
        _write(project, folders, files)
        changed = files
    else:
        try:
            _write_over(project, folders, changed)
        except Exception:  # Copier writes the rest (the same bytes), or reports the error in its own words
            return False
    from copier import _main

    if vars(_main)["is_git_available"]():  # as Copier after each file (a no-op unless core.fileMode=false)
        for relative, (_, mode) in changed.items():
            worker._sync_git_index_executable_bit(Path(relative), mode)
    return True


def _plan_worker(worker: Any) -> tuple[list[str], dict[str, tuple[bytes, int]]]:
    """``render_worker``'s plan: the folders and files (bytes, mode) Copier would render; nothing written."""
    from copier import _main

    template = worker.template
    template_root = Path(template.local_abspath)
    _config(template_root)  # only settings this module knows (no _envops, _templates_suffix, tasks…)
    if worker.pretend or template.templates_suffix != _SUFFIX or template.preserve_symlinks:
        raise Unsupported("a worker setting this module does not know")
    yield_context = vars(_main)["get_yield_context"]
    base = dict(worker._render_context())
    conf = base.get("_copier_conf")
    pending = getattr(conf, "_pending", None)
    if not isinstance(pending, dict):
        raise Unsupported("another Copier")
    base["_external_data"] = _loaded_only(base.get("_external_data"))

    lazy: Any = type(conf)

    def context_for() -> dict[str, Any]:  # as Copier: a context of its own for every render
        return {**base, "_copier_conf": lazy(pending)}

    env = worker.jinja_env
    copy_root = Path(worker.template_copy_root)
    if not copy_root.is_relative_to(template_root) or copy_root == template_root:
        raise Unsupported("no subdirectory")
    excluded = _matcher([_plain(pattern) for pattern in worker.all_exclusions])
    return _walk(
        env, context_for, template_root, copy_root, excluded, Path(worker.answers_relpath),
        modes=template.git_index_modes, yield_check=lambda: bool(yield_context(env).yield_name),
    )  # fmt: skip


def _loaded_only(external: Any) -> Any:
    """Copier's ``_external_data`` (a ``LazyDict``: each file is read when first used) with the entries read
    already; using any other raises ``Unsupported``. Copier renders and writes file by file, so a file read
    later could be one this render writes; this module plans every file before writing any."""
    if isinstance(external, dict) and not external:
        return external
    pending, done = getattr(external, "_pending", None), getattr(external, "_done", None)
    if not isinstance(pending, dict) or not isinstance(done, dict):
        raise Unsupported("external data this module cannot read")

    def refuse(key: str) -> Any:
        raise Unsupported(f"_external_data.{key}, not read before the render")

    return type(external)(
        {
            key: partial(lambda value: value, done[key]) if key in done else partial(refuse, key)
            for key in pending
        }
    )


def _unchanged_left_out(
    project: Path, folders: list[str], files: dict[str, tuple[bytes, int]]
) -> dict[str, tuple[bytes, int]] | None:
    """None for a missing or empty ``project`` (every file is written); otherwise the files Copier writes
    (the others hold the rendered bytes and executable bits already). ``Unsupported`` when Copier does
    more than that: a symlink on a path, a folder where a file goes or the reverse."""
    if not project.exists() or (project.is_dir() and not any(project.iterdir())):
        return None
    root = project.absolute()
    if os.path.islink(root) or not root.is_dir():
        raise Unsupported("a destination this module does not write into")
    checked: set[str] = set()

    def no_symlink(relative: str) -> None:
        parts = relative.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if prefix not in checked:
                if os.path.islink(os.path.join(root, prefix)):
                    raise Unsupported(f"a symlink at {prefix}")
                checked.add(prefix)

    for folder in folders:
        no_symlink(folder)
        if os.path.lexists(os.path.join(root, folder)) and not os.path.isdir(os.path.join(root, folder)):
            raise Unsupported(f"a file where the folder {folder} goes")
    changed = {}
    for relative, (content, mode) in files.items():
        no_symlink(relative)
        path = os.path.join(root, relative)
        try:
            with open(path, "rb") as file:
                previous = file.read()
        except FileNotFoundError:
            changed[relative] = (content, mode)
            continue
        if previous != content or (os.stat(path).st_mode & 0o111) != (mode & 0o111):
            changed[relative] = (content, mode)
    return changed


def _write_over(project: Path, folders: list[str], files: dict[str, tuple[bytes, int]]) -> None:
    """Create the folders and write the files into a folder that has files, as Copier: an existing file is
    truncated and written, and every written file whose mode differs gets its template file's mode."""
    root = str(project.absolute())
    for folder in folders:
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    for relative, (content, mode) in files.items():
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _write_bytes(path, content)
        if os.stat(path).st_mode != mode:
            os.chmod(path, mode & 0o7777)


def _answers(questions: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Every question's answer as Copier parses it from ``data`` (only answers it would take unchanged)."""
    answers = {}
    for name, details in questions.items():
        if not isinstance(details, dict) or set(details) - _QUESTION_FIELDS or name not in data:
            raise Unsupported(f"question {name}")
        kind = _TYPES.get(details.get("type", ""))
        value = data[name]
        if kind is None or type(value) is not kind:
            raise Unsupported(f"the answer to {name}")
        choices = details.get("choices")
        if choices is not None:
            values = list(choices.values()) if isinstance(choices, dict) else choices
            if not isinstance(values, list) or any(type(choice) is not kind for choice in values):
                raise Unsupported(f"the choices of {name}")
            if kind is str and any("{{" in choice or "{%" in choice for choice in values):
                raise Unsupported(f"the choices of {name}")
            if value not in values:
                raise Unsupported(f"the answer to {name} is not a choice")  # Copier says so
        answers[name] = value
    return answers


def _plain(value: Any) -> str:
    """A setting's string that Jinja would render unchanged, on one line (Copier splits exclusions at line
    breaks)."""
    if not isinstance(value, str) or "{" in value or "\n" in value or "\r" in value:
        raise Unsupported("a templated setting")
    return value


def _plain_or_template(value: Any) -> str:
    if not isinstance(value, str):
        raise Unsupported("a setting that is not text")
    return value


def _scan(path: str, relative: str) -> Iterator[tuple[os.DirEntry[str], str]]:
    """Copier's ``scantree``: every entry (with its POSIX path relative to the copy root), each folder
    followed by its content, in ``scandir`` order."""
    for entry in os.scandir(path):
        here = f"{relative}{entry.name}"
        yield entry, here
        if entry.is_dir():
            yield from _scan(entry.path, f"{here}/")


class _Paths:
    """Copier's ``_render_path`` and ``_render_parts`` for a template without ``{% yield %}``: the POSIX
    paths (relative to the project) that a template path renders to."""

    def __init__(
        self,
        env: Any,
        context_for: Callable[[], dict[str, Any]],
        names: set[str],
        template_root: Path,
        top: set[str],
        answers_relpath: Path,
    ) -> None:
        self.env, self.context_for, self.names = env, context_for, names
        self.template_root, self.top, self.answers_relpath = template_root, top, answers_relpath

    def render(self, relative: str, name: str) -> Iterator[str]:
        is_template = name.endswith(_SUFFIX)
        if f"{relative}{_SUFFIX}" in self.names:
            return  # the templated sibling is rendered instead
        parts = relative.split("/")
        if is_template:
            parts[-1] = PurePosixPath(parts[-1]).with_suffix("").name
        rendered: list[str] = []
        for part in parts:
            if _YIELD_TAG.search(part):
                raise Unsupported("a {% yield %} path")
            text = self.env.from_string(part).render(self.context_for()) if "{" in part else part
            if not text:
                return
            if text == str(self.answers_relpath):
                yield self._checked(self.answers_relpath)
                return
            rendered.append(text)
        if any("/" in text or "\\" in text or text in {".", ".."} for text in rendered):
            path = Path(*rendered)  # as Copier joins them (a part may hold several)
            dst = self._checked(path)
        else:
            path, dst = None, "/".join(rendered)
        if is_template or not self._template_file(dst, path):
            yield dst

    def _template_file(self, dst: str, path: Path | None) -> bool:
        """Whether the template root holds ``<dst>.jinja`` (Copier skips ``dst`` then)."""
        if path is None and dst.partition("/")[0] not in self.top:
            return False
        return (self.template_root / f"{path if path is not None else dst}{_SUFFIX}").exists()

    @staticmethod
    def _checked(path: Path) -> str:
        if path.is_absolute() or ".." in path.parts or path == Path():
            raise Unsupported("a path outside the project")  # Copier refuses it
        return path.as_posix()


#: A gitignore pattern that names one path part (no slash, negation, escape, ``**`` or comment): it matches a
#: path when it matches one of its parts, files and folders alike (a folder's content with it).
_SIMPLE_PATTERN = re.compile(r"[A-Za-z0-9_.~*?\[\]-]+")


def _part_regex(pattern: str) -> str | None:
    """The regular expression of a simple pattern (``*``, ``?`` and ``[...]`` within a part), or None."""
    if not _SIMPLE_PATTERN.fullmatch(pattern) or set(pattern) <= {"."} or "**" in pattern or "[!" in pattern:
        return None
    out, rest = [], pattern
    while rest:
        char, rest = rest[0], rest[1:]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = rest.find("]")
            if end < 1 or "[" in rest[:end]:
                return None
            out.append(f"[{rest[:end]}]")
            rest = rest[end + 1 :]
        elif char == "]":
            return None
        else:
            out.append(re.escape(char))
    return "".join(out)


def _matcher(patterns: list[str]) -> Callable[[Path | str], bool]:
    """Copier's ``_path_matcher``: gitignore-style patterns (NFD-normalized) matched by pathspec; patterns
    that each name one path part are matched part by part here, without importing pathspec (the same
    answers: ``tests/test_direct_render.py`` compares the two)."""
    regexes = [_part_regex(pattern) for pattern in patterns]
    if all(regex is not None for regex in regexes):
        part = re.compile("|".join(f"(?:{regex})" for regex in regexes) or "(?!)")
        return lambda path: any(part.fullmatch(name) for name in Path(path).as_posix().split("/"))
    return _pathspec_matcher(patterns)


def _pathspec_matcher(patterns: list[str]) -> Callable[[Path | str], bool]:
    from pathspec import PathSpec
    from pathspec import __version__ as pathspec_version

    major = int(pathspec_version.split(".")[0])
    style = "gitignore" if major >= 1 else "gitwildmatch"
    spec = PathSpec.from_lines(style, (unicodedata.normalize("NFD", pattern) for pattern in patterns))
    return spec.match_file


def _environment(template: Path) -> Any:
    """Copier's Jinja environment for ``template`` (without its ``{% yield %}`` extension: no path uses it),
    with djstarter's compiled-code cache and memoized ``from_string`` (see ``generate.faster_copier``)."""
    from jinja2 import FileSystemLoader
    from jinja2.sandbox import SandboxedEnvironment

    from djstarter import generate

    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(template.resolve())]),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        keep_trailing_newline=True,
    )
    env.filters["to_json"] = partial(env.filters["to_json"], default=_not_json)
    env.globals["pathjoin"] = _pathjoin
    code_cache = generate._CodeCache(_code_cache_file())
    generate._share_compiled_code(env, code_cache)
    generate._memoize_from_string(env)
    _SAVES.append(code_cache.save)
    return env


_SAVES: list[Callable[[], None]] = []


def save_caches() -> None:
    """Write the compiled code this process added to the cache file (after the render)."""
    while _SAVES:
        _SAVES.pop()()


def _not_json(value: Any) -> Any:
    """``to_json``'s fallback for a value JSON cannot hold: Copier converts some through pydantic."""
    raise Unsupported(f"to_json of a {type(value).__name__}")


def _pathjoin(*path: str, mode: str = "posix") -> str:
    kinds: dict[str, type[PurePath]] = {
        "posix": PurePosixPath, "windows": PureWindowsPath, "native": PurePath,
    }  # fmt: skip
    return str(kinds[mode](*path))


def _code_cache_file() -> Path | None:
    try:
        import jinja2
        import platformdirs
    except ImportError:
        return None
    import hashlib
    import importlib.util

    versions = repr(
        ("direct", "key2", sys.implementation.cache_tag, importlib.util.MAGIC_NUMBER, jinja2.__version__)
    )
    name = f"jinja-code-{hashlib.sha256(versions.encode()).hexdigest()[:16]}.marshal"
    return platformdirs.user_cache_path("djstarter") / name


#: A new file, written as bytes (``O_BINARY``: no newline translation where that exists).
_WRITE_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)


def _write_bytes(path: str, content: bytes) -> None:
    """Write ``content`` to ``path``, created or truncated (one ``open``, no Python file object)."""
    descriptor = os.open(path, _WRITE_FLAGS, 0o666)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _write(project: Path, folders: list[str], files: dict[str, tuple[bytes, int]]) -> None:
    """Create the folders and write the files (each with its template file's mode, as Copier sets it)."""
    project.mkdir(parents=True, exist_ok=True)
    root = str(project)
    umask = os.umask(0)
    os.umask(umask)
    created = stat.S_IFREG | (0o666 & ~umask)  # the mode a new file gets
    made = {root}
    for folder in folders:
        path = os.path.join(root, folder)
        os.makedirs(path, exist_ok=True)
        made.add(path)
    for relative, (content, mode) in files.items():
        path = os.path.join(root, relative)
        parent = os.path.dirname(path)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        _write_bytes(path, content)
        if created != mode:  # as Copier: the template file's mode, whatever the umask
            os.chmod(path, mode & 0o7777)
