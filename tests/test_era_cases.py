"""claimbook era on small 835s written for each case: paid, denied, reversed and
corrected, forwarded, provider-level adjustments, files as payers send them (no
envelope, BOM and CRLF, a component separator that disagrees with ISA16, 4010), and the
refusals (unbalanced, already posted, unknown payer, unmatched claims), each read back
from the written workbook."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

import pytest

from claimbook.io.xlsx.reader import load_book
from conftest import BASE_ROWS, line, write_book
from era_files import ClaimSpec, Line, envelope, era_file, era_text
from owner_books import run

DAY = "2026-11-30"


@pytest.fixture
def book(tmp_path):
    payers = [{**BASE_ROWS["Payers"][0], "electronic_payer_id": "60054"},
              BASE_ROWS["Payers"][1]]
    return write_book(tmp_path / "practice.xlsx", Payers=payers, Appointments=[
        line("A0001", date(2026, 11, 2), units=3, charge=9000),
        line("A0002", date(2026, 11, 9), units=3, charge=9000, claim_number="ICN-77"),
        line("A0003", date(2026, 11, 2), client="C2", policy="P2", code="97140", charge=7000),
        line("A0004", date(2026, 11, 16), units=3, charge=9000),
        line("A0005", date(2026, 11, 16), client="C2", policy=None, code="MASSAGE60")])


def paid(pcn="A0001", day="20261102", paid_amount="50.00", **extra) -> ClaimSpec:
    """A claim of $90.00: CO-45 $20.00 at claim level, the client's $20.00 copay (PR-3)."""
    return ClaimSpec(pcn, "1", "90.00", paid_amount, "20.00", cas=[("CO", "45", "20.00")],
                     lines=[Line("97124", "90.00", paid_amount, day, [("PR", "3", "20.00")])],
                     **extra)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def era(book, *args):
    return run("era", *map(str, args), "-w", str(book), "--date", DAY)


def test_a_paid_claim_posts_one_row_with_its_codes_and_the_remittance(book, tmp_path):
    remit = era_file(tmp_path / "remit.835", [paid()], "50.00")
    result = era(book, remit)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{remit}: AETNA (AET), EFT EFT100 of 11/20/2026: $50.00\n"
        "  A0001 ANN LEE: paid $50.00, written off $20.00 (CO-45), patient share $20.00 (PR-3)"
        " -> PMT000001; now owes $20.00: $20.00 from the client\n"
        "Posted 1 claim ($50.00) and 1 remittance\n")
    saved = load_book(book)
    [row] = saved.payments
    assert (row.payment_id, row.date_received, row.source, row.payer_id, row.reference,
            row.appointment_id, row.amount, row.adjustment, row.adjustment_reason,
            row.patient_responsibility, row.product_title, row.claim_status_code,
            row.reason_codes, row.remittance, row.notes) == (
        "PMT000001", date(2026, 11, 20), "Insurance", "AET", "EFT100", "A0001", 5000, 2000,
        "CO-45", 2000, "Insurance Billing - Ann Lee - 2026-11-02", "1", "CO-45 PR-3",
        "EFT100", "payer claim ICN1")
    [remittance] = saved.remittances
    assert (remittance.trace_number, remittance.date, remittance.payer_id, remittance.amount,
            remittance.claims_paid, remittance.provider_adjustments, remittance.method,
            remittance.file, remittance.posted) == (
        "EFT100", date(2026, 11, 20), "AET", 5000, 5000, None, "EFT", "remit.835",
        date(2026, 11, 30))
    balances = json.loads(run("balances", "-w", str(book), "--as-of", DAY, "--client", "C1",
                              "--format", "json").output)
    a0001 = next(b for b in balances if b["appointment_id"] == "A0001")
    assert (a0001["balance"], a0001["client_due"], a0001["status"]) == ("20.00", "20.00",
                                                                        "Client Due")
    assert "$20.00 from the client" in saved.clients["C1"].reminder


