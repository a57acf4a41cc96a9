"""Command: ``claimbook history``, a client's visits and payments with a running balance.

Registered on the ``cli`` group when imported (see ``ClaimbookGroup.LAZY``).
"""

from __future__ import annotations

import json

import click

from claimbook.cli.main import cli, date_option, format_option, load, workbook_option
from claimbook.compute.history import History, client_history
from claimbook.compute.reminders import who_owes
from claimbook.rules.dates import show_date, style_of
from claimbook.rules.lookup import find_client
from claimbook.rules.money import dollars, fmt


@cli.command()
@workbook_option
@click.option("--client", "client", required=True, metavar="ID|NAME",
              help='The client: a Client ID or a name ("Jane Doe", "Doe, Jane"), any case.')
@date_option("--as-of", "Where the open visits are taken (default: the last entry's date).")
@format_option("text", "json")
def history(workbook, client, as_of, output_format) -> None:
    """Every visit and payment of a client, in date order, with a running balance.

    A visit counts on its Date of Service (its charge, a discount, what was paid at the
    visit), a payment on its Date Received (its amount, then its adjustment); voids show
    as the equal and opposite entries they are. The last line says what is still open,
    and from whom.

    \b
    Examples:
      claimbook history --client C0002
      claimbook history --client "liam davis" --format json
    """
    book = load(workbook, computes=False)
    found = client_history(book, find_client(book, client), as_of)
    if output_format == "json":
        click.echo(json.dumps(_as_json(found), indent=2))
        return
    _as_text(book, found)


def _as_text(book, found: History) -> None:
    style = style_of(book.settings)
    click.echo(f"{found.client_name} ({found.client_id})")
    if not found.entries:
        click.echo("No visits or payments")
        return
    click.echo(f"{'Date':<10}  {'Entry':<9}  {'Visit':<8}  {'Amount':>10}  {'Balance':>10}  What")
    for e in found.entries:
        mark = " [voided]" if e.voided and not e.what.startswith("Void of") else ""
        click.echo(f"{show_date(e.day, style):<10}  {e.ref:<9}  {e.appointment_id:<8}  "
                   f"{dollars(e.amount):>10}  {dollars(e.balance):>10}  {e.what}{mark}")
    owed = "; ".join(f"{b.appointment_id} {dollars(b.balance)}: "
                     f"{who_owes(b, _payer_name(book, b))}" for b in found.open_visits)
    click.echo(f"Balance {dollars(found.balance)} as of {show_date(found.as_of, style)}"
               + (f" ({owed})" if owed else ""))


def _payer_name(book, item) -> str | None:
    payer = book.payers.get(item.payer_id) if item.payer_id else None
    return payer.name if payer else None


def _as_json(found: History) -> dict:
    return {"client_id": found.client_id, "client_name": found.client_name,
            "as_of": found.as_of.isoformat() if found.as_of else None,
            "balance": fmt(found.balance),
            "entries": [{"date": e.day.isoformat(), "entry": e.ref,
                         "appointment_id": e.appointment_id, "what": e.what,
                         "amount": fmt(e.amount), "balance": fmt(e.balance),
                         "voided": e.voided} for e in found.entries],
            "open_visits": [{"appointment_id": b.appointment_id,
                             "date_of_service": b.date_of_service.isoformat()
                             if b.date_of_service else None,
                             "balance": fmt(b.balance), "insurance_due": fmt(b.insurance_due),
                             "client_due": fmt(b.client_due), "status": b.status}
                            for b in found.open_visits]}
