import pytest
from django.urls import reverse

from ...organizations.context import organization_context
from ...organizations.models import Membership
from ..models import AppendOnlyError, AuditEvent
from ..services import record

pytestmark = pytest.mark.django_db


def test_entries_carry_actor_organisation_time_address_and_request_id(client_as, acme, owner, member):
    membership = Membership.objects.get(user=member)
    client_as(owner).post(
        reverse("organizations:change_role", args=[acme.slug, membership.pk]),
        {"role": "admin"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_REQUEST_ID="req-12345678",
    )
    with organization_context(acme):
        event = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_CHANGED)
    assert event.organization == acme
    assert event.actor == owner and event.actor_label == owner.username
    assert event.ip_address == "203.0.113.7"
    assert event.request_id == "req-12345678"
    assert event.created_at is not None


def test_append_only(acme, owner):
    event = record(acme, AuditEvent.Action.SETTINGS_CHANGED, actor=owner, summary="x")
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with organization_context(acme):
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.update(summary="gone")
        assert AuditEvent.objects.get().summary == "x"


def test_log_is_visible_to_owners_and_admins_only(client_as, acme, owner, org_admin, member, globex):
    record(acme, AuditEvent.Action.SETTINGS_CHANGED, actor=owner, summary="acme event")
    record(globex, AuditEvent.Action.SETTINGS_CHANGED, summary="globex event")
    url = reverse("audit:log", args=[acme.slug])
    for user in (owner, org_admin):
        content = client_as(user).get(url).content.decode()
        assert "acme event" in content and "globex event" not in content
    assert client_as(member).get(url).status_code == 403


def test_admin_is_read_only(admin_client, acme, owner):
    event = record(acme, AuditEvent.Action.SETTINGS_CHANGED, actor=owner)
    assert admin_client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEvent.unscoped.filter(pk=event.pk).exists()


def test_system_events_have_a_label(acme):
    event = record(acme, AuditEvent.Action.PLAN_CHANGED, actor_label="billing provider")
    assert event.actor is None and event.actor_label == "billing provider"
    assert str(event).endswith("billing provider: Plan or subscription changed")