def test_a_denial_is_a_zero_row_that_writes_nothing_off(book, tmp_path):
    denial = ClaimSpec("A0002", "4", "90.00", "0", cas=[("CO", "50", "90.00")],
                       lines=[Line("97124", "90.00", "0", "20261109", remarks=["N130"])])
    result = era(book, era_file(tmp_path / "d.835", [denial], "0", method="NON"))
    assert result.exit_code == 0, result.output
    assert "A0002 ANN LEE: paid $0.00, denied: not deemed a medical necessity by the payer " \
           "(CO-50) -> PMT000001" in result.output
    [row] = load_book(book).payments
    assert (row.amount, row.adjustment, row.patient_responsibility, row.reason_codes,
            row.claim_status_code) == (0, None, None, "CO-50", "4")
    assert row.notes == ("Denied: not deemed a medical necessity by the payer (CO-50); $90.00 "
                         "not written off: correct and resubmit, appeal, or write it off; "
                         "payer claim ICN1; remarks N130")
    balances = json.loads(run("balances", "-w", str(book), "--as-of", DAY, "--format",
                              "json").output)
    a0002 = next(b for b in balances if b["appointment_id"] == "A0002")
    assert (a0002["status"], a0002["insurance_due"]) == ("Denied", "90.00")
    assert load_book(book).remittances[0].method == "None"


def test_a_reversal_undoes_the_original_exactly_and_the_correction_posts_anew(book, tmp_path):
    assert era(book, era_file(tmp_path / "1.835", [paid()], "50.00")).exit_code == 0
    reversal = ClaimSpec("A0001", "22", "-90.00", "-50.00", "-20.00",
                         cas=[("CO", "45", "-20.00"), ("PR", "3", "-20.00")])
    correction = paid(paid_amount="60.00")
    correction.cas = [("CO", "45", "10.00")]
    result = era(book, era_file(tmp_path / "2.835", [reversal, correction], "10.00",
                                trace="EFT200"))
    assert result.exit_code == 0, result.output
    assert "  A0001 ANN LEE: reversal -$50.00, written off -$20.00 (CO-45), patient share " \
           "-$20.00 (PR-3) -> PMT000002" in result.output
    first, undo, again = load_book(book).payments
    assert (undo.amount, undo.adjustment, undo.patient_responsibility) == (
        -first.amount, -first.adjustment, -first.patient_responsibility)
    assert (undo.claim_status_code, undo.notes) == ("22", "Reverses PMT000001; payer claim ICN1")
    assert (again.amount, again.adjustment, again.patient_responsibility) == (6000, 1000, 2000)
    balances = json.loads(run("balances", "-w", str(book), "--as-of", DAY, "--all",
                              "--format", "json").output)
    assert next(b for b in balances if b["appointment_id"] == "A0001")["insurance_paid"] == \
        "60.00"


def test_a_reversal_with_nothing_to_undo_posts_nothing(book, tmp_path):
    reversal = ClaimSpec("A0004", "22", "-90.00", "-50.00", cas=[("CO", "45", "-40.00")],
                         lines=[Line("97124", "-90.00", "-50.00", "20261116")])
    result = era(book, era_file(tmp_path / "r.835", [reversal, paid()], "0.00"))
    assert result.exit_code == 1
    assert '  A0004 ANN LEE: not posted: nothing from AET of $50.00 on appointment "A0004" ' \
           "to reverse" in result.output
    assert result.output.endswith("Error: 1 claim not posted (see above)\n")
    assert [p.appointment_id for p in load_book(book).payments] == ["A0001"]


def test_a_forwarded_claim_posts_with_a_note(book, tmp_path):
    claim = paid(forwarded_to="MEDIGAP OF WA")
    claim.status = "19"
    result = era(book, era_file(tmp_path / "f.835", [claim], "50.00"))
    assert result.exit_code == 0, result.output
    assert "forwarded to MEDIGAP OF WA -> PMT000001" in result.output
    [row] = load_book(book).payments
    assert row.claim_status_code == "19"
    assert row.notes.startswith("Forwarded by the payer to MEDIGAP OF WA (crossover): do not "
                                "bill the secondary yourself")


