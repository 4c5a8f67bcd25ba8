"""Moving a project between the Django versions djstarter offers (the ``django_version`` answer).

An update may move a project forward (5.2 LTS -> 6.1): the templates change what they own (settings,
``core/mail.py``, the pins, CI and Docker's Python) and the report prints ``CHECKLIST``, what the owner
checks in their own code, drawn from the Django 6.0 and 6.1 release notes. Moving back is refused.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from djstarter.errors import DjstarterError, UsageError

#: The version a project has when its answers file predates the question (every project was on 5.2).
RECORDED_DEFAULT = "5.2"
#: Offered versions, oldest first.
ORDER = ("5.2", "6.1")
#: The Python the new version needs (the project's requires-python after the update).
PYTHON = {"5.2": "3.11", "6.1": "3.12"}

#: Shown after an update to 6.1. Each line names what to look for in the project's own code.
CHECKLIST = (
    "Python 3.12 or newer: Django 6.0 dropped 3.10 and 3.11 (requires-python is now >=3.12).",
    "Email (6.1, 'Migrating email to mailers'): the EMAIL_BACKEND/EMAIL_HOST… settings and get_connection() "
    "are deprecated. Settings now build MAILERS from the same EMAIL_* environment variables; in your own "
    "code send through mailers.default (or core.mail.email_backend()), pass using= instead of connection=, "
    "and drop fail_silently=/auth_user=/auth_password= arguments.",
    "Content-Security-Policy: django-csp is replaced by Django's own (SECURE_CSP in config/settings/base.py, "
    "same policy). Move any source you added to CONTENT_SECURITY_POLICY into SECURE_CSP; in templates "
    "{{ request.csp_nonce }} becomes {{ csp_nonce }}; django-csp's decorators become "
    "django.views.decorators.csp.csp_override.",
    "Admin (6.1): a ModelAdmin that overrides get_actions() or get_action_choices() takes an "
    "action_location argument and passes it on; the fieldset class 'wide' no longer styles anything.",
    "DEFAULT_AUTO_FIELD defaults to BigAutoField since 6.0, so django-upgrade removes the setting; an app "
    "of yours that relied on AutoField through it sets default_auto_field in its AppConfig.",
    "Removed in 6.0: format_html() without arguments, positional arguments to constraints (BaseConstraint), "
    "ModelAdmin.lookup_allowed() without request, the DjangoDivFormRenderer/Jinja2DivFormRenderer, and "
    "FORMS_URLFIELD_ASSUME_HTTPS (forms.URLField now assumes https).",
    "Removed in 6.1: staticfiles finders.find(all=…) (use find_all=), the ordering= argument of the "
    "PostgreSQL ArrayAgg/JSONBAgg/StringAgg (use order_by=), and login(request, None) falling back to "
    "request.user.",
    "Deprecation warnings are errors in the generated CI (pytest -W error::DeprecationWarning "
    "-W error::PendingDeprecationWarning): run the suite that way and fix what it reports.",
)
#: django-upgrade rewrites the old idioms it knows. djstarter depends on it and runs it on request
#: (``djstarter update --django-upgrade``, see run_django_upgrade); by hand, `pip install` it once.
DJANGO_UPGRADE = "django-upgrade --target-version 6.1 $(git ls-files '*.py')"


def recorded_version(recorded: dict[str, Any]) -> str:
    return str(recorded.get("django_version") or RECORDED_DEFAULT)


def refuse_downgrade(recorded: dict[str, Any], changes: dict[str, Any]) -> None:
    """An update never moves a project to an older Django: settings, code and data may need the newer one."""
    old, new = recorded_version(recorded), changes.get("django_version")
    if isinstance(new, str) and new in ORDER and old in ORDER and ORDER.index(new) < ORDER.index(old):
        raise UsageError(
            f"django_version cannot go back on update ({old} -> {new}): the project's settings use Django "
            f"{old}'s own features (MAILERS, SECURE_CSP) and its migrations and data may depend on {old}; "
            "djstarter does not move projects to an older Django. Nothing was changed. To stay on "
            f"{new}, restore the project from git as it was before the upgrade "
            "(git log -- .copier-answers.yml shows that commit)."
        )


def upgraded(recorded: dict[str, Any], changes: dict[str, Any]) -> str | None:
    """The version the update moves the project to, when it moves it forward; None otherwise."""
    old, new = recorded_version(recorded), changes.get("django_version")
    if isinstance(new, str) and new in ORDER and old in ORDER and ORDER.index(new) > ORDER.index(old):
        return new
    return None


def refuse_django_upgrade_without_move(recorded: dict[str, Any], changes: dict[str, Any]) -> None:
    """``--django-upgrade`` belongs to an update that moves Django forward: refused before any change."""
    if upgraded(recorded, changes) is None:
        newest = ORDER[-1]
        raise UsageError(
            f"--django-upgrade runs django-upgrade after an update that moves the project to a newer Django "
            f"(--data django_version={newest}); this update keeps it on Django {recorded_version(recorded)}. "
            "Nothing was changed. To rewrite old idioms anyway, run in the project: "
            f"pip install django-upgrade && {DJANGO_UPGRADE.replace('6.1', recorded_version(recorded))}"
        )


def upgrade_step(*, ran: bool) -> str:
    """The report's django-upgrade step: the command, or that djstarter ran it (``--django-upgrade``)."""
    if ran:
        return f"{DJANGO_UPGRADE}   # done by --django-upgrade: see its files below"
    return f"pip install django-upgrade && {DJANGO_UPGRADE}   # rewrites old idioms"


