"""Organisation exports: only the organisation's rows (JSON and CSV), built in the background, downloaded
once through a signed link that expires; refusals carry their reason."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core import signing
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from ...audit.models import AuditEvent
from ...audit.services import record
from ...organizations.context import organization_context
from ...organizations.models import Organization
from ...organizations.permissions import Role
from ...organizations.services import delete_organization
from ...organizations.tests.factories import (
    EndpointFactory,
    ExportFactory,
    InvitationFactory,
    MembershipFactory,
    ProjectFactory,
    TaskFactory,
    ready_export,
)
from ...users.tests.factories import UserFactory
from .. import archive, services
from ..models import Export

pytestmark = pytest.mark.django_db


def _list(acme) -> str:
    return reverse("exports:list", args=[acme.slug])


def _link(export: Export) -> str:
    return reverse("exports:download", args=[export.organization.slug, services.download_token(export)])


def _files(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as zipped:
        return {name: zipped.read(name).decode("utf-8-sig") for name in zipped.namelist()}


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def two_tenants(acme, owner, member, globex, stranger):
    """Acme and Globex, each with a row of every exported kind, named after its organisation."""
    for organization, person in ((acme, owner), (globex, stranger)):
        name = organization.name
        project = ProjectFactory(organization=organization, name=f"{name} project", created_by=person)
        TaskFactory(project=project, title=f"{name} task", assignee=person)
        InvitationFactory(organization=organization, email=f"invitee@{organization.slug}.example.com")
        EndpointFactory(organization=organization, url=f"https://hooks.example.com/{organization.slug}")
        record(organization, AuditEvent.Action.SETTINGS_CHANGED, actor=person, summary=f"{name} event")


def test_an_owner_asks_and_the_export_is_built_in_the_background(
    client_as, owner, acme, django_capture_on_commit_callbacks, monkeypatch
):
    client = client_as(owner)
    assert "No exports yet." in client.get(_list(acme)).content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(_list(acme), follow=True)
    assert "Your export is being prepared" in response.content.decode()
    assert "Queued" in response.content.decode()  # the build waits for the request's commit
    assert Export.unscoped.get(organization=acme).status == "pending"
    for callback in callbacks:
        callback()
    export = Export.unscoped.get(organization=acme)
    assert (export.status, export.requested_by, export.requested_by_label) == ("ready", owner, "olivia")
    assert export.expires_at - export.finished_at == timedelta(hours=24)
    assert storages["exports"].exists(export.file_name)
    # A link holds the second it was signed in: the test's and the page's are signed in the same one.
    signed_at = signing.b62_encode(1_800_000_000)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda signer: signed_at)
    assert _link(export) in client.get(_list(acme)).content.decode()
    event = AuditEvent.unscoped.get(organization=acme, action=AuditEvent.Action.EXPORT_REQUESTED)
    assert (event.actor, event.summary) == (owner, f"export {export.pk}")


def test_the_archive_holds_only_its_organisations_rows_in_json_and_csv(two_tenants, acme, owner, stranger):
    export = ready_export(acme)
    with storages["exports"].open(export.file_name, "rb") as stored:
        files = _files(stored.read())
    assert set(files) == {"export.json", *(f"csv/{table}.csv" for table in archive.COLUMNS)}
    everything = "\n".join(files.values())
    assert "Globex" not in everything and "globex" not in everything
    assert "stan" not in everything and str(stranger) not in everything
    data = json.loads(files["export.json"])
    assert data["organization"][0]["slug"] == "acme"
    assert {(row["username"], row["email"], row["role"]) for row in data["members"]} == {
        ("olivia", "olivia@example.com", "owner"),
        ("mia", "mia@example.com", "member"),
    }
    assert [row["name"] for row in data["projects"]] == ["Acme project"]
    assert [(row["title"], row["assignee"]) for row in data["tasks"]] == [("Acme task", str(owner))]
    assert [row["email"] for row in data["invitations"]] == ["invitee@acme.example.com"]
    assert [row["url"] for row in data["webhook_endpoints"]] == ["https://hooks.example.com/acme"]
    assert "Acme event" in [row["summary"] for row in data["audit_log"]]
    assert data["subscription"][0]["plan"] == "pro"
    # The CSV files say the same.
    assert [row["name"] for row in _csv(files["csv/projects.csv"])] == ["Acme project"]
    assert {row["email"] for row in _csv(files["csv/members.csv"])} == {
        "olivia@example.com",
        "mia@example.com",
    }
    assert [row["title"] for row in _csv(files["csv/tasks.csv"])] == ["Acme task"]
    assert [row["url"] for row in _csv(files["csv/webhook_endpoints.csv"])] == [
        "https://hooks.example.com/acme"
    ]
    # No secrets: webhook signing secrets, invitation keys.
    with organization_context(acme):
        endpoint_secret = acme.webhook_endpoints.get().secret
        invitation_key = str(acme.invitations.get().key)
    assert endpoint_secret not in everything and invitation_key not in everything
    assert "secret" not in files["csv/webhook_endpoints.csv"]


def test_csv_cells_that_would_be_formulas_are_quoted(acme):
    ProjectFactory(organization=acme, name="=HYPERLINK(1)")
    export = ready_export(acme)
    with storages["exports"].open(export.file_name, "rb") as stored:
        files = _files(stored.read())
    assert [row["name"] for row in _csv(files["csv/projects.csv"])] == ["'=HYPERLINK(1)"]
    assert (
        json.loads(files["export.json"])["projects"][0]["name"] == "=HYPERLINK(1)"
    )  # JSON keeps it as it is


def test_the_link_downloads_once(client_as, owner, acme, django_capture_on_commit_callbacks):
    export = ready_export(acme)
    client = client_as(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_link(export))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'attachment; filename="acme-export-' in response["Content-Disposition"]
    assert (
        json.loads(_files(b"".join(response.streaming_content))["export.json"])["organization"][0]["slug"]
        == "acme"
    )
    export.refresh_from_db()
    assert export.downloaded_at is not None and export.file_name == ""  # the archive left the storage
    assert (
        AuditEvent.unscoped.filter(organization=acme, action=AuditEvent.Action.EXPORT_DOWNLOADED).count() == 1
    )
    again = client.get(_link(export))
    assert again.status_code == 410
    body = again.content.decode()
    assert "data-refusal" in body and "each export downloads once" in body
    assert "Downloaded" in client.get(_list(acme)).content.decode()


def test_an_expired_link_is_refused_with_the_reason(client_as, owner, acme):
    export = ready_export(acme)
    Export.unscoped.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client_as(owner).get(_link(export))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    export.refresh_from_db()
    assert export.downloaded_at is None
    assert "Expired" in client_as(owner).get(_list(acme)).content.decode()


def test_an_unfinished_export_is_refused_with_the_reason(client_as, owner, acme):
    export = ExportFactory(organization=acme)
    response = client_as(owner).get(_link(export))
    assert response.status_code == 410 and "not ready yet" in response.content.decode()


def test_a_tampered_link_is_404(client_as, owner, acme):
    export = ready_export(acme)
    token = services.download_token(export)
    client = client_as(owner)
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "nonsense", token.upper()):
        assert client.get(reverse("exports:download", args=["acme", bad])).status_code == 404
    export.refresh_from_db()
    assert export.downloaded_at is None


def test_another_organisations_link_is_404_in_ones_own(client_as, stranger, acme, globex):
    """Stan owns Globex: Acme's genuine link, opened under Globex's address, finds nothing."""
    export = ready_export(acme)
    url = reverse("exports:download", args=["globex", services.download_token(export)])
    assert client_as(stranger).get(url).status_code == 404
    export.refresh_from_db()
    assert export.downloaded_at is None


def test_admins_and_members_are_refused(client_as, acme, org_admin, member):
    export = ready_export(acme)
    for person in (org_admin, member):
        client = client_as(person)
        assert client.get(_list(acme)).status_code == 403
        assert client.post(_list(acme)).status_code == 403
        assert client.get(_link(export)).status_code == 403
    assert Export.unscoped.count() == 1


def test_one_export_at_a_time(client_as, owner, acme):
    ExportFactory(organization=acme)  # queued
    response = client_as(owner).post(_list(acme))
    assert response.status_code == 409
    assert "already being built" in response.content.decode()
    assert Export.unscoped.filter(organization=acme).count() == 1


def test_one_export_a_minute(client_as, owner, acme):
    made = ready_export(acme)  # just now
    response = client_as(owner).post(_list(acme))
    assert response.status_code == 409 and "less than a minute ago" in response.content.decode()
    Export.unscoped.filter(pk=made.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert client_as(owner).post(_list(acme)).status_code == 302


def test_a_stuck_export_does_not_block_the_next(client_as, owner, acme, django_capture_on_commit_callbacks):
    stuck = ExportFactory(organization=acme, status=Export.Status.BUILDING)
    Export.unscoped.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        client_as(owner).post(_list(acme))
    assert dict(Export.unscoped.values_list("pk", "status"))[stuck.pk] == "failed"
    assert Export.unscoped.filter(status="ready").count() == 1


def test_a_failed_build_says_so(client_as, owner, acme, monkeypatch):
    def broken(organization, target):
        raise OSError("disk full")

    monkeypatch.setattr(archive, "write", broken)
    export = ExportFactory(organization=acme)
    assert services.build(export.pk) is False
    export.refresh_from_db()
    assert (export.status, export.error, export.file_name) == ("failed", "disk full", "")
    page = client_as(owner).get(_list(acme)).content.decode()
    assert "Failed" in page and "disk full" in page
    assert services.build(export.pk) is False  # built once at most


def test_old_archives_are_purged(acme):
    used, expired, fresh = ready_export(acme), ready_export(acme), ready_export(acme)
    Export.unscoped.filter(pk=used.pk).update(downloaded_at=timezone.now())
    Export.unscoped.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert services.purge_files() == 2
    storage = storages["exports"]
    assert not storage.exists(used.file_name) and not storage.exists(expired.file_name)
    assert storage.exists(fresh.file_name)


def test_deleting_the_organisation_deletes_its_archives(globex, stranger, django_capture_on_commit_callbacks):
    export = ready_export(globex)
    with django_capture_on_commit_callbacks(execute=True):
        delete_organization(actor=stranger, actor_role=Role.OWNER, organization=globex)
    assert not Organization.objects.filter(pk=globex.pk).exists()
    assert not storages["exports"].exists(export.file_name)


def test_the_archive_names_former_members_as_the_audit_log_does(acme, owner):
    gone = MembershipFactory(organization=acme, user=UserFactory(username="gus"), role=Role.MEMBER).user
    record(acme, AuditEvent.Action.SETTINGS_CHANGED, actor=gone, summary="renamed")
    gone.delete()
    export = ready_export(acme)
    with storages["exports"].open(export.file_name, "rb") as stored:
        rows = _csv(_files(stored.read())["csv/audit_log.csv"])
    assert ("gus", "settings.changed") in {(row["actor"], row["action"]) for row in rows}
