"""Identical requests sent at the same moment, on a real PostgreSQL database: one effect, no 5xx.

Each thread has its own connection (Django opens one per thread). Skipped on SQLite, which serialises
writers anyway: run it with ``DATABASE_URL=postgres://…`` (the CI workflow does).
"""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.http import HttpResponseRedirect
from django.test import Client
from django.urls import path

ATTEMPTS = 6


def create_user(request):
    time.sleep(0.2)  # the others arrive while this one runs
    user = get_user_model().objects.create_user(f"user{get_user_model().objects.count()}")
    return HttpResponseRedirect(f"/users/{user.pk}/")


urlpatterns = [path("create/", create_user)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions")
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls(__name__)
def test_the_same_form_sent_six_times_at_once_takes_effect_once():
    start = threading.Barrier(ATTEMPTS, timeout=30)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            start.wait()
            response = Client().post("/create/", {"csrfmiddlewaretoken": "one-page", "name": "x"})
            answer = (response.status_code, response.get("Location", ""))
        finally:
            connections.close_all()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert get_user_model().objects.count() == 1
    user = get_user_model().objects.get()
    assert answers == [(302, f"/users/{user.pk}/")] * ATTEMPTS
