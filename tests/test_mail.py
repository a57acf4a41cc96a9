"""Emailing receipts to a real SMTP server (aiosmtpd) started on this computer.

Plain SMTP is allowed only because the server is ``127.0.0.1``; one test gives the
server a self-signed certificate made here, requires STARTTLS and a login, and trusts
that certificate through ``SSL_CERT_FILE``, as a practice's own CA file would be.
"""

from __future__ import annotations

import datetime as dt
import email
import io
from datetime import date
from email import policy
from pathlib import Path

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from pypdf import PdfReader

from claimbook.cli.main import cli
from claimbook.io.mail import Mailer, MailError, MailSettings
from claimbook.rules import schema
from conftest import line
from mailserver import (  # noqa: F401
    PASSWORD,
    Inbox,
    body,
    email_log,
    free_port,
    log_rows,
    mail_settings,
    month_batch,
)
from papers import CLIENTS, LINES, PAYMENTS


def test_each_receipt_is_emailed_once_with_its_pdf(practice, smtp_server, tmp_path):
    out, path = tmp_path / "out", practice(mail_settings(smtp_server.port))
    result = month_batch(path, out)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[4:] == ["sent R-A1 to bo@example.com",
                                              "sent R-A2 to ann@example.com"]
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["bo@example.com"],
                                                           ["ann@example.com"]]
    first = smtp_server.messages[0]
    assert first["Subject"] == "Your insurance receipt R-A1 from Test Massage"
    assert first["From"] == "Test Massage <billing@test.example>"
    (attachment,) = list(first.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "receipt-A1.pdf"
    assert attachment.get_content() == (out / "receipt-A1.pdf").read_bytes()
    text = body(first)
    assert "Due from you: $0.00. There is nothing to pay." in text
    assert "Pending from State Farm: $10.00." in text
    assert "Balance due" not in text and "submit" not in text
    assert log_rows(path) == [
        ("R-A1", "C2", "Bo Diaz", "bo@example.com", "receipt-A1.pdf", "Sent"),
        ("R-A2", "C1", "Ann Lee", "ann@example.com", "receipt-A2.pdf", "Sent")]
    when = openpyxl.load_workbook(email_log(path)).active["A2"].value
    assert isinstance(when, dt.datetime)
    assert not (out / "Email Log.xlsx").exists()  # beside the workbook, not with the PDFs


def test_one_email_per_client_per_batch(practice, smtp_server, tmp_path):
    lines = LINES + [line("A3", date(2026, 10, 19), "C2", "P2", "97124", minutes=45,
                          diagnosis_codes="M54.2", billed_date=date(2026, 10, 21))]
    out = tmp_path / "out"
    path = practice(mail_settings(smtp_server.port), Appointments=lines)
    result = month_batch(path, out)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[6:] == ["sent R-A1, R-A3 to bo@example.com",
                                              "sent R-A2 to ann@example.com"]
    bo = smtp_server.messages[0]
    assert bo["Subject"] == "Your 2 receipts from Test Massage"
    assert [a.get_filename() for a in bo.iter_attachments()] == ["receipt-A1.pdf",
                                                                  "receipt-A3.pdf"]
    assert [a.get_content() for a in bo.iter_attachments()] == [
        (out / "receipt-A1.pdf").read_bytes(), (out / "receipt-A3.pdf").read_bytes()]
    text = body(bo)
    assert "Attached are your 2 receipts (R-A1, R-A3) for your visits of 10/05/2026 and " \
        "10/19/2026." in text
    assert "keep these receipts for your records" in text
    assert "Pending from State Farm: $100.00." in text  # $10.00 + $90.00
    assert [r[0] for r in log_rows(path)] == ["R-A1", "R-A3", "R-A2"]


def test_the_subject_is_not_folded_after_its_name(practice, tmp_path):
    name = "Cedar & Stone Therapeutic Massage and Bodywork of Greater Seattle"
    drafts = tmp_path / "drafts"
    result = CliRunner().invoke(cli, ["receipt", "-w", str(practice({"practice_name": name})),
                                      "--appointment", "A1", "--out", str(tmp_path / "out"),
                                      "--as-of", "2026-11-29", "--eml", str(drafts)])
    assert result.exit_code == 0, result.output
    raw = (drafts / "receipt-A1.eml").read_bytes()
    subject = next(ln for ln in raw.split(b"\n") if ln.startswith(b"Subject:"))
    assert subject == f"Subject: Your insurance receipt R-A1 from {name}".encode()


def test_running_the_batch_again_sends_nothing_twice(practice, smtp_server, tmp_path):
    out, path = tmp_path / "out", practice(mail_settings(smtp_server.port))
    assert month_batch(path, out).exit_code == 0
    again = month_batch(path, tmp_path / "elsewhere")  # another folder: the same log
    assert again.exit_code == 0, again.output
    assert len(smtp_server.messages) == 2
    assert [ln.split(":")[0] for ln in again.stdout.splitlines()[4:]] == [
        "skipped R-A1", "skipped R-A2"]
    assert len(log_rows(path)) == 2
    resent = month_batch(path, out, "--resend")
    assert resent.exit_code == 0
    assert len(smtp_server.messages) == 4
    assert [r[5] for r in log_rows(path)] == ["Sent"] * 4


def test_a_server_that_is_down_is_reported_and_recorded(practice, tmp_path):
    out, port = tmp_path / "out", free_port()  # nothing listens there
    path = practice(mail_settings(port))
    result = month_batch(path, out)
    assert result.exit_code == 1
    assert "not sent R-A1: mail server 127.0.0.1" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Error: 2 of 2 emails not sent")
    assert "connection refused" in result.stderr
    assert [r[5] for r in log_rows(path)] == ["Not sent", "Not sent"]
    assert (out / "receipt-A1.pdf").exists()  # the receipts are written; only mail failed


def test_receipts_not_sent_are_sent_when_the_server_is_back(practice, tmp_path):
    out, port = tmp_path / "out", free_port()
    path = practice(mail_settings(port))
    assert month_batch(path, out).exit_code == 1
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = month_batch(path, out)
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert len(inbox.messages) == 2
    assert [r[5] for r in log_rows(path)] == ["Not sent", "Not sent", "Sent", "Sent"]


def test_a_client_without_email_gets_theirs_to_print(practice, smtp_server,
                                                     tmp_path):
    """The others are emailed; the client without an address is listed with the cell,
    their receipt is written to print, and the command ends in one error line."""
    out = tmp_path / "out"
    clients = [CLIENTS[0], {**CLIENTS[1], "email": None}]
    result = month_batch(practice(mail_settings(smtp_server.port), Clients=clients), out)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Clients!F3: Bo Diaz has no email; type it, or print this receipt instead",
        "Error: 2 receipts written; 1 client not emailed (print theirs): C2"]
    assert (out / "receipt-A1.pdf").exists() and (out / "receipt-A2.pdf").exists()
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.com"]


