import pytest
from django.contrib.auth import get_user_model
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
    assert not get_user_model().objects.get(username="demo").has_usable_password()


def test_load_demo_data_with_a_password():
    call_command("load_demo_data", password="a-demo-password-9")
    assert get_user_model().objects.get(username="linus").check_password("a-demo-password-9")
