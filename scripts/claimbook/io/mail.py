"""Emailing receipts: the message, the .eml draft, the SMTP conversation, the log.

The server, port, user and From address come from the Practice sheet; the password only
from ``$CLAIMBOOK_SMTP_PASSWORD``, never from the workbook. The connection is encrypted
with STARTTLS (or implicit TLS on port 465) and the server's certificate is verified;
a server that offers no STARTTLS is refused, unless it is this computer itself
(``localhost``), where nothing crosses a network.

Every attempt becomes a :class:`LogEntry` that the caller records in the Email Log, so a
receipt that was sent is not sent again unless asked (``--resend``). This module imports
neither Click nor a workbook library.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from claimbook.compute.receipts import SUPERBILL, Receipt, date_text, money_text
from claimbook.rules.problems import BadRequest, Problem
from claimbook.rules.schema import PRACTICE

PASSWORD_ENV = "CLAIMBOOK_SMTP_PASSWORD"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
SENT, NOT_SENT, DRAFT, ALREADY_SENT = "Sent", "Not sent", "Draft", "Already sent"
TIMEOUT = 30  # seconds


class MailError(Exception):
    """The mail server could not be reached, refused us, or refused a message."""


@dataclass(frozen=True)
class MailSettings:
    """How to reach the practice's mail server."""

    host: str
    port: int
    user: str | None
    sender: str
    password: str | None = field(default=None, repr=False)

    @property
    def is_local(self) -> bool:
        return self.host.strip().lower() in LOCAL_HOSTS


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One row of the Email Log: a receipt sent, drafted or not sent, and when."""

    when: datetime
    receipt: str
    client_id: str
    client: str
    to: str
    pdf: str
    status: str  # SENT, NOT_SENT or DRAFT
    detail: str = ""
    fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class MailJob:
    """A receipt to email, with the PDF that goes with it."""

    receipt: Receipt
    pdf_path: str


# -- settings and recipients ----------------------------------------------------------------
def _setting_problem(book, name: str, field_name: str, message: str) -> Problem:
    row = book.settings.rows.get(field_name, 0)
    return Problem(PRACTICE, row, "B" if row else "", f"{name} {message}")


def mail_settings(book, env: dict | None = None) -> tuple[MailSettings | None, list[Problem]]:
    """The SMTP settings of the Practice sheet, or the problems that stop sending.

    Args:
        book: the practice.
        env: the environment (``os.environ`` by default), for the password.

    Returns:
        The settings (None when there are problems) and the problems.

    Raises:
        BadRequest: SMTP User is set but ``$CLAIMBOOK_SMTP_PASSWORD`` is not.
    """
    env = os.environ if env is None else env
    s = book.settings
    problems = []
    if not s.smtp_host:
        problems.append(_setting_problem(
            book, "SMTP Host", "smtp_host", "is blank; fill in your mail server "
            "(e.g. smtp.gmail.com) or write drafts with --eml DIR"))
    sender, sender_problems = sender_of(book)
    problems += sender_problems
    if problems:
        return None, problems
    password = env.get(PASSWORD_ENV) or None
    if s.smtp_user and password is None:
        raise BadRequest(f"SMTP User is {s.smtp_user} but ${PASSWORD_ENV} is not set; "
                         "set it to the mail password (it is never read from the workbook)")
    return MailSettings(s.smtp_host.strip(), s.smtp_port or 587, s.smtp_user, sender,
                        password), []


def sender_of(book) -> tuple[str | None, list[Problem]]:
    """The From address (SMTP From, else the practice's Email), or the problem."""
    sender = book.settings.smtp_from or book.settings.email
    if sender:
        return sender.strip(), []
    return None, [_setting_problem(book, "SMTP From", "smtp_from",
                                   "is blank (and so is Email); fill in the address "
                                   "receipts are sent from")]


def recipient_problems(book, client_ids: Iterable[str]) -> list[Problem]:
    """A client with no email address (or one without ``@``) stops emailing their receipt."""
    out = []
    for client_id in dict.fromkeys(client_ids):
        client = book.clients.get(client_id)
        if client is None:
            continue
        email = (client.email or "").strip()
        if not email:
            out.append(client.src.problem(
                "email", f"{client.first_name} {client.last_name} has no email; type it, "
                         "or print this receipt instead"))
        elif "@" not in email or any(ch.isspace() for ch in email):  # a line break too
            shown = email.replace("\r", "\\r").replace("\n", "\\n")  # one line
            out.append(client.src.problem("email", f'"{shown}" is not an email address'))
    return out


# -- the message ----------------------------------------------------------------------------
def receipt_message(receipt: Receipt, pdf_path: str, sender: str,
                    now: datetime | None = None) -> EmailMessage:
    """The email for one receipt: a short note and the PDF attached.

    Args:
        receipt: the receipt.
        pdf_path: its PDF.
        sender: the From address.
        now: the Date header (now by default).

    Returns:
        The message, addressed to the client.
    """
    practice = " ".join((receipt.practice.name or "").split())  # a header is one line
    msg = EmailMessage()
    msg["Subject"] = f"Your {receipt.title.lower()} {receipt.number} from {practice}"
    msg["From"] = f"{practice} <{sender}>" if practice else sender
    msg["To"] = receipt.client.email.strip()
    msg["Date"] = format_datetime((now or datetime.now()).astimezone())
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(_body(receipt))
    with open(pdf_path, "rb") as fh:
        msg.add_attachment(fh.read(), maintype="application", subtype="pdf",
                           filename=os.path.basename(pdf_path))
    return msg


def _body(receipt: Receipt) -> str:
    first_name = receipt.client.name.split(" ")[0]
    start, end = receipt.period
    when = (f"your visit on {date_text(start)}" if start == end
            else f"your visits from {date_text(start)} to {date_text(end)}")
    what = ("superbill" if receipt.kind == SUPERBILL else "insurance receipt")
    lines = [f"Dear {first_name},", "",
             f"Attached is your {what} ({receipt.number}) for {when}. It lists the "
             "diagnosis and procedure codes, our NPI and license numbers and what has been "
             "paid, so you can keep it for your records or submit it to your insurer.", "",
             f"Balance due: {money_text(receipt.totals.balance)}", "",
             "Thank you,", receipt.practice.name]
    lines += [p for p in (receipt.practice.phone, receipt.practice.email) if p]
    return "\n".join(lines) + "\n"


def write_eml(message: EmailMessage, path: str) -> str:
    """Write ``message`` as an .eml draft your mail program opens ready to send."""
    del message["X-Unsent"]
    message["X-Unsent"] = "1"  # Outlook and others open the file as a draft to send
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(message.as_bytes())
    os.replace(tmp, path)
    return path


# -- the server -----------------------------------------------------------------------------
class Mailer:
    """One connection to the mail server, encrypted before anything else is said.

    Use as a context manager; :meth:`send` sends one message.
    """

    def __init__(self, settings: MailSettings, context: ssl.SSLContext | None = None):
        self.settings = settings
        self.context = context or ssl.create_default_context()
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        s = self.settings
        try:
            self.smtp = self._connect()
            if s.user:
                self.smtp.login(s.user, s.password or "")
        except (OSError, smtplib.SMTPException, MailError) as exc:
            self.close()
            raise MailError(f"mail server {s.host}:{s.port}: {_reason(exc)}") from None
        return self

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.port == 465:
            return smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT, context=self.context)
        smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT)
        try:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=self.context)
                smtp.ehlo()
            elif not s.is_local:
                raise MailError("does not offer STARTTLS; claimbook does not send receipts "
                                "or passwords unencrypted")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send one message; :class:`MailError` when the server refuses it."""
        try:
            self.smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(_reason(exc)) from None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

    def __exit__(self, *exc) -> None:
        self.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(
            exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipient refused: " + ", ".join(exc.recipients)
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server down, or the host or port wrong?)"
    return str(exc) or type(exc).__name__


# -- sending a batch --------------------------------------------------------------------------
def last_sent(entries: list[LogEntry], receipt_number: str) -> LogEntry | None:
    """The most recent Sent entry of a receipt in the log, if any."""
    found = [e for e in entries if e.receipt == receipt_number and e.status == SENT]
    return found[-1] if found else None


def log_entry(job: MailJob, status: str, detail: str = "",
              now: Callable[[], datetime] = datetime.now) -> LogEntry:
    """The Email Log row for one attempt at a receipt."""
    r = job.receipt
    return LogEntry(now().replace(microsecond=0), r.number, r.client.client_id, r.client.name,
                    (r.client.email or "").strip(), os.path.basename(job.pdf_path), status,
                    detail, r.fingerprint())


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one receipt: sent, not sent, already sent before, drafted."""

    job: MailJob
    status: str
    detail: str = ""


