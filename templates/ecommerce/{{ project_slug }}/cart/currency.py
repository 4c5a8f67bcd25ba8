"""How amounts are written for people: in the shop's currency (``SHOP_CURRENCY``), the way the active
language writes it, from the Unicode CLDR data that Babel ships: ``€1,234.50`` in English,
``1.234,50 €`` in German, ``1 234,50 €`` in French. Django's own l10n formats numbers but knows no currency
symbols or their placement, hence Babel. Pages (the ``money`` filter), emails and the messages that name a
price all write amounts here; the arithmetic stays in ``pricing.py``."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from django.conf import settings
from django.utils import translation

from .pricing import money

FALLBACK_LOCALE = "en"


@lru_cache(maxsize=32)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK_LOCALE)


def format_money(amount: Decimal | int | str, currency: str | None = None) -> str:
    """``amount`` (rounded to cents as ``pricing.money`` rounds) in ``currency`` (the shop's by default),
    written for the active language: ``format_money("19") == "€19.00"`` in English."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return _formatted(str(money(amount)), currency or settings.SHOP_CURRENCY, language)


@lru_cache(maxsize=1024)
def _formatted(amount: str, currency: str, language: str) -> str:
    """Babel's writing of ``amount`` (a page shows the same few amounts many times: written once each)."""
    return format_currency(Decimal(amount), currency, locale=_locale(language))
