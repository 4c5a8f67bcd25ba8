import pytest

from ..models import Product
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
