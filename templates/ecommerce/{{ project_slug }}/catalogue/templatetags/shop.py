"""Template filters of the shop: ``{{ amount|money }}`` shows an amount in the shop's currency, written the
way the active language writes money (``cart/currency.py``);
``{% tax_label %}`` is what the tax is called (``SHOP_TAX_LABEL``); ``{% stock_badge units %}`` marks what is
sold out or running low."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.html import format_html

from ...cart.currency import format_money

register = template.Library()

#: At or below this many units left, a product or option shows "Only N left".
LOW_STOCK = 5


@register.filter
def money(amount: Decimal | int | str | None) -> str:
    """``Decimal("12.5")`` → ``"€12.50"`` in English, ``"12,50 €"`` in German (rounded to cents)."""
    if amount is None or amount == "":
        return ""
    return format_money(amount)


@register.simple_tag
def tax_label() -> str:
    return settings.SHOP_TAX_LABEL


@register.simple_tag
def stock_badge(available: int | None, in_stock_label: str = "") -> str:
    """A badge for what can still be sold: "Sold out", "Only 3 left", or ``in_stock_label`` (nothing when
    it is empty) when there is plenty."""
    units = max(available or 0, 0)
    if units == 0:
        return format_html('<span class="badge danger">{}</span>', "Sold out")
    if units <= LOW_STOCK:
        return format_html('<span class="badge warning">Only {} left</span>', units)
    return format_html('<span class="badge success">{}</span>', in_stock_label) if in_stock_label else ""
