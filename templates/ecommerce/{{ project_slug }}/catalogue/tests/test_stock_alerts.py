"""Stock alerts (catalogue/stock.py decides, catalogue/alerts.py sends): one low-stock email to staff per
crossing of a variant's threshold, re-armed when the stock is above it again; a back-in-stock email once to
each customer waiting for a sold-out variant. Both after commit only; the concurrent cases on PostgreSQL."""

import pytest
from django.core import mail
from django.db import transaction

from ...core.tests.concurrency import postgresql_only, run_at_once
from .. import alerts, stock
from ..models import BackInStockSubscription, Variant
from .factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db

STAFF = "stock@example.com"


@pytest.fixture(autouse=True)
def _staff(settings):
    settings.SHOP_STAFF_EMAILS = [STAFF]


def low_stock_emails() -> list:
    return [message for message in mail.outbox if message.subject.startswith("Low stock:")]


def back_in_stock_emails() -> list:
    return [message for message in mail.outbox if message.subject.startswith("Back in stock:")]


def buy(variant: Variant, quantity: int = 1) -> None:
    stock.allocate([(variant.pk, quantity)])


def test_one_alert_when_a_reservation_reaches_the_threshold(django_capture_on_commit_callbacks):
    variant = VariantFactory(in_stock=6, low_stock_threshold=3, sku="MUG-01")
    with django_capture_on_commit_callbacks(execute=True):
        buy(variant, 2)  # 4 left: above the threshold
    assert low_stock_emails() == []
    with django_capture_on_commit_callbacks(execute=True):
        buy(variant)  # 3 left: the threshold
    [email] = low_stock_emails()
    assert email.to == [STAFF]
    assert email.subject == f"Low stock: {variant} (MUG-01)"
    assert "3 left to sell (the alert is set at 3)" in email.body
    assert f"/admin/catalogue/variant/{variant.pk}/change/" in email.body
    with django_capture_on_commit_callbacks(execute=True):
        buy(variant)
        buy(variant, 2)  # sold out: still the same crossing
    assert len(low_stock_emails()) == 1


def test_no_threshold_no_alert(django_capture_on_commit_callbacks):
    variant = VariantFactory(in_stock=2)
    with django_capture_on_commit_callbacks(execute=True):
        buy(variant, 2)
    assert low_stock_emails() == []
    assert not Variant.objects.get(pk=variant.pk).low_stock_alerted


