"""Support impersonation, in one module: who may impersonate whom, whether a request runs under an
impersonation, what it may do then, and the audit trail.

django-hijack does the switching (``views.py`` mounts its views under ``/staff/``); this module is its
``HIJACK_PERMISSION_CHECK``. The rules:

- the staff member is active, ``is_staff``, and holds ``support.impersonate_user`` (superusers hold
  every permission but must be staff too);
- the target is an active user who is neither staff nor superuser (nor the staff member);
- every start and stop is written to the audit log of each organisation the target belongs to, with the
  staff member as the actor (``hijack_started``/``hijack_ended``; signing out ends it too);
- with ``SAAS_IMPERSONATION_READ_ONLY`` (the default) nothing can be changed while impersonating: any
  request but GET, HEAD, OPTIONS and TRACE is refused with 403 and the reason (``middleware.py``), except
  stopping the impersonation and signing out.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest
from hijack.signals import hijack_ended, hijack_started

from ..audit.models import AuditEvent
from ..audit.services import record
from ..organizations.models import Membership

PERMISSION = "support.impersonate_user"
#: The session key where django-hijack keeps the impersonators' ids (a stack).
HISTORY_KEY = "hijack_history"
#: The session key naming the staff member, for the banner (set when an impersonation starts).
IMPERSONATOR_KEY = "impersonator"
READ_ONLY_REASON = (
    "You are impersonating this user in read-only mode: nothing can be changed. "
    "Stop impersonating to act as yourself."
)


def refusal(hijacker, hijacked) -> str:
    """Why ``hijacker`` may not impersonate ``hijacked``; ``""`` when they may."""
    if not (hijacker.is_authenticated and hijacker.is_active and hijacker.is_staff):
        return "Only staff can impersonate users."
    if not hijacker.has_perm(PERMISSION):
        return "You do not have the permission to impersonate users."
    if hijacked is None:
        return "There is no such user."
    if hijacked.pk == hijacker.pk:
        return "You cannot impersonate yourself."
    if hijacked.is_superuser:
        return "Superusers cannot be impersonated."
    if hijacked.is_staff:
        return "Staff members cannot be impersonated."
    if not hijacked.is_active:
        return "Inactive users cannot be impersonated."
    return ""


def can_impersonate(*, hijacker, hijacked) -> bool:
    """django-hijack's ``HIJACK_PERMISSION_CHECK``."""
    return not refusal(hijacker, hijacked)


def is_impersonating(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(HISTORY_KEY))


def is_read_only(request: HttpRequest) -> bool:
    """Changes are refused in this request: it runs under an impersonation and the setting says so."""
    return settings.SAAS_IMPERSONATION_READ_ONLY and is_impersonating(request)


def _record(action: str, hijacker, hijacked, verb: str) -> None:
    """One event in each organisation ``hijacked`` belongs to, with the staff member as the actor."""
    staff = hijacker.get_username()
    summary = f"{staff} (staff) {verb} impersonating {hijacked.get_username()}"
    for membership in Membership.objects.filter(user=hijacked).select_related("organization"):
        record(membership.organization, action, actor=hijacker, actor_label=staff, summary=summary)


@receiver(hijack_started, dispatch_uid="support_impersonation_started")
def impersonation_started(sender, request, hijacker, hijacked, **kwargs) -> None:
    request.session[IMPERSONATOR_KEY] = hijacker.get_username()
    _record(AuditEvent.Action.IMPERSONATION_STARTED, hijacker, hijacked, "started")


@receiver(hijack_ended, dispatch_uid="support_impersonation_ended")
def impersonation_ended(sender, request, hijacker, hijacked, **kwargs) -> None:
    request.session.pop(IMPERSONATOR_KEY, None)
    _record(AuditEvent.Action.IMPERSONATION_ENDED, hijacker, hijacked, "stopped")


@receiver(user_logged_out, dispatch_uid="support_impersonation_signed_out")
def impersonation_signed_out(sender, request, user, **kwargs) -> None:
    """Signing out while impersonating ends the impersonation too (the session goes): record it."""
    if request is None or user is None or not is_impersonating(request):
        return
    hijacker = get_user_model()._default_manager.filter(pk=request.session[HISTORY_KEY][-1]).first()
    if hijacker is not None:
        _record(AuditEvent.Action.IMPERSONATION_ENDED, hijacker, user, "signed out while")
