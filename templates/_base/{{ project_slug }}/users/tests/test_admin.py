import pytest
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:users_user_changelist")


def test_changelist_loads_for_a_superuser(admin_client):
    UserFactory.create_batch(3)
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200


def test_changelist_is_refused_to_ordinary_users(client):
    client.force_login(UserFactory())
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_search_finds_users_by_username_email_and_name(admin_client):
    UserFactory(username="ada", email="ada@example.com", name="Ada Lovelace")
    UserFactory(username="grace", email="grace@example.com", name="Grace Hopper")
    for query in ("ada", "ada@example.com", "Lovelace"):
        response = admin_client.get(CHANGELIST, {"q": query})
        usernames = [user.username for user in response.context["cl"].result_list]
        assert usernames == ["ada"], query


def test_add_and_change_pages_load(admin_client):
    user = UserFactory()
    assert admin_client.get(reverse("admin:users_user_add")).status_code == 200
    assert admin_client.get(reverse("admin:users_user_change", args=[user.pk])).status_code == 200


def test_deactivate_action_spares_the_acting_admin(admin_client, admin_user):
    users = UserFactory.create_batch(2)
    selected = [str(user.pk) for user in users] + [str(admin_user.pk)]
    response = admin_client.post(CHANGELIST, {"action": "deactivate", "_selected_action": selected})
    assert response.status_code == 302
    for user in users:
        user.refresh_from_db()
        assert not user.is_active
    admin_user.refresh_from_db()
    assert admin_user.is_active
