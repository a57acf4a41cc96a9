"""Money as integer cents: parsed once at the edge, summed exactly, shown at the end.

Rounding is half-up (``0.005`` -> ``0.01``, ``-0.005`` -> ``-0.01``) and happens in one
place, :func:`to_cents`. Binary floats never take part in a sum.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_MONEY_TEXT = re.compile(r"^[+-]?\d*\.?\d+$")
_CENT = Decimal("0.01")


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
        return value * 100
    if isinstance(value, float):
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


def _decimal_cents(amount: Decimal) -> int:
    if not amount.is_finite():
        raise NotMoney(amount)
    return int((amount.quantize(_CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def _text_cents(text: str) -> int:
    cleaned = text.strip().replace(",", "").replace(" ", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    if negative:
        cleaned = cleaned[1:-1]
    if cleaned.startswith("-$") or cleaned.startswith("+$"):
        cleaned = cleaned[0] + cleaned[2:]
    elif cleaned.startswith("$"):
        cleaned = cleaned[1:]
    if not _MONEY_TEXT.match(cleaned):
        raise NotMoney(text)
    try:
        cents = _decimal_cents(Decimal(cleaned))
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
