"""Command: era: post an insurer's electronic remittances (X12 835 files).

Registered on the ``cli`` group when imported; ``ClaimbookGroup`` imports this module
when ``era`` runs. Exit codes: 0 everything posted; 1 something was refused or left
unposted (the report says what and why; the rest was posted), or a file or the
workbook could not be read (nothing written); 2 a usage error.
"""

from __future__ import annotations

import json
from datetime import date

import click

from claimbook.cli.main import cli, date_option, format_option, workbook_option
from claimbook.compute import reminders
from claimbook.compute.era import (
    DENIED,
    FORWARDED,
    REVERSAL,
    ClaimPosting,
    EraPlan,
    RemittancePosting,
)
from claimbook.rules import carc
from claimbook.rules.dates import show_date
from claimbook.rules.money import dollars, fmt
from claimbook.rules.problems import ClaimbookError
from claimbook.usecases.era import EraRequest, Posted, post_remittances


@cli.command()
@workbook_option
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print what would be posted; write nothing.")
@click.option("--payer", "payer_id", metavar="PAYER_ID",
              help="The Payers row the remittances come from, when their payer is not "
                   "found by Electronic Payer ID or name.")
@date_option("--date", "The day of posting, written as Posted (default: today).",
             dest="day")
@format_option("text", "json")
def era(workbook, files, dry_run, payer_id, day, output_format) -> None:
    """Post electronic remittances (X12 835 files) into the workbook.

    Each check or EFT in the files is checked first (every claim balances; the claims
    paid less the provider-level adjustments equal the payment; its trace number is
    not posted already; its payer is on the Payers sheet), then each claim is matched
    to its visit (Appointment ID, else the payer's claim number in Claim Number, else
    the client's name, date and charge) and posted as one Payments row: paid,
    adjustments written off, patient responsibility, reason codes. A denial is a $0
    row that writes nothing off. The check itself goes on the Remittances sheet.
    A claim that matches no visit is listed with the reason and posts nothing; run
    the file again once the workbook says which visit it is.

    \b
    Examples:
      claimbook era workbooks/sample-era.835 --dry-run
      claimbook era downloads/*.835 --date 2026-11-30
      claimbook era remit.835 --payer REGENCE --format json
    """
    req = EraRequest(day or date.today(), payer_id.strip() if payer_id else None)
    done = post_remittances(workbook, list(files), req, dry_run=dry_run)
    for message in done.plan.warnings:
        click.echo(f"Warning: {message}", err=True)
    if output_format == "json":
        click.echo(json.dumps(era_json(done.plan), indent=2))
    else:
        _report(done)
    _fail_when_left(done.plan)


# -- JSON ------------------------------------------------------------------------------------
def era_json(plan: EraPlan) -> dict:
    """The contract's JSON: every remittance posted (with each claim), every refusal."""
    return {"remittances": [_remittance_json(r) for r in plan.posted],
            "refused": [{"file": r.file, "trace_number": r.trace_number, "why": r.why}
                        for r in plan.refused]}


def _remittance_json(posting: RemittancePosting) -> dict:
    r = posting.remittance
    return {"file": r.file, "trace_number": r.trace_number, "payer_id": posting.payer.payer_id,
            "payer_name": r.payer_name, "date": r.date.isoformat() if r.date else None,
            "method": r.method, "amount": fmt(r.amount), "claims_paid": fmt(r.claims_paid),
            "provider_adjustments": fmt(r.provider_total),
            "claims": [_claim_json(c) for c in posting.claims]}


def _claim_json(posting: ClaimPosting) -> dict:
    c = posting.claim
    return {"patient_control_number": c.patient_control_number,
            "appointment_id": posting.appointment_id, "status_code": c.status,
            "charge": fmt(c.charge), "paid": fmt(c.paid),
            "adjustments": fmt(c.total() - c.total("PR")),
            "patient_responsibility": fmt(c.total("PR")), "reason_codes": c.reason_codes,
            "posted": posting.posted, "why": posting.why,
            "payment_id": posting.payment.payment_id if posting.posted else None,
            "kind": posting.kind if posting.posted else None}


