import pytest

from ..models import Product, Variant
from .factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_admin_pages_render(admin_client):
    variant = VariantFactory()
    for url in (
        "/admin/catalogue/product/",
        f"/admin/catalogue/product/{variant.product.pk}/change/",
        "/admin/catalogue/category/",
        "/admin/catalogue/variant/?q=SKU",
        "/admin/catalogue/product/?q=" + variant.sku,
    ):
        assert admin_client.get(url).status_code == 200, url


def test_deactivate_and_activate_actions(admin_client):
    product = ProductFactory()
    url = "/admin/catalogue/product/"
    admin_client.post(url, {"action": "deactivate", "_selected_action": [product.pk]})
    assert not Product.objects.get(pk=product.pk).is_active
    admin_client.post(url, {"action": "activate", "_selected_action": [product.pk]})
    assert Product.objects.get(pk=product.pk).is_active


def test_saving_a_variant_never_writes_back_a_stale_reservation():
    variant = VariantFactory(in_stock=5)
    stale = Variant.objects.get(pk=variant.pk)  # loaded by the admin form
    Variant.objects.filter(pk=variant.pk).update(allocated=2)  # an order placed meanwhile
    stale.in_stock = 8
    stale.save()  # as the admin, the shell or any other code would
    variant.refresh_from_db()
    assert (variant.in_stock, variant.allocated) == (8, 2)


def test_variant_inline_saves_stock_edits(admin_client):
    variant = VariantFactory(in_stock=5)
    url = f"/admin/catalogue/variant/{variant.pk}/change/"
    data = {"product": variant.product.pk, "sku": variant.sku, "name": variant.name, "price": "10.00",
            "in_stock": "7", "is_active": "on"}  # fmt: skip
    assert admin_client.post(url, data).status_code == 302
    variant.refresh_from_db()
    assert variant.in_stock == 7


def test_stock_below_the_reservations_is_a_form_error(admin_client):
    variant = VariantFactory(in_stock=5)
    Variant.objects.filter(pk=variant.pk).update(allocated=3)  # open orders hold three units
    url = f"/admin/catalogue/variant/{variant.pk}/change/"
    data = {"product": variant.product.pk, "sku": variant.sku, "name": variant.name, "price": "10.00",
            "in_stock": "2", "is_active": "on"}  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "3 units are reserved by open orders" in response.content.decode()
    variant.refresh_from_db()
    assert (variant.in_stock, variant.allocated) == (5, 3)
