"""Commands: Client statements: statement.

Registered on the ``cli`` group when imported; ``ClaimbookGroup`` imports this module
when its command runs."""

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
from claimbook.rules.dates import show_date, style_of
from claimbook.rules.money import dollars
from claimbook.rules.problems import BadRequest, ClaimbookError, in_order

DEFAULT_OUT = os.path.join("reports", "statements")
SKIPPED = "skipped"  # emailed before: the Statement Log has its row already


@cli.command()
@workbook_option
@click.option("--client", "client_ids", multiple=True, metavar="ID",
              help="This client's statement (repeat for several).")
@click.option("--due", is_flag=True, help="A statement for every client who owes something.")
@date_option("--as-of", "The statement date: nothing dated after it counts (default: today).")
@date_option("--since", "List visits with activity from this date (default: the day after "
             "the client's last statement, else the last 30 days).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=DEFAULT_OUT,
              show_default=True, help="Folder for the statements.")
@click.option("--email", "send", is_flag=True,
              help="Email each client their statement through the Practice sheet's SMTP "
                   "server.")
@click.option("--eml", "eml_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Write .eml drafts here for your own mail program instead of sending.")
@click.option("--resend", is_flag=True,
              help="With --email: send again statements the Email Log says were sent.")
def statement(workbook, client_ids, due, as_of, since, out_dir, send, eml_dir,
              resend) -> None:
    """Write client statements: what the client owes, and why; a PDF and a sheet each.

    One line per visit with a balance, or with activity since the last statement: the
    service, what the insurer paid and adjusted, what the client paid and owes, and why
    in words (deductible, copay, not covered, no insurance). Visits waiting on an
    insurer are listed, not counted as due. Then the amount due, the due date (Practice
    setting Statement Due Days), how to pay and a remittance stub. No diagnosis codes.
    Each statement is recorded in the Statement Log beside the workbook, so `today` and
    the Reminder can say when one was sent. Prints the paths.

    \b
    Examples:
      claimbook statement --client C0002 --as-of 2026-11-30
      claimbook statement --due --as-of 2026-11-30 --email
      claimbook statement --due --eml drafts/
    """
    _check_options(client_ids, due, send, eml_dir, resend)
    as_of = as_of or date.today()
    book, problems = _read(workbook)
    if problems:
        refuse(problems, "statement")
    from claimbook.compute.balances import visits_of
    from claimbook.compute.statements import clients_who_owe

    visits = visits_of(book)
    chosen = _known(book, client_ids) if client_ids else clients_who_owe(book, as_of, visits)
    if not chosen:
        click.echo(f"Nobody owes anything as of {show_date(as_of, style_of(book.settings))}; "
                   "no statement written.", err=True)
        return
    unmailable = _mail_problems(book, chosen, send, due) if send or eml_dir else []
    log = StatementLog(workbook)
    statements = _build(book, chosen, as_of, since, log, visits)
    pdfs = _write_all(statements, out_dir)
    how, outcomes, emails = {}, [], None
    if send or eml_dir:
        emails = EmailLog(workbook)
        how, outcomes = _deliver(book, emails, statements, pdfs,
                                 eml_dir if not send else None, resend, set(unmailable))
    log.record([s for s in statements if how.get(s.number) != SKIPPED], how, out_dir)
    due_total = sum(s.amount_due for s in statements)
    click.echo(f"{len(statements)} statement{'s' if len(statements) != 1 else ''}, "
               f"{dollars(due_total)} due; recorded in {log.path}", err=True)
    if emails is not None:
        _stop_if_not_all_sent(outcomes, emails, unmailable, len(statements))


def _check_options(client_ids, due, send, eml_dir, resend) -> None:
    if bool(client_ids) == bool(due):
        raise click.UsageError("give --client ID or --due" + (
            " (not both)" if due else ""))
    if send and eml_dir:
        raise click.UsageError("--email sends; --eml writes drafts: give one of them")
    if resend and not send:
        raise click.UsageError("--resend goes with --email")


def _read(workbook: str):
    from claimbook.io.xlsx.reader import read_book
    from claimbook.rules.validate import validate

    book, problems = read_book(workbook)
    return book, problems + validate(book)


def _known(book, client_ids) -> list[str]:
    out = []
    for typed in client_ids:
        client_id = typed.strip()
        if client_id not in book.clients:
            raise BadRequest(f'no client "{typed}" on the Clients sheet')
        out.append(client_id)
    return list(dict.fromkeys(out))


