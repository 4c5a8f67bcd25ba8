"""Accepting and declining an invitation in place (htmx: the answer fragment) and as a plain form (a
redirect with a message): the same view, the same rules."""

import pytest
from django.urls import reverse

from ...organizations.models import Membership
from ...organizations.permissions import Role
from ...users.tests.factories import UserFactory
from .. import services
from ..models import Invitation
from ..tokens import make_token

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def invitation(acme, owner) -> Invitation:
    return services.invite(
        organization=acme, email="newbie@example.com", role="member", actor=owner, actor_role=Role.OWNER
    )


@pytest.fixture
def invitee_client(client_as):
    return client_as(UserFactory(email="newbie@example.com"))


def _url(invitation: Invitation) -> str:
    return reverse("invitations:respond", args=[make_token(invitation)])


def _status(invitation: Invitation) -> str:
    invitation.refresh_from_db()
    return invitation.status


def test_the_page_offers_the_answer_both_ways(invitee_client, invitation):
    url = _url(invitation)  # a token is signed with the time: make it once
    page = invitee_client.get(url).content.decode()
    assert f'hx-post="{url}"' in page and 'method="post"' in page


@pytest.mark.parametrize(
    ("answer", "status", "text"),
    [("accept", "accepted", "Welcome to Acme!"), ("decline", "declined", "You declined the invitation")],
)
def test_an_answer_in_place_gets_the_fragment(invitee_client, invitation, acme, answer, status, text):
    response = invitee_client.post(_url(invitation), {"answer": answer}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="invitation-answer">') and "<html" not in body
    assert text in body
    assert _status(invitation) == status
    joined = Membership.objects.filter(organization=acme, user__email="newbie@example.com").exists()
    assert joined is (answer == "accept")


@pytest.mark.parametrize(
    ("answer", "status", "text"),
    [("accept", "accepted", "Welcome to Acme!"), ("decline", "declined", "You declined the invitation")],
)
def test_an_answer_as_a_plain_form_redirects_with_a_message(
    invitee_client, invitation, acme, answer, status, text
):
    response = invitee_client.post(_url(invitation), {"answer": answer}, follow=True)
    destination = acme.get_absolute_url() if answer == "accept" else "/"
    assert response.redirect_chain == [(destination, 302)]
    assert text in response.content.decode()
    assert _status(invitation) == status


def test_a_refused_answer_in_place_shows_the_reason_and_changes_nothing(
    client_as, stranger, invitation, acme
):
    response = client_as(stranger).post(_url(invitation), {"answer": "accept"}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="invitation-answer">') and 'role="alert"' in body
    assert "sent to newbie@example.com" in body
    assert _status(invitation) == "pending"
    assert not Membership.objects.filter(organization=acme, user=stranger).exists()
