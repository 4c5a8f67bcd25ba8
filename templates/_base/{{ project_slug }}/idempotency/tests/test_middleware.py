"""A form sent twice from one page, or an API call retried with one Idempotency-Key, takes effect once."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from ...core import in_place
from .. import middleware
from ..models import Submission
from . import urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls(urls.__name__)]

FORM = {"csrfmiddlewaretoken": "page-one-token", "title": "Hello"}


@pytest.fixture(autouse=True)
def _calls():
    urls.calls.clear()
    yield
    urls.calls.clear()


def test_a_form_sent_twice_from_one_page_runs_once_and_replays_its_redirect(client):
    first = client.post("/create/", FORM)
    second = client.post("/create/", FORM)
    assert urls.calls == ["Hello"]
    assert (first.status_code, first["Location"]) == (302, "/done/1/")
    assert (second.status_code, second["Location"]) == (302, "/done/1/")
    assert "already been sent" in str(next(iter(get_messages(second.wsgi_request))))


def test_an_in_place_form_sent_twice_by_htmx_runs_once_and_replays_its_fragment(client):
    first = client.post("/like/", FORM, headers={"HX-Request": "true"})
    second = client.post("/like/", FORM, headers={"HX-Request": "true"})
    assert urls.calls == ["liked"]
    assert first.status_code == second.status_code == 200
    assert b"1 like" in first.content
    assert first.content.endswith(in_place.CLEAR_REFUSAL)  # a success empties the refusal region
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"


def test_an_in_place_form_without_javascript_is_a_redirect_with_its_message(client):
    response = client.post("/like/", FORM)
    assert (response.status_code, response["Location"]) == (302, "/done/")
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["Liked."]
    assert in_place.CLEAR_REFUSAL not in response.content
    assert client.post("/like/", FORM)["Location"] == "/done/"
    assert urls.calls == ["liked"]


def test_another_rendering_of_the_page_or_other_fields_run_again(client):
    client.post("/create/", FORM)
    client.post("/create/", {**FORM, "csrfmiddlewaretoken": "page-two-token"})
    client.post("/create/", {**FORM, "title": "Other"})
    assert urls.calls == ["Hello", "Hello", "Other"]


def test_a_repeat_is_one_even_when_the_first_ended_the_session(client, django_user_model):
    """A "log out" button clicked twice: the second copy arrives signed out, and is still the same form.
    (Another person cannot hold the page's token: signing in gives the browser a new CSRF secret.)"""
    client.force_login(django_user_model.objects.create_user("ana", password="x"))
    client.post("/create/", FORM)
    client.logout()
    assert client.post("/create/", FORM)["Location"] == "/done/1/"
    assert urls.calls == ["Hello"]


def test_a_repeat_of_a_sign_in_leaves_the_new_session_cookie_alone(client, django_user_model, settings):
    """A double click on "Sign in": both copies carry the anonymous session, which the first replaces. The
    repeat, answered last, must not tell the browser to delete the session cookie (signing the person out)."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{urls.__name__}.reads_user"]
    django_user_model.objects.create_user("ana", password="x")
    session = client.session
    session["seen"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    repeat = Client()
    repeat.cookies[settings.SESSION_COOKIE_NAME] = session.session_key  # the same browser, the same cookie
    form = {**FORM, "title": "ana"}
    first = client.post("/sign-in/", form)
    new_session = first.cookies[settings.SESSION_COOKIE_NAME]
    assert new_session.value not in ("", session.session_key)
    second = repeat.post("/sign-in/", form)
    assert (second.status_code, second["Location"]) == (302, "/done/")
    assert settings.SESSION_COOKIE_NAME not in second.cookies  # neither deleted nor replaced
    assert urls.calls == ["signed in"]


def test_a_form_shown_again_with_errors_releases_its_key(client):
    client.post("/invalid/", FORM)
    client.post("/invalid/", FORM)
    assert urls.calls == ["invalid", "invalid"]
    assert not Submission.objects.exists()


def test_a_post_without_a_csrf_token_field_is_left_alone(client):
    client.post("/create/", {"title": "Hello"})
    client.post("/create/", {"title": "Hello"})
    assert urls.calls == ["Hello", "Hello"]


def test_a_repeat_while_the_first_still_runs_waits_then_is_told_to_retry(client, monkeypatch):
    # It polls a few times (not the 10 s of a real wait) before it gives up.
    monkeypatch.setattr(middleware, "WAIT_SECONDS", 0.02)
    monkeypatch.setattr(middleware, "POLL_SECONDS", 0.005)
    Submission.objects.create(key=_form_key(client), fingerprint="", expires=timezone.now())
    response = client.post("/create/", FORM)
    assert response.status_code == 409
    assert b"still being processed" in response.content
    assert urls.calls == []


def test_a_form_answer_is_replayed_for_minutes_an_api_answer_for_a_day(client):
    client.post("/create/", FORM)
    Client(headers={"Idempotency-Key": "k"}).post("/api/create/", {}, content_type="application/json")
    form, api = Submission.objects.order_by("created")
    assert form.expires - form.created < timedelta(minutes=11)
    assert api.expires - api.created > timedelta(hours=23)
    Submission.objects.filter(pk=form.pk).update(expires=timezone.now() - timedelta(seconds=1))
    client.post("/create/", FORM)
    assert len(urls.calls) == 3  # the expired form ran again


def test_a_claim_left_by_a_dead_request_is_taken_over(client):
    key = _form_key(client)
    Submission.objects.create(key=key, fingerprint="", expires=timezone.now())
    Submission.objects.filter(key=key).update(created=timezone.now() - middleware.ABANDONED_AFTER * 2)
    assert client.post("/create/", FORM).status_code == 302
    assert urls.calls == ["Hello"]


def test_an_api_call_retried_with_its_key_gets_the_first_answer():
    api = Client(headers={"Authorization": "Token abc", "Idempotency-Key": "order-42"})
    first = api.post("/api/create/", {"title": "x"}, content_type="application/json")
    again = api.post("/api/create/", {"title": "x"}, content_type="application/json")
    assert len(urls.calls) == 1
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"


def test_an_api_key_reused_for_another_request_is_refused():
    api = Client(headers={"Authorization": "Token abc", "Idempotency-Key": "order-42"})
    api.post("/api/create/", {"title": "x"}, content_type="application/json")
    response = api.post("/api/create/", {"title": "y"}, content_type="application/json")
    assert response.status_code == 422
    assert "different request" in response.json()["detail"]


def test_api_keys_belong_to_their_credentials_and_refusals_are_not_kept():
    for token in ("Token abc", "Token def"):
        Client(headers={"Authorization": token, "Idempotency-Key": "k"}).post(
            "/api/create/", {}, content_type="application/json"
        )
    assert len(urls.calls) == 2
    refused = Client(headers={"Authorization": "Token abc", "Idempotency-Key": "r"})
    refused.post("/api/refused/", {}, content_type="application/json")
    refused.post("/api/refused/", {}, content_type="application/json")
    assert urls.calls[2:] == ["refused", "refused"]


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_a_malformed_idempotency_key_is_a_400(key):
    api = Client(headers={"Idempotency-Key": key})
    response = api.post("/api/create/", {}, content_type="application/json")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert urls.calls == []


def test_without_a_key_api_calls_run_every_time():
    for _ in range(2):
        Client().post("/api/create/", {}, content_type="application/json")
    assert len(urls.calls) == 2


def test_purge_deletes_expired_keys_only(client):
    from django.core.management import call_command

    now = timezone.now()
    Submission.objects.create(key="old", fingerprint="", status_code=302, expires=now - timedelta(seconds=1))
    Submission.objects.create(key="new", fingerprint="", status_code=302, expires=now + timedelta(minutes=1))
    call_command("purge_idempotency_keys")
    assert list(Submission.objects.values_list("key", flat=True)) == ["new"]


def _form_key(client) -> str:
    """The key the middleware gives FORM from an anonymous visitor (found by sending it once)."""
    client.post("/create/", FORM)
    key = Submission.objects.get().key
    Submission.objects.all().delete()
    urls.calls.clear()
    return key


def test_a_body_that_cannot_be_read_is_left_to_the_view(client):
    """A multipart request without a boundary: Django's own 400, not a server error in the middleware."""
    response = client.post("/create/", b"x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert not Submission.objects.exists()
