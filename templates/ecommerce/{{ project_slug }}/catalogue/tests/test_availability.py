"""The one rule of what can be bought, and the stock movements that enforce it in the database."""

import pytest
from django.db import IntegrityError, transaction

from .. import stock
from ..availability import is_purchasable, purchase_problem
from ..models import Variant
from .factories import VariantFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("in_stock", "allocated", "quantity", "problem"),
    [
        (5, 0, 1, None),
        (5, 0, 5, None),
        (5, 2, 3, None),
        (5, 2, 4, "Only 3 of"),
        (5, 5, 1, "sold out"),
        (0, 0, 1, "sold out"),
        (5, 0, 0, "at least 1"),
        (5, 0, -1, "at least 1"),
        (50, 0, 21, "at most 20"),
    ],
)
def test_purchase_problem(in_stock, allocated, quantity, problem):
    variant = VariantFactory(in_stock=in_stock, allocated=allocated)
    answer = purchase_problem(variant, quantity)
    if problem is None:
        assert answer is None
        assert is_purchasable(variant, quantity)
    else:
        assert problem in answer
        assert not is_purchasable(variant, quantity)


def test_inactive_variant_or_product_cannot_be_bought():
    variant = VariantFactory(is_active=False)
    assert "no longer sold" in purchase_problem(variant, 1)
    variant = VariantFactory()
    variant.product.is_active = False
    assert "no longer sold" in purchase_problem(variant, 1)


def _stock(variant: Variant) -> tuple[int, int]:
    variant.refresh_from_db()
    return variant.in_stock, variant.allocated


def test_allocate_reserves_every_line():
    first, second = VariantFactory(in_stock=5), VariantFactory(in_stock=2)
    stock.allocate([(second.pk, 2), (first.pk, 3)])
    assert _stock(first) == (5, 3)
    assert _stock(second) == (2, 2)
    assert second.available == 0


def test_allocate_is_all_or_nothing():
    plenty, scarce = VariantFactory(in_stock=5), VariantFactory(in_stock=1)
    with pytest.raises(stock.StockError, match="sold out") as caught:
        stock.allocate([(plenty.pk, 2), (scarce.pk, 2)])
    assert caught.value.variant_id == scarce.pk
    assert _stock(plenty) == (5, 0)
    assert _stock(scarce) == (1, 0)


def test_allocate_refuses_an_inactive_variant_and_bad_quantities():
    variant = VariantFactory(is_active=False)
    with pytest.raises(stock.StockError):
        stock.allocate([(variant.pk, 1)])
    with pytest.raises(stock.StockError, match="at least 1"):
        stock.allocate([(VariantFactory().pk, 0)])
    assert _stock(variant) == (10, 0)


def test_consume_and_release():
    variant = VariantFactory(in_stock=5, allocated=3)
    stock.consume([(variant.pk, 2)])
    assert _stock(variant) == (3, 1)
    stock.release([(variant.pk, 1)])
    assert _stock(variant) == (3, 0)
    with pytest.raises(stock.StockError):
        stock.release([(variant.pk, 1)])
    with pytest.raises(stock.StockError):
        stock.consume([(variant.pk, 1)])
    assert _stock(variant) == (3, 0)


def test_database_refuses_more_allocated_than_in_stock():
    variant = VariantFactory(in_stock=1)
    variant.allocated = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        variant.save(update_fields=["allocated"])
