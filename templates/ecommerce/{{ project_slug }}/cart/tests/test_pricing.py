from decimal import Decimal

import pytest

from ..pricing import line_total, money, totals


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