def test_provider_level_adjustments_change_the_deposit_and_go_on_remittances(book, tmp_path):
    remit = era_file(tmp_path / "plb.835", [paid()], "43.95",
                     plb=[("1000000004", "L6", "-3.95"), ("1000000004", "WO:ICN9", "10.00")])
    result = era(book, remit)
    assert result.exit_code == 0, result.output
    assert "EFT EFT100 of 11/20/2026: $43.95, provider adjustments $6.05" in result.output
    [remittance] = load_book(book).remittances
    assert (remittance.amount, remittance.claims_paid, remittance.provider_adjustments) == (
        4395, 5000, "L6 -3.95 (interest owed); WO 10.00 (overpayment recovery, ref ICN9)")


def test_files_as_payers_send_them(book, tmp_path):
    """No envelope; a BOM, CRLF and indentation; a component separator that disagrees
    with ISA16 (read right, with a warning)."""
    bare = tmp_path / "bare.835"
    bare.write_text("~".join(era_text([paid()], "50.00", trace="T1")) + "~")
    crlf = tmp_path / "crlf.835"
    text = envelope([era_text([paid("A0004", "20261116")], "50.00", trace="T2")])
    crlf.write_bytes(b"\xef\xbb\xbf" + text.replace("~", "~\r\n   ").encode())
    gt = tmp_path / "gt.835"
    gt.write_text(envelope([era_text([paid("A0002", "20261109")], "50.00", trace="T3")])
                  .replace("HC:", "HC>"))
    result = era(book, bare, crlf, gt)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f'Warning: {gt}: the data separates components with ">" '
                                    'where ISA16 says ":"; read with ">"\n')
    assert [p.appointment_id for p in load_book(book).payments] == ["A0001", "A0004", "A0002"]
    assert [r.trace_number for r in load_book(book).remittances] == ["T1", "T2", "T3"]


def test_a_4010_file_with_its_cr_group_reverses_exactly(book, tmp_path):
    first = era_file(tmp_path / "a.835", [paid()], "50.00", version="004010X091A1")
    assert era(book, first).exit_code == 0
    reversal = ClaimSpec("A0001", "22", "-90.00", "-50.00", "-20.00",
                         cas=[("CR", "45", "-20.00"), ("CR", "3", "-20.00")])
    path = tmp_path / "c.835"
    path.write_text(envelope([era_text([reversal], "50.00", trace="E3",
                                       version="004010X091A1")], "004010X091A1")
                    .replace("BPR*I*50.00*C", "BPR*I*50.00*D"))
    result = era(book, path)
    assert result.exit_code == 0, result.output
    original, undo = load_book(book).payments
    assert (undo.amount, undo.adjustment, undo.patient_responsibility, undo.reason_codes) == (
        -5000, -2000, -2000, "CR-45 CR-3")
    assert load_book(book).remittances[-1].amount == -5000


@pytest.mark.parametrize(("claims", "amount", "why"), [
    ([paid(paid_amount="55.00")], "55.00",
     "claim A0001 (segment 12) does not balance: charge $90.00 - adjustments $40.00 - paid "
     "$55.00 leaves -$5.00"),
    ([paid()], "45.00", "does not balance: claims paid $50.00 - provider adjustments $0.00 = "
                        "$50.00, but the payment is $45.00 (a difference of $5.00)"),
])
def test_a_remittance_that_does_not_balance_posts_nothing(book, tmp_path, claims, amount, why):
    for claim in claims:
        if claim.paid == "55.00":
            claim.lines[0].paid = "55.00"
    before = digest(book)
    remit = era_file(tmp_path / "u.835", claims, amount)
    result = era(book, remit)
    assert result.exit_code == 1
    assert result.output == (f"Refused: {remit}, trace EFT100: {why}\n"
                             "Posted 0 claims ($0.00) and 0 remittances; 1 refused\n"
                             "Error: 1 remittance refused (see above)\n")
    assert digest(book) == before


