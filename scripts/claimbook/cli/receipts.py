"""Commands: Insurance receipts and superbills: receipt.

Registered on the ``cli`` group when imported; ``ClaimbookGroup`` imports this module
when one of its commands runs."""

from __future__ import annotations

import os
from datetime import date

import click

from claimbook.cli.main import cli, date_option, workbook_option
from claimbook.cli.papers import (
    EmailLog,
    deliver,
    progress,
    refuse,
    stop_if_not_sent,
    unique_stems,
)
from claimbook.compute.ledger import Month
from claimbook.compute.receipts import RECEIPT, SUPERBILL, Receipt
from claimbook.rules.problems import Problem

DEFAULT_OUT = os.path.join("reports", "receipts")


@cli.command()
@workbook_option
@click.option("--appointment", "appointment_id", metavar="ID",
              help="One visit's receipt.")
@click.option("--client", "client_id", metavar="ID",
              help="A superbill of this client's visits (with --from/--to).")
@date_option("--from", "With --client: the first date of service (default: their first visit).",
             dest="first")
@date_option("--to", "With --client: the last date of service (default: the receipt date).",
             dest="last")
@click.option("--month", "month_text", metavar="YYYY-MM",
              help="A receipt for every insured visit of this month.")
@date_option("--as-of", "The receipt date: payments received after it are left out "
             "(default: today).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=DEFAULT_OUT,
              show_default=True, help="Folder for the receipts.")
@click.option("--email", "send", is_flag=True,
              help="Email each client their PDFs (one email each) through the Practice "
                   "sheet's SMTP server.")
@click.option("--eml", "eml_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Write .eml drafts here for your own mail program instead of sending.")
@click.option("--resend", is_flag=True,
              help="With --email: send again receipts the Email Log (beside the workbook) "
                   "says were sent.")
def receipt(workbook, appointment_id, client_id, first, last, month_text, as_of, out_dir,
            send, eml_dir, resend) -> None:
    """Write insurance receipts and superbills: a print-ready workbook and a PDF each.

    Each shows the practice (Tax ID, billing NPI), the rendering therapist (NPI,
    license, taxonomy), the client, the insurance (claim number, date of injury and
    referral for PIP, employer for workers' comp), every service line with its code,
    modifiers and ICD-10 pointers, what was paid and adjusted, what the client owes and
    what is pending from each insurer, by name. A self-pay visit gets a plain receipt.
    With --email or --eml, each client gets one email with all their PDFs; the Email
    Log beside the workbook keeps anything from being sent twice. Prints the paths.

    \b
    Examples:
      claimbook receipt --appointment A000395
      claimbook receipt --client C0007 --from 2025-04-01 --to 2025-06-30
      claimbook receipt --month 2026-10 --email
      claimbook receipt --month 2026-10 --eml drafts/
    """
    _check_options(appointment_id, client_id, first, last, month_text, send, eml_dir,
                   resend)
    as_of = as_of or date.today()
    book, problems = _read(workbook)
    groups, kind = _select(book, appointment_id, client_id, first, last, month_text, as_of)
    problems += _receipt_problems(book, groups, problems)
    if send or eml_dir:
        problems += _mail_problems(book, [g[0] for g in groups], send)
    if problems:
        refuse(problems)
    if not groups:
        click.echo(f"No insured visits in {Month.parse(month_text).label} up to "
                   f"{as_of}; nothing written.", err=True)
        return
    from claimbook.compute.receipts import build_receipt

    receipts = [build_receipt(book, g, as_of, kind, on_file=bool(send or eml_dir))
                for g in groups]
    pdfs = _write_all(receipts, out_dir)
    if send or eml_dir:
        _mail(book, workbook, receipts, pdfs, eml_dir if not send else None, resend)


def _check_options(appointment_id, client_id, first, last, month_text, send, eml_dir,
                   resend) -> None:
    chosen = [o for o, v in (("--appointment", appointment_id), ("--client", client_id),
                             ("--month", month_text)) if v]
    if len(chosen) != 1:
        raise click.UsageError("give one of --appointment ID, --client ID or --month YYYY-MM"
                               + (f" (not {' and '.join(chosen)})" if chosen else ""))
    if (first or last) and not client_id:
        raise click.UsageError("--from and --to go with --client")
    if send and eml_dir:
        raise click.UsageError("--email sends; --eml writes drafts: give one of them")
    if resend and not send:
        raise click.UsageError("--resend goes with --email")
    if first and last and first > last:
        raise click.UsageError(f"--from {first} is after --to {last}")


