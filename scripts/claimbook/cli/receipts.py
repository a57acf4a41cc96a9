"""Commands: Insurance receipts and superbills: receipt.

Registered on the ``cli`` group when imported; ``ClaimbookGroup`` imports this module
when one of its commands runs."""

from __future__ import annotations

import os
from datetime import date

import click

from claimbook.cli.main import cli, date_option, workbook_option
from claimbook.compute.ledger import Month
from claimbook.compute.receipts import RECEIPT, SUPERBILL, Receipt
from claimbook.rules.problems import ClaimbookError, Problem, in_order

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
              show_default=True, help="Folder for the receipts (and the Email Log).")
@click.option("--email", "send", is_flag=True,
              help="Email each PDF to the client through the Practice sheet's SMTP server.")
@click.option("--eml", "eml_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Write .eml drafts here for your own mail program instead of sending.")
@click.option("--resend", is_flag=True,
              help="With --email: send again receipts the Email Log says were sent.")
def receipt(workbook, appointment_id, client_id, first, last, month_text, as_of, out_dir,
            send, eml_dir, resend) -> None:
    """Write insurance receipts and superbills: a print-ready workbook and a PDF each.

    Each shows the practice (Tax ID, billing NPI), the rendering therapist (NPI,
    license, taxonomy), the client, the insurance (claim number, date of injury and
    referral for PIP and workers' comp), every service line with its CPT code and ICD-10
    pointers, what was paid and adjusted, and the balance due. Prints the paths.

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
        _stop(problems)
    if not groups:
        click.echo(f"No insured visits in {Month.parse(month_text).label} up to "
                   f"{as_of}; nothing written.", err=True)
        return
    from claimbook.compute.receipts import build_receipt

    receipts = [build_receipt(book, g, as_of, kind) for g in groups]
    jobs = _write_all(receipts, out_dir)
    if send:
        _email(book, jobs, out_dir, resend)
    elif eml_dir:
        _drafts(book, jobs, out_dir, eml_dir)


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
    from claimbook.compute.receipts import receipt_problems

    known = {p.where for p in already}
    found = receipt_problems(book, [v for g in groups for v in g])
    return [p for p in found if p.where not in known]


def _mail_problems(book, first_visits, send: bool) -> list[Problem]:
    from claimbook.io.mail import mail_settings, recipient_problems, sender_of

    problems = recipient_problems(book, [v.first.client_id for v in first_visits])
    problems += mail_settings(book)[1] if send else sender_of(book)[1]
    return problems


def _stop(problems: list[Problem]) -> None:
    """Every problem on its own line, then one error; nothing has been written."""
    problems = in_order(problems)
    if len(problems) == 1:
        raise ClaimbookError(f"{problems[0]}; no receipt was written")
    for problem in problems:
        click.echo(str(problem), err=True)
    raise ClaimbookError(f"{len(problems)} problems; no receipt was written")


def _progress(total: int, what: str):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(),
                    console=Console(stderr=True), disable=total < 2, transient=True)


def _write_all(receipts: list[Receipt], out_dir: str) -> list:
    from claimbook.io.mail import MailJob
    from claimbook.io.receipt_pdf import write_receipt_pdf
    from claimbook.io.xlsx.receipt import write_receipt_workbook

    jobs = []
    with _progress(len(receipts), "Writing receipts") as progress:
        task = progress.add_task("write", total=len(receipts))
        for r in receipts:
            base = os.path.join(out_dir, r.file_stem)
            write_receipt_workbook(r, base + ".xlsx")
            jobs.append(MailJob(r, write_receipt_pdf(r, base + ".pdf")))
            progress.advance(task)
    for job in jobs:
        click.echo(os.path.splitext(job.pdf_path)[0] + ".xlsx")
        click.echo(job.pdf_path)
    return jobs


def _email_log(out_dir: str):
    """The Email Log's path, its entries, and a function that records one more."""
    from claimbook.io.xlsx.receipt import LOG_NAME, read_email_log, write_email_log
    from claimbook.io.xlsx.safe import refuse_if_open

    path = os.path.join(out_dir, LOG_NAME)
    refuse_if_open(path)  # before anything is sent, not after
    entries = read_email_log(path)

    def record(entry) -> None:
        entries.append(entry)
        write_email_log(path, entries)

    return path, list(entries), record


def _email(book, jobs: list, out_dir: str, resend: bool) -> None:
    from claimbook.io.mail import ALREADY_SENT, NOT_SENT, SENT, mail_settings, send_receipts

    settings, _ = mail_settings(book)
    log_path, entries, record = _email_log(out_dir)
    with _progress(len(jobs), "Emailing receipts") as progress:
        task = progress.add_task("send", total=len(jobs))
        outcomes = send_receipts(jobs, settings, entries, record, resend=resend,
                                 step=lambda: progress.advance(task))
    for o in outcomes:
        if o.status == SENT:
            click.echo(f"sent {o.job.receipt.number} to {o.detail}")
        elif o.status == ALREADY_SENT:
            click.echo(f"skipped {o.job.receipt.number}: already {o.detail}")
        else:
            click.echo(f"not sent {o.job.receipt.number}: {o.detail}", err=True)
    failed = [o for o in outcomes if o.status == NOT_SENT]
    if failed:
        raise ClaimbookError(f"{len(failed)} of {len(outcomes)} receipts not sent "
                             f"({failed[0].detail}); recorded in {log_path}")


def _drafts(book, jobs: list, out_dir: str, eml_dir: str) -> None:
    from claimbook.io.mail import DRAFT, log_entry, receipt_message, sender_of, write_eml

    sender, _ = sender_of(book)
    _, _, record = _email_log(out_dir)
    for job in jobs:
        message = receipt_message(job.receipt, job.pdf_path, sender)
        path = write_eml(message, os.path.join(eml_dir, job.receipt.file_stem + ".eml"))
        record(log_entry(job, DRAFT, path))
        click.echo(path)