def test_the_alert_waits_for_the_commit_and_a_rollback_sends_none(django_capture_on_commit_callbacks):
    variant = VariantFactory(in_stock=3, low_stock_threshold=2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        buy(variant)
    assert low_stock_emails() == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(low_stock_emails()) == 1

    other = VariantFactory(in_stock=3, low_stock_threshold=2)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        buy(other)
        raise RuntimeError("the checkout failed after the reservation")
    assert len(low_stock_emails()) == 1
    assert not Variant.objects.get(pk=other.pk).low_stock_alerted


def test_the_alert_rearms_once_the_stock_is_above_the_threshold_again(django_capture_on_commit_callbacks):
    variant = VariantFactory(in_stock=5, low_stock_threshold=2)
    with django_capture_on_commit_callbacks(execute=True):
        buy(variant, 3)  # 2 left: alert
    with django_capture_on_commit_callbacks(execute=True):
        stock.release([(variant.pk, 1)])  # 3 left: above, re-armed
    assert len(low_stock_emails()) == 1
    assert not Variant.objects.get(pk=variant.pk).low_stock_alerted
    with django_capture_on_commit_callbacks(execute=True):
        buy(variant)  # 2 left again: a second alert
    assert len(low_stock_emails()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        stock.restock([(variant.pk, 1)])  # 3 left: re-armed by a delivery
        buy(variant)
    assert len(low_stock_emails()) == 3


def test_stock_back_at_the_threshold_does_not_rearm(django_capture_on_commit_callbacks):
    variant = VariantFactory(in_stock=4, low_stock_threshold=2)
    with django_capture_on_commit_callbacks(execute=True):
        buy(variant, 3)  # 1 left: alert
        stock.release([(variant.pk, 1)])  # 2 left: still at the threshold
        buy(variant)
    assert len(low_stock_emails()) == 1
    assert Variant.objects.get(pk=variant.pk).low_stock_alerted


def test_without_staff_emails_the_alert_goes_to_active_staff_users(
    settings, django_capture_on_commit_callbacks
):
    settings.SHOP_STAFF_EMAILS = []
    UserFactory(username="boss", email="boss@example.com", is_staff=True)
    UserFactory(username="gone", email="gone@example.com", is_staff=True, is_active=False)
    UserFactory(username="customer", email="customer@example.com")
    assert alerts.staff_recipients() == ["boss@example.com"]
    variant = VariantFactory(in_stock=1, low_stock_threshold=0)
    with django_capture_on_commit_callbacks(execute=True):
        buy(variant)
    [email] = low_stock_emails()
    assert email.to == ["boss@example.com"]


def test_an_alert_for_stock_that_came_back_before_it_was_sent_is_dropped(django_capture_on_commit_callbacks):
    variant = VariantFactory(in_stock=3, low_stock_threshold=1)
    with django_capture_on_commit_callbacks(execute=True):
        buy(variant, 2)  # 1 left: alert due…
        stock.restock([(variant.pk, 5)])  # …but the stock is back before the email goes
    assert low_stock_emails() == []


def test_the_alert_is_sent_only_while_the_flag_is_set():
    variant = VariantFactory(in_stock=1, low_stock_threshold=0)
    Variant.objects.filter(pk=variant.pk).update(low_stock_alerted=False)
    assert alerts.send_low_stock_alert(variant.pk) is False
    Variant.objects.filter(pk=variant.pk).update(low_stock_alerted=True)
    assert alerts.send_low_stock_alert(variant.pk) is True


def test_saving_a_variant_never_writes_back_a_stale_alert_flag():
    variant = VariantFactory(in_stock=5, low_stock_threshold=1)
    stale = Variant.objects.get(pk=variant.pk)
    Variant.objects.filter(pk=variant.pk).update(low_stock_alerted=True)  # a checkout crossed meanwhile
    stale.name = "Renamed"
    stale.save()
    assert Variant.objects.get(pk=variant.pk).low_stock_alerted


def sold_out_with_subscribers(*emails: str) -> Variant:
    variant = VariantFactory(in_stock=0)
    for email in emails:
        alerts.subscribe(variant.pk, email)
    return variant


def test_waiting_customers_are_emailed_once_when_the_variant_is_back(django_capture_on_commit_callbacks):
    variant = sold_out_with_subscribers("ada@example.com", "Bob@Example.com")
    with django_capture_on_commit_callbacks(execute=True):
        stock.restock([(variant.pk, 3)])
    emails = back_in_stock_emails()
    assert sorted(email.to[0] for email in emails) == ["ada@example.com", "bob@example.com"]
    assert all(variant.product.get_absolute_url() in email.body for email in emails)
    assert all("/back-in-stock/unsubscribe/" in email.body for email in emails)
    assert not BackInStockSubscription.objects.filter(notified_at=None).exists()
    with django_capture_on_commit_callbacks(execute=True):
        stock.restock([(variant.pk, 2)])
        buy(variant, 5)
        stock.release([(variant.pk, 5)])
    assert len(back_in_stock_emails()) == 2  # once only


def test_a_cancelled_order_that_frees_the_last_unit_tells_the_waiting_customers(
    django_capture_on_commit_callbacks,
):
    variant = VariantFactory(in_stock=1)
    buy(variant)  # sold out
    alerts.subscribe(variant.pk, "ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        stock.release([(variant.pk, 1)])
    assert [email.to for email in back_in_stock_emails()] == [["ada@example.com"]]


def test_a_variant_sold_out_again_before_the_email_keeps_its_customers_waiting(
    django_capture_on_commit_callbacks,
):
    variant = sold_out_with_subscribers("ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        stock.restock([(variant.pk, 1)])
        buy(variant)  # gone again before the transaction's emails go out
    assert back_in_stock_emails() == []
    assert BackInStockSubscription.objects.get().notified_at is None


def test_stock_that_cannot_be_sold_tells_nobody(django_capture_on_commit_callbacks):
    variant = sold_out_with_subscribers("ada@example.com")
    Variant.objects.filter(pk=variant.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        stock.restock([(variant.pk, 3)])
    assert back_in_stock_emails() == []
    assert alerts.notify_back_in_stock(variant.pk) == 0
    assert BackInStockSubscription.objects.get().notified_at is None


def test_subscribing_again_after_the_email_waits_for_the_next_restock(django_capture_on_commit_callbacks):
    variant = sold_out_with_subscribers("ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        stock.restock([(variant.pk, 1)])
    buy(variant)  # sold out again
    again = alerts.subscribe(variant.pk, "ada@example.com")
    assert (again.created, again.message) == (
        False,
        f"We will email ada@example.com again when {variant} is back in stock.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        stock.restock([(variant.pk, 1)])
    assert len(back_in_stock_emails()) == 2


def test_an_email_that_fails_leaves_the_customer_waiting(monkeypatch):
    variant = sold_out_with_subscribers("ada@example.com")
    Variant.objects.filter(pk=variant.pk).update(in_stock=2)

    def unreachable(**kwargs):
        raise OSError("mail server unreachable")

    monkeypatch.setattr(alerts, "send_mail", unreachable)
    with pytest.raises(OSError):
        alerts.notify_back_in_stock(variant.pk)
    assert BackInStockSubscription.objects.get().notified_at is None
    monkeypatch.undo()
    assert alerts.notify_back_in_stock(variant.pk) == 1


def test_the_unsubscribe_link_removes_the_address_and_a_changed_one_is_refused():
    variant = sold_out_with_subscribers("ada@example.com")
    subscription = BackInStockSubscription.objects.get()
    token = alerts.token_for(subscription)
    for changed in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" + token, "nonsense", ""):
        with pytest.raises(alerts.LinkRefused):
            alerts.unsubscribe(changed)
    assert alerts.unsubscribe(token) == subscription
    assert not BackInStockSubscription.objects.exists()
    assert alerts.unsubscribe(token) is None  # used twice: nothing left to remove
    # A link stays tied to its address: a new subscription with the old id would not be removed by it.
    BackInStockSubscription.objects.create(pk=subscription.pk, variant=variant, email="bob@example.com")
    assert alerts.unsubscribe(token) is None
    assert BackInStockSubscription.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_purchases_crossing_the_threshold_send_one_alert():
    variant = VariantFactory(in_stock=8, low_stock_threshold=4)
    outcomes = run_at_once(lambda: buy(variant), 8)
    assert outcomes == [None] * 8
    variant.refresh_from_db()
    assert (variant.allocated, variant.low_stock_alerted) == (8, True)
    assert len(low_stock_emails()) == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_restocks_email_each_waiting_customer_once():
    variant = sold_out_with_subscribers("ada@example.com", "bob@example.com", "cy@example.com")
    outcomes = run_at_once(lambda: stock.restock([(variant.pk, 1)]), 6)
    assert outcomes == [None] * 6
    assert sorted(email.to[0] for email in back_in_stock_emails()) == [
        "ada@example.com",
        "bob@example.com",
        "cy@example.com",
    ]
    # Two runs of the notice at the same moment (two workers, a retry): still one email each.
    alerts.subscribe(VariantFactory(in_stock=0).pk, "dee@example.com")
    waiting = BackInStockSubscription.objects.get(email="dee@example.com").variant_id
    Variant.objects.filter(pk=waiting).update(in_stock=5)
    sent = run_at_once(lambda: alerts.notify_back_in_stock(waiting), 4)
    assert sorted(sent) == [0, 0, 0, 1]
    assert len(back_in_stock_emails()) == 4
