"""Receipts and superbills: their content, their PDF text, their workbook cell by cell.

The practice below: one therapist; Bo Diaz, hurt in a car accident (State Farm PIP,
claim CL9), had a two-code visit on 2026-10-05 (30 min 97124 + 23 min 97140 = 2 + 2
units = $60 + $70 = $130), paid $20 by card at the visit and $10 later; State Farm paid
$70 and adjusted $20 (CO-45), so $10 is still due from State Farm and nothing from Bo.
The practice billed the visit on 2026-10-07; its lines carry the modifiers GP and 59 GP.
Ann Lee (Aetna) had 4 units of 97124 ($120), not billed yet.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from claimbook.compute.balances import visits_of
from claimbook.compute.receipt_text import summary_rows
from claimbook.compute.receipts import SUPERBILL, build_receipt, client_visits
from claimbook.io.receipt_pdf import receipt_pdf_bytes
from claimbook.io.xlsx.reader import load_book
from claimbook.rules import icd10
from conftest import line
from papers import (  # noqa: F401
    AS_OF,
    BILLING_NPI,
    CLIENTS,
    LINES,
    PAYMENTS,
    POLICIES,
    REFERRING_NPI,
    SETTINGS,
    STAFF,
    THERAPIST_NPI,
    pdf_text,
    practice_rows,
    receipt_of,
    run,
    sheet_cells,
    sheet_text,
    write_receipt,
)


# -- ICD-10 --------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, printed", [("M54.50", "M54.50"), ("m5450", "M54.50"),
                                            ("S16.1XXA", "S16.1XXA"), ("G44209", "G44.209"),
                                            ("M54", "M54"), ("C4A.0", "C4A.0")])
def test_icd10_codes_are_printed_with_their_dot(typed, printed):
    assert icd10.normalize_code(typed) == printed


@pytest.mark.parametrize("typed", ["M5", "54.2", "MM4.2", "M54.12345", "M54..2", "M54-2",
                                   "M54.2.1"])
def test_malformed_icd10_codes_are_found(typed):
    assert icd10.normalize_code(typed) is None
    assert f'"{typed}" is not an ICD-10 code' in icd10.code_problem(typed)


def test_codes_split_on_commas_semicolons_and_spaces():
    assert icd10.split_codes(" M54.2, S16.1XXA;G44.209  M62.830 ") == [
        "M54.2", "S16.1XXA", "G44.209", "M62.830"]
    assert [icd10.pointer(i) for i in (0, 11, 12)] == ["A", "L", "M"]


# -- the receipt's content -------------------------------------------------------------------
def test_receipt_content_for_a_pip_visit(practice):
    r = receipt_of(practice())
    assert r.number == "R-A1" and r.file_stem == "receipt-A1" and r.issued == AS_OF
    assert r.title == "Insurance Receipt" and not r.plain
    assert r.diagnoses == ("S13.4XXA", "M54.2")
    assert [(s.number, s.code, s.modifiers, s.units, s.charge, s.pointers,
             s.place_of_service) for s in r.services] == [
        (1, "97124", "GP", 2, 6000, "AB", "11"), (2, "97140", "59 GP", 2, 7000, "B", "11")]
    t = r.totals
    assert (t.charge, t.paid_at_visit, t.paid_later, t.insurance_paid, t.adjustments,
            t.balance, t.client_due, t.insurance_due) == (13000, 2000, 1000, 7000, 2000,
                                                          1000, 0, 1000)
    assert t.charge - t.discount - t.paid_at_visit - t.paid_later - t.insurance_paid \
        - t.adjustments == t.balance
    (cov,) = r.coverages
    assert (cov.claim_number, cov.date_of_injury, cov.referring_npi, cov.is_injury_claim) \
        == ("CL9", date(2026, 9, 1), REFERRING_NPI, True)
    assert [p.paid_by for p in r.payments] == ["You, at the visit (Card)", "State Farm",
                                                "You"]
    assert [p.date_of_service for p in r.payments] == [date(2026, 10, 5)] * 3
    assert r.payments[1].reasons == ("CO-45",)
    (visit,) = r.visits
    assert (visit.insurer.kind, visit.insurer.payer_name, visit.insurer.billed_on) == (
        "billed", "State Farm", date(2026, 10, 7))


def test_a_line_without_codes_points_to_the_visits_codes(practice):
    lines = [LINES[0], {**LINES[1], "diagnosis_codes": None}]
    r = receipt_of(practice(Appointments=lines))
    assert [s.pointers for s in r.services] == ["AB", "AB"]


def test_the_receipt_number_is_the_same_every_time(practice):
    path = practice()
    assert receipt_of(path).number == receipt_of(path).number == "R-A1"
    assert receipt_of(path).fingerprint() == receipt_of(path).fingerprint()


def test_summary_rows_headline_what_the_client_owes(practice):
    rows = summary_rows(receipt_of(practice()).totals)
    assert [(r.label, r.cents, r.style) for r in rows] == [
        ("Total charges", 13000, ""), ("Paid by you at the visit", -2000, ""),
        ("Paid by you later", -1000, ""), ("Paid by State Farm", -7000, ""),
        ("Adjusted by State Farm (not billed to you)", -2000, ""),
        ("Due from you", 0, "total"), ("Pending from State Farm", 1000, "detail")]
    above = [r.cents for r in rows if not r.style]
    assert sum(above) == rows[-2].cents + rows[-1].cents  # charges less money = due + pending


def test_a_superbill_lists_every_visit_of_the_client(practice):
    lines = LINES + [line("A3", date(2026, 11, 2), "C2", "P2", "97124", minutes=45,
                          diagnosis_codes="M54.6")]
    book = load_book(practice(Appointments=lines))
    visits = client_visits(book, visits_of(book), "C2", date(2026, 10, 1), AS_OF)
    r = build_receipt(book, visits, AS_OF, SUPERBILL)
    assert r.number == "S-C2-20261005-20261102"
    assert r.file_stem == "superbill-C2-2026-10-05-to-2026-11-02"
    assert r.diagnoses == ("S13.4XXA", "M54.2", "M54.6")
    assert [s.pointers for s in r.services] == ["AB", "B", "C"]
    assert [s.number for s in r.services] == [1, 2, 3]
    assert r.totals.charge == 13000 + 9000


def test_pdf_text_carries_npi_license_codes_and_amounts(practice):
    r = receipt_of(practice())
    text = pdf_text(receipt_pdf_bytes(r))
    for expected in ("INSURANCE RECEIPT", "R-A1", "Test Massage", "91-0000001", BILLING_NPI,
                     "Tess Therapist, LMT", THERAPIST_NPI, "WA MA123", "225700000X",
                     "Bo Diaz", "01/02/1975", "State Farm", "SF-555", "CL9", "09/01/2026",
                     "Dr. Ray Park, DO", REFERRING_NPI, "97124", "97140", "59 GP",
                     "S13.4XXA", "M54.2", "10/05/2026", "$60.00", "$70.00", "$130.00",
                     "-$20.00", "-$10.00", "-$70.00", "$10.00", "CO-45", "EFT1",
                     "Due from you", "Pending from State Farm",
                     "Signature of rendering provider"):
        assert expected in text, expected
    assert "Balance due" not in text and "Expected" not in text
    assert len(PdfReader(io.BytesIO(receipt_pdf_bytes(r))).pages) == 1


def test_pdf_is_letter_size(practice):
    page = PdfReader(io.BytesIO(receipt_pdf_bytes(receipt_of(practice())))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) \
        == (612, 792)


def test_names_outside_latin1_print_as_typed(practice):
    clients = [CLIENTS[0], {**CLIENTS[1], "first_name": "Bảo",
                            "last_name": "Nguyễn-Łukasiewicz"}]
    data = receipt_pdf_bytes(receipt_of(practice(Clients=clients)))
    text = pdf_text(data)
    assert "Bảo" in text and "Nguyễn-Łukasiewicz" in text and "?" not in text
    fonts = {str(font) for page in PdfReader(io.BytesIO(data)).pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts  # the font is embedded: every page draws with it
    assert b"DejaVu" in data and b"Helvetica" not in data


EXPECTED_CELLS = {
    "A1": "Test Massage", "H1": "INSURANCE RECEIPT",
    "A2": "12 Pine St", "G2": "Receipt no.", "J2": "R-A1",
    "A3": "Seattle, WA 98103", "G3": "Date issued", "J3": datetime(2026, 11, 29),
    "A4": "(206) 555-0100  ·  front@test.example", "G4": "Date of service",
    "J4": datetime(2026, 10, 5),
    "A5": f"Tax ID 91-0000001    Billing NPI {BILLING_NPI}",
    "A7": "CLIENT", "F7": "RENDERING PROVIDER",
    "A8": "Client", "C8": "Bo Diaz", "F8": "Provider", "G8": "Tess Therapist, LMT",
    "A9": "Date of birth", "C9": datetime(1975, 1, 2), "F9": "NPI", "G9": THERAPIST_NPI,
    "A10": "Address", "C10": "5 Elm Ave", "F10": "License", "G10": "WA MA123",
    "C11": "Tacoma, WA 98402", "F11": "Taxonomy", "G11": "225700000X",
    "A12": "Client ID", "C12": "C2",
    "A14": "INSURANCE", "F14": "DIAGNOSES (ICD-10-CM)",
    "A15": "Payer", "C15": "State Farm", "F15": "A", "G15": "S13.4XXA",
    "A16": "Plan type", "C16": "Auto/PIP", "F16": "B", "G16": "M54.2",
    "A17": "Member ID", "C17": "SF-555",
    "A18": "Claim number", "C18": "CL9",
    "A19": "Date of injury", "C19": datetime(2026, 9, 1),
    "A20": "Referred by", "C20": "Dr. Ray Park, DO",
    "A21": "Referring NPI", "C21": REFERRING_NPI,
    "A23": "SERVICES",
    "A24": "#", "B24": "Date", "C24": "POS", "D24": "Code", "E24": "Mod",
    "F24": "Description", "H24": "Dx", "I24": "Min", "J24": "Units", "K24": "Charge",
    "A25": 1, "B25": datetime(2026, 10, 5), "C25": "11", "D25": "97124", "E25": "GP",
    "F25": "Massage", "H25": "AB", "I25": 30, "J25": 2, "K25": 60,
    "A26": 2, "B26": datetime(2026, 10, 5), "C26": "11", "D26": "97140", "E26": "59 GP",
    "F26": "Manual", "H26": "B", "I26": 23, "J26": 2, "K26": 70,
    "F27": "Total charges", "K27": 130,
    "F29": "ACCOUNT SUMMARY",
    "F30": "Total charges", "K30": 130,
    "F31": "Paid by you at the visit", "K31": -20,
    "F32": "Paid by you later", "K32": -10,
    "F33": "Paid by State Farm", "K33": -70,
    "F34": "Adjusted by State Farm (not billed to you)", "K34": -20,
    "F35": "Due from you", "K35": 0,
    "F36": "Pending from State Farm", "K36": 10,
    "A38": "We billed State Farm on 10/07/2026 under claim CL9; keep this receipt for your "
           "records.",
    "A39": "Questions about your bill: (206) 555-0100.",
    "A41": "PAYMENTS AND ADJUSTMENTS",
    "A42": "Received", "C42": "For visit of", "E42": "Paid by", "G42": "Reference",
    "H42": "Reason", "J42": "Paid", "K42": "Adjusted",
    "A43": datetime(2026, 10, 5), "C43": datetime(2026, 10, 5),
    "E43": "You, at the visit (Card)", "J43": 20,
    "A44": datetime(2026, 10, 30), "C44": datetime(2026, 10, 5), "E44": "State Farm",
    "G44": "EFT1", "H44": "CO-45", "J44": 70, "K44": 20,
    "A45": datetime(2026, 11, 3), "C45": datetime(2026, 10, 5), "E45": "You", "G45": "card",
    "J45": 10,
    "A46": "Reason codes",
    "A47": "CO-45: the charge exceeds the fee schedule or contracted amount; written off by "
           "us, not billed to you",
    "A49": "I certify that the services listed above were medically necessary and were "
           "personally rendered by me.",
    "A51": "Signature of rendering provider", "I51": "Date",
    "A52": f"Tess Therapist, LMT  ·  NPI {THERAPIST_NPI}",
}


def test_receipt_sheet_read_back_cell_by_cell(practice, tmp_path):
    write_receipt(practice(), tmp_path / "out")
    path = tmp_path / "out" / "receipt-A1.xlsx"
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "Receipt"
    assert sheet_cells(path) == EXPECTED_CELLS
    assert ws["K25"].number_format == ws["K35"].number_format == '"$"#,##0.00;-"$"#,##0.00'
    assert ws["B25"].number_format == ws["C9"].number_format == "mm/dd/yyyy"
    assert ws["D25"].data_type == "s" and ws["C25"].data_type == "s"
    assert ws["F35"].font.b and ws["F35"].font.sz > ws["F36"].font.sz  # the headline


def test_receipt_sheet_rows_are_tall_enough_for_wrapped_text(practice, tmp_path):
    services = [{"service_code": "97124", "fee_per_unit": 3000, "minutes_per_unit": 15,
                 "description": "Therapeutic massage of the neck, shoulders and upper back, "
                                "each 15 minutes of direct one-on-one contact"},
                {"service_code": "97140", "description": "Manual", "fee_per_unit": 3500}]
    write_receipt(practice(Services=services), tmp_path / "out")
    ws = openpyxl.load_workbook(tmp_path / "out" / "receipt-A1.xlsx").active
    assert ws["F25"].alignment.wrap_text
    assert ws.row_dimensions[25].height >= 3 * 13.5  # three lines or more of 29 characters
    assert ws.row_dimensions[26].height == 13.5


def test_receipt_sheet_print_settings(practice, tmp_path):
    write_receipt(practice(), tmp_path / "out")
    ws = openpyxl.load_workbook(tmp_path / "out" / "receipt-A1.xlsx").active
    setup = ws.page_setup
    assert setup.orientation == "portrait"
    assert setup.paperSize == 1  # Letter
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0  # one page wide
    margins = ws.page_margins
    assert (margins.left, margins.right, margins.top, margins.bottom) == (0.5, 0.5, 0.6, 0.6)
    assert "Test Massage" in ws.oddHeader.left.text
    assert ws.oddHeader.right.text == "Insurance Receipt R-A1"
    assert ws.oddFooter.left.text == "Test Massage"
    assert ws.oddFooter.right.text == "Page &P of &N"
    assert ws.print_area == "'Receipt'!$A$1:$K$53"
    assert ws.row_breaks.count == 0  # one page: nothing to break


def test_a_long_superbill_breaks_pages_between_blocks(practice, tmp_path):
    lines = LINES + [line(f"B{i:02d}", date(2026, 10, 6) + timedelta(days=i), "C2", "P2",
                          "97124", minutes=30, diagnosis_codes="M54.2") for i in range(60)]
    out = tmp_path / "out"
    result = run("receipt", "-w", str(practice(Appointments=lines)), "--client", "C2",
                 "--out", str(out), "--as-of", "2026-12-31")
    assert result.exit_code == 0, result.output
    (path,) = out.glob("superbill-*.xlsx")
    ws = openpyxl.load_workbook(path).active
    signature = next(c.row for c in ws["A"] if c.value == "Signature of rendering provider")
    certify = next(c.row for c in ws["A"] if str(c.value).startswith("I certify"))
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks and not any(certify <= b < signature for b in breaks)
    assert ws.print_title_rows == "$24:$24"  # the service table's heading on every page
    assert ws["A24"].value == "#"


def test_a_client_named_like_a_formula_stays_text(practice, tmp_path):
    clients = [CLIENTS[0], {**CLIENTS[1], "first_name": "=1+2", "last_name": "+SUM(A1)"}]
    write_receipt(practice(Clients=clients), tmp_path / "out")
    ws = openpyxl.load_workbook(tmp_path / "out" / "receipt-A1.xlsx").active
    assert ws["C8"].value == "=1+2 +SUM(A1)"
    assert ws["C8"].data_type == "s"
    assert "=1+2 +SUM(A1)" in pdf_text((tmp_path / "out" / "receipt-A1.pdf").read_bytes())


# -- the command -------------------------------------------------------------------------------
def test_receipt_command_prints_both_paths(practice, tmp_path):
    out = tmp_path / "out"
    result = write_receipt(practice(), out)
    assert result.stdout.splitlines() == [str(out / "receipt-A1.xlsx"),
                                          str(out / "receipt-A1.pdf")]
    assert (out / "receipt-A1.pdf").read_bytes().startswith(b"%PDF")


def test_receipt_files_are_the_same_every_time(practice, tmp_path):
    path = practice()
    write_receipt(path, tmp_path / "one")
    write_receipt(path, tmp_path / "two")
    for name in ("receipt-A1.pdf", "receipt-A1.xlsx"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_superbill_command(practice, tmp_path):
    out = tmp_path / "out"
    result = run("receipt", "-w", str(practice()), "--client", "C2", "--from", "2026-10-01",
                 "--to", "2026-10-31", "--out", str(out), "--as-of", "2026-11-29")
    assert result.exit_code == 0, result.output
    stem = out / "superbill-C2-2026-10-05-to-2026-10-05"
    assert result.stdout.splitlines() == [f"{stem}.xlsx", f"{stem}.pdf"]
    text = pdf_text(Path(f"{stem}.pdf").read_bytes())
    assert "SUPERBILL" in text and "keep this superbill for your records" in text


def test_month_batch_writes_one_receipt_per_insured_visit(practice, tmp_path):
    lines = LINES + [line("A9", date(2026, 10, 20), "C1", None, "MASSAGE60")]  # self-pay
    out = tmp_path / "out"
    result = run("receipt", "-w", str(practice(Appointments=lines)), "--month", "2026-10",
                 "--out", str(out), "--as-of", "2026-11-29")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(out / n) for n in (
        "receipt-A1.xlsx", "receipt-A1.pdf", "receipt-A2.xlsx", "receipt-A2.pdf")]


def test_month_without_insured_visits_writes_nothing(practice, tmp_path):
    result = run("receipt", "-w", str(practice()), "--month", "2026-01", "--out",
                 str(tmp_path / "out"), "--as-of", "2026-11-29")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No insured visits in Jan 2026" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, message", [
    ([], "give one of --appointment ID, --client ID or --month YYYY-MM"),
    (["--appointment", "A1", "--month", "2026-10"], "not --appointment and --month"),
    (["--appointment", "A1", "--from", "2026-10-01"], "--from and --to go with --client"),
    (["--appointment", "A1", "--email", "--eml", "d"], "give one of them"),
    (["--appointment", "A1", "--resend"], "--resend goes with --email"),
])
def test_usage_errors_exit_2(practice, args, message):
    result = run("receipt", "-w", str(practice()), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_unknown_appointment_is_one_line_error(practice, tmp_path):
    result = run("receipt", "-w", str(practice()), "--appointment", "A404", "--out",
                 str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output == 'Error: no appointment "A404" on the Appointments sheet\n'


def test_a_visit_after_the_receipt_date_is_refused(practice, tmp_path):
    result = run("receipt", "-w", str(practice()), "--appointment", "A1", "--as-of",
                 "2026-10-01", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "after the receipt date 10/01/2026" in result.output
    assert not (tmp_path / "out").exists()
