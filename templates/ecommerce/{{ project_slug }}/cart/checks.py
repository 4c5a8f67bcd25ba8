"""System checks (run by ``runserver``, ``migrate`` and ``check``): a bad tax rate or free-shipping threshold
stops the shop at start-up with the reason, instead of failing on the first cart."""

from django.conf import settings
from django.core.checks import Error, register

from .pricing import parse_rate, parse_threshold


@register()
def check_tax_settings(app_configs, **kwargs) -> list[Error]:
    try:
        parse_rate(settings.SHOP_TAX_RATE)
    except ValueError as error:
        return [
            Error(f"SHOP_TAX_RATE: {error}", hint="Set it in .env, e.g. SHOP_TAX_RATE=20.", id="shop.E001")
        ]
    return []


@register()
def check_free_shipping_setting(app_configs, **kwargs) -> list[Error]:
    try:
        parse_threshold(settings.SHOP_FREE_SHIPPING_OVER)
    except ValueError as error:
        return [
            Error(
                f"SHOP_FREE_SHIPPING_OVER: {error}",
                hint="Set it in .env, e.g. SHOP_FREE_SHIPPING_OVER=50, or leave it empty.",
                id="shop.E002",
            )
        ]
    return []
