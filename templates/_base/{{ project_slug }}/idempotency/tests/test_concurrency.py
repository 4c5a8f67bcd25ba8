"""Identical requests sent at the same moment, on a real PostgreSQL database: one effect, no 5xx.

Each thread has its own connection (see ``core.tests.concurrency``). Skipped on SQLite, which serialises
writers anyway: run it with ``DATABASE_URL=postgres://…`` (the CI workflow does).
"""

import time

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.test import Client
from django.urls import path

from ...core.tests.concurrency import postgresql_only, run_at_once

ATTEMPTS = 6


def create_user(request):
    time.sleep(0.2)  # the others arrive while this one runs
    user = get_user_model().objects.create_user(f"user{get_user_model().objects.count()}")
    return HttpResponseRedirect(f"/users/{user.pk}/")


urlpatterns = [path("create/", create_user)]


def send() -> tuple[int, str]:
    response = Client().post("/create/", {"csrfmiddlewaretoken": "one-page", "name": "x"})
    return response.status_code, response.get("Location", "")


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls(__name__)
def test_the_same_form_sent_six_times_at_once_takes_effect_once():
    answers = run_at_once(send, ATTEMPTS)
    assert get_user_model().objects.count() == 1
    user = get_user_model().objects.get()
    assert answers == [(302, f"/users/{user.pk}/")] * ATTEMPTS
