"""Dates as the practice reads them: one style per practice (the Practice setting
"Date Style"), the same in every cell, title and sentence claimbook writes.

``MM/DD/YYYY`` (the US style, the default) or ``YYYY-MM-DD``. JSON and the X12 and
import formats keep their own fixed formats; this is for people.
"""

from __future__ import annotations

from datetime import date

US = "MM/DD/YYYY"
ISO = "YYYY-MM-DD"
DATE_STYLES = (US, ISO)
DEFAULT_STYLE = US

_PYTHON = {US: "%m/%d/%Y", ISO: "%Y-%m-%d"}
_EXCEL = {US: "mm/dd/yyyy", ISO: "yyyy-mm-dd"}


def style_of(settings) -> str:
    """The practice's date style from its settings (the default when unset or unknown).

    Args:
        settings: the Practice settings (anything with a ``date_style`` attribute), or
            None.
    """
    style = getattr(settings, "date_style", None)
    return style if style in DATE_STYLES else DEFAULT_STYLE


def show_date(day: date | None, style: str = DEFAULT_STYLE) -> str:
    """A date as text in the practice's style: ``10/31/2026`` or ``2026-10-31``;
    ``""`` for None."""
    if day is None:
        return ""
    return day.strftime(_PYTHON.get(style, _PYTHON[DEFAULT_STYLE]))


def excel_date_format(style: str = DEFAULT_STYLE) -> str:
    """The Excel number format of a date cell in the practice's style."""
    return _EXCEL.get(style, _EXCEL[DEFAULT_STYLE])


def date_width(style: str = DEFAULT_STYLE) -> int:
    """Characters a date takes in this style (both styles: 10)."""
    return len(show_date(date(2026, 12, 31), style))
