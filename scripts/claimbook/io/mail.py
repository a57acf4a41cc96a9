"""Emailing receipts and statements: the message, the .eml draft, the SMTP conversation.

The server, port, user and From address come from the Practice sheet; the password only
from ``$CLAIMBOOK_SMTP_PASSWORD``, never from the workbook. The connection is encrypted
with STARTTLS (or implicit TLS on port 465) and the server's certificate is verified;
a server that offers no STARTTLS is refused, unless it is this computer itself
(``localhost``), where nothing crosses a network.

One email goes to each client per batch, carrying every PDF built for them (the bytes
that were built, never a file read back by name). Every attempt becomes a
:class:`LogEntry` per document that the caller records in the Email Log, so a document
that was sent is not sent again unless asked (``--resend``). This module imports
neither Click nor a workbook library.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, getaddresses, make_msgid

from claimbook.compute.papers import one_line
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
    """One row of the Email Log: a document sent, drafted or not sent, and when."""

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
class Attachment:
    """A document attached to an email: its number, file name and the PDF built for it."""

    number: str  # R-A001203, ST-C0042-20261130 ...
    filename: str
    data: bytes
    fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class MailJob:
    """One email to one client: the documents built for them, the subject and the body."""

    client_id: str
    client: str
    to: str
    attachments: tuple[Attachment, ...]
    subject: str
    body: str
    name: str  # the .eml draft's file name, without .eml


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
    field_name = "smtp_from" if book.settings.smtp_from else "email"
    sender = book.settings.smtp_from or book.settings.email
    if not sender:
        return None, [_setting_problem(book, "SMTP From", "smtp_from",
                                       "is blank (and so is Email); fill in the address "
                                       "receipts are sent from")]
    problem = address_problem(sender)
    if problem:
        label = "SMTP From" if field_name == "smtp_from" else "Email"
        return None, [_setting_problem(book, label, field_name, problem)]
    return sender.strip(), []


_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def address_problem(typed: str) -> str | None:
    """What is wrong with an address cell, on one line; None for one good address.

    One address only: ``a@x.org,b@y.org`` is refused (claimbook sends each client's
    papers to one address), and so is a line break, which would let the cell add mail
    headers of its own.
    """
    if "\n" in typed or "\r" in typed:
        shown = typed.strip().replace("\r", "\\r").replace("\n", "\\n")
        return f'"{shown}" has a line break in it; keep one address on one line'
    value = typed.strip()
    if len(getaddresses([value])) > 1 or re.search(r"[,;]", value) or \
            value.count("@") > 1:
        return (f'"{value}" holds more than one address; claimbook sends to one '
                "address per client: keep one")
    if not _ADDRESS.match(value):
        return f'"{value}" is not an email address'
    return None


def recipient_problems(book, client_ids: Iterable[str], paper: str = "receipt"
                       ) -> list[Problem]:
    """A client with no email address, or a cell that is not one address, stops
    emailing their papers; each problem names the cell."""
    out = []
    for client_id in dict.fromkeys(client_ids):
        client = book.clients.get(client_id)
        if client is None:
            continue
        typed = client.email or ""
        if not typed.strip():
            out.append(client.src.problem(
                "email", f"{one_line(client.first_name)} {one_line(client.last_name)} has "
                         f"no email; type it, or print this {paper} instead"))
            continue
        problem = address_problem(typed)
        if problem:
            out.append(client.src.problem("email", problem))
    return out


# -- the message ----------------------------------------------------------------------------
# Headers on one line up to 998 characters (RFC 5322), never folded after "Subject:".
POLICY = policy.default.clone(max_line_length=998)


def compose(job: MailJob, sender: str, practice: str,
            now: datetime | None = None) -> EmailMessage:
    """The email of one job: its body, and each PDF built for it attached.

    Args:
        job: the client, the documents, the subject and body.
        sender: the From address.
        practice: the practice's name (the From name).
        now: the Date header (now by default).

    Returns:
        The message, addressed to the client.
    """
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = one_line(job.subject)
    msg["From"] = formataddr((one_line(practice), sender)) if practice else sender
    msg["To"] = job.to
    msg["Date"] = format_datetime((now or datetime.now()).astimezone())
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(job.body)
    for attachment in job.attachments:
        msg.add_attachment(attachment.data, maintype="application", subtype="pdf",
                           filename=attachment.filename)
    return msg


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
def last_sent(entries: list[LogEntry], number: str) -> LogEntry | None:
    """The most recent Sent entry of a document in the log, if any."""
    found = [e for e in entries if e.receipt == number and e.status == SENT]
    return found[-1] if found else None


def sent_before(entry: LogEntry, fingerprint: str) -> str:
    """``sent 2026-11-29 10:14 to ann@example.com`` (and whether it changed since)."""
    note = f"sent {entry.when:%Y-%m-%d %H:%M} to {entry.to}"
    if entry.fingerprint and fingerprint and entry.fingerprint != fingerprint:
        note += "; it has changed since (use --resend to send it again)"
    return note


def log_entries(job: MailJob, status: str, detail: str = "",
                now: Callable[[], datetime] = datetime.now) -> list[LogEntry]:
    """The Email Log rows of one attempt: one per document in the email."""
    when = now().replace(microsecond=0)
    return [LogEntry(when, a.number, job.client_id, job.client, job.to, a.filename, status,
                     detail, a.fingerprint) for a in job.attachments]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one email: sent or not sent, and the detail."""

    job: MailJob
    status: str
    detail: str = ""


def send_all(jobs: list[MailJob], settings: MailSettings, practice: str,
             record: Callable[[list[LogEntry]], None],
             mailer: Callable[[MailSettings], Mailer] = Mailer,
             step: Callable[[], None] = lambda: None) -> list[Outcome]:
    """Send each email over one connection, recording every attempt as it is known.

    Args:
        jobs: the emails, one per client.
        settings: the mail server.
        practice: the practice's name (the From name).
        record: called with each attempt's log rows as soon as they are known.
        mailer: makes the connection (tests pass one with their own TLS context).
        step: called after each email (a progress bar).

    Returns:
        One outcome per job, in order.
    """
    outcomes: list[Outcome] = []
    if not jobs:
        return outcomes
    try:
        with mailer(settings) as server:
            for job in jobs:
                outcomes.append(_send_one(server, job, settings, practice, record))
                step()
    except MailError as exc:
        for job in jobs[len(outcomes):]:
            record(log_entries(job, NOT_SENT, str(exc)))
            outcomes.append(Outcome(job, NOT_SENT, str(exc)))
            step()
    return outcomes


def _send_one(server: Mailer, job: MailJob, settings: MailSettings, practice: str,
              record: Callable[[list[LogEntry]], None]) -> Outcome:
    message = compose(job, settings.sender, practice)
    try:
        server.send(message)
    except MailError as exc:
        record(log_entries(job, NOT_SENT, str(exc)))
        return Outcome(job, NOT_SENT, str(exc))
    record(log_entries(job, SENT, message["Message-ID"]))
    return Outcome(job, SENT, job.to)
