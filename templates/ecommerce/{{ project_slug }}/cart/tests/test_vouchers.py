"""Vouchers in the cart: what each kind takes off, every reason a code does not apply (a form error, never a
500), applying and removing a code on the cart page (plain and htmx), and free shipping above a threshold."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from ...catalogue.tests.factories import UserFactory, VariantFactory
from .. import pricing, vouchers
from ..models import Cart, Voucher
from ..services import SESSION_KEY, add, merge, summarize
from .factories import VoucherFactory

pytestmark = pytest.mark.django_db

MINUS = "\N{MINUS SIGN}"

HTMX = {"HX-Request": "true"}


@pytest.fixture
def cart(client):
    """The visitor's cart with goods for 25.00 (2 x 12.50), remembered in their session as adding to the cart
    remembers it (``services.get_cart``; the page that adds is tested in ``test_cart.py``)."""
    cart = Cart.objects.create()
    add(cart, VariantFactory(price=Decimal("12.50")), 2)
    session = client.session
    session[SESSION_KEY] = cart.pk
    session.save()
    return cart


@pytest.mark.parametrize(
    ("subtotal", "percent", "amount", "off"),
    [
        ("25.00", "10", None, "2.50"),
        ("9.99", "15", None, "1.50"),  # 1.4985, half up to cents
        ("25.00", "100", None, "25.00"),
        ("25.00", None, "5", "5.00"),
        ("25.00", None, "30", "25.00"),  # never more than the goods cost
    ],
)
def test_discount_is_a_percentage_or_an_amount_never_more_than_the_subtotal(subtotal, percent, amount, off):
    percent = Decimal(percent) if percent else None
    amount = Decimal(amount) if amount else None
    assert pricing.discount_on(Decimal(subtotal), percent=percent, amount=amount) == Decimal(off)


def test_totals_take_the_discount_off_the_goods_then_tax_the_rest():
    rule = pricing.TaxRule(rate=Decimal(10), included=False)
    totals = pricing.totals(
        [(Decimal("12.50"), 2)], Decimal("5.00"), rule, discount=lambda _: Decimal("5.00")
    )
    assert (totals.subtotal, totals.discount, totals.shipping) == (
        Decimal("25.00"),
        Decimal("5.00"),
        Decimal("5.00"),
    )
    assert totals.tax == Decimal("2.50")  # 10 % of 20.00 + 5.00
    assert totals.total == Decimal("27.50")


@pytest.mark.parametrize(
    ("threshold", "shipping"),
    [(None, "4.90"), ("50", "4.90"), ("22.50", "0.00"), ("22.51", "4.90"), ("0", "0.00")],
)
def test_shipping_is_free_when_the_goods_after_the_discount_reach_the_threshold(
    settings, threshold, shipping
):
    settings.SHOP_FREE_SHIPPING_OVER = threshold
    totals = pricing.totals(
        [(Decimal("12.50"), 2)],
        Decimal("4.90"),
        discount=lambda _: Decimal("2.50"),
        free_shipping_over=pricing.free_shipping_threshold(),
    )
    assert totals.shipping == Decimal(shipping)
    assert totals.free_shipping is (shipping == "0.00")
    assert totals.total == Decimal("22.50") + Decimal(shipping)


def test_the_system_check_reports_a_bad_free_shipping_threshold(settings):
    from ..checks import check_free_shipping_setting

    for bad in ("fifty", "-1", "NaN"):
        settings.SHOP_FREE_SHIPPING_OVER = bad
        assert [error.id for error in check_free_shipping_setting(None)] == ["shop.E002"], bad
    for good in ("", "50", "49.90"):
        settings.SHOP_FREE_SHIPPING_OVER = good
        assert check_free_shipping_setting(None) == []


def test_codes_are_stored_in_capitals_and_found_in_any_case():
    voucher = VoucherFactory(code=" welcome10 ")
    assert voucher.code == "WELCOME10"
    assert vouchers.find("Welcome10 ") == voucher
    with pytest.raises(vouchers.VoucherError, match="no voucher with the code NOPE"):
        vouchers.find("nope")


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"is_active": False}, "not valid any more"),
        ({"starts_at": timezone.now() + timedelta(days=1)}, "is valid from"),
        ({"ends_at": timezone.now() - timedelta(seconds=1)}, "expired on"),
        ({"max_uses": 3, "uses": 3}, "has been used up"),
        (
            {"minimum_subtotal": Decimal("25.01")},
            "needs a subtotal of at least €25.01; your cart's is €25.00",
        ),
    ],
)
def test_each_reason_a_voucher_does_not_apply(fields, reason):
    voucher = VoucherFactory(**fields)
    assert reason in vouchers.problem(voucher, Decimal("25.00"))
    with pytest.raises(vouchers.VoucherError, match=reason.split(";")[0].replace("€", ".")):
        vouchers.apply(Cart.objects.create(), voucher.code, Decimal("25.00"))


def test_a_voucher_applies_within_its_window_at_its_minimum():
    now = timezone.now()
    voucher = VoucherFactory(
        starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1), minimum_subtotal=Decimal("25.00"),
        max_uses=3, uses=2,
    )  # fmt: skip
    assert vouchers.problem(voucher, Decimal("25.00")) is None


def test_the_database_refuses_more_uses_than_the_limit_and_a_percentage_over_100():
    voucher = VoucherFactory(max_uses=1, uses=1)
    with pytest.raises(IntegrityError):
        Voucher.objects.filter(pk=voucher.pk).update(uses=2)


def test_a_percentage_over_100_is_a_form_error_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/cart/voucher/add/",
        {"code": "HALF", "kind": "percentage", "value": "150", "minimum_subtotal": "0", "is_active": "on",
         "max_uses_per_customer": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "cart_voucher_percentage_at_most_100" in response.content.decode()
    assert not Voucher.objects.exists()


def test_the_admin_lists_and_adds_vouchers_whatever_case_the_code_is_typed_in(admin_client):
    VoucherFactory(code="WELCOME10")
    assert admin_client.get("/admin/cart/voucher/").status_code == 200
    data = {"code": "welcome10", "kind": "fixed", "value": "5", "minimum_subtotal": "0", "is_active": "on",
            "max_uses_per_customer": "1"}  # fmt: skip
    response = admin_client.post("/admin/cart/voucher/add/", data)
    assert response.status_code == 200 and "already exists" in response.content.decode()
    data["code"] = "five"
    assert admin_client.post("/admin/cart/voucher/add/", data).status_code == 302
    assert Voucher.objects.get(code="FIVE").kind == "fixed"


def test_cart_page_applies_a_code_and_shows_the_discount(client, cart):
    VoucherFactory(code="WELCOME10")
    response = client.post("/cart/voucher/", {"code": "welcome10"}, follow=True)
    assert response.redirect_chain[-1][0] == "/cart/"
    page = response.content.decode()
    assert "Voucher WELCOME10 applied: 10 % off." in page
    assert f"{MINUS}€2.50" in page and "€22.50" in page
    cart.refresh_from_db()
    assert cart.voucher.code == "WELCOME10"
    assert summarize(cart).totals.discount == Decimal("2.50")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("NOPE", "There is no voucher with the code NOPE."),
        ("", "Enter a voucher code."),
        ("X" * 41, "No voucher code is that long."),
        ("OLD", "The voucher OLD expired on"),
        ("BIG", "The voucher BIG needs a subtotal of at least €100.00"),
        ("GONE", "The voucher GONE has been used up."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_code_that_does_not_apply_is_a_form_error_with_the_reason(client, cart, code, reason, headers):
    VoucherFactory(code="OLD", ends_at=timezone.now() - timedelta(days=1))
    VoucherFactory(code="BIG", minimum_subtotal=Decimal(100))
    VoucherFactory(code="GONE", max_uses=1, uses=1)
    response = client.post("/cart/voucher/", {"code": code}, headers=headers)
    assert response.status_code == (200 if headers else 400)
    assert reason in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    cart.refresh_from_db()
    assert cart.voucher is None


def test_a_code_needs_a_cart_with_something_in_it(client):
    VoucherFactory(code="WELCOME10")
    response = client.post("/cart/voucher/", {"code": "WELCOME10"})
    assert response.status_code == 400
    assert "Your cart is empty" in response.content.decode()


def test_htmx_applies_and_removes_a_code_in_place(client, cart):
    VoucherFactory(code="WELCOME10")
    response = client.post("/cart/voucher/", {"code": "WELCOME10"}, headers=HTMX)
    assert response.status_code == 200
    assert response.content.decode().strip().startswith('<div id="cart">')
    assert "Remove WELCOME10" in response.content.decode()
    response = client.post("/cart/voucher/remove/", headers=HTMX)
    assert "The voucher was removed from your cart." in response.content.decode()
    cart.refresh_from_db()
    assert cart.voucher is None


def test_a_voucher_that_stops_applying_shows_why_and_gives_no_discount(client, cart):
    voucher = VoucherFactory(code="WELCOME10", minimum_subtotal=Decimal("20.00"))
    client.post("/cart/voucher/", {"code": "WELCOME10"})
    line = cart.lines.get()
    client.post(f"/cart/lines/{line.pk}/", {"quantity": 1})  # 12.50: below the minimum now
    cart.refresh_from_db()
    summary = summarize(cart)
    assert summary.voucher == voucher and "needs a subtotal" in summary.voucher_problem
    assert summary.totals.discount == 0 and not summary.can_check_out
    assert "needs a subtotal of at least €20.00" in client.get("/cart/").content.decode()


def test_a_customer_who_used_a_voucher_is_told_so(client, cart):
    """The per-customer count is of the customer's orders with the voucher (checkout redeems it)."""
    from ...orders.models import Order

    customer = UserFactory()
    voucher = VoucherFactory(code="ONCE", max_uses_per_customer=1)
    Order.objects.create(
        user=customer, email="a@example.com", full_name="A", address_line1="1 Road", postcode="1", city="C",
        country="D", shipping_method="Standard", shipping_price=0, subtotal=10, discount=1, voucher=voucher,
        voucher_code="ONCE", total=9, currency="EUR", payment_method="bank_transfer",
    )  # fmt: skip
    reason = vouchers.problem(voucher, Decimal(25), customer)
    assert reason == "You have already used the voucher ONCE (once per customer)."
    assert vouchers.problem(voucher, Decimal(25), UserFactory()) is None
    voucher.max_uses_per_customer = 2
    assert vouchers.problem(voucher, Decimal(25), customer) is None


def test_a_visitors_code_comes_along_when_they_sign_in(client, cart):
    voucher = VoucherFactory(code="WELCOME10")
    client.post("/cart/voucher/", {"code": "WELCOME10"})
    customer = UserFactory()
    own = Cart.objects.create(user=customer)
    add(own, VariantFactory(), 1)
    merge(Cart.objects.get(pk=cart.pk), own)
    own.refresh_from_db()
    assert own.voucher == voucher
