"""Commands: Recording at the desk: checkout, pay, remind, today.

Registered on the ``cli`` group when imported; ``ClaimbookGroup`` imports this module
when one of its commands runs. Each command takes a
snapshot of the workbook, plans its rows with :mod:`claimbook.desk` and
:mod:`claimbook.reminders`, and writes them with :mod:`claimbook.xlsx.surgery`.
Exit codes: 0 done; 1 refused (unknown visit, wrong payer, workbook open or changed ...),
nothing written; 2 a usage error (a missing or malformed option), nothing written.
"""

from __future__ import annotations

import json
import sys

import click

from claimbook.cli import guard
from claimbook.cli.guard import check_date
from claimbook.cli.main import cli, date_option, format_option, workbook_option
from claimbook.compute import desk, reminders
from claimbook.rules import schema
from claimbook.rules.dates import show_date
from claimbook.rules.money import dollars, fmt
from claimbook.usecases import desk as at_desk


# -- shared ------------------------------------------------------------------------------
def day_option(help_text: str):
    """``--date DATE`` (any date as the workbook takes it), passed as ``day``."""
    return date_option("--date", help_text, dest="day")


def _money_option(value: str | None, label: str) -> int | None:
    return None if value is None else desk.parse_money(value, label)


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def _owes(item, payer_name: str | None) -> str:
    if item is None or item.balance == 0:
        return "nothing"
    if item.balance < 0:
        return f"nothing (a credit of {dollars(-item.balance)})"
    return f"{dollars(item.balance)}: {reminders.who_owes(item, payer_name)}"


# -- checkout --------------------------------------------------------------------------------
def _orders(services, minutes, units) -> tuple[desk.ServiceOrder, ...]:
    if minutes and units:
        raise click.UsageError("give --minutes or --units, not both")
    for name, given in (("--minutes", minutes), ("--units", units)):
        if given and len(given) != len(services):
            raise click.UsageError(f"give one {name} per --service ({len(services)} "
                                   f"service{'s' if len(services) > 1 else ''}, "
                                   f"{len(given)} {name})")
    return tuple(desk.ServiceOrder(code.strip(), minutes[i] if minutes else None,
                                   units[i] if units else None)
                 for i, code in enumerate(services))


@cli.command()
@workbook_option
@day_option("Date of service (default: today; with --appointment, the booked day).")
@click.option("--appointment", "booked", metavar="ID",
              help="Check out this booked visit (Checked Out = No) instead of a new one.")
@click.option("--client", "client_id", metavar="ID|NAME",
              help='The client: ID or name ("Jane Doe", any case).')
@click.option("--staff", "staff_id", metavar="ID|NAME", help="The therapist.")
@click.option("--service", "services", multiple=True, metavar="CODE|NAME",
              help="A service code (or its description); repeat for a visit billed with "
                   "several.")
@click.option("--minutes", multiple=True, type=click.IntRange(1, 1440),
              help="Minutes of each service (units by the 8-minute rule).")
@click.option("--units", multiple=True, type=click.IntRange(1, 96),
              help="Units of each service, instead of minutes.")
@click.option("--policy", "policy_id", metavar="ID|PAYER",
              help="The policy billed, or its payer (blank: self-pay).")
@click.option("--paid", metavar="AMOUNT", help="What the client paid today.")
@click.option("--method", type=click.Choice(schema.PAYMENT_METHODS, case_sensitive=False),
              help="How the client paid.")
@click.option("--discount", metavar="AMOUNT", help="A courtesy discount off the visit.")
@click.option("--diagnosis", metavar="CODES", help="ICD-10 codes, e.g. 'M54.50, M62.830'.")
@click.option("--flow", type=click.Choice(["discount-first", "reverse"]),
              help="Override the Practice's Checkout Flow.")
@click.option("--id", "appointment_id", metavar="ID", help="The Appointment ID (default: next).")
@click.option("--note", metavar="TEXT", help="Notes for the visit.")
@click.option("--yes", "assume_yes", is_flag=True,
              help="Take a date far from today without asking.")
