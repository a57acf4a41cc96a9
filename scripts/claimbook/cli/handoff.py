"""Commands: The bookkeeper's month: handoff.

Registered on the ``cli`` group when imported; ``ClaimbookGroup`` imports this module
when one of its commands runs."""

from __future__ import annotations

import os

import click

from claimbook.cli.main import cli, load, month_option, workbook_option
from claimbook.compute.ledger import Month
from claimbook.rules.money import dollars
from claimbook.rules.problems import BadRequest, ClaimbookError

PASSWORD_ENV = "CLAIMBOOK_HANDOFF_PASSWORD"


@cli.command()
@workbook_option
@month_option()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports",
              show_default=True, help="Folder for the handoff workbook.")
@click.option("--names", is_flag=True,
              help="Show clients' names beside their Client IDs (default: IDs only).")
@click.option("--password", envvar=PASSWORD_ENV, show_envvar=True, metavar="PW",
              help="Encrypt the workbook: Excel asks for this password to open it. "
                   f"Prefer ${PASSWORD_ENV}, which stays out of your shell history.")
@click.option("--ask-password", is_flag=True,
              help="Ask for the password without showing it (and again to confirm).")
@click.option("--csv", "csv_format", type=click.Choice(["qbo", "xero"]), is_flag=False,
              flag_value="qbo", default=None, metavar="[qbo|xero]",
              help="Also write the journal as an import CSV: qbo (QuickBooks Online, the "
                   "default) or xero (Xero manual journals).")
@click.option("--daily", is_flag=True,
              help="Hand the journal over as one summary entry per day.")
def handoff(workbook: str, month: Month, out_dir: str, names: bool, password: str | None,
            ask_password: bool, csv_format: str | None, daily: bool) -> None:
    """Write the bookkeeper's workbook for a month and print its path.

    The month's journal (balanced debits and credits in the bookkeeper's accounts, each
    entry on one A/R account, each A/R account equal to the aging), deposits to tick
    against the bank statement, revenue by service code and by therapist, insurance
    receipts by payer and the A/R roll-forward, equal to the monthly report's. Clients
    appear by Client ID only, unless --names.

    \b
    Examples:
      claimbook handoff -w workbooks/sample-practice.xlsx --month 2026-10
      claimbook handoff --month 2026-10 --csv
      claimbook handoff --month 2026-10 --csv xero --daily
      CLAIMBOOK_HANDOFF_PASSWORD='s3cret words' claimbook handoff --month 2026-10
      claimbook handoff --month 2026-10 --ask-password --names
    """
    from claimbook.compute.bookkeeping import bookkeepers_month
    from claimbook.io.xlsx.handoff import XERO, check_xero_codes, write_handoff

    if ask_password:
        password = click.prompt("Password for the handoff workbook", hide_input=True,
                                confirmation_prompt=True)
    if password is not None and not password.strip():
        raise BadRequest("the password is empty; give one with --password or "
                         f"${PASSWORD_ENV}")
    book = load(workbook)
    result = bookkeepers_month(book, month, names=names, by_day=daily)
    if not (result.balanced and result.ties):  # pragma: no cover - a computation bug
        raise ClaimbookError(f"the journal does not tie: debits {dollars(result.debits)}, "
                             f"credits {dollars(result.credits)}; nothing written")
    if csv_format == XERO:
        check_xero_codes(result, book.settings.rows)
    path = os.path.join(out_dir, f"{month}-bookkeeper.xlsx")
    csv_path = os.path.join(out_dir, f"{month}-bookkeeper-journal.csv") if csv_format else None
    for written in write_handoff(result, path, password, csv_path, csv_format or "qbo"):
        click.echo(written)