def _read(workbook: str):
    from claimbook.io.xlsx.reader import read_book
    from claimbook.rules.validate import validate

    book, problems = read_book(workbook)
    return book, problems + validate(book)


def _select(book, appointment_id, client_id, first, last, month_text, as_of):
    """The visits of each receipt to write, and whether they are receipts or superbills."""
    from claimbook.compute.balances import visits_of
    from claimbook.compute.receipts import client_visits, insured_visits_of_month, visit_for

    visits = visits_of(book)
    if appointment_id:
        return [[visit_for(visits, appointment_id)]], RECEIPT
    if client_id:
        return [client_visits(book, visits, client_id, first, last or as_of)], SUPERBILL
    month = Month.parse(month_text)
    chosen = [v for v in insured_visits_of_month(visits, month) if v.date_of_service <= as_of]
    return [[v] for v in chosen], RECEIPT


def _receipt_problems(book, groups, already: list[Problem]) -> list[Problem]:
    from claimbook.compute.receipt_checks import receipt_problems
    from claimbook.io.receipt_pdf import signature_problems

    known = {p.where for p in already}
    visits = [v for g in groups for v in g]
    found = receipt_problems(book, visits)
    found += signature_problems(book, [ln.staff_id for v in visits for ln in v.lines])
    return [p for p in found if p.where not in known]


def _mail_problems(book, first_visits, send: bool) -> list[Problem]:
    from claimbook.io.mail import mail_settings, recipient_problems, sender_of

    problems = recipient_problems(book, [v.first.client_id for v in first_visits])
    problems += mail_settings(book)[1] if send else sender_of(book)[1]
    return problems


def _write_all(receipts: list[Receipt], out_dir: str) -> list[bytes]:
    """Write each receipt's workbook and PDF; returns the PDFs' bytes, as built."""
    from claimbook.io.pdf_kit import save_pdf
    from claimbook.io.receipt_pdf import receipt_pdf_bytes
    from claimbook.io.xlsx.receipt import write_receipt_workbook

    unique_stems([r.file_stem for r in receipts])
    pdfs = []
    with progress(len(receipts), "Writing receipts") as bar:
        task = bar.add_task("write", total=len(receipts))
        for r in receipts:
            base = os.path.join(out_dir, r.file_stem)
            write_receipt_workbook(r, base + ".xlsx")
            pdfs.append(receipt_pdf_bytes(r))
            save_pdf(pdfs[-1], base + ".pdf")
            bar.advance(task)
    for r in receipts:
        base = os.path.join(out_dir, r.file_stem)
        click.echo(base + ".xlsx")
        click.echo(base + ".pdf")
    return pdfs


def _mail(book, workbook: str, receipts: list[Receipt], pdfs: list[bytes],
          eml_dir: str | None, resend: bool) -> None:
    """One email per client with the PDFs not sent before (all with --resend)."""
    from claimbook.io.mail import Attachment, last_sent, sent_before

    log = EmailLog(workbook)
    by_client: dict[str, list[tuple[Receipt, bytes]]] = {}
    for r, pdf in zip(receipts, pdfs):
        before = None if resend or eml_dir else last_sent(log.entries, r.number)
        if before is not None:
            click.echo(f"skipped {r.number}: already {sent_before(before, r.fingerprint())}")
            continue
        by_client.setdefault(r.client.client_id, []).append((r, pdf))
    jobs = []
    for items in by_client.values():
        attachments = tuple(Attachment(r.number, r.file_stem + ".pdf", pdf, r.fingerprint())
                            for r, pdf in items)
        jobs.append(receipt_job([r for r, _ in items], attachments))
    stop_if_not_sent(deliver(book, jobs, log, eml_dir, "receipts"), log)


def receipt_job(receipts: list[Receipt], attachments: tuple):
    """The email of one client's receipts."""
    from claimbook.compute.papers import file_part
    from claimbook.compute.receipt_text import email_text
    from claimbook.io.mail import MailJob

    first = receipts[0]
    subject, body = email_text(receipts)
    if len(receipts) == 1:
        name = first.file_stem
    else:
        days = [v.date_of_service for r in receipts for v in r.visits]
        name = f"receipts-{file_part(first.client.client_id)}-{min(days)}-to-{max(days)}"
    return MailJob(first.client.client_id, first.client.name,
                   (first.client.email or "").strip(), attachments, subject, body, name)