def python_files(project: Path) -> list[str]:
    """The project's own Python files: tracked or new, not ignored by git (so never .venv's)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.py"],
        cwd=project, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return sorted({name for name in listed.split("\0") if name and (project / name).is_file()})


def run_django_upgrade(project: Path, version: str) -> list[str]:
    """Run ``django-upgrade --target-version <version>`` on the project's own Python files; return the files
    it rewrote. All or nothing: it runs on a copy of the files, and only when it went through every file
    without a problem do the rewritten ones replace the project's (each by an atomic rename). Otherwise it
    raises, and no file of the project was touched by it."""
    files = python_files(project)
    unparsable = []
    for name in files:
        try:
            ast.parse((project / name).read_bytes(), filename=name)
        except (SyntaxError, ValueError) as error:
            unparsable.append(f"{name}: {error}")
    if unparsable:
        # django-upgrade leaves a file it cannot parse as it is, without a word: say it, rewrite nothing.
        raise _upgrade_failed(
            version,
            "these files are not valid Python (for the Python running djstarter, "
            f"{sys.version_info.major}.{sys.version_info.minor}), so it would skip them:\n"
            + "".join(f"  {line}\n" for line in unparsable),
        )
    with tempfile.TemporaryDirectory(prefix="djstarter-django-upgrade-") as tmp:
        copy = Path(tmp)
        for name in files:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(project / name, copy / name)
        try:
            result = subprocess.run(
                [sys.executable, "-m", "django_upgrade", "--target-version", version, *files],
                cwd=copy, capture_output=True, text=True, timeout=600,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as error:
            raise _upgrade_failed(version, f"it could not run: {error}\n") from None
        problems = [
            line for line in result.stderr.splitlines() if line.strip() and not line.startswith("Rewriting ")
        ]
        if result.returncode not in (0, 1) or problems:
            if "No module named django_upgrade" in result.stderr:
                problems = [f"it is not installed for {sys.executable} (pip install django-upgrade there)"]
            raise _upgrade_failed(version, "".join(f"  {line}\n" for line in problems[-20:]))
        rewritten = [name for name in files if (copy / name).read_bytes() != (project / name).read_bytes()]
        for name in rewritten:
            staged = project / f"{name}.djstarter-upgrade"
            try:
                shutil.copy2(copy / name, staged)
                os.replace(staged, project / name)
            finally:
                staged.unlink(missing_ok=True)
    return rewritten


def _upgrade_failed(version: str, why: str) -> DjstarterError:
    return DjstarterError(
        f"django-upgrade --target-version {version} stopped, and rewrote none of your files: {why}"
        "The update itself is applied (uncommitted). Fix the above, then run "
        f"its step yourself: pip install django-upgrade && {DJANGO_UPGRADE.replace('6.1', version)}"
    )
