import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from ...audit.models import AuditEvent
from ...invitations.models import Invitation, expiry_cutoff
from ...organizations.context import organization_context
from ...organizations.exceptions import PlanLimitReached
from ...organizations.models import Membership
from ...organizations.tests.factories import InvitationFactory, MembershipFactory, ProjectFactory
from ..entitlements import check_project_allowed, check_seat_available, has_feature, plan_for, usage
from ..models import InvalidTransition, Subscription, WebhookEvent
from ..plans import FREE, PRO, Feature
from ..webhooks import SIGNATURE_HEADER, sign

pytestmark = pytest.mark.django_db

S = Subscription.Status
ALLOWED = {
    (S.TRIALING, S.ACTIVE), (S.TRIALING, S.PAST_DUE), (S.TRIALING, S.CANCELLED),
    (S.ACTIVE, S.PAST_DUE), (S.ACTIVE, S.CANCELLED),
    (S.PAST_DUE, S.ACTIVE), (S.PAST_DUE, S.CANCELLED),
    (S.CANCELLED, S.TRIALING), (S.CANCELLED, S.ACTIVE),
}  # fmt: skip


@pytest.mark.parametrize("target", list(S))
@pytest.mark.parametrize("current", list(S))
def test_state_machine(current, target):
    subscription = Subscription(plan="pro", status=current)
    if current == target or (current, target) in ALLOWED:
        subscription.move_to(target)
        assert subscription.status == target
    else:
        with pytest.raises(InvalidTransition):
            subscription.move_to(target)
        assert subscription.status == current


@pytest.mark.parametrize(
    ("status", "plan"), [(S.TRIALING, PRO), (S.ACTIVE, PRO), (S.PAST_DUE, PRO), (S.CANCELLED, FREE)]
)
def test_effective_plan(status, plan):
    assert Subscription(plan="pro", status=status).effective_plan == plan


def test_usage_counts_what_the_query_sets_count(acme, globex, stranger):
    """``usage`` counts the organisation's members, its invitations that ``pending()`` counts (not
    answered ones, nor those sent before the expiry cutoff) and its projects, and nothing of another
    organisation's."""
    MembershipFactory(organization=globex)
    MembershipFactory(organization=acme)
    minute = timedelta(minutes=1)
    InvitationFactory(organization=globex)
    InvitationFactory(organization=globex, sent_at=expiry_cutoff() + minute)  # about to expire
    InvitationFactory(organization=globex, sent_at=expiry_cutoff() - minute)  # expired
    for status in ("accepted", "declined", "revoked", "expired"):
        InvitationFactory(organization=globex, status=status)
    InvitationFactory(organization=acme)
    ProjectFactory.create_batch(2, organization=globex)
    ProjectFactory(organization=acme)
    pending = Invitation.unscoped.filter(organization=globex).pending().count()
    assert pending == 2
    assert usage(globex)["seats"] == Membership.objects.filter(organization=globex).count() + pending == 4
    assert usage(globex)["projects"] == 2
    assert usage(acme)["seats"] == 2 and usage(acme)["projects"] == 1


def test_limits_and_features(acme, globex, stranger):
    assert plan_for(acme) == PRO and plan_for(globex) == FREE
    assert all(has_feature(acme, feature) for feature in PRO.features)
    assert not any(has_feature(globex, feature) for feature in Feature)
    MembershipFactory.create_batch(1, organization=globex)
    InvitationFactory(organization=globex)
    assert usage(globex)["seats"] == 3
    with pytest.raises(PlanLimitReached):
        check_seat_available(globex)
    ProjectFactory.create_batch(3, organization=globex)
    with pytest.raises(PlanLimitReached, match="3 projects"):
        check_project_allowed(globex)
    check_project_allowed(acme)
    check_seat_available(acme)


#: BILLING_WEBHOOK_SECRET of the test settings.
SECRET = "test-webhook-secret"


def _post_body(client, body: bytes, secret=SECRET, signature=None):
    return client.post(
        reverse("billing:webhook"),
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature if signature is not None else sign(body, secret)},
    )


def _post(client, payload, **kwargs):
    return _post_body(client, json.dumps(payload).encode(), **kwargs)


def _event(**changes):
    return {"id": "evt_1", "type": "subscription.updated", "created": "2030-01-01T12:00:00Z",
            "organization": "globex", "plan": "pro", "status": "active",
            "current_period_end": "2030-01-31T00:00:00Z", **changes}  # fmt: skip


def _subscription(organization) -> Subscription:
    return Subscription.objects.get(organization=organization)


def test_signed_webhook_moves_the_subscription_and_is_idempotent(client, globex):
    response = _post(client, _event())
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "applied", "plan": "pro", "subscription_status": "active"}
    subscription = _subscription(globex)
    assert (subscription.plan, subscription.status) == ("pro", "active")
    assert subscription.last_event_at == datetime(2030, 1, 1, 12, tzinfo=UTC)
    globex.subscription.refresh_from_db()
    assert plan_for(globex) == PRO
    with organization_context(globex):
        event = AuditEvent.objects.get(action=AuditEvent.Action.PLAN_CHANGED)
    assert event.actor_label == "billing provider" and "Free (Active) → Pro (Active)" in event.summary
    # A retry, even with a different body, is acknowledged and changes nothing.
    retry = _post(client, _event(status="cancelled", created=1924992000))
    assert retry.json() == {"status": "already processed"}
    assert _subscription(globex).status == "active"
    assert WebhookEvent.objects.get().outcome == "applied"