@format_option("text", "json")
def checkout(workbook, day, booked, client_id, staff_id, services, minutes, units, policy_id,
             paid, method, discount, diagnosis, flow, appointment_id, note, assume_yes,
             output_format) -> None:
    """Record a visit as it is checked out; print its Appointment ID and what is due.

    Discount First (the Practice's default): the visit is checked out now with what the
    client paid; the rest is expected from the insurer. Reverse: the client's payment is
    recorded as a Payments row now; the visit is checked out when the insurer's payment
    clears it. Units come from --minutes by the 8-minute rule; the charge is units x the
    service's fee. The client's Reminder is brought up to date.

    With --appointment, a booked visit (Checked Out = No, e.g. from `claimbook import`)
    is completed where it is: what is not given is taken from the booking.

    \b
    Examples:
      claimbook checkout --client C0049 --staff S01 --policy POL0014 \\
          --service 97124 --minutes 38 --diagnosis "M54.50, M62.830" --paid 25 --method Card
      claimbook checkout --client "Jacob Ramos" --staff daniel --service massage60 \\
          --service 97140 --units 1 --units 1 --paid 100 --method Cash
      claimbook checkout --appointment A001324 --minutes 60 --diagnosis M54.50 --paid 25
    """
    method = next((m for m in schema.PAYMENT_METHODS if method and m.lower() == method.lower()),
                  None)
    if not booked:
        for name, given in (("--client", client_id), ("--staff", staff_id),
                            ("--service", services)):
            if not given:
                raise click.UsageError(f"give {name} (or --appointment ID of a booked visit)")
    check_date(day if booked else day or guard.today(), "the visit", assume_yes, workbook)
    req = desk.CheckoutRequest(
        day=day if booked else day or guard.today(), client_id=(client_id or "").strip(),
        staff_id=(staff_id or "").strip(),
        services=_orders(services or ("",) * max(len(minutes), len(units), 0), minutes, units),
        policy_id=policy_id.strip() if policy_id else None,
        paid=_money_option(paid, f"--paid {paid}"), method=method,
        discount=_money_option(discount, f"--discount {discount}"), diagnosis=diagnosis,
        flow={"reverse": desk.REVERSE, "discount-first": desk.DISCOUNT_FIRST}.get(flow),
        appointment_id=appointment_id.strip() if appointment_id else None, note=note,
        booked=booked.strip() if booked else None)
    done = at_desk.check_out(workbook, req)
    for message in done.plan.warnings:
        _warn(message)
    _checkout_report(done, output_format)


def _checkout_report(done: at_desk.CheckedOut, output_format: str) -> None:
    plan, written = done.plan, done.written
    b = plan.balance
    if output_format == "json":
        click.echo(json.dumps({
            "appointment_id": plan.appointment_id, "flow": plan.flow,
            "checked_out": plan.flow == desk.DISCOUNT_FIRST,
            "lines": [{"service_code": ln.service_code, "minutes": ln.minutes,
                       "units": ln.units, "charge": fmt(ln.charge)} for ln in plan.lines],
            "payment_ids": [p.payment_id for p in plan.payments],
            "charge": fmt(b.charge), "discount": fmt(b.discount),
            "client_paid": fmt(b.client_paid), "balance": fmt(b.balance),
            "insurance_due": fmt(b.insurance_due), "client_due": fmt(b.client_due),
            "payer": plan.payer_name, "rows": written.rows, "backup": written.backup},
            indent=2))
        return
    staff = done.staff_name
    codes = ", ".join(f"{ln.service_code} x{ln.units}"
                      + (f" ({ln.minutes} min)" if ln.minutes else "") for ln in plan.lines)
    click.echo(plan.appointment_id)
    click.echo(f"{b.client_name}, {show_date(b.date_of_service, done.date_style)}, {staff}: "
               f"{codes}, charge {dollars(b.charge)}")
    state = "checked out" if plan.flow == desk.DISCOUNT_FIRST else \
        "not checked out until the insurer's payment clears it"
    paid = f"; the client paid {dollars(b.client_paid)}" if b.client_paid else ""
    click.echo(f"{plan.flow}: {state}{paid}")
    click.echo(f"Owes {_owes(b, plan.payer_name)}")


# -- pay ---------------------------------------------------------------------------------------
def _split(text: str, option: str) -> tuple[str, str | None]:
    appointment_id, sep, amount = text.partition("=")
    if not appointment_id.strip():
        raise click.BadParameter(f'"{text}": give APPOINTMENT_ID=AMOUNT', param_hint=option)
    return appointment_id.strip(), (amount.strip() if sep else None)


