import pytest
from django.core.management import call_command

from ...apikeys.models import ApiKey
from ...invitations.models import Invitation
from ...projects.models import Project
from ..models import Membership, Organization

pytestmark = pytest.mark.django_db


def test_load_demo_data_is_idempotent(capsys):
    call_command("load_demo_data")
    call_command("load_demo_data")
    assert Organization.objects.count() == 2
    assert set(Membership.objects.values_list("role", flat=True)) == {"owner", "admin", "member"}
    assert Project.unscoped.count() == 3
    assert Invitation.unscoped.pending().count() == 1
    assert ApiKey.unscoped.count() == 1
    assert capsys.readouterr().out.count("shown once") == 1