@pytest.mark.parametrize("typed, message", [
    ("bo@example.com,boss@example.com", '"bo@example.com,boss@example.com" holds more than '
                                        "one address; claimbook sends to one address per "
                                        "client: keep one"),
    ("bo@example.com; boss@example.com", '"bo@example.com; boss@example.com" holds more '
                                         "than one address"),
    ("bo@example.com\nBcc: all@example.com", '"bo@example.com\\nBcc: all@example.com" has '
                                             "a line break in it; keep one address on one "
                                             "line"),
    ("bo at example.com", '"bo at example.com" is not an email address'),
])
def test_an_email_cell_holds_one_address(practice, smtp_server, tmp_path,
                                         typed, message):
    clients = [CLIENTS[0], {**CLIENTS[1], "email": typed}]
    path = practice(mail_settings(smtp_server.port), Clients=clients)
    for extra in (["--email"], ["--eml", str(tmp_path / "drafts")]):
        out = tmp_path / extra[0].strip("-")
        result = CliRunner().invoke(cli, ["receipt", "-w", str(path), "--month", "2026-10",
                                          "--out", str(out), "--as-of", "2026-11-29",
                                          *extra])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert result.stderr.startswith(f"Clients!F3: {message}")
        assert result.stderr.splitlines()[-1] == (
            "Error: 2 receipts written; 1 client not emailed (print theirs): C2")
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.com"]
    assert [p.name for p in (tmp_path / "drafts").iterdir()] == ["receipt-A2.eml"]
    single = CliRunner().invoke(cli, ["receipt", "-w", str(path), "--appointment", "A1",
                                      "--out", str(tmp_path / "one"), "--as-of", "2026-11-29",
                                      "--email"])
    assert single.exit_code == 1 and single.output.startswith(f"Error: Clients!F3: {message}")
    assert not (tmp_path / "one").exists()


