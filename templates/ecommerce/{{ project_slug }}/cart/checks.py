"""A system check (run by ``runserver``, ``migrate`` and ``check``): a bad tax rate stops the shop at
start-up with the reason, instead of failing on the first cart."""

from django.conf import settings
from django.core.checks import Error, register

from .pricing import parse_rate


@register()
def check_tax_settings(app_configs, **kwargs) -> list[Error]:
    try:
        parse_rate(settings.SHOP_TAX_RATE)
    except ValueError as error:
        return [
            Error(f"SHOP_TAX_RATE: {error}", hint="Set it in .env, e.g. SHOP_TAX_RATE=20.", id="shop.E001")
        ]
    return []
