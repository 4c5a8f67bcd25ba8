"""Upgrading from the previous real release to this build, from wheels, for every kind (CI tier).

Two wheels are built once per test session (shared by xdist workers through a lock): the previous release
(``EARLIER`` in ``src/djstarter/_version.py``: 0.1.0, commit 4389b33, exported with ``git archive`` from
this clone's history; a shallow clone fails with the command that fixes it) and this checkout. Each test
installs the old wheel with ``pip install --target`` into its own folder, generates a project with it,
edits and commits, then upgrades with ``pip install --upgrade`` of the new wheel and runs the new
``djstarter update``, and follows the numbered steps it prints, one by one. Then the project's suite and
``check --deploy`` (production settings, with the variables the steps named) must pass.

Also: the store deleted before the upgrade (rebuilt from scratch: the new wheel brings 0.1.0's templates
back), downgrades refused (plain Copier to 0.1.0, and this djstarter on a project a newer build updated),
Ctrl-C (SIGINT to the process group) at several points of an update leaves the tree clean or complete and
no temporary folder behind, and a root-level migration fork (allauth turned on after the owner gave
``core`` a model) gets a merge migration that works.

``-s`` prints the measured times: ``python -m pytest -s -m full tests/test_wheel_upgrade.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from djstarter import _version
from djstarter.templates import implemented_kinds

from .generated import production_env, project_env, run

pytestmark = [pytest.mark.slow, pytest.mark.full]

ROOT = Path(__file__).resolve().parent.parent
COPIER = str(Path(sys.executable).parent / "copier")
PREVIOUS = next(reversed(_version.EARLIER))  # the newest earlier release
USER_README_LINE = "Our team's own notes: keep this line."
USER_SETTING = "# Our own development setting: keep it.\nINTERNAL_IPS = ['127.0.0.1']\n"
CORE_MODEL = (
    "from django.db import models\n\n\n"
    "class Announcement(models.Model):\n"
    "    text = models.CharField(max_length=200)\n\n"
    "    def __str__(self) -> str:\n"
    "        return self.text\n"
)


@dataclass(frozen=True)
class Wheels:
    old: Path
    new: Path
    newer: Path  # this checkout built as 9.0.0: a build newer than the one under test
    version: str  # the new wheel's version


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def _build(source: Path, dist: Path, **env: str) -> Path:
    dist.mkdir(parents=True, exist_ok=True)
    before = set(dist.glob("*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist),
         str(source)],
        check=True, capture_output=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **env},
    )  # fmt: skip
    (wheel,) = set(dist.glob("*.whl")) - before
    return wheel


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Wheels:
    """Built once for the session, by whichever xdist worker comes first."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "djstarter-wheels"
    shared.mkdir(exist_ok=True)
    with FileLock(str(shared / ".lock")):
        done = shared / "wheels.yml"
        if not done.is_file():
            done.write_text(yaml.safe_dump(_build_wheels(shared)))
        built = yaml.safe_load(done.read_text())
    return Wheels(Path(built["old"]), Path(built["new"]), Path(built["newer"]), built["version"])


def _build_wheels(shared: Path) -> dict[str, str]:
    commit = _version.EARLIER[PREVIOUS]
    if _git("rev-parse", "--is-shallow-repository").strip() == "true":
        pytest.fail(
            f"This clone is shallow, so it lacks release {PREVIOUS} (commit {commit}) that this tier builds: "
            "run 'git fetch --unshallow' and test again."
        )
    if subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=ROOT).returncode != 0:
        pytest.fail(f"Release {PREVIOUS}'s commit {commit} is not in this clone: fetch djstarter's history.")
    started = time.perf_counter()
    # A clone at the release's commit, built as its release was: its version and the earlier releases'
    # templates it carries come from git history (since 0.2.0 a bare archive cannot tell its version).
    old_source = shared / f"src-{PREVIOUS}"
    _git("clone", "--quiet", "--shared", "--no-checkout", str(ROOT), str(old_source))
    _git("checkout", "--quiet", "--detach", commit, cwd=old_source)
    old = _build(old_source, shared / "dist-old")
    new = _build(ROOT, shared / "dist-new")
    newer = _build(ROOT, shared / "dist-newer", DJSTARTER_VERSION="9.0.0")
    assert old.name.startswith(f"djstarter-{PREVIOUS}-"), old.name
    import zipfile

    with zipfile.ZipFile(new) as wheel:
        metadata = next(name for name in wheel.namelist() if name.endswith(".dist-info/METADATA"))
        version = re.search(r"^Version: (\S+)$", wheel.read(metadata).decode(), re.M).group(1)  # type: ignore[union-attr]
    print(f"\n[timing] three wheels built: {time.perf_counter() - started:.1f}s")
    return {"old": str(old), "new": str(new), "newer": str(newer), "version": version}


