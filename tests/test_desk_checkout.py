"""claimbook checkout: both flows of the article, the 8-minute rule, the next ID, the
client's reminder, and the refusals (nothing written)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date

import pytest

from claimbook.compute import desk
from claimbook.io.xlsx.reader import load_book
from conftest import line
from owner_books import cells, owner_book, parts_of, run, sheet_part

BASE = ("checkout", "--date", "2026-11-02", "--client", "C1", "--staff", "S1",
        "--policy", "P1", "--service", "97124")


@pytest.fixture
def book(tmp_path):
    return owner_book(tmp_path / "owner.xlsx")


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_discount_first_checks_out_now_and_leaves_the_rest_to_the_insurer(book):
    result = run(*BASE, "--minutes", "38", "--paid", "20", "--method", "card",
                 "--diagnosis", "m54.50 m62.830", "-w", str(book))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "A0004\n"
        "Ann Lee, 11/02/2026, Tess Therapist: 97124 x3 (38 min), charge $90.00\n"
        "Discount First: checked out; the client paid $20.00\n"
        "Owes $70.00: $70.00 expected from Aetna\n")
    saved = load_book(book)
    new = saved.lines[-1]
    assert (new.appointment_id, new.minutes, new.units, new.charge) == ("A0004", 38, 3, 9000)
    assert (new.client_paid, new.payment_method, new.checked_out) == (2000, "Card", True)
    assert new.diagnosis_codes == "M54.50, M62.830"
    assert saved.clients["C1"].reminder == (
        "Partial payment taken 10/05/2026; balance of $20.00 remains: $20.00 expected from "
        "Aetna. Partial payment taken 11/02/2026; balance of $70.00 remains: $70.00 expected "
        "from Aetna")
    assert saved.clients["C1"].notes == "Prefers mornings"


@pytest.mark.parametrize(("minutes", "units"), [(8, 1), (22, 1), (23, 2), (38, 3), (52, 3),
                                                (53, 4), (60, 4)])
def test_units_follow_the_8_minute_rule(book, minutes, units):
    result = run(*BASE, "--minutes", str(minutes), "-w", str(book))
    assert result.exit_code == 0, result.output
    assert load_book(book).lines[-1].units == units


def test_under_8_minutes_bills_nothing_and_is_refused(book):
    before = _digest(book)
    result = run(*BASE, "--minutes", "7", "-w", str(book))
    assert result.exit_code == 1
    assert result.output == ("Error: --minutes 7: under 8 minutes of 97124 bills no unit "
                             "(the 8-minute rule)\n")
    assert _digest(book) == before


def test_a_visit_with_two_codes_is_two_lines_with_one_id(book):
    result = run("checkout", "--date", "2026-11-03", "--client", "C3", "--staff", "S1",
                 "--service", "97124", "--service", "MASSAGE60", "--units", "2", "--units",
                 "1", "--paid", "150", "--method", "Cash", "-w", str(book))
    assert result.exit_code == 0, result.output
    lines = [ln for ln in load_book(book).lines if ln.appointment_id == "A0004"]
    assert [(ln.service_code, ln.units, ln.charge) for ln in lines] == [
        ("97124", 2, 6000), ("MASSAGE60", 1, 9000)]
    assert [ln.client_paid for ln in lines] == [15000, None]
    assert "Owes nothing" in result.output


def test_reverse_flow_records_the_payment_now_and_checks_out_when_the_insurer_clears_it(
        tmp_path):
    book = owner_book(tmp_path / "reverse.xlsx", flow="Reverse")
    result = run(*BASE, "--units", "2", "--paid", "15", "--method", "Card", "-w", str(book))
    assert result.exit_code == 0, result.output
    assert "Reverse: not checked out until the insurer's payment clears it" in result.output
    saved = load_book(book)
    assert saved.lines[-1].checked_out is False and saved.lines[-1].client_paid is None
    paid = saved.payments[-1]
    assert (paid.payment_id, paid.source, paid.amount, paid.appointment_id) == (
        "PMT0003", "Client", 1500, "A0004")
    assert paid.notes == "Paid at the visit (Card)"
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "EFT5",
                 "--apply", "A0004=30", "-w", str(book))
    assert "A0004 is now checked out" not in result.output
    result = run("pay", "--date", "2026-11-21", "--payer", "AET", "--reference", "EFT6",
                 "--apply", "A0004", "-w", str(book))
    assert result.exit_code == 0, result.output
    assert "A0004 is now checked out" in result.output
    assert load_book(book).lines[-1].checked_out is True


def test_the_flow_option_overrides_the_setting(book):
    result = run(*BASE, "--units", "1", "--flow", "reverse", "--paid", "10", "-w", str(book))
    assert result.exit_code == 0, result.output
    assert load_book(book).payments[-1].amount == 1000


@pytest.mark.parametrize(("args", "message"), [
    (("--client", "C9"), '--client C9: no client "C9" in {path}'),
    (("--staff", "S9"), '--staff S9: no staff member "S9" in {path}'),
    (("--service", "XYZ"), '--service XYZ: no service "XYZ" in {path}'),
    (("--policy", "P7"), '--policy P7: client "C1" has no policy "P7" in {path}'),
    (("--policy", "P2"), '--policy P2: client "C1" has no policy "P2" in {path}'),
    (("--id", "A0001"), "--id A0001: the Appointment ID is already used"),
    (("--paid", "12O"), '--paid 12O: "12O" is not an amount'),
])
def test_refusals_name_the_argument_and_write_nothing(book, args, message):
    argv = dict(zip(BASE[1::2], BASE[2::2]))
    argv.update(dict(zip(args[::2], args[1::2])))
    before = _digest(book)
    result = run("checkout", *[x for kv in argv.items() for x in kv], "-w", str(book))
    assert result.exit_code == 1
    assert result.output == f"Error: {message.format(path=book)}\n"
    assert _digest(book) == before


def test_minutes_and_units_together_is_a_usage_error(book):
    result = run(*BASE, "--minutes", "30", "--units", "2", "-w", str(book))
    assert result.exit_code == 2
    assert "give --minutes or --units, not both" in result.output


def test_text_that_looks_like_a_formula_is_written_as_text(book):
    result = run(*BASE, "--units", "1", "--note", "=1+2", "-w", str(book))
    assert result.exit_code == 0, result.output
    xml = parts_of(book)[sheet_part(book, "Appointments")]
    row = re.search(rb'<row r="5".*?</row>', xml).group(0)
    assert b'<c r="O5" s="1" t="inlineStr"><is><t>=1+2</t></is></c>' in row
    assert b"<f>" not in row
    assert cells(book)["Appointments"][4][14] == "=1+2"


def test_checkout_warns_outside_the_authorization_and_on_a_second_visit_that_day(tmp_path,
                                                                               book_path):
    path = book_path(Appointments=[line("A1", date(2026, 11, 2))])
    from claimbook.io.xlsx.desk_reader import Selection, read_desk

    data, _ = read_desk(path.read_bytes(), str(path), Selection(clients=frozenset({"C1"})))
    data.policies["P1"] = replace(data.policies["P1"], authorization_end=date(2026, 10, 31),
                                  authorized_visits=1)
    req = desk.CheckoutRequest(date(2026, 11, 2), "C1", "S1", (desk.ServiceOrder("97124",
                                                                                 units=2),),
                               policy_id="P1", diagnosis="M54.50")
    plan = desk.plan_checkout(data, ["A1"], [], req)
    assert plan.appointment_id == "A2"
    assert plan.warnings == [
        "C1 already has a visit on 11/02/2026 (A1); is this one a second visit?",
        "11/02/2026 is outside policy P1's authorization (open to 10/31/2026)",
        "this is visit 2 on policy P1, which authorizes 1"]


def test_checkout_json(book):
    result = run(*BASE, "--units", "2", "--paid", "10", "--format", "json", "-w", str(book))
    assert result.exit_code == 0, result.output
    import json

    out = json.loads(result.stdout)  # a warning (no diagnosis) is on stderr
    assert out["appointment_id"] == "A0004" and out["balance"] == "50.00"
    assert out["insurance_due"] == "50.00" and out["rows"] == {"Appointments": [5]}


def test_next_ids_follow_the_sheets_own_numbering():
    assert desk.next_ids(["A001314", "A001315"], 2, "A000000") == ["A001316", "A001317"]
    assert desk.next_ids([], 1, "A000000") == ["A000001"]
    assert desk.next_ids(["V-9", "X", "V-10"], 1, "A0") == ["V-11"]
    assert desk.next_ids(["PMT0009", "PMT0010"], 1, "PMT000000") == ["PMT0011"]
