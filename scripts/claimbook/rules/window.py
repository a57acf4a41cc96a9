"""Dates far from today: taken only when the user says so.

A payment dated 2027-11-28 instead of 2026-11-28 is counted from that day only: it
vanishes from every balance, reminder and report until then. A visit dated 2025-11-26
instead of 2026-11-26 lands in a month already reported and handed to the bookkeeper.
So a desk command asks (or, with no one to ask, refuses without ``--yes``) when its date
is after today (a day's grace for time zones) or before the start of last month (the
month the desk may still be catching up on).
"""

from __future__ import annotations

from datetime import date, timedelta

from claimbook.rules.dates import DEFAULT_STYLE, show_date
from claimbook.rules.months import Month

FUTURE_GRACE_DAYS = 1


def far_from_today(day: date, today: date, what: str,
                   style: str = DEFAULT_STYLE) -> str | None:
    """Why ``day`` needs a second look, or None when it is near today.

    Args:
        day: the date given.
        today: today.
        what: what is dated (``the payment``, ``the visit``), for the message.
        style: the practice's date style, for the dates in the message.

    Returns:
        One sentence, e.g. ``11/28/2027 is 363 days after today (11/30/2026): the payment
        will not count in any balance, reminder or report before 11/28/2027``.
    """
    shown, now = show_date(day, style), show_date(today, style)
    if day > today + timedelta(days=FUTURE_GRACE_DAYS):
        return (f"{shown} is {(day - today).days} days after today ({now}): {what} will not "
                f"count in any balance, reminder or report before {shown}")
    start = Month.of(today).previous().first_day
    if day < start:
        month = Month.of(day)
        return (f"{shown} is {(today - day).days} days before today ({now}): {what} goes "
                f"into {month.label}, a month that may already be reported and handed off")
    return None
