"""Per-seat billing: the quantity Stripe bills follows the member count, sent after commit (offline: the
library's HTTP client is a recorder, as in ``test_stripe.py``)."""

import pytest
from django.db import transaction

from ...invitations import services as invitations
from ...invitations.tokens import make_token
from ...organizations import services as organizations
from ...organizations.permissions import Role
from ...organizations.tests.factories import InvitationFactory
from ...users.tests.factories import UserFactory
from ..models import Subscription
from ..seats import reconcile_seats, sync_seats
from ..stripe_billing import StripeBilling
from .test_stripe import RecordingHTTPClient

pytestmark = pytest.mark.django_db

UPDATE = ("post", "/v1/subscription_items/si_123")


@pytest.fixture
def stripe_seats(settings, monkeypatch, acme):
    settings.BILLING_PROVIDER = f"{StripeBilling.__module__}.StripeBilling"
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_PER_SEAT = True
    Subscription.objects.filter(organization=acme).update(
        provider_reference="sub_123", provider_customer="cus_123"
    )
    item = {"id": "si_123", "object": "subscription_item", "quantity": 1}
    fake = RecordingHTTPClient({
        ("get", "/v1/subscriptions/sub_123"): (200, {"id": "sub_123", "items": {"data": [item]}}),
        UPDATE: (200, item),
    })  # fmt: skip
    monkeypatch.setattr(StripeBilling, "http_client", fake)
    return fake


def _join(organization, email: str):
    user = UserFactory(email=email)
    invitation = InvitationFactory(organization=organization, email=email)
    return invitations.accept(token=make_token(invitation), user=user)


def _quantities(fake: RecordingHTTPClient) -> list[str]:
    return [request["params"]["quantity"] for request in fake.requests if request["path"] == UPDATE[1]]


def test_the_quantity_follows_joins_and_leaves_after_commit(
    acme, owner, org_admin, member, stripe_seats, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as joined:
        newcomer = _join(acme, "new@example.com").user
    assert joined and not stripe_seats.requests  # nothing sent before the commit
    for callback in joined:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        organizations.remove_member(
            actor=owner, actor_role=Role.OWNER, membership=member.memberships.get(organization=acme)
        )
    with django_capture_on_commit_callbacks(execute=True):
        organizations.remove_member(
            actor=newcomer, actor_role=Role.MEMBER, membership=newcomer.memberships.get(organization=acme)
        )
    assert _quantities(stripe_seats) == ["4", "3", "2"]
    keys = [request["key"] for request in stripe_seats.requests if request["path"] == UPDATE[1]]
    assert all(keys) and len(set(keys)) == 3  # one idempotency key per change


def test_nothing_is_sent_for_a_rolled_back_change(
    acme, owner, member, stripe_seats, django_capture_on_commit_callbacks
):
    membership = member.memberships.get(organization=acme)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _join(acme, "new@example.com")
        organizations.remove_member(actor=owner, actor_role=Role.OWNER, membership=membership)
        raise RuntimeError("rolled back")
    assert stripe_seats.requests == []
    assert acme.memberships.count() == 2


def test_an_unchanged_quantity_flat_prices_and_the_free_plan_send_nothing(
    acme, owner, globex, stranger, stripe_seats, settings
):
    assert sync_seats(acme.pk, "change") is False  # Stripe already bills one seat, the one member
    assert [request["method"] for request in stripe_seats.requests] == ["get"]
    settings.STRIPE_PER_SEAT = False
    Subscription.objects.filter(organization=globex).update(provider_reference="sub_9", provider_customer="c")
    assert sync_seats(acme.pk, "change") is False and sync_seats(globex.pk, "change") is False
    assert len(stripe_seats.requests) == 1


def test_a_stripe_refusal_is_logged_and_the_membership_change_stands(
    acme, owner, member, stripe_seats, django_capture_on_commit_callbacks, caplog
):
    stripe_seats.responses[UPDATE] = (
        400, {"error": {"type": "invalid_request_error", "message": "No such subscription item"}}
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        _join(acme, "new@example.com")
    assert acme.memberships.count() == 3
    assert "Seats of acme not synced (3 members)" in caplog.text


def test_the_hosted_default_has_no_api_and_sends_nothing(acme, owner, settings):
    settings.BILLING_CHECKOUT_URL = "https://pay.example.com/checkout"
    Subscription.objects.filter(organization=acme).update(provider_reference="sub_1")
    assert sync_seats(acme.pk, "change") is False


def test_a_member_deleting_their_account_frees_their_seat(
    acme, owner, org_admin, member, stripe_seats, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organizations.delete_account(user=member)
    assert _quantities(stripe_seats) == ["2"]


def test_the_daily_reconciliation_sends_a_count_that_was_refused(
    acme, owner, member, globex, stripe_seats, django_capture_on_commit_callbacks
):
    stripe_seats.responses[UPDATE] = (400, {"error": {"type": "invalid_request_error", "message": "Busy"}})
    with django_capture_on_commit_callbacks(execute=True):
        _join(acme, "new@example.com")  # 3 members; Stripe refused, so it still bills 1
    stripe_seats.responses[UPDATE] = (200, {"id": "si_123", "object": "subscription_item", "quantity": 3})
    assert reconcile_seats() == ["acme"]  # globex is on the free plan: nothing to bill
    assert _quantities(stripe_seats) == ["3", "3"]
    first, second = (r["key"] for r in stripe_seats.requests if r["path"] == UPDATE[1])
    assert first != second  # the reconciliation is a change of its own


def test_the_reconciliation_changes_nothing_in_sync(acme, owner, stripe_seats):
    assert reconcile_seats() == []  # Stripe bills one seat, the one member
    assert [request["method"] for request in stripe_seats.requests] == ["get"]
