"""Voids: a record undone by an equal and opposite entry, never deleted.

``claimbook void`` writes, on the day of the void, a reversal of each row it undoes (the
same visit or payment with every amount negated) and fills Void Reason on both: the
original's says when and by what it was voided, the reversal's starts ``Reverses``. The
months already reported and handed off keep their figures; the void counts from its
own date. These words are how claimbook tells the two apart later.
"""

from __future__ import annotations

import re
from datetime import date

REVERSES = "Reverses"
_REVERSAL = re.compile(rf"^\s*{REVERSES}\s+(?P<id>\S+?):", re.IGNORECASE)


def reversal_reason(original_id: str, reason: str) -> str:
    """The Void Reason of a reversal row: ``Reverses PMT000123: entered twice``."""
    return f"{REVERSES} {original_id}: {reason}"


def voided_reason(reason: str, day: date, by: str | None = None) -> str:
    """The Void Reason of the row undone: ``entered twice (voided 2026-11-28 by PMT000700)``."""
    tail = f" by {by}" if by else ""
    return f"{reason} (voided {day.isoformat()}{tail})"


def is_reversal(record) -> bool:
    """Is this row a void's equal and opposite entry?"""
    return bool(_REVERSAL.match(getattr(record, "void_reason", None) or ""))


def reversed_id(record) -> str | None:
    """The ID a reversal row undoes (``Reverses PMT000123: ...`` -> ``PMT000123``)."""
    found = _REVERSAL.match(getattr(record, "void_reason", None) or "")
    return found.group("id") if found else None


def is_voided(record) -> bool:
    """Is this row undone (the original of a void, or the reversal itself)?"""
    return bool(getattr(record, "void_reason", None))
