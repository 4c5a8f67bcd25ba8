import hashlib

import pytest
from django.urls import reverse

from ...audit.models import AuditEvent
from ...organizations.context import organization_context
from ...organizations.exceptions import ActionRefused, PlanLimitReached
from .. import services
from ..models import ApiKey

pytestmark = pytest.mark.django_db


def test_keys_are_stored_hashed_and_authenticate(acme, owner):
    key, raw = services.create_key(organization=acme, name="CI", actor=owner, actor_role="owner")
    prefix, secret = raw.split(".")
    assert key.prefix == prefix and prefix.startswith("sk_")
    assert key.hashed_secret == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.unscoped.values().get())
    assert services.authenticate(raw) == key
    key.refresh_from_db()
    assert key.last_used_at is not None


@pytest.mark.parametrize("raw", ["", "nodot", "sk_abc.", "xx_abc.secret", "sk_" + "a" * 30 + ".s"])
def test_malformed_keys(raw):
    with pytest.raises(services.InvalidApiKey, match="Malformed"):
        services.authenticate(raw)


def test_wrong_secret_and_revoked_keys(acme, owner):
    key, raw = services.create_key(organization=acme, name="CI", actor=owner, actor_role="owner")
    with pytest.raises(services.InvalidApiKey, match="Invalid"):
        services.authenticate(raw[:-2] + "zz")
    services.revoke_key(key=key, actor=owner, actor_role="owner")
    with pytest.raises(services.InvalidApiKey, match="revoked"):
        services.authenticate(raw)
    with pytest.raises(ActionRefused):
        services.revoke_key(key=key, actor=owner, actor_role="owner")
    with organization_context(acme):
        actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert AuditEvent.Action.API_KEY_CREATED in actions and AuditEvent.Action.API_KEY_REVOKED in actions


def test_keys_stop_working_when_the_plan_no_longer_includes_them(acme, owner):
    key, raw = services.create_key(organization=acme, name="CI", actor=owner, actor_role="owner")
    acme.subscription.status = "cancelled"  # the Pro plan ended: the Free plan applies
    acme.subscription.save()
    with pytest.raises(services.InvalidApiKey, match="no longer includes API keys"):
        services.authenticate(raw)
    acme.subscription.status = "active"
    acme.subscription.save()
    assert services.authenticate(raw) == key


def test_only_admins_create_keys_and_only_on_pro(acme, globex, member, stranger):
    with pytest.raises(ActionRefused):
        services.create_key(organization=acme, name="x", actor=member, actor_role="member")
    with pytest.raises(PlanLimitReached, match="Pro plan"):
        services.create_key(organization=globex, name="x", actor=stranger, actor_role="owner")
    assert not ApiKey.unscoped.exists()


def test_the_key_is_shown_once(client_as, acme, org_admin):
    client = client_as(org_admin)
    url = reverse("apikeys:list", args=[acme.slug])
    response = client.post(url, {"name": "Deploy", "access": "write"}, follow=True)
    assert response.redirect_chain == [(reverse("apikeys:created", args=[acme.slug]), 302)]
    raw = response.context["raw_key"]
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    listing = client.get(url).content.decode()
    assert "Deploy" in listing and raw not in listing and raw.split(".")[1] not in listing
    again = client.get(reverse("apikeys:created", args=[acme.slug]), follow=True).content.decode()
    assert raw not in again and "shown once already" in again


def test_a_read_only_key_is_made_from_the_page(client_as, acme, org_admin):
    client = client_as(org_admin)
    url = reverse("apikeys:list", args=[acme.slug])
    response = client.post(url, {"name": "Dashboard", "access": "read"}, follow=True)
    assert "(read only)" in response.content.decode()
    with organization_context(acme):
        assert ApiKey.objects.get(name="Dashboard").read_only
    assert "read only" in client.get(url).content.decode()
    assert client.post(url, {"name": "No access given"}).status_code == 400  # a form error, no key


def test_pages_refuse_members_and_free_plans(client_as, acme, member, globex, stranger):
    assert client_as(member).get(reverse("apikeys:list", args=[acme.slug])).status_code == 403
    response = client_as(stranger).post(
        reverse("apikeys:list", args=[globex.slug]), {"name": "x", "access": "read"}
    )
    assert response.status_code == 400
    assert "Pro plan" in response.content.decode()
    blank = client_as(stranger).post(reverse("apikeys:list", args=[globex.slug]), {"name": ""})
    assert blank.status_code == 400


def test_revoke_page(client_as, acme, owner):
    key, _ = services.create_key(organization=acme, name="Old", actor=owner, actor_role="owner")
    client = client_as(owner)
    response = client.post(reverse("apikeys:revoke", args=[acme.slug, key.pk]), follow=True)
    assert "was revoked" in response.content.decode()
    again = client.post(reverse("apikeys:revoke", args=[acme.slug, key.pk]), follow=True)
    assert "already revoked" in again.content.decode()
