import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse

from ...organizations.context import organization_context
from ...organizations.models import Membership, Organization
from ...organizations.services import delete_organization
from ...users.tests.factories import UserFactory
from ..models import AppendOnlyError, AuditEvent
from ..services import record, release_log_for_deletion

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


def _refused_by_the_database(change) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change()


def _rewrite_by_upsert(event) -> None:
    rewritten = AuditEvent(
        pk=event.pk, organization_id=event.organization_id, action=event.action, summary="forged"
    )
    AuditEvent._base_manager.bulk_create(
        [rewritten], update_conflicts=True, unique_fields=["id"], update_fields=["summary"]
    )


def _raw_update(event) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'forged' WHERE id = %s", [event.pk])


def test_the_database_refuses_updates_that_bypass_the_model(acme, owner):
    event = record(acme, AuditEvent.Action.SETTINGS_CHANGED, actor=owner, summary="x")
    _refused_by_the_database(lambda: AuditEvent._base_manager.filter(pk=event.pk).update(summary="forged"))
    _refused_by_the_database(lambda: QuerySet(AuditEvent).filter(pk=event.pk).update(actor=UserFactory()))
    _refused_by_the_database(lambda: _rewrite_by_upsert(event))
    _refused_by_the_database(lambda: _raw_update(event))
    assert AuditEvent.unscoped.get(pk=event.pk).summary == "x"


def test_deleting_a_user_keeps_their_events_with_the_name_they_had(acme, owner):
    event = record(acme, AuditEvent.Action.SETTINGS_CHANGED, actor=owner, summary="x")
    Membership.objects.filter(user=owner).delete()
    owner.delete()
    event = AuditEvent.unscoped.get(pk=event.pk)
    assert event.actor is None and event.actor_label == "olivia"


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite refuses deletes in Python only (no SET LOCAL)"
)


def _raw_delete(organization) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE organization_id = %s", [organization.pk])


@postgresql_only
def test_the_database_refuses_deletes_except_of_the_organisation_being_deleted(acme, globex, owner):
    record(acme, AuditEvent.Action.SETTINGS_CHANGED, actor=owner, summary="acme")
    record(globex, AuditEvent.Action.SETTINGS_CHANGED, summary="globex")
    _refused_by_the_database(lambda: QuerySet(AuditEvent).filter(organization=acme).delete())
    _refused_by_the_database(lambda: _raw_delete(acme))
    with transaction.atomic():
        release_log_for_deletion(acme)  # names Acme only: Globex's log is still refused
        _refused_by_the_database(lambda: _raw_delete(globex))
        _raw_delete(acme)
    assert list(AuditEvent.unscoped.values_list("summary", flat=True)) == ["globex"]


def test_deleting_an_organisation_removes_its_log_and_no_other(acme, globex, owner, stranger):
    record(acme, AuditEvent.Action.SETTINGS_CHANGED, actor=owner, summary="acme")
    record(globex, AuditEvent.Action.SETTINGS_CHANGED, actor=stranger, summary="globex")
    delete_organization(actor=stranger, actor_role="owner", organization=globex)
    assert not Organization.objects.filter(slug="globex").exists()
    assert list(AuditEvent.unscoped.values_list("summary", flat=True)) == ["acme"]
