"""The template store: a git repository of djstarter's composed templates, one tag per build.

Copier can update a project only from a git-tracked template that still holds the commit the project
was made from. A wheel's package data is a plain folder, so djstarter keeps a repository in the user
data folder (``DJSTARTER_STORE`` overrides it): each djstarter build that runs adds a commit tagged
``v<version>``. Every build has its own version (see ``versioning``), and a tag never means two things:
templates run from a source checkout (whose files may differ from its commit), and installed templates
that differ from the ones already tagged for their version, get the version with their content's
fingerprint as a local label (``v0.2.0.post3+g1a2b3c4.f0123456789``). Projects record the store as their
``_src_path`` (``~/``-relative when under home), so plain ``copier update`` works offline later.

Every wheel also carries the templates of the earlier releases (``_version.EARLIER``): a store rebuilt
from scratch gets them back when a project made by one of them is updated (``restore``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from djstarter import interrupts, templates, version
from djstarter.errors import DjstarterError

if TYPE_CHECKING:
    from packaging.version import Version

STORE_ENV = "DJSTARTER_STORE"
_IDENTITY = [
    "-c",
    "user.name=djstarter",
    "-c",
    "user.email=djstarter@localhost",
    "-c",
    "commit.gpgsign=false",
]


@dataclass(frozen=True)
class Release:
    path: Path  # the store repository
    tag: str  # the tag holding this djstarter's templates

    @property
    def src_path(self) -> str:
        """The path projects record: ``~/…`` when the store is under the home folder."""
        home = Path.home()
        try:
            return "~/" + self.path.relative_to(home).as_posix()
        except ValueError:
            return str(self.path)


def store_dir() -> Path:
    configured = os.environ.get(STORE_ENV)
    if configured:
        return Path(configured).expanduser().absolute()
    import platformdirs

    return platformdirs.user_data_path("djstarter") / "template-store"


def fingerprint(tree: Path) -> str:
    """A hash of every file's path and bytes (what a tag's templates are)."""
    files = (p for p in tree.rglob("*") if p.is_file() and ".git" not in p.relative_to(tree).parts)
    return fingerprint_files({path.relative_to(tree).as_posix(): path for path in files})


def fingerprint_files(files: dict[str, Path]) -> str:
    """``fingerprint`` of the tree these files would make (relative POSIX path -> file), unwritten."""
    digest = hashlib.sha256()
    for relative in sorted(files, key=lambda name: name.split("/")):  # Path order: part by part
        digest.update(relative.encode() + b"\0")
        digest.update(files[relative].read_bytes() + b"\0")
    return digest.hexdigest()


#: How many source trees' fingerprints the store remembers (a checkout, an installed package, tests' copies).
_CACHED_TREES = 8
#: A file changed this recently (nanoseconds) may change again within its timestamp's granularity without
#: its stat changing (git's "racy" files): a listing holding one is not remembered.
_RACY_NS = 2_000_000_000


def cached_fingerprint(repo: Path, files: dict[str, Path]) -> str:
    """``fingerprint_files(files)``, remembered in the store repository's ``.git`` folder and keyed by every
    file's stat (path, size, inode, modification and change times in nanoseconds).

    Reading every template file costs a third of ``djstarter new``; a stat costs little. Any write to a file
    changes its change time (which no program can set back), so a changed file never matches; listings with
    a file changed in the last two seconds are not remembered, so a second write within the same timestamp
    tick cannot be missed. The caller holds the store lock."""
    key = _stat_key(files)
    cache_file = repo / ".git" / "djstarter-fingerprints.json"
    cache = _read_cache(cache_file)
    digest = cache.get(key) if key is not None else None
    if digest is not None:
        return digest
    digest = fingerprint_files(files)
    if key is not None and cache_file.parent.is_dir():
        cache.pop(key, None)
        cache[key] = digest
        kept = dict(list(cache.items())[-_CACHED_TREES:])
        with contextlib.suppress(OSError):  # a read-only store: fingerprint again next time
            temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(kept), encoding="utf-8")
            os.replace(temporary, cache_file)
    return digest


def _stat_key(files: dict[str, Path]) -> str | None:
    """A hash of every file's path, source and stat; None when a file changed too recently to trust it."""
    import time

    digest = hashlib.sha256()
    racy_after = time.time_ns() - _RACY_NS
    stats: dict[Path, os.stat_result] = {}
    for relative in sorted(files):
        source = files[relative]
        info = stats.get(source)
        if info is None:
            try:
                info = stats[source] = source.stat()
            except OSError:
                return None
        if max(info.st_mtime_ns, info.st_ctime_ns) > racy_after:
            return None
        fields = (
            relative,
            str(source),
            info.st_size,
            info.st_ino,
            info.st_dev,
            info.st_mtime_ns,
            info.st_ctime_ns,
        )
        digest.update(repr(fields).encode() + b"\0")
    return digest.hexdigest()


