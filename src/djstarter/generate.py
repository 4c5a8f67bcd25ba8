"""Render a project: the only module that imports copier.

Rendering happens in a temporary folder; the finished project (with its ``.env`` and first git
commit) is moved into place only when everything succeeded, so a failure leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import importlib
import os
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import CodeType, ModuleType
from typing import TYPE_CHECKING, Any

from djstarter import interrupts, store, version
from djstarter.errors import GenerationError, UsageError

if TYPE_CHECKING:
    from copier._main import Worker
    from jinja2 import Environment, Template

_SECRET_CHARS = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"


def check_destination(dest: Path, *, overwrite: bool = False) -> None:
    """Refuse a destination that is a file, a non-empty folder (unless ``overwrite``) or unwritable."""
    try:
        _check_destination(dest, overwrite=overwrite)
    except OSError as exc:  # e.g. a name too long for the file system, a broken mount
        reason = exc.strerror or str(exc)
        raise UsageError(f"The destination {dest} cannot be used: {reason}. Choose another path.") from None


def _check_destination(dest: Path, *, overwrite: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"The destination {dest} exists and is not a folder; choose another path.")
    if dest.is_dir() and any(dest.iterdir()) and not overwrite:
        raise UsageError(
            f"The destination {dest} already exists and is not empty; djstarter never overwrites it. "
            "Choose another path, empty the folder, or pass --overwrite to write into it anyway."
        )
    parent = dest if dest.is_dir() else _nearest_existing(dest.parent)
    if not parent.is_dir():
        raise UsageError(
            f"The destination {dest} is inside {parent}, which is a file, not a folder; choose another path."
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"Cannot write to {parent}: permission denied. Choose a folder you can write to.")


def _nearest_existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def new_secret_key() -> str:
    """A 50-character random key, like ``django.core.management.utils.get_random_secret_key``."""
    return "".join(secrets.choice(_SECRET_CHARS) for _ in range(50))


def write_dotenv(project: Path) -> None:
    """Create the local ``.env`` from ``.env.example`` with a fresh ``SECRET_KEY`` (git-ignored)."""
    example = project / ".env.example"
    lines = example.read_text(encoding="utf-8").splitlines()
    key = new_secret_key()
    out = [f"SECRET_KEY={key}" if line.startswith("SECRET_KEY=") else line for line in lines]
    (project / ".env").write_text("\n".join(out) + "\n", encoding="utf-8")


def _git(project: Path, *args: str, env: Mapping[str, str] | None = None) -> None:
    try:
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, text=True, env=env)
    except FileNotFoundError as exc:
        raise GenerationError("git is not installed; install git or pass --no-git.") from exc
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or exc.stdout or "").strip()
        raise GenerationError(f"'git {' '.join(args)}' failed: {detail}") from exc


def start_git_init(folder: Path) -> subprocess.Popen[str] | None:
    """Start ``git init`` of a new repository in ``folder`` (missing), to run while the project renders;
    ``git_init`` moves its ``.git`` into the project. None when git cannot start (``git_init`` says why)."""
    try:
        return subprocess.Popen(
            ["git", "init", "--quiet", "--initial-branch=main", "--", str(folder)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    except OSError:
        return None


def _started_repository(started: subprocess.Popen[str] | None, folder: Path) -> Path | None:
    """The ``.git`` folder ``start_git_init`` made in ``folder``, once git has finished; None if it failed."""
    if started is None:
        return None
    started.communicate()
    repository = folder / ".git"
    return repository if started.returncode == 0 and repository.is_dir() else None


def git_init(
    project: Path,
    answers: Mapping[str, Any],
    started: subprocess.Popen[str] | None = None,
    folder: Path | None = None,
) -> None:
    """Make the project a git repository with one initial commit (``copier update`` needs it).

    With ``started`` (``start_git_init(folder)``), the repository that ``git init`` made in ``folder`` while
    the project rendered is moved into the project (a repository records no path of its own); should that
    have failed, ``git init`` runs here as before."""
    env = dict(os.environ)
    # Commit as the configured git user; fall back to the project's author when none is set.
    env.setdefault("GIT_AUTHOR_NAME", str(answers["author_name"]))
    env.setdefault("GIT_AUTHOR_EMAIL", str(answers["author_email"]))
    env.setdefault("GIT_COMMITTER_NAME", env["GIT_AUTHOR_NAME"])
    env.setdefault("GIT_COMMITTER_EMAIL", env["GIT_AUTHOR_EMAIL"])
    repository = _started_repository(started, folder) if folder is not None else None
    if repository is None or (project / ".git").exists():
        _git(project, "init", "--quiet", "--initial-branch=main")
    else:
        os.replace(repository, project / ".git")
    # Every file at or above core.bigFileThreshold goes into one pack file as it is added, instead of a
    # loose object file each (hundreds of small writes: most of this step on a slow disk). The setting
    # holds for this command only; the objects, tree and commit are the same.
    _git(project, "-c", "core.bigFileThreshold=1", "add", "--all")
    # maintenance.auto: git commit would start `git maintenance run --auto`, which finds nothing to do in a
    # repository of one commit.
    _git(
        project,
        "-c", "commit.gpgsign=false", "-c", "maintenance.auto=false",
        "commit", "--quiet", "--no-verify",
        "-m", f"Initial commit from djstarter {version()}",
        env=env,
    )  # fmt: skip


#: Jinja extensions whose only compile-time side effect is ``preprocess`` (which the memoized
#: ``from_string`` replays): Jinja's own, the Ansible filters and Copier's ``{% yield %}``. A template
#: that adds any other extension (``_jinja_extensions``) is compiled as Copier always does.
_MEMO_SAFE_EXTENSION_PACKAGES = frozenset({"jinja2", "jinja2_ansible_filters", "copier"})


@contextmanager
def faster_copier(
    kinds: Sequence[str] = (), plain: Path | None = None, kept: Sequence[tuple[Path, str, Path]] = ()
) -> Iterator[None]:
    """While active, Copier's ``Worker`` skips two kinds of repeated work; the output is unchanged.

    1. **Template compiles.** Copier compiles every part of every template path with
       ``jinja_env.from_string``, and the ``answers_relpath`` property compiles the answers-file name
       once per path part: about a thousand compiles of a few hundred distinct strings for one
       project. Each worker's environment gets a ``from_string`` memoized by source: a Jinja
       ``Template`` is immutable and renders any context, so reusing it is safe. The one
       compile-time side effect, the extensions' ``preprocess`` (Copier's ``{% yield %}`` resets its
       state there), is replayed on every cache hit, and environments with extensions not known to
       be free of other compile-time side effects are left alone.
    2. **git per file.** ``_sync_git_index_executable_bit`` runs ``git config core.fileMode`` for
       every rendered file, and by its own contract does nothing unless that setting is ``false``.
       It now asks git once per worker and destination, and calls Copier's method (which does the
       work, asking again) only when the answer is ``false``.
    3. **Template clones.** ``copier update`` clones the template repository five times (for the
       old and the new version, and again for each worker it starts). Clones are now shared per
       repository and version: the first is kept in a folder of this context (removed on exit) and
       handed to every later request for the same version, so an update clones once per version.
       With ``kinds`` (the project's kind: a djstarter template renders only ``copier.yml`` and
       ``templates/<kind>``), a clone of a local repository at a tag checks out only those paths.
    4. **Compiling again what was compiled before.** Jinja turns each template source into Python code
       (about 40% of a render). The code is shared by every worker of the process (an update renders
       the same sources several times) and kept in djstarter's cache folder for the next run
       (``_CodeCache``), keyed by the source, its name and everything about the environment that the
       generated code depends on; each worker still builds its own ``Template`` from the code. The
       extensions' ``preprocess`` runs on every hit, as in (1).
    5. **The render context per path.** Copier builds its Jinja context (every answer merged, the
       answers to remember, ``_copier_conf``) again for every path part and every file: about a third
       of a render. While a worker renders its files (``_render_template``; the answers are final by
       then) the context is built once and each caller gets a copy with its own ``_copier_conf``
       (Copier's ``answers_relpath`` writes into that one). ``answers_relpath`` itself (the answers file's
       name, rendered from the same context: asked for every path part, about 700 times a render) is
       rendered once while the worker renders.
    6. **Reading ``copier.yml`` again.** Every ``Template`` Copier makes (seven in an update) parses
       ``copier.yml`` with PyYAML's pure-Python loader. The parsed configuration is kept by the file's
       bytes and each caller gets a deep copy; a file with an ``!include`` tag is parsed as before.
    7. **Writing the project's objects again.** ``copier update`` commits its two temporary renders (the
       old and the new templates) in repositories of their own: ``git add`` writes every file as a new
       object (about a second on a slow disk), although nearly all of them are in the project's
       repository already. Copier tells git to borrow the project's objects (``alternates``) only after
       that commit; each temporary repository now borrows them from its ``git init`` on, so git writes
       only the objects the project lacks. The commits and trees are the same; the project's repository
       is only read (git may refresh the time stamp of an object it found there, as it does to keep it).
    8. **Asking git what it knows already.** A template clone that djstarter made at a tag of its store, the
       only tag on its commit (asked once), describes itself (``Template.commit``: ``git describe --tags``)
       as that tag, and its version (``Template.version``: a dozen git commands through dunamai) is the
       tag's public version, as dunamai reads it; both are answered without git. In the project's
       temporary repositories (see 7), git's automatic maintenance is off: after each of their commits
       ``git commit`` starts ``git maintenance run --auto``, which finds nothing to do there.
    9. **Asking git whether a template is a repository.** Copier's ``get_repo`` (which asks git about a
       local path) answers once per URL. With ``plain`` (a template folder that djstarter composed: no
       repository, no bundle), it answers None for that folder at once, as it would after running git three
       times (``rev-parse`` there, then ``init`` and ``bundle verify`` in a temporary folder).

    10. **Checking out a version the store keeps composed.** With ``kept`` (for each version: the store
       repository, a tag and the folder the store keeps with that tag's composed template of ``kinds``), the
       clone of that tag is that folder, when it holds exactly the files a checkout would (the same paths
       and bytes as the tag's tree, the modes git would give them) and the tag is the only one on its
       commit. Its ``commit``, ``version``, ``commit_hash`` and ``git_index_modes`` are the tag's, read from
       the store.
    11. **Writing the update's two temporary renders to disk.** ``copier update`` renders the old and the
       new templates into two temporary folders (and commits each in a repository of its own) only to
       compare them: some six hundred files created, then removed, which on a disk-backed temporary
       folder took a third of an update. When ``TMPDIR`` is not set and ``/dev/shm`` (memory) is writable
       with room to spare (``_MEMORY_FOLDER_ROOM``), those two folders are made there, and so are the
       template clones of (3); otherwise where they were. The project itself is written where it is.

    Each optimisation is skipped when the installed Copier lacks the attribute it patches; all
    patches are undone on exit, also when an exception escapes.
    """
    from copier._main import Worker

    memory = _memory_folder()
    with ExitStack() as stack:
        jinja_env = vars(Worker).get("jinja_env")
        if isinstance(jinja_env, functools.cached_property):
            code_cache = _CodeCache(_code_cache_file())
            stack.callback(code_cache.save)
            memoized = functools.cached_property(_memoizing_env_factory(jinja_env.func, code_cache))
            memoized.__set_name__(Worker, "jinja_env")
            _patch(stack, Worker, "jinja_env", memoized)
        sync = vars(Worker).get("_sync_git_index_executable_bit")
        if callable(sync):
            _patch(stack, Worker, "_sync_git_index_executable_bit", _lazy_git_sync(sync))
        from copier import _template

        render, context = vars(Worker).get("_render_template"), vars(Worker).get("_render_context")
        if callable(render) and callable(context):
            from copier._types import LazyDict

            built: dict[int, dict[str, Any]] = {}  # id(worker) -> its context, while it renders
            relpaths: dict[int, Path] = {}  # id(worker) -> its answers file's path, while it renders
            _patch(stack, Worker, "_render_template", _rendering(render, built, relpaths))
            _patch(stack, Worker, "_render_context", _context_once(context, built, LazyDict))
            answers_relpath = vars(Worker).get("answers_relpath")
            if isinstance(answers_relpath, property) and answers_relpath.fget is not None:
                relpath_once = property(_relpath_once(answers_relpath.fget, built, relpaths))
                _patch(stack, Worker, "answers_relpath", relpath_once)
        load_config = vars(_template).get("load_template_config")
        if callable(load_config):
            _patch(stack, _template, "load_template_config", _parsed_once(load_config, _template))
        clone = vars(_template).get("clone")
        if callable(clone):
            shared = stack.enter_context(interrupts.temporary_folder("djstarter-clones-", memory))
            tagged: dict[Path, str] = {}  # our clones checked out at a tag, the only one on their commit
            facts: dict[Path, dict[str, Any]] = {}  # kept folders (see 10): their git facts, from the store
            template_class = vars(_template).get("Template")
            git_facts = ("commit_hash", "git_index_modes")
            if not isinstance(template_class, type) or not all(
                isinstance(vars(template_class).get(name), functools.cached_property) for name in git_facts
            ):
                kept = ()  # a Copier whose git facts this cannot answer: it clones
            _patch(stack, _template, "clone", _shared_clones(clone, shared, kinds, tagged, kept, facts))
            for name, known in (("commit", _describe_tag), ("version", _tag_version)):
                if not isinstance(template_class, type):
                    break
                prop = vars(template_class).get(name)
                if isinstance(prop, functools.cached_property):
                    fast = functools.cached_property(_at_known_tag(prop.func, tagged, known))
                    fast.__set_name__(template_class, name)
                    _patch(stack, template_class, name, fast)
            if kept and isinstance(template_class, type):
                for name in git_facts:
                    prop = vars(template_class)[name]
                    fast = functools.cached_property(_known_fact(prop.func, facts, name))
                    fast.__set_name__(template_class, name)
                    _patch(stack, template_class, name, fast)
        initialize = vars(Worker).get("_git_initialize_repo")
        if callable(initialize):
            _patch(stack, Worker, "_git_initialize_repo", _borrowing_objects(initialize))
        get_repo = vars(_template).get("get_repo")
        if callable(get_repo):
            _patch(stack, _template, "get_repo", _repository_once(get_repo, plain))
        from copier import _main

        if memory is not None and vars(_main).get("TemporaryDirectory") is tempfile.TemporaryDirectory:
            in_memory = functools.partial(tempfile.TemporaryDirectory, dir=memory)
            _patch(stack, _main, "TemporaryDirectory", in_memory)
        yield


#: A memory-backed folder for ``copier update``'s temporary renders (``faster_copier`` 11), and the free
#: space it must have (an update's two renders take a few megabytes; a container's small ``/dev/shm`` is
#: left alone).
_MEMORY_FOLDER = Path("/dev/shm")
_MEMORY_FOLDER_ROOM = 256 * 1024 * 1024


def _memory_folder() -> str | None:
    """``_MEMORY_FOLDER`` when temporary folders may go there: ``TMPDIR`` is not set (a folder the user
    chose is used as chosen), and it is a writable folder with ``_MEMORY_FOLDER_ROOM`` free; else None."""
    if os.environ.get("TMPDIR"):
        return None
    try:
        stats = os.statvfs(_MEMORY_FOLDER)
    except OSError:
        return None
    room = stats.f_bavail * stats.f_frsize
    if room < _MEMORY_FOLDER_ROOM or not os.access(_MEMORY_FOLDER, os.W_OK | os.X_OK):
        return None
    return str(_MEMORY_FOLDER)


def _repository_once(
    get_repo: Callable[[str], str | None], plain: Path | None
) -> Callable[[str], str | None]:
    """Copier's ``get_repo(url)`` (a template's git URL, or None: asks git about a local path) answered once
    per URL: every ``Template`` of an update asks again for the same one. None at once for the folder
    ``plain`` (a repository's URL never names it: the folder has no ``.git`` and is no bundle)."""
    plain_url = str(plain) if plain is not None else None
    known: dict[str, str | None] = {}

    @functools.wraps(get_repo)
    def repository_once(url: str) -> str | None:
        if plain is not None and str(url) == plain_url and plain.is_dir() and not (plain / ".git").exists():
            return None
        if url not in known:
            known[url] = get_repo(url)
        return known[url]

    return repository_once


def _borrowing_objects(initialize: Callable[[Worker], None]) -> Callable[[Worker], None]:
    """``Worker._git_initialize_repo`` (``git init``, ``add``, ``commit`` in the current folder) whose new
    repository borrows the objects of the project being updated before anything is added."""

    @functools.wraps(initialize)
    def git_initialize_repo(worker: Worker) -> None:
        _borrow_objects(worker)
        initialize(worker)  # git init again only re-initialises: the alternates file stays

    return git_initialize_repo


def _borrow_objects(worker: Worker) -> None:
    """``git init`` here with the project's objects folder as an alternate; nothing when either fails."""
    try:
        project = Path(worker.subproject.local_abspath)
        objects = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-path", "objects"],
            cwd=project, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL,
        ).stdout.strip()  # fmt: skip
        if not objects or "\n" in objects or not Path(objects).is_dir():
            return
        subprocess.run(
            ["git", "init", "--quiet"], capture_output=True, check=True, stdin=subprocess.DEVNULL
        )  # in the current folder, as Copier's own init
        info = Path(".git", "objects", "info")
        info.mkdir(parents=True, exist_ok=True)
        (info / "alternates").write_text(objects + "\n", encoding="utf-8")
        with Path(".git", "config").open("a", encoding="utf-8") as config:  # see faster_copier (8)
            config.write("[maintenance]\n\tauto = false\n")
    except (OSError, subprocess.CalledProcessError, AttributeError):
        return


def _rendering(
    render: Callable[[Worker], None],
    built: dict[int, dict[str, Any]],
    relpaths: dict[int, Path] | None = None,
) -> Callable[[Worker], None]:
    """``Worker._render_template`` that keeps one render context (and answers file path, in ``relpaths``)
    for the worker while it renders."""

    @functools.wraps(render)
    def rendering(worker: Worker) -> None:
        built[id(worker)] = {}
        try:
            render(worker)
        finally:
            built.pop(id(worker), None)
            if relpaths is not None:
                relpaths.pop(id(worker), None)

    return rendering


def _relpath_once(
    answers_relpath: Callable[[Worker], Path], built: dict[int, dict[str, Any]], relpaths: dict[int, Path]
) -> Callable[[Worker], Path]:
    """``Worker.answers_relpath`` rendered once while the worker renders (its context is fixed then, see
    ``_context_once``), as Copier renders it at any other time."""

    @functools.wraps(answers_relpath)
    def relpath_once(worker: Worker) -> Path:
        if id(worker) not in built:
            return answers_relpath(worker)
        if id(worker) not in relpaths:
            relpaths[id(worker)] = answers_relpath(worker)
        return relpaths[id(worker)]

    return relpath_once


def _context_once(
    context: Callable[[Worker], dict[str, Any]], built: dict[int, dict[str, Any]], lazy: type
) -> Callable[[Worker], dict[str, Any]]:
    """``Worker._render_context`` built once per render: a copy of it, with a ``_copier_conf`` of its
    own, for every later call (outside a render, or should Copier's conf change shape, as before)."""

    @functools.wraps(context)
    def render_context(worker: Worker) -> dict[str, Any]:
        memo = built.get(id(worker))
        if memo is None:
            return context(worker)
        if not memo:
            fresh = context(worker)
            pending = getattr(fresh.get("_copier_conf"), "_pending", None)
            if not isinstance(pending, dict):
                built.pop(id(worker), None)
                return fresh
            memo.update(fresh, _copier_conf=dict(pending))
            return fresh
        return {**memo, "_copier_conf": lazy(memo["_copier_conf"])}

    return render_context


def _parsed_once(load: Callable[..., dict[str, Any]], module: ModuleType) -> Callable[..., dict[str, Any]]:
    """Copier's ``load_template_config(path, quiet=False)`` (from ``module``) that parses each distinct file
    once, with libyaml's parser when PyYAML has it (the pure-Python one takes about 20 ms for ours)."""
    parsed: dict[tuple[bytes, bool], dict[str, Any]] = {}

    @functools.wraps(load)
    def load_template_config(conf_path: Path, quiet: bool = False) -> dict[str, Any]:
        text = Path(conf_path).read_bytes()
        if b"!include" in text:
            return load(conf_path, quiet)
        if (text, quiet) not in parsed:
            parsed[text, quiet] = _with_libyaml(module, load, conf_path, quiet)
        return copy.deepcopy(parsed[text, quiet])

    return load_template_config


def _with_libyaml(module: ModuleType, load: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """``load(*args)`` with ``module``'s ``yaml`` giving libyaml's ``CSafeLoader`` as ``SafeLoader`` (Copier
    subclasses it to add its ``!include`` tag); as it is when PyYAML lacks libyaml."""
    import yaml

    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None or vars(module).get("yaml") is not yaml:
        return load(*args)
    module.yaml = ModuleType("yaml", yaml.__doc__)  # type: ignore[attr-defined]
    vars(module.yaml).update(vars(yaml), SafeLoader=fast)
    try:
        return load(*args)
    finally:
        module.yaml = yaml  # type: ignore[attr-defined]


def _shared_clones(
    clone: Callable[..., str],
    folder: Path,
    kinds: Sequence[str] = (),
    tagged: dict[Path, str] | None = None,
    kept: Sequence[tuple[Path, str, Path]] = (),
    facts: dict[Path, dict[str, Any]] | None = None,
) -> Callable[..., str]:
    """``clone(url, ref, location)`` that clones each (url, ref) once into ``folder`` and reuses it.

    Copier reads a template clone and never writes to it after ``clone`` returns, so one clone can
    serve every ``Template`` of the same version; the ``location`` Copier made stays empty and is
    removed by Copier as usual. With ``kinds``, a local repository at a ref other than ``HEAD`` (where
    Copier would add uncommitted changes) is cloned with only ``copier.yml`` and those kinds' folders
    checked out; should that fail, Copier clones as usual. ``tagged`` receives each such clone (resolved
    path) whose ref is the only tag on the commit checked out. For each of ``kept`` (repository, tag, folder),
    that tag of that repository is the folder when ``_kept_checkout`` vouches for it; ``facts`` receives its
    git facts.
    """
    clones: dict[tuple[str, str], str] = {}

    @functools.wraps(clone)
    def shared_clone(url: str, ref: str = "HEAD", location: str | None = None) -> str:
        key = (str(url), str(ref))
        if key not in clones:
            local = Path(str(url).removeprefix("file://"))
            held = next((entry for entry in kept if entry[1] == str(ref)), None)
            if held is not None and tagged is not None and facts is not None:
                resolved = held[2].resolve()
                # A folder stands for one tag: two versions of the same templates share the store's folder,
                # and the later one asked for is cloned (Copier describes each clone as its own tag).
                claimed = tagged.get(resolved, str(ref)) != str(ref)
                known = None if claimed else _kept_checkout(local, *held, kinds)
                if known is not None:
                    clones[key], tagged[resolved], facts[resolved] = str(resolved), str(ref), known
                    return clones[key]
            target = Path(tempfile.mkdtemp(dir=folder))
            if kinds and ref != "HEAD" and local.is_dir() and _sparse_clone(local, str(ref), target, kinds):
                clones[key] = str(target)
                if tagged is not None and _tags_at_head(target) == [str(ref)]:
                    tagged[target.resolve()] = str(ref)
            else:
                clones[key] = clone(url, ref, location=str(target))
        return clones[key]

    return shared_clone


def _sparse_clone(repo: Path, ref: str, location: Path, kinds: Sequence[str]) -> bool:
    """Clone ``repo`` into the empty ``location`` at ``ref`` with only ``copier.yml`` and
    ``templates/<kind>/`` checked out, as Copier's clone does otherwise; False (and ``location`` empty
    again) when git cannot."""

    def git(*args: str, cwd: Path = location) -> str:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL
        ).stdout

    if ref.startswith("-") or any(
        char in ref for char in "\r\n"
    ):  # never an option (the answers file is input)
        return False
    try:
        # --shared: the clone borrows the store's objects instead of copying them (it lives for one run)
        clone = ["clone", "--quiet", "--no-checkout", "--shared", "--", str(repo), str(location)]
        git(*clone, cwd=location.parent)
        commit = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
        paths = ["/copier.yml", *(f"/templates/{kind}/" for kind in kinds)]
        git("sparse-checkout", "set", "--no-cone", *paths)
        git("-c", "core.fsmonitor=false", "checkout", "--quiet", "-f", commit)
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(location, ignore_errors=True)
        location.mkdir()
        return False
    return True


def _tags_at_head(location: Path) -> list[str] | None:
    """The tags on the commit checked out in ``location``; None when git cannot tell."""
    try:
        return subprocess.run(
            ["git", "tag", "--points-at", "HEAD"],
            cwd=location, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL,
        ).stdout.split()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None


def _kept_checkout(
    url: Path, repo: Path, tag: str, folder: Path, kinds: Sequence[str]
) -> dict[str, Any] | None:
    """The git facts Copier reads of a clone of ``repo`` at ``tag`` checked out for ``kinds`` (``commit_hash``
    ``git_index_modes``), when ``folder`` holds exactly what that checkout would: the same files (paths and
    bytes) as the tag's tree has under ``copier.yml`` and ``templates/<kind>/``, with the modes git gives a
    file it checks out, and nothing else; and the tag is the only one on its commit (Copier then describes
    the clone as the tag). None otherwise (or when git cannot tell): the tag is cloned."""
    import hashlib
    import stat
    from pathlib import PurePosixPath

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL
        ).stdout

    try:
        if not kinds or not url.is_dir() or url.resolve() != repo.resolve() or tag.startswith("-"):
            return None
        commit = git("rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}").strip()
        if git("tag", "--points-at", commit).split() != [tag]:
            return None
        listing = git("ls-tree", "-r", "-z", "--full-tree", commit, "--", "copier.yml",
                      *(f"templates/{kind}/" for kind in kinds))  # fmt: skip
        umask = os.umask(0)
        os.umask(umask)
        expected: dict[str, tuple[str, int]] = {}
        git_modes: dict[PurePosixPath, int] = {}  # as Copier reads them from a checkout's index
        for entry in filter(None, listing.split("\0")):
            meta, _, path = entry.partition("\t")
            mode, kind, blob = meta.split()
            if kind != "blob" or mode not in {"100644", "100755"}:
                return None  # a symlink or a submodule: a checkout is not a copy of files
            expected[path] = (blob, stat.S_IFREG | ((0o777 if mode == "100755" else 0o666) & ~umask))
            git_modes[PurePosixPath(path)] = int(mode, 8)
        found: dict[str, tuple[str, int]] = {}
        for directory, _, names in os.walk(folder):
            for name in names:
                path = os.path.join(directory, name)
                relative = os.path.relpath(path, folder).replace(os.sep, "/")
                info = os.lstat(path)
                if relative not in expected or info.st_mode != expected[relative][1]:
                    return None
                with open(path, "rb") as file:
                    data = file.read()
                blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
                found[relative] = (blob, info.st_mode)
        if found != expected:
            return None
    except (OSError, ValueError, subprocess.CalledProcessError):
        return None
    return {"commit_hash": commit, "git_index_modes": git_modes}


