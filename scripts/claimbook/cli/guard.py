"""Shared by the commands that record something: today, and a second look at a date far
from it (see :mod:`claimbook.rules.window`)."""

from __future__ import annotations

import os
import sys
from datetime import date

import click

from claimbook.rules.problems import BadRequest
from claimbook.rules.window import far_from_today

TODAY_ENV = "CLAIMBOOK_TODAY"


def today() -> date:
    """Today; ``$CLAIMBOOK_TODAY`` (a date) stands in for it, e.g. to catch up on a past
    day's desk work without being asked about every date."""
    text = os.environ.get(TODAY_ENV, "").strip()
    if not text:
        return date.today()
    from claimbook.io.xlsx.reader import CellError, convert
    from claimbook.rules import schema

    try:
        return convert(schema.DATE, text)
    except CellError:
        raise click.UsageError(f'${TODAY_ENV}: "{text}" is not a date') from None


def check_date(day: date | None, what: str, assume_yes: bool,
               workbook: str | None = None) -> None:
    """Ask before taking a date far from today; with no one to ask, refuse unless
    ``--yes`` (then say what it means, and go on). The dates are told in the Date Style
    of ``workbook``'s practice (read only when there is something to say).

    Raises:
        BadRequest: the date is far from today, there is no terminal and no --yes.
    """
    if day is None or far_from_today(day, today(), what) is None:
        return
    message = far_from_today(day, today(), what, _date_style(workbook))
    if assume_yes:
        click.echo(f"Warning: {message}", err=True)
        return
    if not sys.stdin.isatty():
        raise BadRequest(f"{message}; nothing was written (run again with --yes if the date "
                         "is right)")
    click.echo(f"Warning: {message}", err=True)
    click.confirm("Is the date right?", abort=True, err=True)


def _date_style(workbook: str | None) -> str:
    """The practice's date style (the default when the workbook cannot tell: its own
    problems are told by the command that reads it next)."""
    from claimbook.rules.dates import DEFAULT_STYLE, style_of

    if not workbook:
        return DEFAULT_STYLE
    try:
        from claimbook.io.xlsx.reader import open_sheets, open_workbook

        return style_of(open_sheets(open_workbook(workbook))[0])
    except Exception:  # noqa: BLE001 - only the wording of a warning depends on it
        return DEFAULT_STYLE
