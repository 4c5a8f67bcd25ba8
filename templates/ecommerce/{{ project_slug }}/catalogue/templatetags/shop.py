"""Template filters of the shop: ``{{ amount|money }}`` shows an amount in the shop's currency;
``{% tax_label %}`` is what the tax is called (``SHOP_TAX_LABEL``)."""

from decimal import Decimal

from django import template
from django.conf import settings

from ...cart.pricing import money as to_money

register = template.Library()


@register.filter
def money(amount: Decimal | int | str | None) -> str:
    """``Decimal("12.5")`` → ``"12.50 EUR"`` (rounded the way the pricing module rounds)."""
    if amount is None or amount == "":
        return ""
    return f"{to_money(amount):,.2f} {settings.SHOP_CURRENCY}"


@register.simple_tag
def tax_label() -> str:
    return settings.SHOP_TAX_LABEL