def _known_fact(
    compute: Callable[[Any], Any], facts: dict[Path, dict[str, Any]], name: str
) -> Callable[[Any], Any]:
    """A ``Template`` property read from ``facts`` for a kept folder (see ``faster_copier`` 10), computed by
    Copier for any other template."""

    @functools.wraps(compute)
    def known_fact(template: Any) -> Any:
        try:
            known = facts.get(template.local_abspath) if facts else None
        except Exception:  # whatever Copier raises there, it raises again in its own computation
            known = None
        return compute(template) if known is None else known[name]

    return known_fact


def _describe_tag(tag: str) -> str:
    """What ``git describe --tags --always`` says of a commit that holds exactly this one tag."""
    return tag


def _tag_version(tag: str) -> Any:
    """The version Copier reads (with dunamai) from a clean checkout of the commit that holds exactly this one
    tag: the tag's public version (local labels dropped); None when it is not a version."""
    return store.public_version(tag)


def _at_known_tag(
    compute: Callable[[Any], Any], tagged: dict[Path, str], known: Callable[[str], Any]
) -> Callable[[Any], Any]:
    """A ``Template`` property computed by ``known(tag)`` for a clone in ``tagged``, by Copier otherwise (also
    when ``known`` has no answer)."""

    @functools.wraps(compute)
    def at_known_tag(template: Any) -> Any:
        try:
            tag = tagged.get(template.local_abspath) if tagged and template.vcs == "git" else None
        except Exception:  # whatever Copier raises there, it raises again in its own computation
            tag = None
        answer = known(tag) if tag is not None else None
        return compute(template) if answer is None else answer

    return at_known_tag