def test_a_trace_number_already_posted_posts_nothing(book, tmp_path):
    remit = era_file(tmp_path / "remit.835", [paid()], "50.00")
    assert era(book, remit).exit_code == 0
    before = digest(book)
    result = era(book, remit)
    assert result.exit_code == 1
    assert f"Refused: {remit}, trace EFT100: already posted on 11/30/2026 (Remittances row 2)" \
        in result.output
    assert digest(book) == before
    twice = tmp_path / "twice.835"
    one = era_text([paid("A0004", "20261116")], "50.00", trace="X9")
    twice.write_text(envelope([one, one]))
    result = era(book, twice)
    assert result.exit_code == 1
    assert f"Refused: {twice}, trace X9: the same trace number as {twice} segment 3: posted " \
           "once" in result.output
    assert [p.remittance for p in load_book(book).payments] == ["EFT100", "X9"]


def test_an_unknown_payer_is_refused_by_name_and_named_with_payer(book, tmp_path):
    remit = era_file(tmp_path / "p.835", [paid()], "50.00", payer="REGENCE BLUESHIELD",
                     payer_id="00932")
    result = era(book, remit)
    assert result.exit_code == 1
    assert f'Refused: {remit}, trace EFT100: the payer "REGENCE BLUESHIELD" (payer ID 00932, ' \
           "1234567890) is not on the Payers sheet: give its Electronic Payer ID there, or " \
           "name it with --payer PAYER_ID" in result.output
    result = era(book, remit, "--payer", "AET")
    assert result.exit_code == 0, result.output
    assert load_book(book).payments[0].payer_id == "AET"
    result = era(book, remit, "--payer", "NOPE")
    assert result.output == f'Error: --payer NOPE: no payer "NOPE" in {book}\n'


def test_claims_match_by_claim_number_and_by_name_date_and_charge(book, tmp_path):
    by_number = paid("9999", "20261109", icn="ICN-77")
    by_name = paid("8888", "20261116", icn="X")
    result = era(book, era_file(tmp_path / "m.835", [by_number, by_name], "100.00"))
    assert result.exit_code == 0, result.output
    assert [p.appointment_id for p in load_book(book).payments] == ["A0002", "A0004"]


def test_an_unmatched_claim_is_listed_with_why_and_posts_later(book, tmp_path):
    import openpyxl

    stranger = paid("7777", "20261103", last="NOBODY", first="JO", member="M9", icn="Z1")
    wrong_payer = paid("A0003", "20261102")
    remit = era_file(tmp_path / "u.835", [paid(), stranger, wrong_payer], "150.00")
    result = era(book, remit)
    assert result.exit_code == 1
    assert result.output.splitlines()[1:4] == [
        "  A0001 ANN LEE: paid $50.00, written off $20.00 (CO-45), patient share $20.00 (PR-3) "
        "-> PMT000001; now owes $20.00: $20.00 from the client",
        '  7777 JO NOBODY: not posted: no appointment "7777" and no visit of JO NOBODY on '
        "11/03/2026 for $90.00",
        '  A0003 ANN LEE: not posted: AET is not the payer of appointment "A0003" (its policy '
        '"P2" is with SF)']
    assert result.output.endswith("Error: 2 claims not posted (see above)\n")
    wb = openpyxl.load_workbook(book)  # the owner says which visit it is, in Excel
    ws = wb["Appointments"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "A0004")
    row[header.index("Claim Number")].value = "Z1"
    wb.save(book)
    result = era(book, remit)
    assert result.exit_code == 1
    assert "  A0001 ANN LEE: not posted: already posted on 11/30/2026 (Payments!A2)" \
        in result.output
    assert "  A0004 JO NOBODY: paid $50.00" in result.output
    saved = load_book(book)
    assert [p.appointment_id for p in saved.payments] == ["A0001", "A0004"]
    assert len(saved.remittances) == 1


def test_duplicate_pcns_are_told_apart_by_patient_date_and_charge(book, tmp_path):
    ann = paid("SAME", "20261102")
    bo = ClaimSpec("SAME", "1", "70.00", "70.00", last="DIAZ", first="BO", member="",
                   lines=[Line("97140", "70.00", "70.00", "20261102")])
    result = era(book, era_file(tmp_path / "same.835", [ann, bo], "120.00", payer="AETNA"),
                 "--payer", "AET")
    assert result.exit_code == 1  # Bo's visit is State Farm's
    assert "  A0001 ANN LEE: paid $50.00" in result.output
    assert '  A0003 BO DIAZ: not posted: AET is not the payer of appointment "A0003"' \
        in result.output


