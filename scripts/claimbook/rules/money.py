"""Money as integer cents: parsed once at the edge, summed exactly, shown at the end.

Rounding is half-up (``0.005`` -> ``0.01``, ``-0.005`` -> ``-0.01``) and happens in one
place, :func:`to_cents`. Binary floats never take part in a sum.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Money text as owners type it: an optional sign, an optional $, digits with commas
# only between groups of three, an optional decimal part; or the whole in parentheses
# (negative) with no sign inside. "12,50" (a decimal comma) and "(-5)" are refused:
# each could mean two amounts.
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+"
_MONEY_TEXT = re.compile(rf"^(?P<sign>[+-]?)\s*\$?\s*(?P<inner_sign>-?)(?P<number>{_NUMBER})$")
_PARENTHESES = re.compile(rf"^\(\s*\$?\s*(?P<number>{_NUMBER})\s*\)$")
_CENT = Decimal("0.01")
# The largest amount read: $1,000,000,000 (a million such lines still sum in 64 bits).
MAX_CENTS = 100_000_000_000


class NotMoney(ValueError):
    """A value that cannot be read as an amount of money."""


def to_cents(value: object) -> int:
    """Read an amount as integer cents, rounding half-up.

    Args:
        value: an int, a Decimal, a float as a spreadsheet stores it, or text as an
            owner types it (``"$1,234.50"``, ``"(12.00)"``, ``"-5"``).

    Returns:
        The amount in cents.

    Raises:
        NotMoney: when the value is not an amount.
    """
    if isinstance(value, bool):
        raise NotMoney(value)
    if isinstance(value, int):
        return _within(value * 100, value)
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) * 100 >= MAX_CENTS:
            raise NotMoney(value)
        scaled = value * 100
        nearest = round(scaled)
        if abs(scaled - nearest) < 1e-6:
            return int(nearest)
        return _decimal_cents(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return _decimal_cents(value)
    if isinstance(value, str):
        return _text_cents(value)
    raise NotMoney(value)


def _within(cents: int, value: object) -> int:
    if abs(cents) >= MAX_CENTS:
        raise NotMoney(value)
    return cents


def _decimal_cents(amount: Decimal) -> int:
    if not amount.is_finite() or abs(amount) * 100 >= MAX_CENTS:
        raise NotMoney(amount)
    return int((amount.quantize(_CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def _text_cents(text: str) -> int:
    """Money text, strictly: ``$1,234.50``, ``1234.5``, ``-$5.00``, ``(12.00)``."""
    cleaned = text.strip()
    negative = False
    found = _PARENTHESES.match(cleaned)
    if found:
        negative = True
    else:
        found = _MONEY_TEXT.match(cleaned)
        if found is None or (found["sign"] and found["inner_sign"]):
            raise NotMoney(text)
        negative = "-" in (found["sign"], found["inner_sign"])
    try:
        cents = _decimal_cents(Decimal(found["number"].replace(",", "")))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
        raise NotMoney(text) from exc
    return -cents if negative else cents


def fmt(cents: int | None) -> str | None:
    """Cents as text with two decimals: ``6000`` -> ``"60.00"``; None stays None."""
    if cents is None:
        return None
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def dollars(cents: int | None) -> str:
    """Cents for people: ``123450`` -> ``"$1,234.50"``, ``-500`` -> ``"-$5.00"``."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"


def as_number(cents: int | None) -> float | None:
    """Cents as the number a spreadsheet cell holds (dollars). For writing only."""
    return None if cents is None else cents / 100


def percent_half_up(part: int, whole: int, places: int = 1) -> Decimal:
    """``part / whole`` as a percentage rounded half-up; 0 when ``whole`` is 0."""
    if whole == 0:
        return Decimal(0)
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(quantum, rounding=ROUND_HALF_UP)