def _patch(stack: ExitStack, owner: type | ModuleType, name: str, value: object) -> None:
    """Set a class or module attribute until ``stack`` closes (``unittest.mock`` costs a noticeable
    import). The raw attribute is restored: for a class, the descriptor itself, not what it returns."""
    original = vars(owner)[name]
    setattr(owner, name, value)
    stack.callback(setattr, owner, name, original)


def _memoizing_env_factory(
    make_env: Callable[[Worker], Environment], code_cache: _CodeCache
) -> Callable[[Worker], Environment]:
    @functools.wraps(make_env)
    def jinja_env(worker: Worker) -> Environment:
        env = make_env(worker)
        packages = {type(ext).__module__.partition(".")[0] for ext in env.extensions.values()}
        if packages <= _MEMO_SAFE_EXTENSION_PACKAGES:
            _share_compiled_code(env, code_cache)
            _memoize_from_string(env)
        return env

    return jinja_env


#: Compiled templates kept on disk (the oldest are dropped beyond this; a project needs about 300).
_CODE_CACHE_ENTRIES = 4000


def _code_cache_file() -> Path | None:
    """The cache file for this Python, Jinja and Copier (their compiled code is never mixed)."""
    try:
        import copier
        import jinja2
        import platformdirs
    except ImportError:
        return None
    import hashlib
    import importlib.util
    import sys

    versions = repr(
        (
            "key2",
            sys.implementation.cache_tag,
            importlib.util.MAGIC_NUMBER,
            jinja2.__version__,
            copier.__version__,
        )
    )  # "key2": the keys' format (see _share_compiled_code)
    name = f"jinja-code-{hashlib.sha256(versions.encode()).hexdigest()[:16]}.marshal"
    return platformdirs.user_cache_path("djstarter") / name


