"""Notification preferences (in the app, by email, per kind) and the one-click unsubscribe of RFC 8058."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ...graph.services import follow
from ...posts.services import create_post, like
from ...posts.tests.factories import PostFactory, UserFactory
from .. import preferences
from ..emails import send_digests, send_notification_email
from ..models import Notification, NotificationPreference
from ..services import notify, unread_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    return UserFactory(username="ana", name="Ana", email="ana@example.com")


@pytest.fixture
def ben():
    return UserFactory(username="ben", name="Ben", email="ben@example.com")


def unsubscribe_link(user, kind: str = "mention") -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": preferences.unsubscribe_token(user, kind)})


def emailed(mailoutbox) -> list[str]:
    return sorted(message.subject.split(": ", 1)[1] for message in mailoutbox)


def test_defaults_and_one_row_per_changed_kind(ana):
    choices = {choice.kind: (choice.in_app, choice.email) for choice in preferences.choices_of(ana)}
    assert choices == {
        "follow": (True, False),
        "follow_request": (True, True),
        "like": (True, False),
        "boost": (True, False),
        "reply": (True, False),
        "mention": (True, True),
        "report": (True, True),
        "digest": (True, True),
    }
    assert not NotificationPreference.objects.exists()  # defaults are not stored
    preferences.save(ana, {"like": {"email": True}})
    preferences.save(ana, {"like": {"in_app": False}})
    rows = NotificationPreference.objects.values_list("kind", "in_app", "email")
    assert list(rows) == [("like", False, True)]
    preferences.save(ana, {"like": {"in_app": True, "email": False}})
    assert not NotificationPreference.objects.exists()  # the default again: no row
    with pytest.raises(ValueError, match="Unknown notification kind"):
        preferences.save(ana, {"poke": {"email": True}})


def test_a_kind_turned_off_in_the_app_is_not_shown_nor_counted(client, ana, ben):
    post = PostFactory(author=ana)
    preferences.save(ana, {"like": {"in_app": False}})
    like(ben, post)
    assert not Notification.objects.exists()  # neither in the app nor by email: nothing is stored
    follow(ben, ana)
    assert unread_count(ana) == 1
    preferences.save(ana, {"follow": {"in_app": False, "email": True}})
    assert unread_count(ana) == 0  # also those made before the choice
    client.force_login(ana)
    assert list(client.get(reverse("notifications:list")).context["notifications"]) == []
    preferences.save(ana, {"follow": {"in_app": True}})
    assert unread_count(ana) == 1


def test_a_kind_kept_for_email_only_is_emailed_but_not_shown(
    ana, ben, mailoutbox, django_capture_on_commit_callbacks
):
    preferences.save(ana, {"like": {"in_app": False, "email": True}})
    with django_capture_on_commit_callbacks(execute=True):
        like(ben, PostFactory(author=ana))
    assert emailed(mailoutbox) == ["Ben liked your post"]
    assert unread_count(ana) == 0


def test_emails_follow_the_email_choice(ana, ben, mailoutbox, django_capture_on_commit_callbacks):
    preferences.save(ana, {"mention": {"email": False}, "follow": {"email": True}})
    with django_capture_on_commit_callbacks(execute=True):
        create_post(ben, body="Hello @ana")
        follow(ben, ana)
    assert emailed(mailoutbox) == ["Ben followed you"]
    assert unread_count(ana) == 2  # still in the app


def test_an_email_queued_before_unsubscribing_is_not_sent(ana, ben, mailoutbox):
    notify(ana, Notification.Kind.MENTION, ben, PostFactory(author=ben))
    preferences.unsubscribe(ana, "mention")
    assert send_notification_email(Notification.objects.get().pk) is False
    assert mailoutbox == []


def test_the_digest_follows_its_choice_and_the_in_app_ones(ana, ben, mailoutbox):
    cleo = UserFactory(email="cleo@example.com", name="Cleo")
    for person in (ana, cleo):
        person.last_login = timezone.now() - timedelta(days=3)
        person.save()
        like(ben, PostFactory(author=person))
        follow(ben, person)
    preferences.save(ana, {"digest": {"email": False}})
    preferences.save(cleo, {"like": {"in_app": False, "email": True}})
    assert send_digests() == 1
    (digest,) = mailoutbox
    assert digest.to == ["cleo@example.com"]
    assert "Ben followed you" in digest.body
    assert "liked" not in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def _unsubscribe_url(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<https://") and header.endswith(">")
    return header[1:-1]


def test_every_notification_email_carries_one_click_unsubscribe_headers(
    ana, ben, mailoutbox, django_capture_on_commit_callbacks
):
    ana.profile.is_private = True
    ana.profile.save()
    ana.last_login = timezone.now() - timedelta(days=3)
    ana.save()
    with django_capture_on_commit_callbacks(execute=True):
        create_post(ben, body="Hello @ana")
        follow(ben, ana)
    send_digests()
    assert len(mailoutbox) == 3
    for message in mailoutbox:
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = _unsubscribe_url(message)
        assert url in message.body  # the link is in the text too
        assert "/notifications/unsubscribe/" in url
    kinds = {preferences.read_token(_unsubscribe_url(m).rstrip("/").rsplit("/", 1)[1]) for m in mailoutbox}
    assert kinds == {(ana.pk, "mention"), (ana.pk, "follow_request"), (ana.pk, "digest")}


def test_one_click_unsubscribe_works_without_a_session_or_csrf_token(ana, ben, mailoutbox):
    notify(ana, Notification.Kind.MENTION, ben, PostFactory(author=ben))
    send_notification_email(Notification.objects.get().pk)
    url = _unsubscribe_url(mailoutbox[0])
    client = Client(enforce_csrf_checks=True)  # a mail client: no cookie, no token
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "no more emails" in response.content.decode()
    assert not preferences.wants(ana, "mention", "email")
    assert preferences.wants(ana, "mention", "in_app")  # only the email stops
    assert preferences.wants(ana, "follow_request", "email")  # only that kind
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200  # safe to repeat


def test_get_only_asks(client, ana):
    url = unsubscribe_link(ana)
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="List-Unsubscribe" value="One-Click"' in response.content.decode()
    assert preferences.wants(ana, "mention", "email")  # a mail scanner fetching the link changes nothing


def test_a_post_without_the_one_click_body_is_refused(client, ana):
    url = unsubscribe_link(ana)
    response = client.post(url, {})
    assert response.status_code == 400
    assert "data-refusal" in response.content.decode()
    assert preferences.wants(ana, "mention", "email")


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda user: preferences.unsubscribe_token(user, "mention")[:-2] + "xx", id="tampered"),
        pytest.param(lambda user: preferences.unsubscribe_token(user, "mention")[:20], id="cut-short"),
        pytest.param(
            lambda user: signing.dumps({"user": user.pk, "kind": "mention"}, salt="another.purpose"),
            id="other-salt",
        ),
        pytest.param(
            lambda user: signing.dumps({"user": user.pk, "kind": "poke"}, salt=preferences.UNSUBSCRIBE_SALT),
            id="unknown-kind",
        ),
        pytest.param(lambda user: "not-a-token", id="garbage"),
    ],
)
def test_a_tampered_token_is_refused(make_token, ana):
    url = reverse("notifications:unsubscribe", kwargs={"token": make_token(ana)})
    client = Client(enforce_csrf_checks=True)
    for response in (client.get(url), client.post(url, {"List-Unsubscribe": "One-Click"})):
        assert response.status_code == 400
        assert "data-refusal" in response.content.decode()
    assert preferences.wants(ana, "mention", "email")


def test_another_persons_id_cannot_be_swapped_in(ana, ben):
    signature = preferences.unsubscribe_token(ana, "mention").rsplit(":", 1)[1]
    forged = signing.dumps({"user": ben.pk, "kind": "mention"}, salt=preferences.UNSUBSCRIBE_SALT)
    mixed = forged.rsplit(":", 1)[0] + ":" + signature
    with pytest.raises(preferences.BadToken):
        preferences.read_token(mixed)


def test_the_link_of_a_deleted_account_is_404(client, ana):
    url = unsubscribe_link(ana)
    ana.delete()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 404
    assert "data-refusal" in response.content.decode()


def test_the_settings_page_saves_every_choice(client, ana):
    client.force_login(ana)
    url = reverse("notifications:preferences")
    page = client.get(url).content.decode()
    assert 'name="mention-email"' in page and 'name="digest-email"' in page
    assert 'name="digest-in_app"' not in page  # the digest is an email only
    ticked = {"follow-in_app": "on", "like-in_app": "on", "like-email": "on", "mention-in_app": "on"}
    response = client.post(url, ticked)
    assert response.status_code == 302
    choices = {choice.kind: (choice.in_app, choice.email) for choice in preferences.choices_of(ana)}
    assert choices == {
        "follow": (True, False),
        "follow_request": (False, False),
        "like": (True, True),
        "boost": (False, False),
        "reply": (False, False),
        "mention": (True, False),
        "report": (False, False),
        "digest": (True, False),
    }


def test_the_settings_page_needs_a_login(client):
    assert client.get(reverse("notifications:preferences")).status_code == 302
