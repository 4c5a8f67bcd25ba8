"""Signed, expiring invitation tokens (``django.core.signing``): tampering is detected, age is checked."""

from django.conf import settings
from django.core import signing

from ..organizations.exceptions import ActionRefused

SALT = "invitations.token"


class InvalidInvitation(ActionRefused):
    pass


def make_token(invitation) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"key": str(invitation.key)})


def read_token(token: str) -> str:
    """The invitation key in ``token``; ``InvalidInvitation`` with the reason otherwise."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidInvitation("This invitation has expired. Ask for a new one.") from None
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise InvalidInvitation(
            "This invitation link is not valid. Check that you copied all of it."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("key"), str):
        raise InvalidInvitation("This invitation link is not valid. Check that you copied all of it.")
    return data["key"]
