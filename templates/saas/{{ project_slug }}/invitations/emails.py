from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .tokens import make_token


def send_invitation_email(invitation) -> None:
    """Email the signed link; the token is made now, so its age counts from sending."""
    url = settings.SITE_URL.rstrip("/") + reverse("invitations:respond", args=[make_token(invitation)])
    context = {"invitation": invitation, "organization": invitation.organization, "url": url}
    send_mail(
        subject=f"You are invited to {invitation.organization.name}",
        message=render_to_string("invitations/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
