"""Client statements: what the client owes and why, on the PDF's text and the sheet.

The practice: Ann Lee (C1, Aetna) had four visits. A2 (10/12, $120): Aetna paid $70,
wrote off $20 (CO-45) and left her $30 for her deductible (PR-1). A3 (10/20, $120): Aetna
paid $90 and left her her $30 copay (PR-3), which she paid at the visit. A4 (11/16, $120)
is billed and waiting for Aetna. A5 (11/18, self-pay massage, $90) is unpaid. So she owes
$30 + $90 = $120; $120 is pending from Aetna and not counted. Bo Diaz (C2) owes nothing:
his PIP visit A1 is waiting on State Farm.
"""

from __future__ import annotations

import json
import re
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from conftest import line, payment
from mailserver import mail_settings
from papers import LINES, PAYMENTS
from statement_helpers import ANN_LINES, ANN_PAYMENTS, AS_OF, ann, one_line, statement, texts  # noqa: F401


def test_what_the_client_owes_and_why(practice, tmp_path):
    for text in texts(ann(practice), tmp_path):
        assert "STATEMENT" in text and "Ann Lee" in text and "C1" in text
        assert "applied to your deductible" in text  # A2: PR-1
        assert "paid in full (your share: your copay)" in text  # A3: PR-3, paid at the visit
        assert "no insurance billed for this visit (self-pay)" in text  # A5
        assert "waiting for Aetna: not due from you yet" in text  # A4
        assert "Amount due $120.00" in text
        assert "Pending from Aetna (not due from you) $120.00" in text
        assert "Due by 12/30/2026" in text
        assert "M54" not in text and "97124" not in text  # no diagnosis, no bare codes
        assert "Massage" in text


def test_each_visit_line_adds_up(practice, tmp_path):
    from claimbook.compute.statements import build_statement
    from claimbook.io.xlsx.reader import load_book

    book = load_book(ann(practice))
    st = build_statement(book, "C1", date(2026, 11, 30), date(2026, 10, 1))
    assert [(ln.appointment_id, ln.state, ln.you_owe, ln.waiting) for ln in st.lines] == [
        ("A2", "due", 3000, 0), ("A3", "paid", 0, 0), ("A4", "pending", 0, 12000),
        ("A5", "due", 9000, 0)]
    for ln in st.lines:
        assert ln.charge - ln.insurance_paid - ln.adjustments - ln.you_paid == \
            ln.you_owe + ln.waiting
    assert st.total == 12000 and st.amount_due == 12000
    assert dict(st.aging) == {"Current": 9000, "31-60 days": 3000, "61-90 days": 0,
                              "Over 90 days": 0}  # A2 is 49 days old


@pytest.mark.parametrize("codes, words", [("PR-2", "your coinsurance"),
                                          ("PR-96", "not covered by your plan"),
                                          ("PR-204", "not covered by your plan")])
def test_the_reason_in_words(practice, tmp_path, codes, words):
    payments = [{**ANN_PAYMENTS[0], "reason_codes": f"CO-45 {codes}"}, ANN_PAYMENTS[1]]
    path = practice(Appointments=LINES[:2] + ANN_LINES, Payments=PAYMENTS + payments)
    for text in texts(path, tmp_path):
        assert words in text


def test_a_denied_claim_is_listed_and_not_counted(practice, tmp_path):
    denial = payment("PA4", date(2026, 11, 25), "A4", 0, payer="AET", reference="EOB1",
                     adjustment_reason="CO-50")
    for text in texts(ann(practice, payments=[denial]), tmp_path):
        assert ("Aetna denied it: not deemed a medical necessity by the payer (CO-50); not "
                "due from you while we follow it up") in text
        assert "Denied by Aetna (not due from you) $120.00" in text
        assert "Amount due $120.00" in text


def test_a_credit_is_shown_as_a_credit(practice, tmp_path):
    prepaid = line("A6", date(2026, 12, 10), "C1", None, "MASSAGE60")
    package = payment("PA6", date(2026, 11, 25), "A6", 13500, source="Client",
                      payment_method="Card")
    path = ann(practice, lines=[prepaid], payments=[package])
    for text in texts(path, tmp_path):
        assert "prepaid for your visit of 12/10/2026" in text
        assert "Credits -$135.00" in text
        assert "Credit on your account $15.00" in text  # $120 owed less the $135 credit
        assert "Amount due $0.00" in text  # in the stub: nothing to pay


def test_a_settled_visit_before_the_period_is_left_out(practice, tmp_path):
    pdf, sheet = texts(ann(practice), tmp_path, "C1", "--since", "2026-11-15")
    for text in (pdf, sheet):
        assert "10/20/2026" not in text  # A3: settled, its last payment on 11/12
        assert "10/12/2026" in text  # A2: still owed, always listed


def test_the_stub_and_how_to_pay(practice, tmp_path):
    settings = {"payable_to": "Test Massage LLC",
                "remit_address": "PO Box 77\nSeattle, WA 98111",
                "payment_options": "Pay online at pay.test.example or by phone.",
                "statement_due_days": 14}
    path = ann(practice, settings)
    for text in texts(path, tmp_path):
        assert "Please detach and return this part with your payment." in text
        assert "Amount enclosed" in text
        assert "Make checks payable to and mail to" in text and "Test Massage LLC" in text
        assert "PO Box 77" in text and "Seattle, WA 98111" in text
        assert "Pay online at pay.test.example or by phone." in text
        assert "Due by 12/14/2026" in text


