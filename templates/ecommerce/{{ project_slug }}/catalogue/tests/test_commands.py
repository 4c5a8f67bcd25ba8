from io import StringIO

import pytest
from django.core.management import call_command

from ...orders.models import ShippingMethod
from ..models import Category, Product, Variant

pytestmark = pytest.mark.django_db


def test_demo_data_loads_a_shop_and_can_run_twice(django_user_model):
    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_data", stdout=StringIO())
    assert Category.objects.filter(parent__isnull=False).exists()
    assert Product.objects.count() >= 5
    assert Variant.objects.filter(in_stock__gt=0).count() >= 5
    assert ShippingMethod.objects.count() == 3
    customer = django_user_model.objects.get(username="customer")
    assert customer.check_password("demo-password")