def test_dry_run_writes_nothing_and_json_follows_the_contract(book, tmp_path):
    before = digest(book)
    remit = era_file(tmp_path / "remit.835", [paid(), paid("7777", "20261103", last="X")],
                     "100.00")
    result = era(book, remit, "--dry-run", "--format", "json")
    assert result.exit_code == 1
    assert digest(book) == before
    text, error = result.output.rsplit("\n", 2)[0], result.output.rsplit("\n", 2)[1]
    assert error == "Error: 1 claim not posted (see above)"
    report = json.loads(text)
    assert report == {"remittances": [{
        "file": str(remit), "trace_number": "EFT100", "payer_id": "AET",
        "payer_name": "AETNA", "date": "2026-11-20", "method": "EFT", "amount": "100.00",
        "claims_paid": "100.00", "provider_adjustments": "0.00", "claims": [
            {"patient_control_number": "A0001", "appointment_id": "A0001", "status_code": "1",
             "charge": "90.00", "paid": "50.00", "adjustments": "20.00",
             "patient_responsibility": "20.00", "reason_codes": ["CO-45", "PR-3"],
             "posted": True, "why": None, "payment_id": "PMT000001", "kind": "paid"},
            {"patient_control_number": "7777", "appointment_id": None, "status_code": "1",
             "charge": "90.00", "paid": "50.00", "adjustments": "20.00",
             "patient_responsibility": "20.00", "reason_codes": ["CO-45", "PR-3"],
             "posted": False, "why": 'no appointment "7777" and no visit of ANN X on '
                                     "11/03/2026 for $90.00",
             "payment_id": None, "kind": None}]}], "refused": []}
    text = era(book, remit, "--dry-run").output
    assert "Would post 1 claim ($50.00) and 1 remittance; dry run: nothing written" in text


def test_an_unreadable_file_stops_everything_naming_the_segment(book, tmp_path):
    before = digest(book)
    good = era_file(tmp_path / "good.835", [paid()], "50.00")
    bad = era_file(tmp_path / "remit.835", [paid()], "50.00", trace="T2")
    bad.write_text(bad.read_text().replace("CLP*A0001*1*90.00*50.00", "CLP*A0001*1*90.00*12O.00"))
    result = era(book, good, bad)
    assert result.exit_code == 1
    assert result.output == f'Error: {bad}: segment 12 CLP: paid amount "12O.00" is not a ' \
                            "number\n"
    assert digest(book) == before
    result = era(book, tmp_path / "missing.835")
    assert result.output == f"Error: {tmp_path / 'missing.835'}: No such file or directory\n"


def test_a_remittance_none_of_whose_claims_posts_writes_nothing(book, tmp_path):
    before = digest(book)
    claim = ClaimSpec("A0005", "1", "90.00", "90.00", last="DIAZ", first="BO",
                      lines=[Line("MASSAGE60", "90.00", "90.00", "20261116")])
    remit = era_file(tmp_path / "s.835", [claim], "90.00")
    result = era(book, remit)
    assert result.output.splitlines()[0] == (
        f"Refused: {remit}, trace EFT100: no claim could be posted; 1 claim not posted: "
        'A0005: appointment "A0005" is self-pay')
    assert digest(book) == before


def test_a_check_made_only_of_provider_adjustments_goes_on_remittances(book, tmp_path):
    remit = era_file(tmp_path / "plb.835", [], "25.00", plb=[("1000000004", "L6", "-25.00")])
    result = era(book, remit)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Posted 0 claims ($0.00) and 1 remittance"
    [remittance] = load_book(book).remittances
    assert (remittance.amount, remittance.claims_paid, remittance.provider_adjustments) == (
        2500, 0, "L6 -25.00 (interest owed)")