# -- text ------------------------------------------------------------------------------------
def _report(done: Posted) -> None:
    plan = done.plan
    for posting in plan.posted:
        _remittance_text(posting, plan.balances, done.payer_names, plan.date_style)
    for refusal in plan.refused:
        click.echo(f"Refused: {refusal.file}, trace {refusal.trace_number}: {refusal.why}")
    payments = plan.payments
    total = sum(p.amount or 0 for p in payments)
    rows = sum(1 for r in plan.posted if r.row is not None)
    verb = "Would post" if done.dry_run else "Posted"
    click.echo(f"{verb} {len(payments)} claim{_s(payments)} ({dollars(total)}) and {rows} "
               f"remittance{'' if rows == 1 else 's'}"
               + (f"; {len(plan.refused)} refused" if plan.refused else "")
               + ("; dry run: nothing written" if done.dry_run else ""))
    if done.written is not None:
        for added in done.written.added_columns:
            click.echo(str(added))
        for sheet in done.written.added_sheets:
            click.echo(f'{sheet}: added the sheet "{sheet}", as an Excel Table')


def _remittance_text(posting: RemittancePosting, balances: dict, book_payers: dict,
                     style: str) -> None:
    r = posting.remittance
    when = f" of {show_date(r.date, style)}" if r.date else ""
    method = {"Check": "check", "EFT": "EFT", "None": "notice"}.get(r.method, r.method)
    plb = f", provider adjustments {dollars(r.provider_total)}" if r.provider_adjustments \
        else ""
    click.echo(f"{r.file}: {r.payer_name or posting.payer.name} ({posting.payer.payer_id}), "
               f"{method} {r.trace_number}{when}: {dollars(r.amount)}{plb}")
    for claim in posting.claims:
        text = "  " + claim_line(claim)
        if claim.posted:
            now = balances.get(claim.appointment_id)
            payer = book_payers.get(now.payer_id) if now is not None else None
            text += f"; now owes {_owes(now, payer)}"
        click.echo(text)


def claim_line(posting: ClaimPosting) -> str:
    """One claim of a remittance, as the report prints it."""
    c = posting.claim
    who = f" {c.patient.name}" if c.patient and c.patient.name else ""
    head = f"{posting.appointment_id or c.patient_control_number}{who}"
    if not posting.posted:
        return f"{head}: not posted: {posting.why}"
    p = posting.payment
    parts = [f"{'reversal' if posting.kind == REVERSAL else 'paid'} {dollars(p.amount)}"]
    if p.adjustment:
        parts.append(f"written off {dollars(p.adjustment)} ({p.adjustment_reason})")
    prior = sum(a.amount for a in c.all_adjustments
                if a.group != "PR" and a.reason == carc.PRIOR_PAYERS)
    if prior and posting.kind != REVERSAL:
        parts.append(f"earlier payers {dollars(prior)} (OA-23)")
    if p.patient_responsibility:
        codes = [code for code in c.reason_codes if code.startswith("PR")]
        parts.append(f"patient share {dollars(p.patient_responsibility)} ({' '.join(codes)})")
    if posting.kind == DENIED:
        parts.append("denied: " + carc.denial_words(c.reason_codes))
    if posting.kind == FORWARDED:
        parts.append(f"forwarded to {c.forwarded_to or 'another payer'}")
    return f"{head}: {', '.join(parts)} -> {p.payment_id}"


def _owes(item, payer_name: str | None) -> str:
    if item is None or item.balance == 0:
        return "nothing"
    if item.balance < 0:
        return f"nothing (a credit of {dollars(-item.balance)})"
    return f"{dollars(item.balance)}: {reminders.who_owes(item, payer_name)}"


def _fail_when_left(plan: EraPlan) -> None:
    left = [c for r in plan.posted for c in r.claims if not c.posted and not c.done_before]
    if not (plan.refused or left):
        return
    parts = []
    if plan.refused:
        parts.append(f"{len(plan.refused)} remittance{_s(plan.refused)} refused")
    if left:
        parts.append(f"{len(left)} claim{_s(left)} not posted")
    raise ClaimbookError(" and ".join(parts) + " (see above)")


def _s(items: list) -> str:
    return "" if len(items) == 1 else "s"