class _CodeCache:
    """Compiled Jinja code (marshalled) by key: in memory for the process, loaded from and saved to ``path``.

    The file is a cache: unreadable, damaged or unwritable, it is ignored (everything compiles as usual).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, bytes] | None = None
        self._changed = False

    def _loaded(self) -> dict[str, bytes]:
        if self._entries is None:
            self._entries = {}
            if self.path is not None:
                import marshal

                with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
                    data = marshal.loads(self.path.read_bytes())
                    if isinstance(data, dict):
                        self._entries = {
                            k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, bytes)
                        }
        return self._entries

    def get(self, key: str) -> CodeType | None:
        import marshal

        entries = self._loaded()
        data = entries.pop(key, None)
        if data is None:
            return None
        entries[key] = data  # the newest last: kept longest
        with contextlib.suppress(ValueError, EOFError, TypeError):
            code = marshal.loads(data)
            if isinstance(code, CodeType):
                return code
        del entries[key]
        return None

    def put(self, key: str, code: CodeType) -> None:
        import marshal

        self._loaded()[key] = marshal.dumps(code)
        self._changed = True

    def save(self) -> None:
        if not self._changed or self.path is None or self._entries is None:
            return
        import marshal

        kept = dict(list(self._entries.items())[-_CODE_CACHE_ENTRIES:])
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            temporary.write_bytes(marshal.dumps(kept))
            os.replace(temporary, self.path)
        self._changed = False


def _environment_signature(env: Environment) -> str | None:
    """Everything about ``env`` that the code Jinja generates depends on, or None when part of it cannot be
    named (a callable ``autoescape`` or ``finalize`` without a qualified name).

    Lexer and parser settings, extensions, the sandbox's intercepted operators, optimisation and async mode,
    and the filters and tests (the optimiser folds constant filter calls at compile time)."""

    def named(value: Any) -> str | None:
        if value is None or isinstance(value, bool):
            return repr(value)
        function = getattr(value, "func", value)  # functools.partial: the function it calls
        qualname = getattr(function, "__qualname__", None)
        module = getattr(function, "__module__", None)
        return f"{type(value).__name__}:{module}.{qualname}" if qualname and module else None

    callables = [named(env.autoescape), named(env.finalize)]
    if None in callables:
        return None
    parts = [
        f"{type(env).__module__}.{type(env).__qualname__}",
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        env.optimized, env.is_async, callables, sorted(env.extensions),
        sorted(getattr(env, "intercepted_binops", ())), sorted(getattr(env, "intercepted_unops", ())),
        sorted((name, named(f)) for name, f in env.filters.items()),
        sorted((name, named(f)) for name, f in env.tests.items()),
    ]  # fmt: skip
    return repr(parts)


def _share_compiled_code(env: Environment, code_cache: _CodeCache) -> None:
    """Give ``env`` (one instance) a ``compile`` that takes the code from ``code_cache`` when it holds this
    source compiled by an equal environment, and adds what it compiles."""
    signature = _environment_signature(env)
    if signature is None:
        return
    import hashlib

    compile_source: Callable[..., Any] = env.compile

    @functools.wraps(compile_source)
    def compile_cached(
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if raw or not isinstance(source, str):
            return compile_source(source, name, filename, raw, defer_init)
        # The file name is not part of the generated code (only of the code object, which says where a
        # template error happened): a template folder at another temporary path reuses the code.
        # The repr of the short fields ends the prefix (it holds no NUL): no two keys' inputs are equal.
        head = repr((signature, name, defer_init)).encode()
        key = hashlib.sha256(head + b"\0" + source.encode("utf-8", "surrogatepass")).hexdigest()
        code = code_cache.get(key)
        if code is None:
            code = compile_source(source, name, filename, raw, defer_init)
            code_cache.put(key, code)
            return code
        env.preprocess(source, name, filename)  # the side effects a compile has
        return _with_filename(code, "<template>" if filename is None else filename)

    env.compile = compile_cached  # type: ignore[method-assign]


def _with_filename(code: CodeType, filename: str) -> CodeType:
    """``code`` (and the code nested in it) as if compiled from ``filename``, as ``compile`` would make it."""
    if code.co_filename == filename:
        return code
    consts = tuple(_with_filename(c, filename) if isinstance(c, CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def _memoize_from_string(env: Environment) -> None:
    """Give ``env`` (one instance, not the class) a ``from_string`` that compiles each source once."""
    compile_template = env.from_string
    cache: dict[str, Template] = {}

    @functools.wraps(compile_template)
    def from_string(source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return compile_template(source, globals, template_class)  # as Copier would, errors too
        template = cache.get(source)
        if template is None:
            template = cache[source] = compile_template(source)
        else:
            env.preprocess(source)  # the side effects a compile has (Copier resets its yield state)
        return template

    env.from_string = from_string  # type: ignore[method-assign]


def _lazy_git_sync(sync: Callable[..., None]) -> Callable[..., None]:
    known: dict[tuple[int, Path], tuple[Worker, bool]] = {}  # the worker is kept so its id stays unique

    @functools.wraps(sync)
    def sync_git_index_executable_bit(worker: Worker, *args: Any, **kwargs: Any) -> None:
        try:
            root = worker.subproject.local_abspath
        except Exception:  # an unexpected Copier: do what it does
            sync(worker, *args, **kwargs)
            return
        key = (id(worker), root)
        if key not in known:
            known[key] = (worker, _core_file_mode_may_be_false(root))
        if known[key][1]:
            sync(worker, *args, **kwargs)

    return sync_git_index_executable_bit


def _core_file_mode_may_be_false(root: Path) -> bool:
    """Ask git, as Copier does, whether ``core.fileMode`` is ``false`` for ``root``; True when unsure."""
    try:
        from copier._vcs import get_git
        from plumbum import ProcessExecutionError
    except ImportError:
        return True
    try:
        setting = get_git(context_dir=root)("config", "--type=bool", "--get", "core.fileMode")
    except ProcessExecutionError:  # not a repository, or unset: Copier's method would do nothing
        return False
    except Exception:  # anything else: let Copier's method meet it
        return True
    return str(setting).strip() == "false"


def preload(*, prompts: bool = True) -> None:
    """Start importing Copier (a third of a second) in the background while answers are read or asked,
    and, in a source checkout, working out djstarter's version (a few git commands the store needs).

    ``render`` imports it as usual and waits on Python's import lock if the import is still running.
    Failures are left for that import (and ``version()``) to report, so the threads stay silent.
    ``prompts=False``: the answers are given, nothing is asked, and the render almost always goes without
    Copier (``direct``): Copier is not imported here (its import would only take CPU time from this run);
    the rare render that needs it imports it without its prompt libraries (see ``import_copier``).
    """
    if prompts:
        threading.Thread(target=_import_quietly, name="djstarter-preload", daemon=True).start()
    thread = threading.Thread(target=_version_quietly, name="djstarter-version", daemon=True)
    thread.start()
    _preloading.append(thread)


_preloading: list[threading.Thread] = []  # joined before the store asks for the version itself


def _version_quietly() -> None:
    with contextlib.suppress(BaseException):  # version() is cached; the store asks again and reports errors
        version()


def _import_quietly() -> None:
    with contextlib.suppress(BaseException):  # render() imports it again and reports any error there
        import_copier()


#: What Copier imports from its prompt libraries (questionary, prompt_toolkit, pygments' lexers): about
#: 200 modules, a third of Copier's import, used only to ask questions.
_PROMPT_NAMES = {
    "questionary": ("confirm", "unsafe_prompt"),
    "questionary.prompts.common": ("Choice",),
    "prompt_toolkit.lexers": ("PygmentsLexer",),
    "pygments.lexers.data": ("JsonLexer", "YamlLexer"),
}


def import_copier(*, prompts: bool = True) -> None:
    """Import Copier; with ``prompts=False``, without importing its prompt libraries.

    Only for a djstarter command's own process, which renders and updates with complete answers and
    ``defaults=True``, so Copier never asks. Copier's modules then hold stand-ins for the names they import
    from those libraries: ``Choice`` keeps a choice's title, value and ``disabled`` reason as questionary's
    does (Copier validates answers against it), and the prompt functions import the real library when
    called. Should Copier import anything else from them, it is imported again as usual.
    """
    if prompts or "copier._main" in sys.modules or any(name in sys.modules for name in _PROMPT_NAMES):
        importlib.import_module("copier")
        return
    stand_ins = _prompt_stand_ins()
    before = set(sys.modules)
    try:
        sys.modules.update(stand_ins)
        importlib.import_module("copier")
    except ImportError:
        for name in set(sys.modules) - before:  # half-imported Copier modules hold stand-ins: import anew
            if name == "copier" or name.startswith("copier."):
                del sys.modules[name]
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        importlib.import_module("copier")
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _prompt_stand_ins() -> dict[str, ModuleType]:
    def forwarding(module: str, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(importlib.import_module(module), name)(*args, **kwargs)

        call.__name__ = call.__qualname__ = name
        return call

    def lexer(name: str) -> type:
        return type(name, (), {"__module__": "pygments.lexers.data"})

    def pygments_lexer(stand_in: type, *args: Any, **kwargs: Any) -> Any:
        from prompt_toolkit.lexers import PygmentsLexer
        from pygments.lexers import data  # type: ignore[import-untyped,unused-ignore]

        return PygmentsLexer(getattr(data, stand_in.__name__), *args, **kwargs)

    attributes: dict[str, dict[str, Any]] = {
        "questionary": {name: forwarding("questionary", name) for name in _PROMPT_NAMES["questionary"]},
        "questionary.prompts.common": {"Choice": _Choice},
        "prompt_toolkit.lexers": {"PygmentsLexer": pygments_lexer},
        "pygments.lexers.data": {name: lexer(name) for name in _PROMPT_NAMES["pygments.lexers.data"]},
    }
    modules = {}
    for name, values in attributes.items():
        module = ModuleType(name, "djstarter's stand-in while Copier is imported (see import_copier)")
        vars(module).update(values)
        modules[name] = module
    return modules


class _Choice:
    """questionary's ``Choice`` as Copier uses it without asking: title, value (the title when None),
    ``disabled`` reason, ``checked``, ``shortcut_key`` and ``description``."""

    def __init__(
        self,
        title: Any,
        value: Any = None,
        disabled: str | None = None,
        checked: bool | None = False,
        shortcut_key: str | bool | None = True,
        description: str | None = None,
    ) -> None:
        self.disabled = disabled
        self.title = title
        self.shortcut_key = shortcut_key
        self.checked = checked if checked is not None else False
        self.description = description
        if value is not None:
            self.value = value
        elif isinstance(title, list):
            self.value = "".join(token[1] for token in title)
        else:
            self.value = title


def render(answers: Mapping[str, Any], project: Path, template: str, *, plain: bool = False) -> None:
    """Run Copier non-interactively with complete, validated answers; ``plain``: the template is a folder
    djstarter composed (not a git repository or bundle), rendered without Copier where ``direct`` can
    (the same files, byte for byte); Copier renders it otherwise."""
    if plain:
        from djstarter import direct

        try:
            if direct.render(answers, project, Path(template)):
                return
        finally:
            direct.save_caches()
    import_copier(prompts=False)  # never asks (defaults=True): without its prompt libraries
    import copier
    from copier.errors import CopierError

    try:
        with faster_copier(plain=Path(template) if plain else None):
            copier.run_copy(
                template,
                project,
                data=dict(answers),
                defaults=True,
                overwrite=True,
                quiet=True,
                unsafe=False,
                skip_tasks=True,
            )
    except CopierError as exc:
        raise GenerationError(f"Rendering the template failed: {exc}") from exc


def render_release(release: store.Release, answers: Mapping[str, Any], dest: Path) -> Path:
    """Render ``answers`` (the ``_``-keys are left out) from a store release into ``dest``, as Copier
    would from the release's tag, without recording anything or touching git."""
    with interrupts.temporary_folder("djstarter-release-") as work_dir:
        template = store.export(release, Path(work_dir) / "template", [str(answers["project_kind"])])
        render({k: v for k, v in answers.items() if not k.startswith("_")}, dest, str(template), plain=True)
    return dest