def test_due_makes_one_for_every_client_who_owes(practice, tmp_path):
    path, out = ann(practice), tmp_path / "out"
    result = statement(path, out, "--due")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(out / f"statement-C1-{AS_OF}.xlsx"),
                                          str(out / f"statement-C1-{AS_OF}.pdf")]
    log = path.parent / f"{path.stem} Statement Log.xlsx"
    assert f"1 statement, $120.00 due; recorded in {log}" in result.stderr
    rows = list(openpyxl.load_workbook(log).active.iter_rows(values_only=True))
    assert rows[0] == ("Date", "Statement", "Client ID", "Client", "Amount Due", "Due By",
                       "How", "PDF")
    assert rows[1][1:5] == ("ST-C1-20261130", "C1", "Ann Lee", 120)
    assert rows[1][6] == "Printed"


def test_nobody_owes(practice, tmp_path):
    result = statement(practice(), tmp_path / "out", "--due")
    assert result.exit_code == 0
    assert result.stderr == "Nobody owes anything as of 11/30/2026; no statement written.\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, message", [
    ([], "give --client ID or --due"),
    (["--client", "C1", "--due"], "give --client ID or --due (not both)"),
    (["--due", "--email", "--eml", "d"], "give one of them"),
    (["--due", "--resend"], "--resend goes with --email"),
])
def test_usage_errors(practice, args, message):
    result = CliRunner().invoke(cli, ["statement", "-w", str(practice()), *args])
    assert result.exit_code == 2 and message in result.output


def test_an_unknown_client(practice, tmp_path):
    result = statement(practice(), tmp_path / "out", "--client", "C404")
    assert result.exit_code == 1
    assert result.output == 'Error: no client "C404" on the Clients sheet\n'


def test_emailed_statements_and_the_reminder_that_says_so(practice, smtp_server,
                                                          tmp_path):
    path = ann(practice, mail_settings(smtp_server.port))
    out = tmp_path / "out"
    result = statement(path, out, "--due", "--email")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "sent ST-C1-20261130 to ann@example.com"
    (message,) = smtp_server.messages
    assert message["Subject"] == "Your statement from Test Massage"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == (out / f"statement-C1-{AS_OF}.pdf").read_bytes()
    body = message.get_body(("plain",)).get_content()
    assert "Amount due: $120.00 by 12/30/2026." in body
    assert "Pending from Aetna: $120.00 (not due from you)." in body
    amounts = re.findall(r"\$[\d,.]+", body)
    assert amounts == ["$120.00", "$120.00"]
    log = openpyxl.load_workbook(path.parent / f"{path.stem} Statement Log.xlsx").active
    assert log["G2"].value == "Emailed"
    again = statement(path, out, "--due", "--email")  # the same day: not sent twice
    assert again.exit_code == 0 and len(smtp_server.messages) == 1
    assert "skipped ST-C1-20261130: already sent" in again.stdout
    today = CliRunner().invoke(cli, ["today", "-w", str(path), "--date", "2026-12-01",
                                     "--format", "json"])
    assert today.exit_code == 0, today.output
    reminder = CliRunner().invoke(cli, ["remind", "-w", str(path), "--date", "2026-12-01",
                                        "--dry-run"])
    assert "C1: " in reminder.output and "Statement sent 11/30/2026" in reminder.output
    assert "C2: " in reminder.output
    assert "Statement sent" not in reminder.output.split("C2: ")[1].split("\n")[0]


def test_due_emails_those_it_can_and_lists_the_others_to_print(practice, smtp_server,
                                                              tmp_path):
    """Bo owes for a self-pay visit and has no good address: Ann is emailed, Bo's statement
    is written to print and listed with the cell, and the command ends in one error."""
    from papers import CLIENTS

    bo = line("A7", date(2026, 11, 20), "C2", None, "MASSAGE60")
    for typed, problem in ((None, "Bo Diaz has no email; type it, or print this statement"),
                           ("bo at example.com", '"bo at example.com" is not an email')):
        path = ann(practice, mail_settings(smtp_server.port), lines=[bo],
                   Clients=[CLIENTS[0], {**CLIENTS[1], "email": typed}])
        out = tmp_path / f"out{len(smtp_server.messages)}"
        result = statement(path, out, "--due", "--email")
        assert result.exit_code == 1
        errors = result.stderr.splitlines()
        assert errors[0].startswith(f"Clients!F3: {problem}")
        assert errors[-1] == ("Error: 2 statements written; 1 client not emailed (print "
                              "theirs): C2")
        assert (out / f"statement-C2-{AS_OF}.pdf").exists()
        assert result.stdout.splitlines()[-1] == "sent ST-C1-20261130 to ann@example.com"
        log = openpyxl.load_workbook(path.parent / f"{path.stem} Statement Log.xlsx").active
        assert [(log.cell(r, 3).value, log.cell(r, 7).value) for r in (2, 3)] == [
            ("C1", "Emailed"), ("C2", "Printed")]
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.com"] * 2
    one = statement(path, tmp_path / "one", "--client", "C2", "--email")
    assert one.exit_code == 1 and one.output.startswith("Error: Clients!F3:")
    assert not (tmp_path / "one").exists()


def test_today_says_when_a_statement_was_sent(practice, tmp_path):
    lines = [line("A7", date(2026, 12, 2), "C1", None, "MASSAGE60")]
    path = ann(practice, lines=lines)
    before = CliRunner().invoke(cli, ["today", "-w", str(path), "--date", "2026-12-02",
                                      "--format", "json"])
    assert "Statement sent" not in before.output
    assert statement(path, tmp_path / "out", "--client", "C1").exit_code == 0
    after = CliRunner().invoke(cli, ["today", "-w", str(path), "--date", "2026-12-02",
                                     "--format", "json"])
    (visit,) = json.loads(after.stdout)
    assert visit["reminder"].endswith("Statement sent 11/30/2026")
