from decimal import Decimal

import pytest

from ..pricing import TaxRule, line_total, money, parse_rate, totals


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("2.345", "2.35"),
        ("2.344", "2.34"),
        ("0.005", "0.01"),
        ("10", "10.00"),
        (3, "3.00"),
        ("-1.005", "-1.01"),
    ],
)
def test_money_rounds_half_up_to_cents(amount, expected):
    assert money(amount) == Decimal(expected)
    assert str(money(amount)) == expected


def test_line_total_rounds_once_per_line():
    assert line_total(Decimal("0.333"), 3) == Decimal("1.00")
    assert line_total(Decimal("19.99"), 3) == Decimal("59.97")


def test_totals_add_lines_then_shipping_without_float_error():
    result = totals([(Decimal("0.10"), 3), (Decimal("0.20"), 1), (Decimal("1.115"), 1)], Decimal("4.9"))
    assert result.subtotal == Decimal("1.62")  # 0.30 + 0.20 + 1.12
    assert result.shipping == Decimal("4.90")
    assert result.total == Decimal("6.52")
    assert totals([]).total == Decimal("0.00")
    assert isinstance(totals([(Decimal("1"), 1)]).total, Decimal)


def test_included_tax_is_the_part_of_the_total_that_is_tax():
    vat = TaxRule(rate=Decimal("20"), included=True)
    result = totals([(Decimal("12.50"), 2)], Decimal("4.90"), vat)
    assert result.total == Decimal("29.90")  # gross prices: the customer pays what the prices say
    assert result.tax == Decimal("4.98")  # 29.90 - 29.90 / 1.2 = 4.9833…, rounded once, half up
    assert (result.tax_rate, result.tax_included) == (Decimal("20"), True)


def test_added_tax_is_charged_on_top_of_goods_and_shipping():
    sales_tax = TaxRule(rate=Decimal("7.25"), included=False)
    result = totals([(Decimal("10.00"), 3)], Decimal("5.00"), sales_tax)
    assert result.tax == Decimal("2.54")  # 35.00 x 7.25 % = 2.5375
    assert result.total == Decimal("37.54")


def test_no_tax_by_default():
    result = totals([(Decimal("10.00"), 1)])
    assert (result.tax, result.total, result.tax_rate) == (Decimal("0.00"), Decimal("10.00"), Decimal("0.00"))


@pytest.mark.parametrize("value", ["abc", "-1", "100", "NaN", "Infinity", ""])
def test_bad_tax_rates_are_refused_with_a_reason(value):
    with pytest.raises(ValueError, match=r"percentage|not a number"):
        parse_rate(value)


def test_the_system_check_reports_a_bad_tax_rate(settings):
    from ..checks import check_tax_settings

    settings.SHOP_TAX_RATE = "twenty"
    assert [error.id for error in check_tax_settings(None)] == ["shop.E001"]
    settings.SHOP_TAX_RATE = "20"
    assert check_tax_settings(None) == []
