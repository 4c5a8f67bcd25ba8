"""Moving a project between the Django versions djstarter offers (the ``django_version`` answer).

An update may move a project forward (5.2 LTS -> 6.1): the templates change what they own (settings,
``core/mail.py``, the pins, CI and Docker's Python) and the report prints ``CHECKLIST``, what the owner
checks in their own code, drawn from the Django 6.0 and 6.1 release notes. Moving back is refused.
"""

from __future__ import annotations

from typing import Any

from djstarter.errors import UsageError

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
#: django-upgrade rewrites the old idioms it knows (the tool's dev group pins it; `pip install` it once).
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
