"""API keys: ``<prefix>.<secret>``. The prefix finds the row, the secret's SHA-256 is compared in
constant time. The secret has 256 random bits, so a fast hash is enough (no password hasher needed)."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..audit.models import AuditEvent
from ..audit.services import record
from ..billing.entitlements import has_feature, require_feature
from ..billing.plans import Feature
from ..organizations.exceptions import ActionRefused
from ..organizations.permissions import Action, can
from .models import ApiKey

KEY_PREFIX = "sk_"
#: ``last_used_at`` is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidApiKey(ActionRefused):
    pass


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_key(
    *, organization, name: str, actor, actor_role: str, read_only: bool = False
) -> tuple[ApiKey, str]:
    """The new key and its full text, which is never stored and never shown again."""
    if not can(actor_role, Action.MANAGE_API_KEYS):
        raise ActionRefused("Only owners and admins can create API keys.")
    require_feature(organization, Feature.API_KEYS, "API keys")
    prefix = KEY_PREFIX + secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.unscoped.create(
        organization=organization,
        name=name.strip(),
        prefix=prefix,
        hashed_secret=_hash(secret),
        read_only=read_only,
        created_by=actor,
    )
    access = "read-only" if read_only else "read and write"
    record(
        organization,
        AuditEvent.Action.API_KEY_CREATED,
        actor=actor,
        summary=f"{key.name} ({prefix}, {access})",
    )
    return key, f"{prefix}.{secret}"


@transaction.atomic
def revoke_key(*, key: ApiKey, actor, actor_role: str) -> ApiKey:
    if not can(actor_role, Action.MANAGE_API_KEYS):
        raise ActionRefused("Only owners and admins can revoke API keys.")
    if key.revoked_at is not None:
        raise ActionRefused("This key is already revoked.")
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    record(
        key.organization, AuditEvent.Action.API_KEY_REVOKED, actor=actor, summary=f"{key.name} ({key.prefix})"
    )
    return key


def authenticate(raw: str) -> ApiKey:
    """The active key ``raw`` is; ``InvalidApiKey`` otherwise. The organisation comes *from* the key, so
    this lookup is deliberately unscoped."""
    prefix, _, secret = raw.strip().partition(".")
    if not prefix.startswith(KEY_PREFIX) or not secret or len(prefix) > 16:
        raise InvalidApiKey("Malformed API key.")
    key = ApiKey.unscoped.select_related("organization__subscription").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.hashed_secret, _hash(secret)):
        raise InvalidApiKey("Invalid API key.")
    if key.revoked_at is not None:
        raise InvalidApiKey("This API key has been revoked.")
    if not has_feature(key.organization, Feature.API_KEYS):  # the plan lapsed or was downgraded
        raise InvalidApiKey(
            "This organisation's plan no longer includes API keys: the key works again after an upgrade."
        )
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.unscoped.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