def _allocations(applies, adjusts, responsibilities, csv_path) -> tuple[desk.Allocation, ...]:
    found: dict[str, desk.Allocation] = {}
    order: list[desk.Allocation] = []
    for text in applies:
        appointment_id, amount = _split(text, "--apply")
        label = f"--apply {text}"
        order.append(desk.Allocation(appointment_id, _money_option(amount, label), label=label))
    if csv_path:
        from claimbook.io.textfiles import read_csv_rows

        order += desk.allocations_from_rows(read_csv_rows(csv_path, f"--csv {csv_path}"),
                                            csv_path)
    for alloc in order:
        found.setdefault(alloc.appointment_id, alloc)
    for text in adjusts:
        appointment_id, rest = _split(text, "--adjust")
        amount, _, reason = (rest or "").partition(":")
        label = f"--adjust {text}"
        order = _merge(order, found, appointment_id, label, adjustment=_money_option(
            amount or None, label), reason=reason.strip() or None)
    for text in responsibilities:
        appointment_id, amount = _split(text, "--responsibility")
        label = f"--responsibility {text}"
        order = _merge(order, found, appointment_id, label,
                       responsibility=_money_option(amount, label))
    if not order:
        raise click.UsageError("give at least one --apply APPOINTMENT_ID=AMOUNT (or --csv)")
    return tuple(order)


def _merge(order: list, found: dict, appointment_id: str, label: str, **extra) -> list:
    alloc = found.get(appointment_id)
    if alloc is None:
        alloc = desk.Allocation(appointment_id, 0, label=label)
        order = order + [alloc]
    merged = desk.Allocation(**{**alloc.__dict__, **extra})
    found[appointment_id] = merged
    return [merged if a is alloc else a for a in order]


@cli.command()
@workbook_option
@day_option("Date received (default: today).")
@click.option("--payer", "payer_id", metavar="ID|NAME", help="The insurer who paid.")
@click.option("--client", "from_client", is_flag=True, help="The client paid.")
@click.option("--reference", metavar="REF", help="Check or EFT number (required for --payer).")
@click.option("--apply", "applies", multiple=True, metavar="APPOINTMENT_ID[=AMOUNT]",
              help="Money applied to a visit; no amount: all that the payer still owes.")
@click.option("--adjust", "adjusts", multiple=True, metavar="APPOINTMENT_ID=AMOUNT[:REASON]",
              help="An adjustment with its reason code, e.g. A0042=20.00:CO-45.")
@click.option("--responsibility", "--pr", "responsibilities", multiple=True,
              metavar="APPOINTMENT_ID=AMOUNT", help="Patient responsibility from the EOB.")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False),
              help="Allocations of a long remittance: Appointment ID, Amount, Adjustment, "
                   "Adjustment Reason, Patient Responsibility.")
@click.option("--note", metavar="TEXT", help="Notes for the Payments rows.")
@click.option("--yes", "assume_yes", is_flag=True,
              help="Record an overpayment, or a date far from today, without asking.")
@click.option("--method", type=click.Choice(schema.PAYMENT_METHODS, case_sensitive=False),
              help="How the client paid (with --client): Cash, Card, Check ...")
@format_option("text", "json")
def pay(workbook, day, payer_id, from_client, reference, applies, adjusts, responsibilities,
        csv_path, note, assume_yes, method, output_format) -> None:
    """Record money received; print the Payment IDs and what each visit now owes.

    One check or EFT across many visits in one command (or --csv for a long
    remittance), with adjustments and patient responsibility from the EOB; or a client
    paying what remains. Product Title is filled by the practice's convention. Refused,
    with nothing written: an unknown visit, an insurer that is not the payer of the
    visit's policy, a reference already applied to the visit. A payment that would
    overpay a visit is asked about first (--yes records it).

    \b
    Examples:
      claimbook pay --date 2026-11-27 --payer REGENCE --reference EFT2611270290 \\
          --apply A001177=70.00 --adjust A001177=28.00:CO-45 \\
          --apply A001203=108.00 --adjust A001203=20.00:CO-45 --pr A001203=40.00 \\
          --apply A001209
      claimbook pay --payer AETNA --reference 0001234 --csv remit.csv
      claimbook pay --client --apply A001203 --method Card
    """
    if bool(payer_id) == from_client:
        raise click.UsageError("give --payer PAYER_ID or --client (one of them)")
    if method and payer_id:
        raise click.UsageError("--method is how a client paid; give it with --client")
    method = next((m for m in schema.PAYMENT_METHODS if method and m.lower() == method.lower()),
                  None)
    if payer_id and not reference:
        raise click.UsageError("give the check or EFT number with --reference")
    allocations = _allocations(applies, adjusts, responsibilities, csv_path)
    check_date(day or guard.today(), "the payment", assume_yes, workbook)
    req = desk.PaymentRequest(day or guard.today(), payer_id.strip() if payer_id else None,
                              reference.strip() if reference else None, allocations, note,
                              method)
    done = at_desk.record_payment(workbook, req, overpay=_overpay_answer(assume_yes))
    _pay_report(done.posting, req, done.written, output_format)