def _read_cache(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _git(repo: Path, *args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *_IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=True
        )
    except FileNotFoundError as exc:
        raise DjstarterError("git is not installed; djstarter needs it for its template store.") from exc
    except subprocess.CalledProcessError as exc:
        raise DjstarterError(
            f"The template store {repo} is damaged ('git {' '.join(args)}' failed: {exc.stderr.strip()}). "
            f"Delete it (it is rebuilt on the next run) or set {STORE_ENV} to another folder."
        ) from exc
    return result.stdout


def tags(repo: Path) -> dict[str, str]:
    """Tag name -> templates fingerprint (kept as the annotated tag's message)."""
    if not (repo / ".git").is_dir():
        return {}
    out = _git(repo, "for-each-ref", "refs/tags", "--format=%(refname:short) %(contents:subject)")
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def sorted_tags(names: Iterable[str]) -> list[str]:
    """Tags in version order (as Copier picks the newest), unparsable ones last."""
    from packaging.version import InvalidVersion, Version

    def key(name: str) -> tuple[int, Version | str]:
        try:
            return (0, Version(name))
        except InvalidVersion:
            return (1, name)

    return sorted(names, key=key)


def latest_tag(names: Iterable[str]) -> str | None:
    """The tag ``copier update`` moves to by default: the newest PEP 440 version, prereleases skipped."""
    from packaging.version import InvalidVersion, Version

    versions = []
    for name in names:
        try:
            parsed = Version(name)
        except InvalidVersion:
            continue
        if not parsed.is_prerelease:
            versions.append((parsed, name))
    return max(versions)[1] if versions else None


def ensure(
    src: Path | None = None,
    version: str | None = None,
    into: Path | None = None,
    kinds: list[str] | None = None,
    checkout: bool | None = None,
) -> Release:
    """Make sure the store holds this djstarter's templates; return the release to render from.

    With ``into``, the composed templates (of ``kinds`` only, when given) are written there: a plain,
    folder of copies, only read, whose content is the release's, which renders faster
    than the git tag (Copier runs git once per file for a git source). ``checkout`` (default: whether the
    templates come from a source checkout rather than an installed package) names the tag by content.
    """
    repo = store_dir()
    with _locked(repo):
        release, _ = _ensure(repo, src, version, checkout)
    if into is not None:
        templates.compose(into, src, kinds)
    return release


def ensure_template(
    kind: str, fallback: Path, src: Path | None = None, version: str | None = None
) -> tuple[Release, Path]:
    """``ensure()``, and the composed template of ``kind`` to render from: a folder the store keeps by the
    templates' fingerprint, composed once (later runs render from it instead of copying every file again);
    composed into ``fallback`` when the store cannot keep one (e.g. it is read-only).

    Only read: Copier renders from it. It is written whole under a temporary name and then renamed, so a
    folder of that name is always complete; the least recently used beyond ``_COMPOSED_KEPT`` are removed
    (never one used in the last ``_COMPOSED_IDLE_S`` seconds: another djstarter may be rendering from it)."""
    repo = store_dir()
    with _locked(repo):
        release, digest = _ensure(repo, src, version, None)
        try:
            return release, _composed(repo, src, digest, kind)
        except OSError:
            pass
    return release, templates.compose(fallback, src, [kind])


def kept_template(release: Release, kind: str) -> Path | None:
    """The folder the store keeps with ``release``'s composed template of ``kind`` (composed now from this
    djstarter's templates when it is missing and they are the release's); None when there is none. Only
    read: ``copier update`` may render from it instead of a checkout of the tag (``generate.faster_copier``
    checks that it holds exactly the tag's files first)."""
    repo = release.path
    try:
        with _locked(repo):
            digest = tags(repo).get(release.tag)
            if not digest:
                return None
            if (repo / ".git" / _COMPOSED_DIR / f"{digest[:32]}-{kind}").is_dir():
                return _composed(repo, None, digest, kind)
            if cached_fingerprint(repo, templates.layout()) != digest:
                return None
            return _composed(repo, None, digest, kind)
    except (OSError, DjstarterError):
        return None


def _ensure(repo: Path, src: Path | None, version: str | None, checkout: bool | None) -> tuple[Release, str]:
    """The release of ``src``'s templates (added to the store when missing) and their fingerprint; the
    caller holds the store lock."""
    if checkout is None:
        checkout = templates.from_checkout(src)
    current = cached_fingerprint(repo, templates.layout(src))
    known = tags(repo)
    release = Release(repo, release_tag(version or _this_version(), current, known, checkout=checkout))
    if release.tag not in known:
        with interrupts.temporary_folder("djstarter-store-") as tmp:
            _add_release(repo, templates.compose(Path(tmp) / "template", src), release.tag, current)
    return release, current


#: How many composed templates (one per kind and templates' fingerprint) the store keeps, and how long
#: (seconds) since its last use one is kept anyway.
_COMPOSED_KEPT = 12
_COMPOSED_IDLE_S = 3600
_COMPOSED_DIR = "djstarter-composed"


def _composed(repo: Path, src: Path | None, digest: str, kind: str) -> Path:
    """The composed template of ``kind`` for the templates of fingerprint ``digest`` (see
    ``ensure_template``); the caller holds the store lock."""
    folder = repo / ".git" / _COMPOSED_DIR
    target = folder / f"{digest[:32]}-{kind}"
    if target.is_dir():
        with contextlib.suppress(OSError):
            os.utime(target)  # used now: the least recently used are removed first
        return target
    folder.mkdir(exist_ok=True)
    partial = folder / f".{target.name}.{os.getpid()}.tmp"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        templates.compose(partial, src, [kind])
        os.replace(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _prune_composed(folder, keep=target)
    return target


def _prune_composed(folder: Path, keep: Path) -> None:
    import time

    try:
        entries = [(entry.stat().st_mtime, entry) for entry in folder.iterdir() if entry != keep]
    except OSError:
        return
    idle_since = time.time() - _COMPOSED_IDLE_S
    for position, (used, entry) in enumerate(sorted(entries, reverse=True)):
        if position >= _COMPOSED_KEPT - 1 and used < idle_since:
            shutil.rmtree(entry, ignore_errors=True)


def _this_version() -> str:
    return version()


def release_tag(version: str, digest: str, known: dict[str, str], *, checkout: bool) -> str:
    """``v<version>`` for installed templates (unless that tag holds other files); otherwise the version
    with the content's fingerprint as a local label, so that a tag never means two things."""
    base = f"v{version}"
    if not checkout and known.get(base, digest) == digest:
        return base
    return f"{base}{'.' if '+' in base else '+'}f{digest[:10]}"


def version_of(tag: str) -> Version | None:
    """The PEP 440 version a tag names (``v0.2.0.post3+g1a2b3c4`` -> 0.2.0.post3+g1a2b3c4), or None."""
    from packaging.version import InvalidVersion
    from packaging.version import Version as _Version

    try:
        return _Version(tag.removeprefix("v"))
    except InvalidVersion:
        return None


def public_version(tag: str) -> Version | None:
    """The version Copier compares (local labels dropped, as its version reading does)."""
    parsed = version_of(tag)
    return None if parsed is None else type(parsed)(parsed.public)


def restore(repo: Path, wanted: str) -> bool:
    """Put ``wanted`` back into the store when this djstarter can: an earlier release whose templates this
    package carries, or an old ``v<X>+dev.<n>.<fingerprint>`` tag whose templates the store holds under
    another tag (same fingerprint). Returns whether ``wanted`` is in the store now."""
    from djstarter import _version

    with _locked(repo):
        known = tags(repo)
        if wanted in known:
            return True
        for release, commit in _version.EARLIER.items():
            tag = f"v{release}"
            if tag in known or (public_version(wanted) or 0) != public_version(tag):
                continue
            archive = _earlier_archive(release, commit)
            if archive is None:
                continue
            with interrupts.temporary_folder("djstarter-store-") as tmp:
                source = _extract(archive, Path(tmp) / "source") / "templates"
                digest = fingerprint_files(templates.layout(source))
                _add_release(repo, templates.compose(Path(tmp) / "template", source), tag, digest)
            known = tags(repo)
        if wanted in known:
            return True
        prefix = wanted.partition("+dev.")[2].rpartition(".")[2]  # v0.1.0+dev.2.0123abcd -> 0123abcd
        if len(prefix) >= 8:
            same = next((tag for tag, digest in known.items() if digest.startswith(prefix)), None)
            if same is not None:
                _alias(repo, same, wanted, known[same])
                return True
    return False


def _earlier_archive(release: str, commit: str) -> bytes | None:
    """An earlier release's ``templates/`` folder as a gzipped tar: packaged, or from a checkout's git."""
    packaged = Path(__file__).resolve().parent / "_releases" / f"{release}.tar.gz"
    if packaged.is_file():
        return packaged.read_bytes()
    from djstarter import versioning

    if not versioning.is_checkout():
        return None
    result = subprocess.run(
        ["git", "archive", "--format=tar.gz", commit, "templates"],
        cwd=versioning.ROOT, capture_output=True,
    )  # fmt: skip
    return result.stdout if result.returncode == 0 else None


def _extract(archive: bytes, dest: Path) -> Path:
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        tar.extractall(dest, filter="data")
    return dest


def _alias(repo: Path, existing: str, alias: str, digest: str) -> None:
    """Tag ``alias`` on a commit of its own with ``existing``'s files (a tag per commit keeps
    ``git describe``, which Copier records, unambiguous)."""
    tree = _git(repo, "rev-parse", f"{existing}^{{tree}}").strip()
    parent = _git(repo, "rev-parse", f"{existing}^{{commit}}").strip()
    commit = _git(repo, "commit-tree", tree, "-p", parent, "-m", f"djstarter templates {alias}").strip()
    _git(repo, "tag", "--annotate", alias, commit, "-m", digest)


def export(release: Release, dest: Path, kinds: list[str] | None = None) -> Path:
    """Write a plain copy of a release's templates (its tagged tree; only ``kinds``, when given) into
    ``dest``."""
    paths = ["copier.yml", *(f"templates/{kind}" for kind in kinds)] if kinds else []
    import io
    import tarfile

    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", release.tag, *paths],
            cwd=release.path,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise DjstarterError(f"The template store {release.path} has no release {release.tag}.") from exc
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def record(project: Path, release: Release, answers_file: str = ".copier-answers.yml") -> None:
    """Point a project rendered from a plain folder at its store release, exactly as Copier would have
    recorded it had it rendered from the git tag (same keys, same YAML style), so `copier update` works."""
    import yaml
    from jinja2_ansible_filters.core_filters import to_nice_yaml  # type: ignore[import-untyped]

    path = project / answers_file
    header, _, body = path.read_text(encoding="utf-8").partition("\n")
    recorded = yaml.safe_load(body) or {}
    recorded.update(_commit=release.tag, _src_path=release.src_path)
    path.write_text(f"{header}\n{to_nice_yaml(recorded)}", encoding="utf-8")


@contextmanager
def _locked(repo: Path) -> Iterator[None]:
    """One djstarter at a time reads or writes the store (parallel runs would race on its work tree)."""
    from filelock import FileLock, Timeout

    try:
        repo.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(repo.parent / f".{repo.name}.lock"), timeout=120)
        lock.acquire()
    except OSError as exc:
        raise DjstarterError(
            f"Cannot create the template store {repo}: {exc.strerror}. Set {STORE_ENV} to a writable folder."
        ) from exc
    except Timeout as exc:
        raise DjstarterError(
            f"The template store {repo} is locked by another djstarter for over two minutes; "
            "wait for it to finish, or delete the lock file if no djstarter is running."
        ) from exc
    try:
        yield
    finally:
        lock.release()


def _add_release(repo: Path, composed: Path, tag: str, digest: str) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    if not (repo / ".git").is_dir():
        _git(repo, "init", "--quiet", "--initial-branch=main")
    for entry in repo.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    shutil.copytree(composed, repo, dirs_exist_ok=True)
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--allow-empty", "-m", f"djstarter templates {tag}")
    _git(repo, "tag", "--annotate", tag, "-m", digest)
    _pack(repo)


def _pack(repo: Path) -> None:
    """Put the store's loose objects (the release just added, or an older store's) into a pack.

    An update clones the store twice and checks out a kind's templates from each clone: read as about a
    thousand loose objects (a file each), that checkout was most of an update's time on a slow disk; read
    from a pack it takes a fifth of it. ``git repack -d`` (without ``-a``) packs only the loose objects, so it
    costs what one release adds; git's own maintenance merges the packs once they are many. Readers of the
    store (clones borrowing its objects) are safe while it runs: git writes the pack before it removes
    the loose objects. A failure leaves the objects loose, which only costs time."""
    with contextlib.suppress(OSError):
        subprocess.run(
            ["git", "repack", "-d", "-q"], cwd=repo, capture_output=True, check=False,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
