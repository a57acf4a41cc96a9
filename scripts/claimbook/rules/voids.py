"""Voids: a record undone by an equal and opposite entry, never deleted.

``claimbook void`` writes, on the day of the void, a reversal of each row it undoes (the
same visit or payment with every amount negated) and fills Void Reason on both: the
original's says when and by what it was voided, the reversal's starts ``Reverses``. The
months already reported and handed off keep their figures; the void counts from its
own date. These words are how claimbook tells the two apart later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from claimbook.rules.dates import DEFAULT_STYLE, show_date

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


# -- a voided visit, as the owner is told -------------------------------------------------
_VOIDED_ON = re.compile(r"^(?P<reason>.*?)\s*\(voided (?P<day>\d{4}-\d{2}-\d{2})"
                        r"(?: by [^)]*)?\)\s*$")


@dataclass(frozen=True)
class VisitVoid:
    """Why and when a visit was voided, and the cell that says so."""

    appointment_id: str
    reason: str  # the owner's words: "wrong client"
    day: date | None  # the day of the void
    cell: str  # where it is written: ``Appointments!T12``

    def sentence(self, style: str = DEFAULT_STYLE) -> str:
        """``voided on 11/20/2026 (wrong client; Appointments!T12)``."""
        when = f" on {show_date(self.day, style)}" if self.day else ""
        why = f"{self.reason}; " if self.reason else ""
        return f"voided{when} ({why}{self.cell})"


def visit_void(lines) -> VisitVoid | None:
    """The void of a visit (its service lines), or None when it was never voided.

    A visit is voided when one of its own lines (not a reversal) has a Void Reason;
    the reason and the day are read from what ``claimbook void`` wrote there
    (``wrong client (voided 2026-11-20)``), else the reason as typed and the day of the
    reversal line.
    """
    original = next((ln for ln in lines if getattr(ln, "void_reason", None)
                     and not is_reversal(ln)), None)
    if original is None:
        return None
    text = " ".join(str(original.void_reason).split())
    found = _VOIDED_ON.match(text)
    if found:
        reason, day = found.group("reason"), date.fromisoformat(found.group("day"))
    else:
        reversal = next((ln for ln in lines if is_reversal(ln)), None)
        reason, day = text, getattr(reversal, "date_of_service", None)
    return VisitVoid(original.appointment_id, reason, day, original.src.cell("void_reason"))
