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
    refuse,
    stop_if_not_sent,
    write_papers,
)
from claimbook.compute.ledger import Month
from claimbook.compute.receipts import RECEIPT, SUPERBILL, Receipt
from claimbook.rules.dates import show_date, style_of
from claimbook.rules.problems import BadRequest, ClaimbookError, Problem, in_order
from claimbook.rules.voids import visit_void

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
    batch = _Batch(book, groups, problems, bool(month_text), bool(send or eml_dir), send)
    if not batch.groups and not batch.left_out:
        click.echo(f"No insured visits in {Month.parse(month_text).label} up to "
                   f"{show_date(as_of, style_of(book.settings))}; nothing written.", err=True)
        return
    from claimbook.compute.receipts import build_receipt

    receipts = [build_receipt(book, g, as_of, kind, on_file=bool(send or eml_dir))
                for g in batch.groups]
    pdfs = _write_all(receipts, out_dir)
    not_sent = None
    if send or eml_dir:
        not_sent = _mail(book, workbook, receipts, pdfs, eml_dir if not send else None,
                         resend, batch.unmailable)
    batch.finish(len(receipts), not_sent)


class _Batch:
    """The receipts that can be written, and what keeps the others back.

    A problem anywhere else in the workbook stops everything, and so does any problem
    of a single receipt or superbill (nothing is written). In a month's batch, a visit
    with a problem is left out and the others are written; a client without a good
    email address gets their receipts written, not emailed. Every problem is listed,
    with its cell, and the command ends with one line saying what was left out.
    """

    def __init__(self, book, groups: list, problems: list[Problem], batch: bool,
                 mailing: bool, send: bool):
        found = [_receipt_problems(book, g, problems) for g in groups]
        clients = [g[0].first.client_id for g in groups]
        mail = _mail_problems(book, clients, send) if mailing else ([], [])
        stopping = problems + mail[1]
        if stopping or (not batch and (any(found) or mail[0])):
            refuse(stopping + [p for f in found for p in f] + mail[0])
        listed = in_order([p for f in found for p in f] + mail[0])
        for problem in listed:
            click.echo(str(problem), err=True)
        self.groups = [g for g, f in zip(groups, found) if not f]
        self.left_out = [g[0].appointment_id for g, f in zip(groups, found) if f]
        bad = {p.where for p in mail[0]}
        self.unmailable = {c for c in clients
                           if book.clients.get(c) is not None
                           and book.clients[c].src.cell("email") in bad}

    def finish(self, written: int, not_sent: str | None) -> None:
        """One error line when anything was left out, not emailed or not sent."""
        parts = []
        if self.left_out:
            n = len(self.left_out)
            parts.append(f"{n} visit{'s' if n != 1 else ''} left out: "
                         f"{_some(self.left_out)}")
        if self.unmailable:
            n = len(self.unmailable)
            parts.append(f"{n} client{'s' if n != 1 else ''} not emailed (print theirs): "
                         f"{_some(sorted(self.unmailable))}")
        if not_sent and not parts:
            raise ClaimbookError(not_sent)
        if not_sent:
            parts.append(not_sent)
        if parts:
            done = f"{written} receipt{'s' if written != 1 else ''}" if written else "no receipt"
            raise ClaimbookError(f"{done} written; " + "; ".join(parts))


def _some(ids: list[str], most: int = 5) -> str:
    """``A1, A2 and A3``; past ``most``: ``A1, A2, A3, A4, A5 and 3 more``."""
    if len(ids) > most:
        return ", ".join(ids[:most]) + f" and {len(ids) - most} more"
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


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
    """The visits of each receipt to write, and whether they are receipts or superbills.

    A voided visit gets no receipt: asked for by ID, one line says when and why it was
    voided; in a superbill or a month's batch it is left out without a word."""
    from claimbook.compute.balances import visits_of
    from claimbook.compute.receipts import client_visits, insured_visits_of_month, visit_for

    visits = visits_of(book)
    if appointment_id:
        visit = visit_for(visits, appointment_id)
        void = visit_void(visit.lines)
        if void is not None:
            raise BadRequest(f"appointment \"{visit.appointment_id}\" was "
                             f"{void.sentence(style_of(book.settings))}; a voided visit gets "
                             "no receipt")
        return [[visit]], RECEIPT
    live = {k: v for k, v in visits.items() if visit_void(v.lines) is None}
    if client_id:
        return [client_visits(book, live, client_id, first, last or as_of)], SUPERBILL
    month = Month.parse(month_text)
    chosen = [v for v in insured_visits_of_month(live, month) if v.date_of_service <= as_of]
    return [[v] for v in chosen], RECEIPT


def _receipt_problems(book, visits, already: list[Problem]) -> list[Problem]:
    """What keeps one receipt (its visits) back, each problem once."""
    from claimbook.compute.receipt_checks import receipt_problems
    from claimbook.io.receipt_pdf import signature_problems

    known = {p.where for p in already}
    found = receipt_problems(book, visits)
    found += signature_problems(book, [ln.staff_id for v in visits for ln in v.lines])
    return [p for p in found if p.where not in known]


def _mail_problems(book, client_ids, send: bool) -> tuple[list[Problem], list[Problem]]:
    """The clients' addresses that will not do, and what stops any email (the SMTP or
    sender settings)."""
    from claimbook.io.mail import mail_settings, recipient_problems, sender_of

    settings = mail_settings(book)[1] if send else sender_of(book)[1]
    return recipient_problems(book, client_ids), settings


def _write_all(receipts: list[Receipt], out_dir: str) -> list[bytes]:
    """Write each receipt's workbook and PDF; returns the PDFs' bytes, as built."""
    from claimbook.io.receipt_pdf import receipt_pdf_bytes
    from claimbook.io.xlsx.receipt import write_receipt_workbook

    return write_papers(receipts, out_dir, "receipts", write_receipt_workbook, receipt_pdf_bytes)


def _mail(book, workbook: str, receipts: list[Receipt], pdfs: list[bytes],
          eml_dir: str | None, resend: bool, unmailable: set[str]) -> str | None:
    """One email per client with the PDFs not sent before (all with --resend); none to
    the clients in ``unmailable``. Returns what was not sent, if anything."""
    from claimbook.io.mail import Attachment, last_sent, sent_before

    log = EmailLog(workbook)
    by_client: dict[str, list[tuple[Receipt, bytes]]] = {}
    for r, pdf in zip(receipts, pdfs):
        if r.client.client_id in unmailable:
            continue
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
    try:
        stop_if_not_sent(deliver(book, jobs, log, eml_dir, "receipts"), log)
    except ClaimbookError as failed:
        return str(failed)
    return None


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


