import pytest
from django.contrib.auth.models import Permission

from ...users.tests.factories import UserFactory


@pytest.fixture
def support_staff(db):
    """A staff member holding the impersonation permission."""
    staff = UserFactory(username="sam", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="impersonate_user"))
    return staff
