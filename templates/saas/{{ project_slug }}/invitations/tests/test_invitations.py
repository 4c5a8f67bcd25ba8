"""Invitations end to end: sending, every bad token, accepting and declining, revoking and resending."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ...audit.models import AuditEvent
from ...billing.entitlements import usage
from ...organizations.context import organization_context
from ...organizations.exceptions import ActionRefused, PlanLimitReached
from ...organizations.models import Membership
from ...organizations.permissions import Role
from ...organizations.tests.factories import InvitationFactory, MembershipFactory
from ...users.tests.factories import UserFactory
from .. import services
from ..models import Invitation
from ..tokens import make_token

pytestmark = pytest.mark.django_db


def _invite(acme, owner, email="newbie@example.com", role="member", **kwargs) -> Invitation:
    return services.invite(
        organization=acme, email=email, role=role, actor=owner, actor_role=Role.OWNER, **kwargs
    )


def _link(email_message) -> str:
    return re.search(r"http://\S+", email_message.body).group(0).removeprefix("http://localhost:8000")


def test_invite_sends_a_signed_link_after_commit(acme, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(acme, owner)
    assert invitation.status == Invitation.Status.PENDING
    (sent,) = mail.outbox
    assert sent.to == ["newbie@example.com"]
    assert "Acme" in sent.subject
    assert _link(sent).startswith("/invitations/")
    with organization_context(acme):
        assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_SENT).count() == 1


def test_no_duplicate_pending_invitation(acme, owner):
    _invite(acme, owner)
    with pytest.raises(ActionRefused, match="already has a pending invitation"):
        _invite(acme, owner, email="NEWBIE@example.com")
    assert Invitation.unscoped.count() == 1


def test_cannot_invite_an_existing_member(acme, owner, member):
    with pytest.raises(ActionRefused, match="already a member"):
        _invite(acme, owner, email=member.email)


def test_seat_limit_counts_members_and_pending_invitations(globex, stranger):
    services.invite(
        organization=globex, email="a@example.com", role="member", actor=stranger, actor_role="owner"
    )
    services.invite(
        organization=globex, email="b@example.com", role="member", actor=stranger, actor_role="owner"
    )
    with pytest.raises(PlanLimitReached, match="3 seats"):
        services.invite(
            organization=globex, email="c@example.com", role="member", actor=stranger, actor_role="owner"
        )
    assert Invitation.unscoped.filter(organization=globex).count() == 2


def test_expired_invitations_free_their_seat_and_address(globex, stranger):
    for email in ("a@example.com", "b@example.com"):
        _invite(globex, stranger, email=email)
    Invitation.unscoped.filter(email="a@example.com").update(sent_at=timezone.now() - timedelta(days=30))
    assert usage(globex)["seats"] == 2  # the owner and b: a's invitation expired
    again = _invite(globex, stranger, email="a@example.com")
    assert again.status == Invitation.Status.PENDING
    assert Invitation.unscoped.get(email="a@example.com", status="expired").responded_at is not None


def test_members_and_admins_are_limited_by_the_table(acme, member, org_admin):
    with pytest.raises(ActionRefused):
        services.invite(
            organization=acme, email="x@example.com", role="member", actor=member, actor_role="member"
        )
    with pytest.raises(ActionRefused):
        services.invite(
            organization=acme, email="x@example.com", role="owner", actor=org_admin, actor_role="admin"
        )
    assert not Invitation.unscoped.exists()


def test_accept_creates_the_membership_and_is_single_use(client_as, acme, owner):
    invitation = _invite(acme, owner, role="admin")
    invitee = UserFactory(email="newbie@example.com")
    client = client_as(invitee)
    url = reverse("invitations:respond", args=[make_token(invitation)])
    page = client.get(url)
    assert page.status_code == 200 and "Accept" in page.content.decode()
    response = client.post(url, {"answer": "accept"})
    assert response["Location"] == acme.get_absolute_url()
    assert Membership.objects.get(user=invitee, organization=acme).role == Role.ADMIN
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    again = client.post(url, {"answer": "accept"})
    assert again.status_code == 400
    assert "accepted, not pending" in again.content.decode()
    with organization_context(acme):
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditEvent.Action.INVITATION_ACCEPTED, AuditEvent.Action.MEMBER_ADDED} <= actions


def test_someone_else_cannot_accept(client_as, acme, owner, stranger):
    invitation = _invite(acme, owner)
    client = client_as(stranger)
    url = reverse("invitations:respond", args=[make_token(invitation)])
    page = client.get(url)
    assert "sent to newbie@example.com" in page.content.decode()
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 400
    assert not Membership.objects.filter(user=stranger, organization=acme).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda token: token[:-3] + "xyz", "not valid"),
        (lambda token: "garbage", "not valid"),
        (lambda token: token.replace(":", ";", 1), "not valid"),
    ],
    ids=["tampered", "garbage", "broken"],
)
def test_tampered_tokens_are_refused(client_as, acme, owner, mangle, message):
    invitation = _invite(acme, owner)
    client = client_as(UserFactory(email="newbie@example.com"))
    response = client.post(
        reverse("invitations:respond", args=[mangle(make_token(invitation))]), {"answer": "accept"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Membership.objects.filter(organization=acme, user__email="newbie@example.com").exists()


def test_expired_token(client_as, acme, owner, settings):
    invitation = _invite(acme, owner)
    token = make_token(invitation)
    settings.INVITATION_MAX_AGE = -1
    response = client_as(UserFactory(email="newbie@example.com")).get(
        reverse("invitations:respond", args=[token])
    )
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_resend_replaces_the_link_and_revoke_kills_it(
    client_as, acme, owner, django_capture_on_commit_callbacks
):
    invitation = _invite(acme, owner)
    old_token = make_token(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(invitation=invitation, actor=owner, actor_role="owner")
    new_link = _link(mail.outbox[-1])
    client = client_as(UserFactory(email="newbie@example.com"))
    stale = client.post(reverse("invitations:respond", args=[old_token]), {"answer": "accept"})
    assert stale.status_code == 400 and "no longer valid" in stale.content.decode()
    services.revoke(invitation=invitation, actor=owner, actor_role="owner")
    revoked = client.post(new_link, {"answer": "accept"})
    assert revoked.status_code == 400 and "revoked" in revoked.content.decode()
    with pytest.raises(ActionRefused):
        services.revoke(invitation=invitation, actor=owner, actor_role="owner")


def test_decline(client_as, acme, owner):
    invitation = _invite(acme, owner)
    client = client_as(UserFactory(email="newbie@example.com"))
    response = client.post(
        reverse("invitations:respond", args=[make_token(invitation)]), {"answer": "decline"}
    )
    assert response["Location"] == "/"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert not Membership.objects.filter(organization=acme, user__email="newbie@example.com").exists()


def test_an_unknown_answer_is_a_400(client_as, acme, owner):
    invitation = _invite(acme, owner)
    client = client_as(UserFactory(email="newbie@example.com"))
    response = client.post(reverse("invitations:respond", args=[make_token(invitation)]), {"answer": "maybe"})
    assert response.status_code == 400


def test_signed_out_visitors_are_asked_to_log_in_or_sign_up(client, acme, owner):
    invitation = _invite(acme, owner)
    token = make_token(invitation)
    response = client.get(reverse("invitations:respond", args=[token]))
    assert response.status_code == 200
    assert "next=/invitations/" in response.context["login_url"]
    assert client.session["invitation_token"] == token
    assert client.post(reverse("invitations:respond", args=[token]), {"answer": "accept"}).status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_a_new_user_signs_up_then_accepts(client, acme, owner):
    """No inactive user is created by the invitation: the invitee signs up like anyone else."""
    invitation = _invite(acme, owner)
    token = make_token(invitation)
    client.get(reverse("invitations:respond", args=[token]))
    user = UserFactory(email="newbie@example.com")  # stands for the sign-up form (tested with the users app)
    client.force_login(user)
    home = client.get("/")
    assert reverse("invitations:respond", args=[token]) in home.content.decode()
    client.post(reverse("invitations:respond", args=[token]), {"answer": "accept"})
    assert Membership.objects.filter(user=user, organization=acme).exists()
    assert "invitation_token" not in client.session


def test_invite_revoke_resend_pages(client_as, acme, owner, member, django_capture_on_commit_callbacks):
    client = client_as(owner)
    create = reverse("invitations:create", args=[acme.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create, {"email": "page@example.com", "role": "member"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    duplicate = client.post(create, {"email": "page@example.com", "role": "member"})
    assert duplicate.status_code == 400
    assert "already has a pending invitation" in duplicate.content.decode()
    bad = client.post(create, {"email": "not an email", "role": "member"})
    assert bad.status_code == 400
    invitation = Invitation.unscoped.get(email="page@example.com")
    client.post(reverse("invitations:resend", args=[acme.slug, invitation.pk]))
    client.post(reverse("invitations:revoke", args=[acme.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    as_member = client_as(member)
    assert as_member.post(create, {"email": "x@example.com", "role": "member"}).status_code == 403
    assert as_member.post(reverse("invitations:revoke", args=[acme.slug, invitation.pk])).status_code == 403


def test_already_a_member_cannot_accept_twice(client_as, acme, owner, member):
    invitation = InvitationFactory(organization=acme, email=member.email)
    response = client_as(member).post(
        reverse("invitations:respond", args=[make_token(invitation)]), {"answer": "accept"}
    )
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert MembershipFactory._meta.model.objects.filter(user=member).count() == 1


def test_acceptance_rechecks_seats_after_a_downgrade(client_as, acme, owner):
    """Six invitations sent on Pro, accepted after a downgrade to Free (3 seats): two fit, four wait."""
    invitations = [_invite(acme, owner, email=f"pro{n}@example.com") for n in range(6)]
    acme.subscription.status = "cancelled"  # the Pro plan ended: the Free plan's 3 seats apply
    acme.subscription.save()
    accepted, refused = [], []
    for invitation in invitations:
        invitee = UserFactory(email=invitation.email)
        response = client_as(invitee).post(
            reverse("invitations:respond", args=[make_token(invitation)]), {"answer": "accept"}
        )
        (accepted if response.status_code == 302 else refused).append(response)
    assert (len(accepted), len(refused)) == (2, 4)
    assert {response.status_code for response in refused} == {400}
    assert "no free seat" in refused[0].content.decode() and "stays open" in refused[0].content.decode()
    assert Membership.objects.filter(organization=acme).count() == 3
    with organization_context(acme):
        assert Invitation.objects.filter(status=Invitation.Status.PENDING).count() == 4
