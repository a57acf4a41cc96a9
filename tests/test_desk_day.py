"""A day at the desk: booked visits checked out where they are, the day's schedule with
its reminders, names instead of IDs, the Reverse flow remembered, dates far from today,
and a client's history."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.io.xlsx.reader import load_book
from conftest import line, payment


def run(*args: str, **kw):
    return CliRunner().invoke(cli, list(args), **kw)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def day_book(book_path):
    """Ann (C1) owes on an old visit and is booked today (11/30/2026) for 97124; Bo (C2)
    is booked today for two services."""
    return book_path(Appointments=[
        line("A0001", date(2026, 11, 2), units=4, client_paid=2000, checked_out=True,
             diagnosis_codes="M54.50"),
        line("A0002", date(2026, 11, 30), minutes=60, checked_out=False),
        line("A0003", date(2026, 11, 30), client="C2", policy="P2", minutes=30,
             checked_out=False),
        line("A0003", date(2026, 11, 30), client="C2", policy="P2", code="97140",
             minutes=15, checked_out=False)])


def test_today_shows_the_schedule_with_what_was_owed_before_it(day_book):
    result = run("today", "--date", "2026-11-30", "-w", str(day_book))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "A0002  Ann Lee (C1)  Tess Therapist  97124  not checked out\n"
        "    Reminder: Partial payment taken 11/02/2026; balance of $100.00 remains: $100.00 "
        "expected from Aetna\n"
        "A0003  Bo Diaz (C2)  Tess Therapist  97124, 97140  not checked out\n"
        "    Reminder: -\n")


def test_checkout_appointment_completes_the_booked_visit(day_book):
    result = run("checkout", "--appointment", "A0002", "--minutes", "53", "--diagnosis",
                 "m54.50", "--paid", "20", "--method", "card", "-w", str(day_book))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "A0002\n"
        "Ann Lee, 11/30/2026, Tess Therapist: 97124 x4 (53 min), charge $120.00\n"
        "Discount First: checked out; the client paid $20.00\n"
        "Owes $100.00: $100.00 expected from Aetna\n")
    assert result.stderr == ""
    book = load_book(day_book)
    lines = [ln for ln in book.lines if ln.appointment_id == "A0002"]
    assert len(lines) == 1 and len(book.lines) == 4  # completed where it was
    done = lines[0]
    assert (done.minutes, done.units, done.charge, done.diagnosis_codes, done.client_paid,
            done.payment_method, done.checked_out, done.policy_id) == \
        (53, 4, 12000, "M54.50", 2000, "Card", True, "P1")
    again = run("checkout", "--appointment", "A0002", "-w", str(day_book))
    assert again.exit_code == 1
    assert again.stderr.startswith("Error: --appointment A0002: already checked out "
                                   "(Appointments!N3)")


def test_checkout_appointment_takes_the_booking_and_adds_a_service(day_book):
    result = run("checkout", "--appointment", "A0003", "--service", "97124", "--service",
                 "97140", "--service", "massage60", "--units", "2", "--units", "1",
                 "--units", "1", "-w", str(day_book))
    assert result.exit_code == 0, result.output
    assert "Warning: an insured visit with no diagnosis" in result.stderr
    lines = [ln for ln in load_book(day_book).lines if ln.appointment_id == "A0003"]
    assert [(ln.service_code, ln.units, ln.checked_out, ln.src.row) for ln in lines] == [
        ("97124", 2, True, 4), ("97140", 1, True, 5), ("MASSAGE60", 1, True, 6)]


@pytest.mark.parametrize("args, message", [
    (("--appointment", "A0009"), '--appointment A0009: no appointment "A0009" in'),
    (("--appointment", "A0002", "--client", "C2"),
     '--appointment A0002: the visit is client "C1"\'s, not "C2"\'s'),
    (("--appointment", "A0002", "--date", "2026-11-29"),
     "--appointment A0002: the visit is booked for 11/30/2026, not 11/29/2026"),
    (("--appointment", "A0003", "--service", "97124"),
     "--appointment A0003: the visit was booked with 2 services (97124, 97140)"),
    (("--client", "C1"), None),
])
def test_checkout_appointment_refusals(day_book, args, message):
    before = _digest(day_book)
    result = run("checkout", *args, "-w", str(day_book))
    assert result.exit_code in (1, 2)
    if message:
        assert message in result.stderr, result.stderr
    else:
        assert "give --staff (or --appointment ID of a booked visit)" in result.stderr
    assert _digest(day_book) == before


def test_names_instead_of_ids(day_book):
    result = run("checkout", "--client", "ann lee", "--staff", "tess", "--service", "60 min",
                 "--policy", "aetna", "--units", "1", "--diagnosis", "M54.2", "--date",
                 "11/29/2026", "-w", str(day_book))
    assert result.exit_code == 0, result.output
    new = load_book(day_book).lines[-1]
    assert (new.client_id, new.staff_id, new.service_code, new.policy_id) == \
        ("C1", "S1", "MASSAGE60", "P1")
    paid = run("pay", "--payer", "aetna", "--reference", "EFT1", "--apply", "A0001=70",
               "-w", str(day_book))
    assert paid.exit_code == 0, paid.output
    assert load_book(day_book).payments[-1].payer_id == "AET"


@pytest.mark.parametrize("args, message", [
    (("--client", "Anne Lee"), '--client "Anne Lee": no client "Anne Lee" in {path}; did you '
                               "mean Ann Lee (C1)?"),
    (("--service", "massage6"), '--service massage6: no service "massage6" in {path}; did you '
                                "mean MASSAGE60 (60 min) or 97124 (Massage)?"),
])
def test_near_matches_are_suggested(day_book, args, message):
    base = {"--client": "C1", "--staff": "S1", "--service": "97124"}
    base.update(dict([args]))
    flat = [x for kv in base.items() for x in kv]
    result = run("checkout", *flat, "--units", "1", "-w", str(day_book))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message.format(path=day_book)}\n"


def test_two_clients_of_one_name_are_not_guessed(book_path):
    path = book_path(Clients=[{"client_id": "C1", "first_name": "Ann", "last_name": "Lee"},
                              {"client_id": "C7", "first_name": "Ann", "last_name": "Lee"},
                              {"client_id": "C2", "first_name": "Bo", "last_name": "Diaz"}])
    result = run("balances", "--client", "Ann Lee", "-w", str(path))
    assert result.exit_code == 1
    assert result.stderr == ('Error: --client "Ann Lee": 2 clients are called that (C1, C7); '
                             "give the client's ID\n")


def test_a_reverse_checkout_is_checked_out_by_the_payment_that_clears_it(day_book):
    # the Practice's flow is Discount First; this one visit goes the Reverse way
    result = run("checkout", "--client", "C1", "--staff", "S1", "--service", "97124",
                 "--policy", "P1", "--units", "2", "--diagnosis", "M54.50", "--paid", "20",
                 "--flow", "reverse",
                 "--date", "2026-11-29", "-w", str(day_book))
    assert result.exit_code == 0, result.output
    visit = result.output.split("\n")[0]
    assert not load_book(day_book).lines[-1].checked_out
    paid = run("pay", "--payer", "AET", "--reference", "EFT77", "--apply", f"{visit}=40",
               "-w", str(day_book))
    assert paid.exit_code == 0, paid.output
    assert f"{visit} is now checked out" in paid.output
    assert load_book(day_book).lines[-1].checked_out is True


def test_a_date_far_from_today_is_refused_without_yes(day_book):
    before = _digest(day_book)
    result = run("pay", "--date", "2027-11-28", "--payer", "AET", "--reference", "E1",
                 "--apply", "A0001=10", "-w", str(day_book))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 11/28/2027 is 363 days after today (11/30/2026): the payment will not count "
        "in any balance, reminder or report before 11/28/2027; nothing was written (run "
        "again with --yes if the date is right)\n")
    far_back = run("checkout", "--date", "2025-11-26", "--client", "C1", "--staff", "S1",
                   "--service", "MASSAGE60", "-w", str(day_book))
    assert far_back.exit_code == 1
    assert far_back.stderr.startswith("Error: 11/26/2025 is 369 days before today "
                                      "(11/30/2026): the visit goes into Nov 2025, a month "
                                      "that may already be reported and handed off")
    assert _digest(day_book) == before
    last_month = run("checkout", "--date", "2026-10-01", "--client", "C1", "--staff", "S1",
                     "--service", "MASSAGE60", "-w", str(day_book))
    assert last_month.exit_code == 0, last_month.output  # last month is still desk work
    taken = run("pay", "--date", "2027-11-28", "--payer", "AET", "--reference", "E1",
                "--apply", "A0001=10", "--yes", "-w", str(day_book))
    assert taken.exit_code == 0, taken.output
    assert taken.stderr.startswith("Warning: 11/28/2027 is 363 days after today")
    assert load_book(day_book).payments[-1].date_received == date(2027, 11, 28)


def test_a_date_far_from_today_is_asked_about_at_a_terminal(day_book, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    from claimbook.cli import guard

    monkeypatch.setattr(guard, "sys", type("S", (), {"stdin": type("I", (), {
        "isatty": staticmethod(lambda: True)})}))
    result = run("pay", "--date", "2027-11-28", "--payer", "AET", "--reference", "E1",
                 "--apply", "A0001=10", "-w", str(day_book), input="n\n")
    assert result.exit_code == 1
    assert "Is the date right? [y/N]" in result.stderr
    assert load_book(day_book).payments == []


def test_history_lists_every_visit_and_payment_with_a_running_balance(book_path):
    path = book_path(
        Appointments=[line("A0001", date(2026, 10, 5), units=4, client_paid=2000,
                           payment_method="Card", checked_out=True),
                      line("A0002", date(2026, 10, 12), units=2, checked_out=True)],
        Payments=[payment("PMT0001", date(2026, 10, 30), "A0001", 7000, reference="EFT5",
                          adjustment=3000, adjustment_reason="CO-45"),
                  payment("PMT0002", date(2026, 11, 2), "A0002", 1500, source="Client")])
    run("void", "--payment", "PMT0002", "--reason", "bounced", "--date", "2026-11-20",
        "-w", str(path))
    result = run("history", "--client", "lee, ann", "-w", str(path))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Ann Lee (C1)\n"
        "Date        Entry      Visit         Amount     Balance  What\n"
        "10/05/2026  A0001      A0001        $120.00     $120.00  Visit: 97124 x4 (Aetna)\n"
        "10/05/2026  A0001      A0001        -$20.00     $100.00  Paid at the visit (Card)\n"
        "10/12/2026  A0002      A0002         $60.00     $160.00  Visit: 97124 x2 (Aetna)\n"
        "10/30/2026  PMT0001    A0001        -$70.00      $90.00  Aetna paid (EFT5)\n"
        "10/30/2026  PMT0001    A0001        -$30.00      $60.00  Adjustment (CO-45)\n"
        "11/02/2026  PMT0002    A0002        -$15.00      $45.00  Client paid [voided]\n"
        "11/20/2026  PMT0003    A0002         $15.00      $60.00  Void of client paid: "
        "bounced\n"
        "Balance $60.00 as of 11/20/2026 (A0002 $60.00: $60.00 expected from Aetna)\n")
    data = json.loads(run("history", "--client", "C1", "--format", "json", "-w",
                          str(path)).output)
    assert data["balance"] == "60.00" and len(data["entries"]) == 7
    assert data["entries"][5]["voided"] is True


def test_a_payment_on_a_visit_only_booked_does_not_check_it_out(day_book):
    paid = run("pay", "--client", "--apply", "A0002=20", "--date", "2026-11-30",
               "-w", str(day_book))
    assert paid.exit_code == 0, paid.output
    assert "checked out" not in paid.output
    booked = [ln for ln in load_book(day_book).lines if ln.appointment_id == "A0002"]
    assert booked[0].checked_out is False
