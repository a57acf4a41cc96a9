from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbook.rules.money import NotMoney, dollars, fmt, percent_half_up, to_cents


@pytest.mark.parametrize("raw, cents", [
    (60, 6000), (60.0, 6000), (0.1 + 0.2, 30), (1234.5, 123450), ("$1,234.50", 123450),
    ("1234.5", 123450), ("(12.00)", -1200), ("-5", -500), ("-$5.25", -525), (" 7 ", 700),
    ("0.005", 1), ("0.004", 0), ("-0.005", -1), (2.675, 268), (Decimal("10.125"), 1013),
])
def test_amounts_read_as_cents_half_up(raw, cents):
    assert to_cents(raw) == cents


@pytest.mark.parametrize("raw", ["12O.00", "", "abc", "1.2.3", "$", True, None])
def test_not_amounts(raw):
    with pytest.raises(NotMoney):
        to_cents(raw)


def test_formatting():
    assert fmt(6000) == "60.00"
    assert fmt(-5) == "-0.05"
    assert fmt(None) is None
    assert dollars(123450) == "$1,234.50"
    assert dollars(-500) == "-$5.00"
    assert percent_half_up(1, 8) == Decimal("12.5")
    assert percent_half_up(1, 0) == 0


@given(st.decimals(min_value=-10**7, max_value=10**7, allow_nan=False, places=4))
def test_text_and_decimal_agree_with_half_up(amount):
    expected = int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    assert to_cents(amount) == expected
    assert to_cents(str(amount)) == expected


@given(st.integers(min_value=-10**9, max_value=10**9))
def test_cents_survive_a_spreadsheet_float(cents):
    assert to_cents(cents / 100) == cents
    assert to_cents(fmt(cents)) == cents