def test_a_payment_recorded_by_hand_with_pay_is_not_posted_again(book, tmp_path):
    done = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "EFT100",
               "--apply", "A0001=50.00", "--adjust", "A0001=20.00:CO-45", "-w", str(book))
    assert done.exit_code == 0, done.output
    remit = era_file(tmp_path / "remit.835", [paid(), paid("A0004", "20261116")], "100.00")
    result = era(book, remit)
    assert result.exit_code == 0, result.output
    assert "  A0001 ANN LEE: not posted: already recorded on 11/20/2026 with reference EFT100 " \
           "(Payments!A2)" in result.output
    assert [p.appointment_id for p in load_book(book).payments] == ["A0001", "A0004"]
    run("pay", "--date", "2026-11-21", "--payer", "AET", "--reference", "EFT555",
        "--apply", "A0002=50.00", "-w", str(book))
    one = era_file(tmp_path / "one.835", [paid("A0002", "20261109")], "50.00", trace="EFT555")
    result = era(book, one)
    assert result.output.startswith(
        f"Refused: {one}, trace EFT555: every claim is on the sheet already (already "
        "recorded on 11/21/2026 with reference EFT555 (Payments!A4))\n")


def test_an_owners_workbook_gains_the_columns_and_the_remittances_sheet(tmp_path):
    """A workbook made in Excel without Claim Status Code, Reason Codes, Remittance and the
    Remittances sheet: they are added (and said); every other part stays as it was."""
    import openpyxl

    from owner_books import owner_book, parts_of, sheet_part

    owner = owner_book(tmp_path / "owner.xlsx")
    before = parts_of(owner)
    secondary = ClaimSpec("A0001", "2", "120.00", "20.00", cas=[("OA", "23", "100.00")],
                          lines=[Line("97124", "120.00", "20.00", "20261005")])
    remit = era_file(tmp_path / "sec.835", [secondary], "20.00", trace="EFT300")
    result = run("era", str(remit), "-w", str(owner), "--date", DAY)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "  A0001 ANN LEE: paid $20.00, earlier payers $100.00 (OA-23) -> PMT0003; now owes "
        "nothing",
        "Posted 1 claim ($20.00) and 1 remittance",
        'Payments: added the column "Claim Status Code" (column O)',
        'Payments: added the column "Reason Codes" (column P)',
        'Payments: added the column "Remittance" (column Q)',
        'Remittances: added the sheet "Remittances", as an Excel Table']
    wb = openpyxl.load_workbook(owner)  # read only: never saved
    ws = wb["Payments"]
    assert [ws.cell(1, c).value for c in (15, 16, 17)] == ["Claim Status Code",
                                                             "Reason Codes", "Remittance"]
    assert [ws.cell(4, c).value for c in (1, 7, 8, 15, 16, 17)] == [
        "PMT0003", 20, None, "2", "OA-23", "EFT300"]
    remittances = wb["Remittances"]
    assert [[c.value for c in row] for row in remittances.iter_rows()] == [
        ["Trace Number", "Date", "Payer ID", "Amount", "Claims Paid", "Provider Adjustments",
         "Method", "File", "Posted"],
        ["EFT300", datetime(2026, 11, 20), "AET", 20, 20, None, "EFT", "sec.835",
         datetime(2026, 11, 30)]]
    assert list(remittances.tables) == ["Remittances"]
    after = parts_of(owner)
    changed = {n for n in set(before) | set(after) if before.get(n) != after.get(n)}
    new_sheet = sheet_part(owner, "Remittances")
    touched = {sheet_part(owner, "Payments"), sheet_part(owner, "Clients"), new_sheet,
               new_sheet.replace("worksheets/", "worksheets/_rels/") + ".rels",
               "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
               "xl/styles.xml",
               "docProps/custom.xml", "_rels/.rels"}  # the last Payment ID given (issue 14)
    tables = {n for n in changed if n.startswith("xl/tables/")}
    assert len(tables) == 2  # the Payments table grew; the Remittances table is new
    assert changed - tables == touched
    assert load_book(owner).clients["C1"].reminder is None  # nothing is owed any more
    assert run("check", "-w", str(owner)).exit_code == 0
    again = run("era", str(remit), "-w", str(owner), "--date", DAY)
    assert "already posted on 11/30/2026 (Remittances row 2)" in again.output


