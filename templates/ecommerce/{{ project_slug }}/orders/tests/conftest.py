import uuid
from decimal import Decimal

import pytest

from ...cart.models import Cart
from ...cart.services import add
from ..checkout import place_order
from ..models import Order
from ..quote import Quote, QuotedLine
from .factories import ShippingMethodFactory, UserFactory, VariantFactory

ADDRESS = {
    "email": "ada@example.com",
    "full_name": "Ada Lovelace",
    "address_line1": "12 St James's Square",
    "address_line2": "",
    "postcode": "SW1Y 4JH",
    "city": "London",
    "country": "United Kingdom",
}


@pytest.fixture
def customer(db):
    return UserFactory(username="customer", email="ada@example.com")


@pytest.fixture
def shipping(db):
    return ShippingMethodFactory()


@pytest.fixture
def variant(db):
    return VariantFactory(in_stock=5, price=Decimal("12.50"), name="Size M", product__name="Linen shirt")


@pytest.fixture
def filled_cart(customer, variant):
    """The customer's cart with 2 x ``variant`` (total with Standard shipping: 29.90)."""
    cart = Cart.objects.create(user=customer)
    add(cart, variant, 2)
    return cart


def confirmed(cart: Cart | None, total: Decimal) -> Quote:
    """A quote confirming ``cart``'s lines at their current prices and ``total`` (which may be stale)."""
    lines = cart.lines.select_related("variant").order_by("added_at", "pk") if cart else []
    return Quote(
        lines=tuple(QuotedLine(line.variant_id, line.variant.price, line.quantity) for line in lines),
        total=total,
    )


@pytest.fixture
def place(customer, shipping):
    """Place the customer's cart as an order (a fresh token unless given), confirming its lines as they are
    and ``expected_total`` (or the ``quote`` given)."""

    def place_(user=None, token=None, expected_total=Decimal("29.90"), quote=None, **overrides) -> Order:
        user = user or customer
        cart = Cart.objects.filter(user=user).first()
        return place_order(
            user=user,
            cart=cart,
            checkout_token=token or uuid.uuid4(),
            address=ADDRESS,
            shipping_method=overrides.pop("shipping_method", shipping),
            payment_method=overrides.pop("payment_method", "bank_transfer"),
            quote=quote or confirmed(cart, expected_total),
        ).order

    return place_