def send_receipts(jobs: list[MailJob], settings: MailSettings, log: list[LogEntry],
                  record: Callable[[LogEntry], None], resend: bool = False,
                  mailer: Callable[[MailSettings], Mailer] = Mailer,
                  step: Callable[[], None] = lambda: None) -> list[Outcome]:
    """Email each receipt once, recording every attempt.

    Args:
        jobs: the receipts and their PDFs.
        settings: the mail server.
        log: the Email Log so far; a receipt with a Sent row is skipped.
        record: called with each new log entry as soon as it is known (to save it).
        resend: send even receipts the log says were sent.
        mailer: makes the connection (tests pass one with their own TLS context).
        step: called after each receipt (a progress bar).

    Returns:
        One outcome per job, in order.
    """
    outcomes: list[Outcome] = []
    todo = []
    for job in jobs:
        before = None if resend else last_sent(log, job.receipt.number)
        if before is not None:
            outcomes.append(Outcome(job, ALREADY_SENT, _sent_before(before, job)))
            step()
        else:
            todo.append(job)
    if not todo:
        return outcomes
    try:
        with mailer(settings) as server:
            for job in todo:
                outcomes.append(_send_one(server, job, settings, record))
                step()
    except MailError as exc:
        done = {id(o.job) for o in outcomes}
        for job in todo:
            if id(job) not in done:
                record(log_entry(job, NOT_SENT, str(exc)))
                outcomes.append(Outcome(job, NOT_SENT, str(exc)))
                step()
    return outcomes


def _sent_before(entry: LogEntry, job: MailJob) -> str:
    note = f"sent {entry.when:%Y-%m-%d %H:%M} to {entry.to}"
    if entry.fingerprint and entry.fingerprint != job.receipt.fingerprint():
        note += "; the receipt has changed since (use --resend to send it again)"
    return note


def _send_one(server: Mailer, job: MailJob, settings: MailSettings,
              record: Callable[[LogEntry], None]) -> Outcome:
    message = receipt_message(job.receipt, job.pdf_path, settings.sender)
    try:
        server.send(message)
    except MailError as exc:
        record(log_entry(job, NOT_SENT, str(exc)))
        return Outcome(job, NOT_SENT, str(exc))
    record(log_entry(job, SENT, message["Message-ID"]))
    return Outcome(job, SENT, message["To"])
