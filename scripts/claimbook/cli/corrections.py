"""Command: ``claimbook void``, undoing a payment or a visit by an equal and opposite entry.

Registered on the ``cli`` group when imported (see ``ClaimbookGroup.LAZY``).
"""

from __future__ import annotations

import click

from claimbook.cli.guard import check_date, today
from claimbook.cli.main import cli, date_option, workbook_option
from claimbook.compute.reminders import who_owes
from claimbook.rules.dates import show_date
from claimbook.rules.money import dollars
from claimbook.usecases.void import VoidRequest, void_record


@cli.command()
@workbook_option
@click.option("--payment", "payment_id", metavar="ID", help="The payment to undo.")
@click.option("--appointment", "appointment_id", metavar="ID", help="The visit to undo.")
@click.option("--reason", required=True, metavar="TEXT", help="Why (goes in Void Reason).")
@date_option("--date", "The day of the void (default: today).", dest="day")
@click.option("--yes", "assume_yes", is_flag=True,
              help="Take a date far from today without asking.")
def void(workbook, payment_id, appointment_id, reason, day, assume_yes) -> None:
    """Undo a payment or a visit by an equal and opposite entry; nothing is deleted.

    The reversal is dated the day of the void, so months already reported and handed
    off keep their figures; Void Reason is filled on the original and on the reversal.
    A voided visit's payments stay until they are voided too.

    \b
    Examples:
      claimbook void --payment PMT000607 --reason "entered twice"
      claimbook void --appointment A001318 --reason "wrong client; re-entered as A001319"
    """
    if bool(payment_id) == bool(appointment_id):
        raise click.UsageError("give --payment ID or --appointment ID (one of them)")
    check_date(day or today(), "the void", assume_yes, workbook)
    req = VoidRequest(day or today(), reason, payment_id, appointment_id)
    plan, _ = void_record(workbook, req, today())
    when = show_date(plan.dated, plan.date_style)
    for reversal in plan.reversals:
        if plan.what.startswith("payment"):
            click.echo(f"{reversal.payment_id} reverses {req.payment_id.strip()}: "
                       f"{dollars(reversal.amount)} on {when}")
        else:
            click.echo(f"{plan.appointment_id} {reversal.service_code}: charge "
                       f"{dollars(reversal.charge)} on {when}")
    b = plan.balance
    owes = "nothing" if b is None or b.balance == 0 else (
        f"nothing (a credit of {dollars(-b.balance)})" if b.balance < 0 else
        f"{dollars(b.balance)}: {who_owes(b, plan.payer_name)}")
    click.echo(f"Voided {plan.what} ({reason.strip()}); {plan.appointment_id} now owes {owes}")
    for message in plan.warnings:
        click.echo(f"Warning: {message}", err=True)
