import json

import pytest
from django.urls import reverse

from ...audit.models import AuditEvent
from ...organizations.context import organization_context
from ...organizations.exceptions import PlanLimitReached
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


def test_limits_and_features(acme, globex, stranger):
    assert plan_for(acme) == PRO and plan_for(globex) == FREE
    assert has_feature(acme, Feature.API_KEYS) and not has_feature(globex, Feature.API_KEYS)
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


def _post(client, payload, secret=SECRET, signature=None):
    body = json.dumps(payload).encode()
    return client.post(
        reverse("billing:webhook"),
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature if signature is not None else sign(body, secret)},
    )


def _event(**changes):
    return {"id": "evt_1", "type": "subscription.updated", "organization": "globex", "plan": "pro",
            "status": "active", "current_period_end": "2030-01-31T00:00:00Z", **changes}  # fmt: skip


def test_signed_webhook_moves_the_subscription_and_is_idempotent(client, globex):
    response = _post(client, _event())
    assert response.status_code == 200, response.content
    globex.subscription.refresh_from_db()
    assert (globex.subscription.plan, globex.subscription.status) == ("pro", "active")
    assert plan_for(globex) == PRO
    with organization_context(globex):
        event = AuditEvent.objects.get(action=AuditEvent.Action.PLAN_CHANGED)
    assert event.actor_label == "billing provider" and "Free (Active) → Pro (Active)" in event.summary
    assert _post(client, _event()).json() == {"status": "already processed"}
    assert WebhookEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"secret": "wrong-secret"}, 403),
        ({"signature": ""}, 403),
        ({"signature": "sha256=deadbeef"}, 403),
    ],
)
def test_forged_webhooks_are_refused(client, globex, kwargs, status):
    assert _post(client, _event(), **kwargs).status_code == status
    globex.subscription.refresh_from_db()
    assert globex.subscription.plan == "free"
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [{"plan": "platinum"}, {"status": "paused"}, {"organization": "nope"}, {"id": ""},
     {"current_period_end": "31/01/2030"}, {"current_period_end": "2030-13-45T00:00:00Z"}],
)  # fmt: skip
def test_malformed_events_are_400(client, globex, changes):
    response = _post(client, _event(**changes))
    assert response.status_code == 400
    assert "error" in response.json()
    assert not WebhookEvent.objects.exists()


def test_non_json_bodies_are_400(client, globex):
    body = b"not json"
    response = client.post(reverse("billing:webhook"), body, content_type="text/plain",
                           headers={SIGNATURE_HEADER: sign(body, "test-webhook-secret")})  # fmt: skip
    assert response.status_code == 400


def test_forbidden_transition_is_409_and_changes_nothing(client, globex):
    _post(client, _event(status="cancelled"))
    response = _post(client, _event(id="evt_2", status="past_due"))
    assert response.status_code == 409
    globex.subscription.refresh_from_db()
    assert globex.subscription.status == "cancelled"
    assert not WebhookEvent.objects.filter(event_id="evt_2").exists()  # may be redelivered after a fix


def test_webhooks_are_off_without_a_secret(client, globex, settings):
    settings.BILLING_WEBHOOK_SECRET = ""
    assert _post(client, _event(), secret="").status_code == 503


def test_webhook_accepts_only_post(client):
    assert client.get(reverse("billing:webhook")).status_code == 405


def test_billing_page_and_checkout(client_as, globex, stranger, settings):
    client = client_as(stranger)
    page = client.get(reverse("billing:overview", args=[globex.slug]))
    assert page.status_code == 200 and "BILLING_CHECKOUT_URL" in page.content.decode()
    checkout = reverse("billing:checkout", args=[globex.slug])
    refused = client.post(checkout, follow=True)
    assert "not configured" in refused.content.decode()
    settings.BILLING_CHECKOUT_URL = "https://pay.example.com/link"
    response = client.post(checkout)
    assert response.status_code == 302
    assert response["Location"] == "https://pay.example.com/link?client_reference_id=globex&plan=pro"
    globex.subscription.refresh_from_db()
    assert globex.subscription.plan == "free"  # nothing changes until the provider's webhook says so


def test_only_owners_manage_billing(client_as, acme, org_admin):
    assert client_as(org_admin).post(reverse("billing:checkout", args=[acme.slug])).status_code == 403