def test_the_selection_reads_visits_by_date_only_for_claims_not_found_otherwise(book):
    """A 100,000-line workbook is read for the visits an 835 names; the visits on a
    claim's dates are read only when its CLP01 and claim number are not on the sheet."""
    from claimbook.io.xlsx.desk_reader import Selection, read_desk

    def clients(selection):
        read, _ = read_desk(book.read_bytes(), str(book), selection)
        return sorted({ln.client_id for ln in read.lines})

    nov2 = frozenset({date(2026, 11, 2)})
    assert clients(Selection(visits=frozenset({"A0004"}))) == ["C1"]
    found = Selection(visits=frozenset({"A0004"}),
                      unless_found=((frozenset({"A0004", "X"}), nov2),))
    assert clients(found) == ["C1"]
    by_number = Selection(visits=frozenset({"Q1"}), claim_numbers=frozenset({"ICN-77"}),
                          unless_found=((frozenset({"Q1", "ICN-77"}), nov2),))
    assert clients(by_number) == ["C1"]
    missing = Selection(visits=frozenset({"Q1"}),
                        unless_found=((frozenset({"Q1", "Z"}), nov2),))
    assert clients(missing) == ["C1", "C2"]  # A0001 and A0003 are on 2026-11-02


def test_warnings_another_practices_npi_a_clp05_that_disagrees_an_overpayment(book, tmp_path):
    claim = paid()
    claim.pr = "25.00"  # CLP05 says 25.00; the PR adjustments say 20.00
    remit = era_file(tmp_path / "w.835", [claim], "50.00")
    remit.write_text(remit.read_text().replace("XX*1000000004", "XX*1234567893"))
    again = era_file(tmp_path / "again.835", [paid()], "50.00", trace="EFT999")
    result = era(book, remit, again)
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.output.splitlines() if ln.startswith("Warning:")]
    assert warnings == [
        f"Warning: {remit}: the remittance is for NPI 1234567893 (TEST MASSAGE), not the "
        "Practice's Billing NPI 1000000004: is it another practice's?",
        f"Warning: {remit}: claim A0001 (segment 12) says the patient owes $25.00 (CLP05) but "
        "its PR adjustments come to $20.00; $20.00 was posted",
        'Warning: appointment "A0001" is overpaid now: a credit of $50.00']
    assert [p.patient_responsibility for p in load_book(book).payments] == [2000, 2000]


def test_a_claim_file_is_not_a_remittance(book, tmp_path):
    claim = tmp_path / "claim.837"
    claim.write_text("ST*837*0001*005010X222A1~BHT*0019*00*1*20261102*1200*CH~SE*3*0001~")
    result = era(book, claim)
    assert result.output == (f"Error: {claim}: segment 1 ST: a 837 transaction, not an 835 "
                             "remittance\n")


def test_a_claim_for_a_voided_visit_is_listed_unmatched_with_why(book, tmp_path):
    voided = run("void", "-w", str(book), "--appointment", "A0004", "--reason",
                 "booked twice", "--date", "2026-11-20", "--yes")
    assert voided.exit_code == 0, voided.output
    by_pcn = paid("A0004", "20261116")
    by_name = paid("ZZZ", "20261116", icn="Q1")  # no CLP01 to go by: name, date and charge
    result = era(book, era_file(tmp_path / "v.835", [paid(), by_pcn, by_name], "150.00"))
    assert result.exit_code == 1
    void_cell = next(p for p in load_book(book).lines if p.appointment_id == "A0004"
                     ).src.cell("void_reason")
    why = f"not posted: the visit was voided on 11/20/2026 (booked twice; {void_cell})"
    assert result.output.splitlines()[2:4] == [f"  A0004 ANN LEE: {why}",
                                               f"  ZZZ ANN LEE: {why}"]
    assert result.output.endswith("Error: 2 claims not posted (see above)\n")
    assert [p.appointment_id for p in load_book(book).payments] == ["A0001"]