def _overpay_answer(assume_yes: bool):
    """Whether to record an overpayment: --yes says yes (with a warning); with no one to
    ask, no; otherwise the user is asked."""
    if not assume_yes and not sys.stdin.isatty():
        return False

    def answer(messages: list[str]) -> bool:
        for message in messages:
            _warn(message)
        if not assume_yes:
            click.confirm("Record it anyway?", abort=True, err=True)
        return True

    return answer


def _pay_report(posting: desk.Posting, req: desk.PaymentRequest, written,
                output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps({
            "payment_ids": [p.payment_id for p in posting.payments],
            "payments": [{"payment_id": p.payment_id, "appointment_id": p.appointment_id,
                          "amount": fmt(p.amount), "adjustment": fmt(p.adjustment),
                          "adjustment_reason": p.adjustment_reason,
                          "patient_responsibility": fmt(p.patient_responsibility),
                          "product_title": p.product_title,
                          "balance": fmt(posting.balances[p.appointment_id].balance),
                          "insurance_due": fmt(posting.balances[p.appointment_id].insurance_due),
                          "client_due": fmt(posting.balances[p.appointment_id].client_due)}
                         for p in posting.payments],
            "checked_out": posting.checked_out, "rows": written.rows,
            "backup": written.backup}, indent=2))
        return
    for p in posting.payments:
        extra = "".join([f", adjustment {dollars(p.adjustment)}" if p.adjustment else "",
                         f" ({p.adjustment_reason})" if p.adjustment_reason else "",
                         f", patient responsibility {dollars(p.patient_responsibility)}"
                         if p.patient_responsibility else ""])
        now = posting.balances[p.appointment_id]
        click.echo(f"{p.payment_id}  {p.appointment_id}  {dollars(p.amount)}{extra}; "
                   f"now owes {_owes(now, posting.visit_payers.get(p.appointment_id))}")
    total = sum(p.amount for p in posting.payments)
    who = posting.payer_name or "the client"
    ref = f" ({req.reference})" if req.reference else ""
    n = len(posting.payments)
    click.echo(f"{dollars(total)} from {who}{ref} applied to {n} visit{'s' if n > 1 else ''}")
    for visit_id in posting.checked_out:
        click.echo(f"{visit_id} is now checked out")


# -- remind ------------------------------------------------------------------------------------
@cli.command()
@workbook_option
@day_option("Balances as of this date (default: today).")
@click.option("--dry-run", is_flag=True, help="Print the reminders that would change; write "
                                              "nothing.")
def remind(workbook, day, dry_run) -> None:
    """Bring every client's Reminder up to date, and the Outstanding sheet.

    A Reminder says, per open visit, what was taken and what remains, from whom
    ("Partial payment taken 10/05/2026; balance of $100.00 remains: $80.00 expected
    from Aetna, $20.00 from the client"); reminders that no longer apply are cleared;
    Notes are never touched. The Outstanding sheet lists every visit with insurance
    money still due, by payer, oldest first.

    \b
    Examples:
      claimbook remind -w workbooks/practice.xlsx
      claimbook remind --date 2026-11-30 --dry-run
    """
    done = at_desk.remind(workbook, day or guard.today(), dry_run)
    for client_id, text in done.changed.items() if dry_run else ():
        click.echo(f"{client_id}: {text or '(cleared)'}")
    cleared = sum(1 for text in done.changed.values() if text is None)
    verb = "would change" if dry_run else "changed"
    click.echo(f"Reminders {verb}: {len(done.changed) - cleared} set, {cleared} cleared, "
               f"{done.unchanged} unchanged. Outstanding: {len(done.outstanding)} visits, "
               f"{dollars(done.insurance_due)} expected from insurers")


# -- today -------------------------------------------------------------------------------------
@cli.command()
@workbook_option
@day_option("The day (default: today).")
@format_option("table", "json")
def today(workbook, day, output_format) -> None:
    """List the day's visits with each client's reminder.

    The reminder is worked out from the workbook as of that day, as `claimbook remind`
    would write it: the alert to see whenever the client has an appointment.

    \b
    Examples:
      claimbook today
      claimbook today --date 2026-11-27 --format json
    """
    day = day or guard.today()
    sheet = at_desk.day_sheet(workbook, day)
    visits = sheet.visits
    if output_format == "json":
        click.echo(json.dumps(visits, indent=2))
        return
    if not visits:
        click.echo(f"No visits on {show_date(day, sheet.date_style)}")
    for v in visits:
        state = "checked out" if v["checked_out"] else "not checked out"
        click.echo(f"{v['appointment_id']}  {v['client_name']} ({v['client_id']})  "
                   f"{v['staff']}  {', '.join(v['services'])}  {state}")
        click.echo(f"    Reminder: {v['reminder'] or '-'}")
