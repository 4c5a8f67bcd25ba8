import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ...cart.models import Cart
from ...cart.services import add
from ..checkout import place_order
from ..lifecycle import transition
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


@pytest.fixture(scope="module")
def order_once(request, django_db_setup, django_db_blocker) -> int:
    """The pk of one order placed once for the whole module (a customer's 2 x Linen shirt at 12.50 with
    Standard shipping: 29.90, paid by the module's ``SHARED_ORDER_PAYMENT``, bank transfer if it names
    none, then moved through the module's ``SHARED_ORDER_PATH`` of statuses, e.g. ``("paid", "shipped")``),
    in a transaction rolled back after the module's last test.

    Each test runs in a savepoint of that transaction, rolled back after it (``db``), so every test starts
    from these same rows whatever it wrote; ``shared_order`` reads the order afresh for each test, so no
    Python object passes from one test to the next. For modules without ``transaction=True`` tests only
    (they would run inside this transaction). The customer is not ``customer``: a test may have both."""
    payment = getattr(request.module, "SHARED_ORDER_PAYMENT", "bank_transfer")
    with django_db_blocker.unblock():
        # Asked for through ``getfixturevalue`` it would be made inside the first test's transaction and
        # rolled back with it: ask for it (or ``shared_order``) as an argument.
        assert not connection.in_atomic_block, "order_once must be set up before the test's transaction"
    with django_db_blocker.unblock(), transaction.atomic():
        user = UserFactory(username="shared-customer", email="shared@example.com")
        cart = Cart.objects.create(user=user)
        shirt = VariantFactory(in_stock=5, price=Decimal("12.50"), name="Size M", product__name="Linen shirt")
        add(cart, shirt, 2)
        order = place_order(
            user=user,
            cart=cart,
            checkout_token=uuid.uuid4(),
            address=ADDRESS,
            shipping_method=ShippingMethodFactory(),
            payment_method=payment,
            quote=confirmed(cart, Decimal("29.90")),
        ).order
        for status in getattr(request.module, "SHARED_ORDER_PATH", ()):
            transition(order, status)
        yield order.pk
        transaction.set_rollback(True)


@pytest.fixture
def shared_order(order_once, db) -> Order:
    """The module's one placed order (``order_once``), as the database has it at the start of each test."""
    return Order.objects.get(pk=order_once)


class OwnPage:
    """The customer's "My orders" page (with the cart count in its header) as their browser gets it, with the
    signed-in page cache on (``core/page_cache.py``, renewed by ``cart/own_pages.py``)."""

    URL = "/orders/"

    def __init__(self, user, **client) -> None:
        self.client = Client(**client)
        self.client.force_login(user)
        self.client.get(self.URL)  # sets the CSRF cookie: not kept (the secret is new)
        self.client.get(self.URL)  # kept from here on

    def _get(self) -> tuple[str, bool]:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.URL)
        assert response.status_code == 200
        made = any("orders_order" in query["sql"] for query in queries)
        return response.content.decode(), made

    def kept(self) -> str:
        """The page, which must come from the cache (no order read)."""
        page, made = self._get()
        assert not made, "the page was made again although nothing it shows changed"
        return page

    def renewed(self) -> str:
        """The page, which must be made again at once (the change is shown); kept again after that."""
        page, made = self._get()
        assert made, "the page came from the cache after a change of what it shows"
        assert self._get() == (page, False)
        return page


@pytest.fixture
def own_page(settings, customer):
    """``OwnPage`` of ``customer``; ``own_page.of(user)`` for another customer."""
    settings.PAGE_CACHE_SECONDS = 300
    page = OwnPage(customer)
    page.of = OwnPage
    return page
