from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from ...orders.models import Order, ShippingMethod
from ..management.commands import load_demo_data
from ..models import BackInStockSubscription, Category, Product, Variant
from ..renditions import WIDTHS, rendition_name

pytestmark = pytest.mark.django_db


def test_demo_data_loads_a_shop_with_pictures_and_can_run_twice(django_user_model, fast_pictures):
    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_data", stdout=StringIO())
    assert Category.objects.filter(parent__isnull=False).exists()
    assert Product.objects.count() >= 5
    assert Variant.objects.filter(in_stock__gt=0).count() >= 5
    assert ShippingMethod.objects.count() == 3
    customer = django_user_model.objects.get(username="demo")
    assert customer.check_password("demo-password")
    paid, waiting, delivered = customer.orders.order_by("pk")  # once, however often the command runs
    assert (paid.status, paid.invoice_number[5:]) == (Order.Status.PAID, "000001")
    assert paid.lines.count() == 2
    assert (waiting.status, waiting.invoice_number) == (Order.Status.PENDING_PAYMENT, "")
    assert Variant.objects.get(sku="COF-ETH-1K").allocated == 1
    # Stock alerts: a threshold at the stock left, and the customer waiting for the sold-out coffee.
    assert Variant.objects.get(sku="BRW-DRIP-BLK").low_stock_threshold == 3
    (subscription,) = BackInStockSubscription.objects.all()  # once, however often the command runs
    assert (subscription.variant.sku, subscription.email) == ("COF-KEN-250", customer.email)
    assert subscription.notified_at is None
    # The delivered order: one bag returned (restocked, refunded), one more asked back.
    assert (delivered.status, delivered.refunded_total) == (Order.Status.COMPLETED, Decimal("9.90"))
    assert sorted(delivered.returns.values_list("status", flat=True)) == ["approved", "requested"]
    assert delivered.refunds.get().amount == Decimal("9.90")
    for product in Product.objects.all():  # one picture each, drawn once, with its smaller copies
        (image,) = product.images.all()
        assert (image.width, image.height, image.alt_text) == (1200, 900, product.name)
        for width in WIDTHS:
            with default_storage.open(rendition_name(image.image.name, width)) as file:
                assert Image.open(file).size == (width, width * 3 // 4)


def small_picture(name: str) -> bytes:
    """A thumbnail-sized stand-in for the demo's drawn pictures (too small for renditions)."""
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "#23445f").save(buffer, "WEBP")
    return buffer.getvalue()


def test_demo_data_shows_an_address_book_and_a_guest_order(client, django_user_model, monkeypatch):
    # The pictures and their copies are the test above's; drawing them again here would only cost time.
    monkeypatch.setattr(load_demo_data, "product_picture", small_picture)
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    call_command("load_demo_data", stdout=StringIO())
    customer = django_user_model.objects.get(username="demo")
    assert [(a.label, a.is_default) for a in customer.addresses.all()] == [("Home", True), ("Work", False)]
    (guest,) = Order.objects.filter(user=None)  # once, however often the command runs
    assert guest.email == "guest@example.com"
    link = out.getvalue().split("a guest's order at ")[1].split()[0]  # the signed link, printed
    assert link.startswith("/orders/guest/")
    page = client.get(link)
    assert page.status_code == 200
    assert f"Order {guest.number}" in page.content.decode()


@pytest.mark.django_db
def test_rebuild_listing_lists_products_written_in_bulk():
    category = Category.objects.create(name="Imported")
    products = Product.objects.bulk_create(
        Product(category=category, name=f"Imported {n}", slug=f"imported-{n}") for n in range(3)
    )
    Variant.objects.bulk_create(
        Variant(product=product, sku=f"IMP-{n}", name="One", price=Decimal("12.00"), in_stock=n)
        for n, product in enumerate(products)
    )
    assert not Product.objects.exclude(shelf=None).exists()  # bulk_create sends no signals
    out = StringIO()
    call_command("rebuild_listing", stdout=out)
    assert out.getvalue().strip() == "3 product(s) listed, on 2 shelf(s)."  # 1 sold out, 2 in stock
    assert set(Product.objects.values_list("has_stock", "price_from")) == {
        (False, Decimal("12.00")),
        (True, Decimal("12.00")),
    }