def test_events_apply_in_the_providers_order_not_the_arrival_order(client, globex):
    newer = _post(client, _event(id="evt_2", status="cancelled", created="2030-01-02T00:00:00Z"))
    assert newer.json()["subscription_status"] == "cancelled"
    older = _post(client, _event(id="evt_1", status="active", created="2030-01-01T00:00:00Z"))
    assert older.status_code == 200
    assert older.json()["status"] == "ignored: older than the last event applied"
    subscription = _subscription(globex)
    assert subscription.status == "cancelled"
    assert subscription.last_event_at == datetime(2030, 1, 2, tzinfo=UTC)
    assert WebhookEvent.objects.get(event_id="evt_1").outcome == "ignored: older than the last event applied"


def test_a_payment_event_sets_only_the_status_its_type_means(client, globex):
    _post(client, _event(status="past_due"))
    paid = _post(client, {"id": "evt_2", "type": "payment.succeeded", "created": "2030-01-02T00:00:00Z",
                          "organization": "globex", "status": "cancelled", "plan": "free"})  # fmt: skip
    assert paid.json()["subscription_status"] == "active"
    assert (_subscription(globex).plan, _subscription(globex).status) == ("pro", "active")
    failed = _post(client, {"id": "evt_3", "type": "payment.failed", "created": "2030-01-03T00:00:00Z",
                            "organization": "globex", "status": "active"})  # fmt: skip
    assert failed.json()["subscription_status"] == "past_due"
    _post(client, {"id": "evt_4", "type": "subscription.cancelled", "created": "2030-01-04T00:00:00Z",
                   "organization": "globex"})  # fmt: skip
    late = _post(client, {"id": "evt_5", "type": "payment.succeeded", "created": "2030-01-05T00:00:00Z",
                          "organization": "globex"})  # fmt: skip
    assert late.json()["status"] == "ignored: does not apply to a cancelled subscription"
    assert _subscription(globex).status == "cancelled"


def test_missing_fields_keep_what_is_stored(client, globex):
    _post(client, _event())
    renewal = {"id": "evt_2", "type": "subscription.updated", "created": 1893542400, "organization": "globex"}
    assert _post(client, renewal).json()["status"] == "applied"
    subscription = _subscription(globex)
    assert (subscription.plan, subscription.status) == ("pro", "active")
    assert subscription.current_period_end == datetime(2030, 1, 31, tzinfo=UTC)
    assert subscription.last_event_at == datetime(2030, 1, 2, tzinfo=UTC)
    _post(client, {**renewal, "id": "evt_3", "created": 1893628800, "current_period_end": None})
    assert _subscription(globex).current_period_end == datetime(2030, 1, 31, tzinfo=UTC)


def test_unknown_event_types_are_acknowledged_and_ignored(client, globex):
    response = _post(client, {"id": "evt_9", "type": "invoice.finalized", "created": 1893456000})
    assert response.status_code == 200
    assert response.json() == {"status": "ignored: unknown event type"}
    assert (_subscription(globex).plan, _subscription(globex).last_event_at) == ("free", None)


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"secret": "wrong-secret"}, 403),
        ({"signature": ""}, 403),
        ({"signature": "sha256=deadbeef"}, 403),
        ({"signature": "sha256=ünïcode"}, 403),
        ({"signature": "sha256=\u00e9" + "0" * 62}, 403),
    ],
)
def test_forged_webhooks_are_refused(client, globex, kwargs, status):
    response = _post(client, _event(), **kwargs)
    assert response.status_code == status
    assert response.json() == {"detail": "Invalid signature."}
    assert _subscription(globex).plan == "free"
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [{"plan": "platinum"}, {"status": "paused"}, {"organization": "nope"}, {"id": ""}, {"id": 5},
     {"id": "evt\x00nul"}, {"id": "evt 1"}, {"id": "e" * 101}, {"organization": "glo\x00bex"},
     {"type": "subscription.created", "status": "cancelled"}, {"created": None}, {"created": "31/01/2030"},
     {"created": 10**30}, {"created": True}, {"created": "2030-13-45T00:00:00Z"},
     {"created": "0001-01-01T00:00:00+05:00"}, {"created": 1.5},
     {"current_period_end": "31/01/2030"}, {"current_period_end": "2030-13-45T00:00:00Z"},
     {"current_period_end": -(10**30)}],
)  # fmt: skip
def test_malformed_events_are_400_with_a_reason(client, globex, changes):
    response = _post(client, _event(**changes))
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "body", [b"not json", b"\xff\xfe", b"[1, 2]", b"[" * 100_000 + b"]" * 100_000, b'{"id": ' * 50_000]
)
def test_bodies_that_are_not_an_event_object_are_400(client, globex, body):
    response = _post_body(client, body)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_forbidden_transition_is_409_and_changes_nothing(client, globex):
    _post(client, _event(status="cancelled"))
    response = _post(client, _event(id="evt_2", status="past_due", created="2030-01-02T00:00:00Z"))
    assert response.status_code == 409
    assert _subscription(globex).status == "cancelled"
    assert not WebhookEvent.objects.filter(event_id="evt_2").exists()  # may be redelivered after a fix


def test_webhooks_are_off_without_a_secret(client, globex, settings):
    settings.BILLING_WEBHOOK_SECRET = ""
    assert _post(client, _event(), secret="").status_code == 503


def test_webhook_accepts_only_post(client):
    assert client.get(reverse("billing:webhook")).status_code == 405