def generate(
    answers: Mapping[str, Any],
    dest: Path,
    *,
    git: bool = True,
    overwrite: bool = False,
    release: store.Release | None = None,
    written: list[Path] | None = None,
) -> Path:
    """Render ``answers`` into ``dest`` from the template store; on any failure nothing is left behind.

    The finished project is moved into place in one step that Ctrl-C does not cut short; ``written``
    (when given) receives ``dest`` once it holds the project, so a caller interrupted later can say so.
    """
    dest = dest.expanduser().absolute()
    check_destination(dest, overwrite=overwrite)
    with interrupts.temporary_folder("djstarter-") as work_dir:
        template = Path(work_dir) / "template"
        if release is None:
            while _preloading:
                _preloading.pop().join()
            release, template = store.ensure_template(str(answers["project_kind"]), fallback=template)
        else:
            store.export(release, template, [str(answers["project_kind"])])
        project = Path(work_dir) / "project"
        commit = git and not (overwrite and _inside_git_repo(dest))
        # git init runs on the other core while the project renders (the repository is moved in after).
        started = start_git_init(Path(work_dir) / "repository") if commit else None
        try:
            render(answers, project, str(template), plain=True)
            store.record(project, release)
            write_dotenv(project)
        except BaseException:
            if started is not None:
                started.kill()
                started.wait()
            raise
        if commit:
            git_init(project, answers, started, Path(work_dir) / "repository")
        with interrupts.deferred():
            _move_into_place(project, dest)
            if written is not None:
                written.append(dest)
    return dest


def _inside_git_repo(path: Path) -> bool:
    return path.is_dir() and any((p / ".git").exists() for p in (path, *path.parents))


def _move_into_place(project: Path, dest: Path) -> None:
    if dest.is_dir() and any(dest.iterdir()):  # --overwrite: merge into the existing folder
        shutil.copytree(project, dest, dirs_exist_ok=True, symlinks=True)
        return
    if dest.is_dir():
        dest.rmdir()
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.move(str(project), str(dest))
    except OSError as exc:
        shutil.rmtree(dest, ignore_errors=True)
        raise GenerationError(f"Could not move the generated project into {dest}: {exc}") from exc