def test_a_line_break_in_the_practice_name_is_one_line_in_the_headers(
        practice, smtp_server, tmp_path):
    path = practice({**mail_settings(smtp_server.port), "practice_name": "Test\nMassage"})
    result = month_batch(path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    message = smtp_server.messages[0]
    assert message["From"] == "Test Massage <billing@test.example>"
    assert message["Subject"] == "Your insurance receipt R-A1 from Test Massage"


def test_no_mail_server_in_the_practice_sheet(practice, tmp_path):
    out = tmp_path / "out"
    result = month_batch(practice(), out)
    row = 2 + [s.name for s in schema.PRACTICE_SETTINGS].index("SMTP Host")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: Practice!B{row}: SMTP Host is blank")
    assert not out.exists()


def test_the_password_comes_only_from_the_environment(practice, smtp_server, tmp_path,
                                                      monkeypatch):
    monkeypatch.delenv("CLAIMBOOK_SMTP_PASSWORD", raising=False)
    out = tmp_path / "out"
    result = month_batch(practice(mail_settings(smtp_server.port, smtp_user="front")), out)
    assert result.exit_code == 1
    assert "$CLAIMBOOK_SMTP_PASSWORD is not set" in result.output
    assert not out.exists()


def test_eml_drafts_instead_of_sending(practice, tmp_path):
    out, drafts, path = tmp_path / "out", tmp_path / "drafts", practice()
    result = CliRunner().invoke(cli, ["receipt", "-w", str(path), "--appointment", "A1",
                                      "--out", str(out), "--as-of", "2026-11-29",
                                      "--eml", str(drafts)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == str(drafts / "receipt-A1.eml")
    message = email.message_from_bytes((drafts / "receipt-A1.eml").read_bytes(),
                                       policy=policy.default)
    assert message["To"] == "bo@example.com" and message["X-Unsent"] == "1"
    assert message["From"] == "Test Massage <front@test.example>"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == (out / "receipt-A1.pdf").read_bytes()
    assert log_rows(path) == [("R-A1", "C2", "Bo Diaz", "bo@example.com", "receipt-A1.pdf",
                               "Draft")]


# -- file names that never collide ---------------------------------------------------------
@pytest.mark.parametrize("first_id, second_id", [("X 77", "X_77"), ("a001", "A001")])
def test_each_client_gets_the_pdf_built_for_them(practice, smtp_server, tmp_path,
                                                  first_id, second_id):
    """Two IDs that make the same file name (or the same name on a disk that ignores
    case): each receipt gets its own file, and each email carries its own client's PDF."""
    lines = [{**LINES[0], "appointment_id": first_id},
             {**LINES[1], "appointment_id": first_id},
             {**LINES[2], "appointment_id": second_id}]
    payments = [{**p, "appointment_id": first_id} for p in PAYMENTS]
    out = tmp_path / "out"
    path = practice(mail_settings(smtp_server.port), Appointments=lines, Payments=payments)
    result = month_batch(path, out)
    assert result.exit_code == 0, result.output
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert len(pdfs) == 2 and len({p.casefold() for p in pdfs}) == 2
    for message in smtp_server.messages:
        (attachment,) = list(message.iter_attachments())
        text = PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
        who = "Bo Diaz" if message["To"] == "bo@example.com" else "Ann Lee"
        assert who in text and ({"Bo Diaz", "Ann Lee"} - {who}).pop() not in text
        assert attachment.get_content() == (out / attachment.get_filename()).read_bytes()


# -- TLS ---------------------------------------------------------------------------------------
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for ``localhost`` and its key, made for this test."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_starttls_and_login_with_the_password_from_the_environment(
        practice, tmp_path, monkeypatch):
    import ssl

    cert, key = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password, session.ssl is not None))
        return AuthResult(success=auth_data.password == PASSWORD.encode())

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            tls_context=server_tls, require_starttls=True,
                            authenticator=authenticator, auth_require_tls=True)
    controller.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's own certificate
    monkeypatch.setenv("CLAIMBOOK_SMTP_PASSWORD", PASSWORD)
    try:
        result = month_batch(practice(mail_settings(controller.port, smtp_user="front")),
                             tmp_path / "out")
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert logins == [(b"front", PASSWORD.encode(), True)]
    assert len(inbox.messages) == 2


def test_a_remote_server_without_starttls_is_refused(tmp_path):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.2", port=free_port("127.0.0.2"))
    controller.start()
    try:
        settings = MailSettings("127.0.0.2", controller.port, None, "billing@test.example")
        with pytest.raises(MailError, match="does not offer STARTTLS"):
            with Mailer(settings):
                pass
    finally:
        controller.stop()
    assert inbox.messages == []
