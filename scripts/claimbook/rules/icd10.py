"""ICD-10-CM diagnosis codes as owners type them into the Diagnosis Codes column.

A code is a letter, a digit, a digit or letter (``M54``, ``C4A``), then optionally a dot
and one to four more letters or digits (``M54.50``, ``S16.1XXA``). Owners type the dot
or leave it out and separate codes with commas, semicolons or spaces; receipts show each
code once, upper case, with its dot, as the CMS-1500 lists them under pointers A-L.
"""

from __future__ import annotations

import re

POINTER_LETTERS = "ABCDEFGHIJKL"  # box 21 of the CMS-1500 holds twelve diagnoses
_CODE = re.compile(r"^([A-Z][0-9][0-9A-Z])\.?([0-9A-Z]{1,4})?$")
_SEPARATORS = re.compile(r"[,;\s]+")


def split_codes(text: str | None) -> list[str]:
    """The codes of one Diagnosis Codes cell, as typed: ``"M54.2, s16.1xxa"`` -> 2 codes."""
    if not text:
        return []
    return [part for part in _SEPARATORS.split(text.strip()) if part]


def normalize_code(code: str) -> str | None:
    """A code in its printed form (``m5450`` -> ``M54.50``), or None when it is malformed."""
    found = _CODE.match(code.strip().upper())
    if not found:
        return None
    head, tail = found.groups()
    return f"{head}.{tail}" if tail else head


def code_problem(code: str) -> str | None:
    """Why ``code`` is not an ICD-10-CM code, or None when it is one."""
    if normalize_code(code) is None:
        return (f'"{code}" is not an ICD-10 code (a letter, two characters, then an optional '
                f'dot and up to 4 more, e.g. M54.50 or S16.1XXA)')
    return None


def pointer(index: int) -> str:
    """The pointer letter of the ``index``-th diagnosis (0 -> A); past L it goes on (M ...)."""
    if index < len(POINTER_LETTERS):
        return POINTER_LETTERS[index]
    return chr(ord("A") + index) if index < 26 else f"Z{index - 25}"
