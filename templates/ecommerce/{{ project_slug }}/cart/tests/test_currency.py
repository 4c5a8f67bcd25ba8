"""Amounts are written in the shop's currency the way the active language writes money."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from ..currency import format_money


@pytest.mark.parametrize(
    ("language", "written"),
    [("en-us", "€1,234.50"), ("en-gb", "€1,234.50"), ("de", "1.234,50\xa0€"), ("fr", "1\u202f234,50\xa0€")],
)
def test_money_follows_the_active_language(language, written):
    with translation.override(language):
        assert format_money(Decimal("1234.5")) == written


def test_money_rounds_like_the_pricing_module_and_names_other_currencies():
    with translation.override("en-us"):
        assert format_money("2.345") == "€2.35"
        assert format_money(19, "USD") == "$19.00"


def test_an_unknown_language_falls_back_to_english():
    with translation.override("xx"):
        assert format_money("5") == "€5.00"


def test_the_money_filter_writes_nothing_for_no_amount(settings):
    settings.SHOP_CURRENCY = "GBP"
    template = Template("{% load shop %}[{{ none|money }}][{{ price|money }}]")
    with translation.override("en-gb"):
        assert template.render(Context({"none": None, "price": Decimal("19")})) == "[][£19.00]"
