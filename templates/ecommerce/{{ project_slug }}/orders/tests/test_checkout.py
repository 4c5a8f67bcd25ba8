"""Placing orders: snapshots, stock allocation, idempotency, stale prices; bad input changes nothing."""

import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError

from ...cart.models import Cart, CartLine
from ...cart.services import add, summarize
from .. import checkout
from ..checkout import CartSpent, CheckoutError, PricesChanged, SoldOut, place_order
from ..models import Order, OrderLine
from ..quote import quote_of
from .conftest import ADDRESS, confirmed
from .factories import ShippingMethodFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def stock_of(variant) -> tuple[int, int]:
    variant.refresh_from_db()
    return variant.in_stock, variant.allocated


def test_placing_an_order_snapshots_allocates_and_empties_the_cart(
    filled_cart, variant, place, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert (order.subtotal, order.shipping_price, order.total) == (
        Decimal("25.00"),
        Decimal("4.90"),
        Decimal("29.90"),
    )
    assert order.city == "London" and order.shipping_method == "Standard" and order.currency == "EUR"
    line = order.lines.get()
    assert (line.product_name, line.sku, line.unit_price, line.quantity, line.line_total) == (
        "Linen shirt (Size M)",
        variant.sku,
        Decimal("12.50"),
        2,
        Decimal("25.00"),
    )
    assert stock_of(variant) == (5, 2)
    assert not filled_cart.lines.exists()
    assert len(mail.outbox) == 1
    assert "Your order" in mail.outbox[0].subject
    assert "transfer €29.90" in mail.outbox[0].body


def test_the_order_keeps_the_tax_of_its_day(filled_cart, place, settings, client, customer):
    settings.SHOP_TAX_RATE = "20"  # prices include 20 % VAT: the total stays, the order shows the tax
    order = place()
    assert (order.total, order.tax, order.tax_rate, order.tax_included) == (
        Decimal("29.90"),
        Decimal("4.98"),
        Decimal("20"),
        True,
    )
    settings.SHOP_TAX_RATE = "0"  # a later change of the rate leaves past orders as they were
    client.force_login(customer)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "VAT 20 % (included)" in page and "€4.98" in page


def test_added_tax_raises_the_total_the_customer_confirms(filled_cart, place, settings):
    settings.SHOP_TAX_RATE = "10"
    settings.SHOP_PRICES_INCLUDE_TAX = False
    with pytest.raises(PricesChanged):
        place()  # confirmed 29.90, but 29.90 + 2.99 tax is due
    order = place(expected_total=Decimal("32.89"))
    assert (order.tax, order.total, order.tax_included) == (Decimal("2.99"), Decimal("32.89"), False)


def test_later_catalogue_edits_never_change_a_placed_order(filled_cart, variant, place):
    order = place()
    variant.price = Decimal("99.00")
    variant.product.name = "Renamed"
    variant.product.save()
    variant.save()
    line = OrderLine.objects.get(order=order)
    assert (line.product_name, line.unit_price) == ("Linen shirt (Size M)", Decimal("12.50"))


def test_the_same_checkout_token_gives_the_same_single_order(filled_cart, variant, place):
    token = uuid.uuid4()
    first = place(token=token)
    add(filled_cart, variant, 1)  # even with a new cart, a retried request does not place again
    second = place(token=token)
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert stock_of(variant) == (5, 2)


def test_another_customers_token_is_refused(filled_cart, place):
    token = uuid.uuid4()
    place(token=token)
    intruder = UserFactory()
    add(Cart.objects.create(user=intruder), VariantFactory(), 1)
    with pytest.raises(CheckoutError, match="already used"):
        place(user=intruder, token=token)


def test_stale_prices_are_detected_and_nothing_changes(filled_cart, variant, place):
    variant.price = Decimal("13.00")
    variant.save()
    with pytest.raises(PricesChanged, match=r"now €30\.90, not €29\.90"):
        place()
    assert not Order.objects.exists()
    assert stock_of(variant) == (5, 0)
    assert filled_cart.lines.count() == 1


def test_sold_out_lines_refuse_the_whole_order(filled_cart, variant, place):
    other = VariantFactory(in_stock=3, price=Decimal("1.00"))
    add(filled_cart, other, 1)
    variant.allocated = 4  # someone else ordered meanwhile: 1 left, 2 in the cart
    variant.save(update_fields=["allocated"])
    with pytest.raises(SoldOut, match="Only 1 of"):
        place(expected_total=Decimal("30.90"))
    assert not Order.objects.exists()
    assert stock_of(other) == (3, 0)
    assert stock_of(variant) == (5, 4)


def test_a_variant_deactivated_while_in_the_cart_is_refused(filled_cart, variant, place):
    variant.is_active = False
    variant.save()
    with pytest.raises(SoldOut, match="no longer sold"):
        place()
    assert not Order.objects.exists()


def test_an_empty_cart_cannot_be_placed(customer, place):
    with pytest.raises(CheckoutError, match="empty"):
        place()


def test_allocation_losing_the_race_rolls_everything_back(
    filled_cart, variant, shipping, customer, monkeypatch
):
    """The pre-check passed, but another checkout took the units before our UPDATE: nothing is kept."""
    from ...catalogue import stock

    real_allocate = stock.allocate

    def allocate_after_someone_else(lines):
        type(variant).objects.filter(pk=variant.pk).update(allocated=5)
        return real_allocate(lines)

    monkeypatch.setattr(stock, "allocate", allocate_after_someone_else)
    with pytest.raises(SoldOut, match="sold out"):
        place_order(
            user=customer,
            cart=filled_cart,
            checkout_token=uuid.uuid4(),
            address=ADDRESS,
            shipping_method=shipping,
            payment_method="bank_transfer",
            quote=confirmed(filled_cart, Decimal("29.90")),
        )
    assert not Order.objects.exists()
    assert CartLine.objects.filter(cart=filled_cart).count() == 1


def shown(cart, shipping):
    """The quote of the checkout page showing ``cart`` with ``shipping`` now."""
    return quote_of(summarize(cart, shipping.price), shipping, cart)


def test_a_cart_is_spent_by_one_order_only(filled_cart, variant, shipping, place):
    """Two tabs opened the checkout of one cart: the second is told which order the cart became."""
    seen = shown(filled_cart, shipping)
    order = place(quote=seen)
    with pytest.raises(CartSpent, match=f"already ordered as order {order.number}") as spent:
        place(quote=seen)
    assert spent.value.order == order
    add(filled_cart, variant, 2)  # filled again with the same: that old page still places nothing
    with pytest.raises(CartSpent):
        place(quote=seen)
    assert Order.objects.count() == 1
    assert stock_of(variant) == (5, 2)
    filled_cart.refresh_from_db()
    assert place(quote=shown(filled_cart, shipping)).cart_version == 1  # a fresh page orders the refill


def test_the_database_lets_one_cart_version_become_one_order(filled_cart, place):
    order = place()
    duplicate = Order.objects.get(pk=order.pk)
    duplicate.pk, duplicate.checkout_token = None, uuid.uuid4()
    with pytest.raises(IntegrityError):
        duplicate.save()


def test_a_repeat_arriving_while_the_first_commits_answers_with_the_order(filled_cart, place, monkeypatch):
    """The repeat looked its token up before the first request committed, and reads the cart after: the
    cart is empty by then, but the answer is the order the token placed, not "Your cart is empty"."""
    token = uuid.uuid4()
    real_lookup = checkout._placed_with
    first: list[Order] = []

    def first_request_commits_meanwhile(checkout_token, user, cart):
        found = real_lookup(checkout_token, user, cart)
        monkeypatch.setattr(checkout, "_placed_with", real_lookup)
        first.append(place(token=token))
        return found

    monkeypatch.setattr(checkout, "_placed_with", first_request_commits_meanwhile)
    repeat = place(token=token)
    assert repeat.pk == first[0].pk
    assert Order.objects.count() == 1


def test_two_price_changes_that_cancel_out_are_refused(filled_cart, variant, shipping, place):
    socks = VariantFactory(in_stock=5, price=Decimal("5.00"), name="Pair", product__name="Socks")
    add(filled_cart, socks, 1)
    seen = shown(filled_cart, shipping)  # 2 x 12.50 + 5.00 + 4.90 shipping = 34.90
    variant.price = Decimal("13.00")  # +1.00
    variant.save()
    socks.price = Decimal("4.00")  # -1.00: the total is still 34.90
    socks.save()
    with pytest.raises(PricesChanged) as changed:
        place(quote=seen)
    message = str(changed.value)
    assert "Linen shirt (Size M) now costs €13.00, not €12.50" in message
    assert "Socks (Pair) now costs €4.00, not €5.00" in message
    assert not Order.objects.exists()
    assert place(quote=shown(filled_cart, shipping)).total == Decimal("34.90")


def test_a_shipping_price_change_cancelled_by_a_line_change_is_refused(filled_cart, variant, place):
    express = ShippingMethodFactory(name="Express", price=Decimal("10.00"))
    seen = shown(filled_cart, express)  # 25.00 + 10.00
    express.price = Decimal("11.00")
    express.save()
    variant.price = Decimal("12.00")
    variant.save()
    with pytest.raises(PricesChanged, match=r"shipping now costs €11\.00, not €10\.00"):
        place(quote=seen, shipping_method=express)
    assert not Order.objects.exists()


def test_a_quantity_changed_in_another_tab_is_refused(filled_cart, variant, shipping, place):
    seen = shown(filled_cart, shipping)
    filled_cart.lines.update(quantity=3)
    with pytest.raises(PricesChanged, match=r"Your cart changed .* quantity is now 3, not 2"):
        place(quote=seen)