@dataclass
class User:
    """One user's machine: a home, a template store, a temp folder and one djstarter install."""

    root: Path

    @property
    def target(self) -> Path:
        return self.root / "djstarter"

    @property
    def store(self) -> Path:
        return self.root / "store"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def env(self, **extra: str) -> dict[str, str]:
        env = project_env(
            HOME=str(self.root / "home"),
            DJSTARTER_STORE=str(self.store),
            TMPDIR=str(self.tmp),
            GIT_CONFIG_NOSYSTEM="1",
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PIP_NO_CACHE_DIR="1",
        )
        env.pop("DJSTARTER_VERSION", None)
        env.update(extra)
        return env

    def pip_install(self, wheel: Path, *, upgrade: bool = False) -> str:
        args = ["install", "--no-deps", "--target", str(self.target), *(["--upgrade"] if upgrade else [])]
        result = subprocess.run(
            [sys.executable, "-m", "pip", *args, str(wheel)], capture_output=True, text=True, env=self.env()
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def djstarter(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "djstarter", *args],
            cwd=cwd, env=self.env(PYTHONPATH=str(self.target)), capture_output=True, text=True,
        )  # fmt: skip

    def ok(self, *args: str, cwd: Path) -> str:
        result = self.djstarter(*args, cwd=cwd)
        assert result.returncode == 0, f"djstarter {' '.join(args)}:\n{result.stdout}{result.stderr}"
        return result.stdout

    def version(self) -> str:
        return self.ok("--version", cwd=self.root).split()[-1]


@pytest.fixture
def user(tmp_path: Path) -> User:
    machine = User(tmp_path / "machine")
    for folder in (machine.root / "home", machine.tmp):
        folder.mkdir(parents=True)
    (machine.root / "home" / ".gitconfig").write_text("[user]\n\tname = Ada\n\temail = ada@example.com\n")
    return machine


def git(project: Path, *args: str) -> str:
    return _git(*args, cwd=project)


def answers_of(project: Path) -> dict[str, object]:
    return dict(yaml.safe_load((project / ".copier-answers.yml").read_text()))


def generate_with_previous(user: User, wheels: Wheels, kind: str, *data: str) -> Path:
    user.pip_install(wheels.old)
    assert user.version() == PREVIOUS
    options = [item for pair in (f"project_kind={kind}", *data) for item in ("--data", pair)]
    user.ok("new", "--defaults", "--quiet", *options, "mysite", cwd=user.root)
    project = user.root / "mysite"
    assert answers_of(project)["_commit"] == f"v{PREVIOUS}"
    return project


def upgrade(user: User, wheels: Wheels) -> None:
    out = user.pip_install(wheels.new, upgrade=True)
    assert "already" not in out.lower(), out
    assert user.version() == wheels.version != PREVIOUS


def edit_and_commit(project: Path) -> None:
    readme = project / "README.md"
    lines = readme.read_text().splitlines(keepends=True)
    readme.write_text("".join([lines[0], "\n", USER_README_LINE + "\n", *lines[1:]]))
    local = project / "config" / "settings" / "local.py"
    local.write_text(local.read_text() + "\n" + USER_SETTING)
    (project / "NOTES.md").write_text("User-only file.\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "Our edits")


def keep_both_sides(path: Path) -> None:
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not re.match(r"^(<<<<<<<|=======$|>>>>>>>)", line)))


@dataclass
class Followed:
    steps: list[str]
    variables: dict[str, str]  # the variables the steps said to set, with the value given


def follow_steps(project: Path, output: str, database: Path) -> Followed:
    """Do what the update printed under "Next, in this order:", step by step; fail on a step unknown here."""
    block = output[output.index("Next, in this order:") :].splitlines()[1:]
    steps = [re.sub(r"^\s*\d+\. ", "", line).split("  #")[0].strip() for line in block if line.strip()]
    env = project_env(DATABASE_URL=f"sqlite:///{database}")
    variables: dict[str, str] = {}
    block_of_conflicts = re.search(r"^Conflicts to resolve[^\n]*:\n((?:  .*\n?)+)", output, re.M)
    conflicted = block_of_conflicts.group(1).split() if block_of_conflicts else []
    for step in steps:
        if step.startswith("resolve every"):
            for name in conflicted:
                keep_both_sides(project / name)
        elif step == "pip install -e . --group dev":
            config = tomllib.loads((project / "pyproject.toml").read_text())
            from importlib import metadata

            from packaging.requirements import Requirement

            for requirement in config["project"]["dependencies"]:
                metadata.version(Requirement(requirement).name)  # this venv has every project dependency
        elif match := re.match(r"set (\w+) in \.env", step):
            name = match.group(1)
            example = dict(
                line.split("=", 1)
                for line in (project / ".env.example").read_text().splitlines()
                if "=" in line
            )
            # The example's value; an empty one is an optional setting left off, as .env.example has it
            # (SHOP_FREE_SHIPPING_OVER= means never: any made-up value would be refused at start-up).
            variables[name] = example.get(name, "example.com")
            with (project / ".env").open("a") as dotenv:
                dotenv.write(f"{name}={variables[name]}\n")
        elif step == "python manage.py migrate":
            run(project, sys.executable, "manage.py", "migrate", "--noinput", "-v0", env=env)
        elif step == "git add -A":
            git(project, "add", "-A")
        elif step == "git diff --cached --check":
            assert git(project, "diff", "--cached", "--check") == ""
        elif step == "git diff --cached":
            assert git(project, "diff", "--cached", "--stat")
        elif step == "pytest":
            output = run(project, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-cov",
                         env=project_env(DATABASE_URL="sqlite:///:memory:"))  # fmt: skip
            assert re.search(r"\d+ passed", output) and " failed" not in output, output[-3000:]
        elif step.startswith("git commit -m "):
            git(project, "commit", "-qm", step.split("-m ", 1)[1].strip('"'))
        else:
            pytest.fail(f"a step this test does not know how to follow: {step!r}")
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    return Followed(steps, variables)


