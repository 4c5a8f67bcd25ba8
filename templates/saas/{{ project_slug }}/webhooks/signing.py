"""The signature scheme of every delivery (documented for receivers in the README).

    Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

The timestamp is the attempt's time and is signed with the body, so a receiver that refuses a ``t`` older
than a few minutes cannot be fed a recorded delivery again (replay); each retry is signed afresh.
``Webhook-Id`` carries the event id (the same on every attempt), for receivers that skip duplicates.
"""

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "Webhook-Signature"
ID_HEADER = "Webhook-Id"
#: How every endpoint's signing secret starts (recognisable in a receiver's configuration).
WHSEC_PREFIX = "whsec_"
#: Receivers should refuse signatures older than this (seconds); ``verify`` does.
TOLERANCE = 5 * 60


def new_secret() -> str:
    return WHSEC_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The ``Webhook-Signature`` header's value for ``body`` sent now (or at ``timestamp``)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, body: bytes, header: str, *, now: float | None = None) -> bool:
    """What a receiver does (the README shows the same steps): a ``v1`` signature of ``"<t>.<body>"``
    matches, compared in constant time, and ``t`` is at most ``TOLERANCE`` seconds away from now."""
    fields = [part.split("=", 1) for part in header.split(",") if "=" in part]
    timestamps = [value for name, value in fields if name.strip() == "t"]
    if len(timestamps) != 1 or not timestamps[0].isdigit():
        return False
    timestamp = int(timestamps[0])
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE:
        return False
    expected = signature(secret, timestamp, body)
    return any(name.strip() == "v1" and hmac.compare_digest(value, expected) for name, value in fields)