def _mail_problems(book, client_ids, send: bool, due: bool) -> list[str]:
    """The clients who cannot be emailed. With --due each is listed with the cell to
    fix and gets a statement to print; with --client, and when the SMTP or sender
    settings will not do, nothing is written."""
    from claimbook.io.mail import mail_settings, recipient_problems, sender_of

    addresses = recipient_problems(book, client_ids, paper="statement")
    settings = mail_settings(book)[1] if send else sender_of(book)[1]
    if settings or (addresses and not due):
        refuse(settings + addresses, "statement")
    for problem in in_order(addresses):
        click.echo(str(problem), err=True)
    bad = {p.where for p in addresses}
    return [c for c in client_ids if book.clients[c].src.cell("email") in bad]


def _stop_if_not_all_sent(outcomes: list, emails: EmailLog, unmailable: list[str],
                          written: int) -> None:
    """One error line when a client could not be emailed, or an email was not sent."""
    if not unmailable:
        stop_if_not_sent(outcomes, emails)
        return
    n = len(unmailable)
    listed = ", ".join(unmailable[:5]) + (f" and {n - 5} more" if n > 5 else "")
    tail = ""
    try:
        stop_if_not_sent(outcomes, emails)
    except ClaimbookError as failed:
        tail = f"; {failed}"
    raise ClaimbookError(f"{written} statement{'s' if written != 1 else ''} written; {n} "
                         f"client{'s' if n != 1 else ''} not emailed (print theirs): "
                         f"{listed}{tail}")


def _build(book, client_ids, as_of: date, since: date | None, log, visits) -> list:
    from claimbook.compute.statements import build_statement, period_start

    last = log.last_dates()
    return [build_statement(book, c, as_of, since or period_start(as_of, last.get(c)),
                            visits) for c in client_ids]


def _write_all(statements: list, out_dir: str) -> list[bytes]:
    """Write each statement's workbook and PDF; returns the PDFs' bytes, as built."""
    from claimbook.io.statement_pdf import statement_pdf_bytes
    from claimbook.io.xlsx.statement import write_statement_workbook

    return write_papers(statements, out_dir, "statements", write_statement_workbook,
                        statement_pdf_bytes)


def _deliver(book, log: EmailLog, statements: list, pdfs: list[bytes],
             eml_dir: str | None, resend: bool,
             unmailable: set[str]) -> tuple[dict[str, str], list]:
    """Email (or draft) each statement once, except to the clients in ``unmailable``
    (theirs are to print); returns how each one went, by number, and the emails'
    outcomes."""
    from claimbook.compute.statements import email_text
    from claimbook.io.mail import DRAFT, SENT, Attachment, MailJob, last_sent, sent_before
    from claimbook.io.xlsx.paper_logs import DRAFTED, EMAILED, NOT_SENT

    jobs, how = [], {}
    for s, pdf in zip(statements, pdfs):
        if s.client.client_id in unmailable:
            continue
        before = None if resend or eml_dir else last_sent(log.entries, s.number)
        if before is not None:
            click.echo(f"skipped {s.number}: already {sent_before(before, s.fingerprint())}")
            how[s.number] = SKIPPED
            continue
        subject, body = email_text(s)
        attachment = Attachment(s.number, s.file_stem + ".pdf", pdf, s.fingerprint())
        jobs.append(MailJob(s.client.client_id, s.client.name, (s.client.email or "").strip(),
                            (attachment,), subject, body, s.file_stem))
    outcomes = deliver(book, jobs, log, eml_dir, "statements")
    for o in outcomes:
        how[o.job.attachments[0].number] = {SENT: EMAILED, DRAFT: DRAFTED}.get(o.status,
                                                                              NOT_SENT)
    return how, outcomes


class StatementLog:
    """The Statement Log beside the workbook: when each client's statements went out."""

    def __init__(self, workbook: str):
        from claimbook.io.xlsx.paper_logs import STATEMENT_LOG, log_path, read_statement_log
        from claimbook.io.xlsx.safe import refuse_if_open

        self.path = log_path(workbook, STATEMENT_LOG)
        refuse_if_open(self.path)
        self.entries = read_statement_log(self.path)

    def last_dates(self) -> dict[str, date]:
        from claimbook.io.xlsx.paper_logs import NOT_SENT

        out: dict[str, date] = {}
        for e in self.entries:
            if e.how != NOT_SENT and e.day > out.get(e.client_id, date.min):
                out[e.client_id] = e.day
        return out

    def record(self, statements: list, how: dict[str, str], out_dir: str) -> None:
        from claimbook.io.xlsx.paper_logs import PRINTED, StatementEntry, write_statement_log

        for s in statements:
            self.entries.append(StatementEntry(
                s.issued, s.number, s.client.client_id, s.client.name, s.amount_due,
                s.due_by, how.get(s.number, PRINTED),
                os.path.join(out_dir, s.file_stem + ".pdf")))
        write_statement_log(self.path, self.entries)
