import pytest
from django.urls import reverse

from ..models import Membership
from .factories import InvitationFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "organizations_organization",
        "organizations_membership",
        "projects_project",
        "projects_task",
        "invitations_invitation",
        "apikeys_apikey",
        "audit_auditevent",
        "billing_subscription",
        "billing_webhookevent",
    ],
)
def test_changelists_render_across_organisations(admin_client, acme, globex, owner, model):
    TaskFactory(project=ProjectFactory(organization=acme))
    TaskFactory(project=ProjectFactory(organization=globex))
    InvitationFactory(organization=acme)
    response = admin_client.get(reverse(f"admin:{model}_changelist"), {"q": "a"})
    assert response.status_code == 200


def test_project_change_page_and_save(admin_client, acme):
    project = ProjectFactory(organization=acme, name="Old")
    TaskFactory(project=project)
    url = reverse("admin:projects_project_change", args=[project.pk])
    assert admin_client.get(url).status_code == 200
    assert (
        admin_client.get(
            reverse("admin:projects_task_change", args=[project.tasks.model.unscoped.get().pk])
        ).status_code
        == 200
    )


def test_admin_cannot_delete_or_demote_the_last_owner(admin_client, acme, owner):
    membership = Membership.objects.get(user=owner)
    delete = admin_client.post(
        reverse("admin:organizations_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    change = admin_client.post(
        reverse("admin:organizations_membership_change", args=[membership.pk]),
        {"organization": acme.pk, "user": owner.pk, "role": "member"},
    )
    assert change.status_code == 200
    assert "last owner" in change.content.decode()
    membership.refresh_from_db()
    assert membership.role == "owner"
