"""Command: ``claimbook import``, the booking software's history and schedule.

Registered on the ``cli`` group when imported (see ``ClaimbookGroup.LAZY``).
"""

from __future__ import annotations

import json

import click

from claimbook.cli.guard import today
from claimbook.cli.main import cli, date_option, format_option, workbook_option
from claimbook.rules.money import dollars, fmt
from claimbook.usecases.import_files import import_exports
from claimbook.usecases.importing import ImportPlan, ImportRequest


@cli.command("import")
@workbook_option
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@click.option("--staff", "staff", metavar="ID|NAME",
              help="The therapist of visits whose export names none.")
@date_option("--date", "The day of the import: later appointments are the schedule "
             "(default: today).", dest="day")
@format_option("text", "json")
def import_(workbook, files, dry_run, staff, day, output_format) -> None:
    """Bring in the booking software's exports: clients, visits, insurance payments.

    CSV or Excel, in any encoding; each file is recognised by its column names
    (MassageBook income by payment type, product sales, appointments and client list;
    Square items detail; Vagaro transaction list). Products titled "Insurance Billing -
    Client Name - Date of Service" become insurance payments on that visit; discounted
    checkouts become visits with what the client paid; booked appointments are the
    schedule (Checked Out = No). Rows already in the workbook are not written again; rows
    that cannot be placed are kept on the Unmatched Imports sheet, with why.

    \b
    Examples:
      claimbook import exports/*.csv --dry-run
      claimbook import clients.csv appointments.csv income-2026-h1.csv income-2026-h2.csv
    """
    staff_id = _staff_id(workbook, staff) if staff else None
    req = ImportRequest(day or today(), staff_id)
    plan, _ = import_exports(workbook, list(files), req, dry_run)
    if output_format == "json":
        click.echo(json.dumps(_as_json(plan, dry_run), indent=2))
        return
    _as_text(plan, dry_run)


def _staff_id(workbook: str, text: str) -> str:
    from claimbook.cli.main import load
    from claimbook.rules.lookup import find_staff

    return find_staff(load(workbook, computes=False), text)


def _ids(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _as_text(plan: ImportPlan, dry_run: bool) -> None:
    verb = "would be" if dry_run else ""
    for f in plan.files:
        extra = f" ({f.duplicates} also in an earlier file)" if f.duplicates else ""
        ignored = f"; columns ignored: {', '.join(f.ignored_columns)}" \
            if f.ignored_columns else ""
        click.echo(f"{f.name}: {f.report}, {f.rows} rows{extra}{ignored}")
    new = [f"{c['client_id']} {c['first_name']} {c['last_name']}".strip()
           for c in plan.new_clients]
    visits = [c.appointment_id for c in plan.new_visits]
    booked = sum(1 for c in plan.new_visits if c.booked)
    lines = [("New clients", len(new), _ids(new, 4)),
             ("New visits", len(visits), _ids(visits) + (f"; {booked} booked, not checked out"
                                                        if booked else "")),
             ("Booked visits now checked out", len(plan.completed), _ids(plan.completed)),
             ("New payments", len(plan.payments),
              _ids([f"{p.payment_id} {p.appointment_id} {dollars(p.amount)} "
                    f"{'from ' + p.payer_id if p.payer_id else 'client'}"
                    for p in plan.payments], 6))]
    for label, n, detail in lines:
        if n:
            click.echo(f"{label}{' ' + verb if verb else ''}: {n} ({detail})")
    if plan.already:
        click.echo(f"Already in the workbook: {plan.already} row{'s' if plan.already > 1 else ''}")
    for why, n in sorted(plan.skipped.items()):
        click.echo(f"Skipped: {n} {why}")
    if plan.resolved:
        click.echo(f"Unmatched Imports resolved: {_ids(plan.resolved)}")
    if plan.left:
        kept = len(plan.listed)
        click.echo(f"Unmatched: {len(plan.left)} rows ({kept} new on the Unmatched Imports "
                   f"sheet{'' if not dry_run else ', if written'})")
        for left in plan.left:
            v = left.row.values
            amount = f" {dollars(v['amount'])}" if v.get("amount") is not None else ""
            click.echo(f"  {left.row.where}: {v.get('item') or v.get('service') or ''}"
                       f"{amount}: {left.why}")
    if plan.disagreements:
        click.echo("Reminders that disagree (nothing overwritten):")
        for text in plan.disagreements:
            click.echo(f"  {text}")
    if plan.left_out:
        click.echo("Not written, your sheet has no column for it: " + ", ".join(plan.left_out))
    if dry_run:
        click.echo("Dry run: nothing written")
    elif not (plan.changes.rows or plan.changes.cells):
        click.echo("Nothing new to write")


def _as_json(plan: ImportPlan, dry_run: bool) -> dict:
    return {
        "dry_run": dry_run,
        "files": [{"file": f.name, "report": f.report, "rows": f.rows,
                   "duplicates": f.duplicates, "ignored_columns": f.ignored_columns,
                   "encoding": f.encoding} for f in plan.files],
        "new_clients": [c["client_id"] for c in plan.new_clients],
        "new_visits": [{"appointment_id": c.appointment_id, "client_id": c.client_id,
                        "date_of_service": c.day.isoformat(), "booked": c.booked,
                        "policy_id": c.policy_id, "client_paid": fmt(c.paid)}
                       for c in plan.new_visits],
        "completed": plan.completed,
        "payments": [{"payment_id": p.payment_id, "appointment_id": p.appointment_id,
                      "source": p.source, "payer_id": p.payer_id, "amount": fmt(p.amount),
                      "date_received": p.date_received.isoformat(),
                      "product_title": p.product_title} for p in plan.payments],
        "already": plan.already, "skipped": dict(plan.skipped),
        "unmatched": [{"where": left.row.where, "why": left.why} for left in plan.left],
        "resolved": plan.resolved, "disagreements": plan.disagreements}