def check_deploy(project: Path, old_example: str, followed: Followed) -> None:
    """Production settings with the variables the old project had, plus those the steps named."""
    env = production_env(project)
    had = {line.split("=", 1)[0] for line in old_example.splitlines() if "=" in line and line[0] != "#"}
    for name in ("SITE_DOMAIN", "CSRF_TRUSTED_ORIGINS"):
        if name not in had and name not in followed.variables:
            env.pop(name, None)
    env.update({name: value for name, value in followed.variables.items() if name not in env})
    output = run(
        project, sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env
    )
    assert "no issues" in output, output


@pytest.mark.parametrize("kind", implemented_kinds())
def test_generate_with_the_previous_release_edit_upgrade_update_and_follow_the_steps(
    wheels: Wheels, user: User, kind: str
) -> None:
    project = generate_with_previous(user, wheels, kind)
    old_example = (project / ".env.example").read_text()
    edit_and_commit(project)
    rebuilt = implemented_kinds().index(kind) % 2 == 1  # half the kinds: the store deleted and rebuilt
    if rebuilt:
        shutil.rmtree(user.store)
    upgrade(user, wheels)

    started = time.perf_counter()
    out = user.ok("update", cwd=project / answers_of(project)["project_slug"])  # from a folder inside
    elapsed = time.perf_counter() - started
    store = "rebuilt store" if rebuilt else "store"
    print(f"\n[timing] djstarter update {PREVIOUS} -> {wheels.version} ({kind}, {store}): {elapsed:.1f}s")
    assert f"from djstarter templates v{PREVIOUS} to v{wheels.version}" in out, out
    followed = follow_steps(project, out, project / "db.sqlite3")

    assert answers_of(project)["_commit"] == f"v{wheels.version}"
    assert USER_README_LINE in (project / "README.md").read_text()
    assert "INTERNAL_IPS = ['127.0.0.1']" in (project / "config" / "settings" / "local.py").read_text()
    assert (project / "NOTES.md").read_text() == "User-only file.\n"
    check_deploy(project, old_example, followed)
    again = user.ok("update", cwd=project)
    assert "nothing to update" in again


def test_downgrades_are_refused(wheels: Wheels, user: User, tmp_path: Path) -> None:
    project = generate_with_previous(user, wheels, "blog")
    upgrade(user, wheels)
    user.ok("list", cwd=user.root)  # the new build's templates join the store
    forward = subprocess.run([COPIER, "update", "--defaults"], cwd=project, capture_output=True, text=True,
                             env=user.env())  # fmt: skip
    assert forward.returncode == 0, forward.stderr
    public = wheels.version.split("+")[0]
    assert f"Updating to template version {public}" in forward.stderr, forward.stderr  # not "Keeping"
    assert answers_of(project)["_commit"] == f"v{wheels.version}"
    git(project, "add", "-A")
    git(project, "commit", "-qm", f"Update to djstarter templates v{wheels.version}")

    plain = subprocess.run(
        [COPIER, "update", "--defaults", "--vcs-ref", f"v{PREVIOUS}"],
        cwd=project, capture_output=True, text=True, env=user.env(),
    )  # fmt: skip
    assert plain.returncode != 0 and "downgrading" in plain.stderr, plain.stderr

    newer = User(tmp_path / "newer")  # a newer build on the same machine: same home and store
    newer_env = user.env(PYTHONPATH=str(newer.target))
    install = ["install", "--no-deps", "-q", "--target", str(newer.target), str(wheels.newer)]
    subprocess.run([sys.executable, "-m", "pip", *install], check=True, env=user.env())
    moved = subprocess.run([sys.executable, "-m", "djstarter", "update"], cwd=project, env=newer_env,
                           capture_output=True, text=True)  # fmt: skip
    assert moved.returncode == 0 and "to v9.0.0" in moved.stdout, moved.stdout + moved.stderr
    git(project, "add", "-A")
    git(project, "commit", "-qm", "Update to djstarter templates v9.0.0")
    head = git(project, "rev-parse", "HEAD")

    refused = user.djstarter("update", cwd=project)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert f"newer than this djstarter's (v{wheels.version})" in refused.stderr
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(project, "rev-parse", "HEAD") == head


