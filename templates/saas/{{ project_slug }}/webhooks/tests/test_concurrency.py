"""Attempts at the same moment, on a real PostgreSQL database (skipped on SQLite): the conditional updates
decide, so an endpoint is disabled (and its owners emailed) once, and a delivery is sent once."""

import pytest
from django.core import mail

from ...core.tests.concurrency import postgresql_only, run_at_once
from ...organizations.context import organization_context
from ...organizations.tests.factories import DeliveryFactory, EndpointFactory
from .. import services
from ..models import Delivery, Endpoint


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_failures_at_once_disable_the_endpoint_once(acme, owner, sent, settings):
    settings.WEBHOOKS_DISABLE_AFTER = 3
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    sent.answers = [500]
    endpoint = EndpointFactory(organization=acme, consecutive_failures=1)
    deliveries = iter([DeliveryFactory(endpoint=endpoint).pk for _ in range(4)])

    def fail() -> int | None:
        with organization_context(acme):
            return services.attempt_delivery(next(deliveries))

    run_at_once(fail, 4)
    endpoint.refresh_from_db()
    # Each attempt that found the endpoint still active sent and counted a failure (at least the two that
    # reach the limit); one that started after the endpoint was disabled gave its delivery up unsent.
    assert len(sent.requests) >= 2
    assert not endpoint.is_active and endpoint.consecutive_failures == 1 + len(sent.requests)
    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert Endpoint.unscoped.filter(is_active=False).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_delivery_attempted_by_two_workers_at_once_is_sent_once(acme, sent):
    delivery = DeliveryFactory(endpoint=EndpointFactory(organization=acme))

    def attempt() -> int | None:
        with organization_context(acme):
            return services.attempt_delivery(delivery.pk)

    run_at_once(attempt, 3)
    assert len(sent.requests) == 1
    delivery = Delivery.unscoped.get(pk=delivery.pk)
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
