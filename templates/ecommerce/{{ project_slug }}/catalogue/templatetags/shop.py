"""Template filters and tags of the shop:

- ``{{ amount|money }}``: an amount in the shop's currency, written the way the active language writes money
  (``cart/currency.py``);
- ``{% tax_label %}``: what the tax is called (``SHOP_TAX_LABEL``);
- ``{% stock_badge units %}``: marks what is sold out or running low;
- ``{% order_status order %}``: an order's status as a coloured badge;
- ``{% product_image image sizes %}``: a product picture at the size the screen needs."""

from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings
from django.forms.utils import flatatt
from django.utils.html import format_html

from ...cart.currency import format_money
from ..models import ProductImage
from ..renditions import srcset

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


@register.simple_tag
def product_image(image: ProductImage, sizes: str, lazy: bool = True) -> str:
    """``<img>`` for a product picture with its smaller copies in ``srcset`` (the browser picks by
    ``sizes``, the width it is shown at), its size (the page reserves the space) and, below the fold
    (``lazy``), loaded only when scrolled near."""
    attrs = {
        "src": image.image.url,
        "srcset": srcset(image) or None,
        "sizes": sizes,
        "width": image.width,
        "height": image.height,
        "alt": image.alt_text,
        "loading": "lazy" if lazy else None,
        "decoding": "async",
    }
    return format_html("<img{}>", flatatt({key: value for key, value in attrs.items() if value is not None}))


#: The badge colour of each order status: waiting on the customer, on the way, done, cancelled.
STATUS_TONES = {
    "pending_payment": "warning",
    "paid": "success",
    "shipped": "success",
    "completed": "neutral",
    "cancelled": "danger",
    "refunded": "neutral",
}


@register.simple_tag
def order_status(order: Any) -> str:
    """The order's status as a badge coloured for what it means to the customer."""
    tone = STATUS_TONES.get(order.status, "neutral")
    return format_html('<span class="badge {}">{}</span>', tone, order.get_status_display())