def test_sigint_at_any_point_of_an_update_leaves_the_tree_clean_or_complete(
    wheels: Wheels, user: User
) -> None:
    project = generate_with_previous(user, wheels, "blog")
    upgrade(user, wheels)
    head = git(project, "rev-parse", "HEAD").strip()
    command = [sys.executable, "-m", "djstarter", "update", "--data", "use_celery=true"]
    env = user.env(PYTHONPATH=str(user.target))

    def reset() -> None:
        git(project, "reset", "-q", "--hard", head)
        git(project, "clean", "-q", "-fd")

    started = time.perf_counter()
    complete = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    full = time.perf_counter() - started
    assert complete.returncode == 0, complete.stderr
    changed = set(git(project, "status", "--porcelain", "--untracked-files=all").splitlines())
    reset()
    outcomes = []
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.85, 0.95):
        process = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
        time.sleep(full * fraction)
        os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: djstarter and the git it runs
        _out, err = process.communicate(timeout=120)
        status = set(git(project, "status", "--porcelain", "--untracked-files=all").splitlines())
        assert git(project, "rev-parse", "HEAD").strip() == head
        if process.returncode == 0 or "after the update finished" in err:
            assert status == changed, f"at {fraction:.0%}: an incomplete update\n{err}"
            assert answers_of(project)["use_celery"] is True
            outcomes.append(f"{fraction:.0%}: complete")
            reset()
        elif process.returncode == -signal.SIGINT:  # Python was still starting: it died of the signal
            assert status == set(), f"at {fraction:.0%}: left {status}\n{err}"
            outcomes.append(f"{fraction:.0%}: clean (at start-up)")
        else:
            assert process.returncode == 130, f"at {fraction:.0%}: exit {process.returncode}\n{_out}\n{err}"
            assert status == set(), f"at {fraction:.0%}: left {status}\n{err}"
            assert "interrupted" in err and ("was undone" in err or "as it was" in err), err
            assert "nothing was written" not in err
            outcomes.append(f"{fraction:.0%}: clean ({'undone' if 'undone' in err else 'before it started'})")
        assert not [p.name for p in user.tmp.iterdir() if p.name.startswith("djstarter-")], outcomes
    print(f"\n[timing] full update {full:.1f}s; SIGINT outcomes: {', '.join(outcomes)}")
    assert any("clean" in outcome for outcome in outcomes)


def test_a_root_level_migration_fork_is_merged_and_migrates(wheels: Wheels, user: User) -> None:
    """The owner gave ``core`` a model (its own ``core/0001_initial``), then turns allauth on, which brings
    ``core/0001_existing_users_verified_emails``: two roots, where ``makemigrations --merge`` fails."""
    project = generate_with_previous(user, wheels, "blog")
    core = project / str(answers_of(project)["project_slug"]) / "core"
    (core / "models.py").write_text(CORE_MODEL)
    test_env = project_env(DJANGO_SETTINGS_MODULE="config.settings.test")
    run(project, sys.executable, "manage.py", "makemigrations", "core", "-v0", env=test_env)
    assert (core / "migrations" / "0001_initial.py").is_file()
    database = project / "db.sqlite3"
    run(project, sys.executable, "manage.py", "migrate", "-v0",
        env=project_env(DATABASE_URL=f"sqlite:///{database}"))  # fmt: skip
    git(project, "add", "-A")
    git(project, "commit", "-qm", "Announcements")
    upgrade(user, wheels)

    out = user.ok("update", "--data", "use_allauth=true", cwd=project)
    merge = "0002_merge_0001_0001.py"
    assert "Migration fork in app 'core'" in out and merge in out, out
    followed = follow_steps(project, out, database)
    assert "python manage.py migrate" in followed.steps
    run(project, sys.executable, "manage.py", "makemigrations", "--check", "--dry-run", env=test_env)
    applied = run(project, sys.executable, "manage.py", "showmigrations", "core",
                  env=project_env(DATABASE_URL=f"sqlite:///{database}"))  # fmt: skip
    assert "[X] 0001_initial" in applied and "[X] 0001_existing_users_verified_emails" in applied, applied
    assert f"[X] {merge.removesuffix('.py')}" in applied, applied
