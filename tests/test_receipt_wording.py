"""What a receipt tells the client, rule by rule, on the PDF's text and on the sheet.

Each wording rule (billed / unbilled / self-pay / denied / PIP / workers' comp / credit)
is checked twice: in the text pypdf extracts from the PDF, and in the receipt sheet read
back with openpyxl. The practice is the one of test_receipts.py: Bo Diaz's PIP visit A1
(State Farm, claim CL9, billed 2026-10-07, $10 pending, nothing due from Bo) and Ann
Lee's Aetna visit A2 ($120, not billed yet).
"""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader

from conftest import line, payment
from papers import LINES, PAYMENTS, STAFF, run
from papers import pdf_text as extract
from wording import AS_OF, LNI, PAYERS, both, one_line, wc_practice  # noqa: F401


def test_billed_visit_says_we_billed_it_and_never_submit(practice, tmp_path):
    lines = LINES[:2] + [{**LINES[2], "billed_date": date(2026, 10, 14)}]
    for text in both(practice(Appointments=lines), tmp_path, "A2"):
        assert "We billed Aetna on 10/14/2026; keep this receipt for your records." in text
        assert "submit" not in text.lower()
        assert "Due from you $0.00" in text
        assert "Pending from Aetna" in text and "120.00" in text
        assert "Balance due" not in text and "Expected" not in text


def test_unbilled_visit_says_we_will_bill_it(practice, tmp_path):
    for text in both(practice(), tmp_path, "A2"):
        assert ("We will bill Aetna for this visit; there is nothing for you to submit. "
                "Keep this receipt for your records.") in text
        assert "We billed" not in text
        assert "Pending from Aetna" in text


def test_self_pay_receipt_is_plain(practice, tmp_path):
    lines = LINES + [line("A9", date(2026, 10, 20), "C1", None, "MASSAGE60",
                          client_paid=9000, payment_method="Cash")]
    pdf, sheet = both(practice(Appointments=lines), tmp_path, "A9")
    for text in (pdf, sheet):
        assert "RECEIPT" in text and "INSURANCE RECEIPT" not in text
        assert "Service" in text and "60 min" in text
        assert "MASSAGE60" not in text  # not shown as if it were a CPT code
        assert "certify" not in text and "medically necessary" not in text
        assert "insur" not in text.lower() and "ICD-10" not in text
        assert "Thank you. Keep this receipt for your records." in text
        assert "Due from you" in text and "You, at the visit (Cash)" in text


def test_self_pay_with_diagnosis_is_for_the_client_to_submit(practice, tmp_path):
    lines = LINES + [line("A9", date(2026, 10, 20), "C1", None, "97124", units=4,
                          diagnosis_codes="M54.2", client_paid=12000)]
    for text in both(practice(Appointments=lines), tmp_path, "A9"):
        assert "INSURANCE RECEIPT" in text
        assert ("We do not bill your insurer for this visit: to be reimbursed, submit this "
                "receipt to your insurer with their claim form.") in text
        assert "M54.2" in text and "certify" in text


def test_denied_claim_shows_the_denial_and_its_reason(practice, tmp_path):
    lines = LINES[:2] + [{**LINES[2], "billed_date": date(2026, 10, 14),
                          "claim_status": "Appealed"}]
    payments = PAYMENTS + [payment("PM3", date(2026, 11, 5), "A2", 0, payer="AET",
                                   reference="EOB77", adjustment_reason="CO-50")]
    for text in both(practice(Appointments=lines, Payments=payments), tmp_path, "A2"):
        assert ("Aetna denied the claim on 11/05/2026: not deemed a medical necessity by "
                "the payer (CO-50). We have appealed the decision.") in text
        assert "Denied by Aetna (not due from you)" in text
        assert "CO-50: not deemed a medical necessity by the payer" in text
        assert "Pending" not in text and "Expected" not in text and "expected" not in text
        assert "We billed" not in text


def test_pip_receipt_names_the_claim_injury_and_referral(practice, tmp_path):
    for text in both(practice(), tmp_path, "A1"):
        assert ("We billed State Farm on 10/07/2026 under claim CL9; keep this receipt for "
                "your records.") in text
        for expected in ("Auto/PIP", "Claim number CL9", "Date of injury 09/01/2026",
                         "Referred by Dr. Ray Park, DO", "Due from you $0.00",
                         "Pending from State Farm $10.00", "59 GP"):
            assert expected in text, expected


def test_workers_comp_shows_the_employer_not_an_insured(practice, tmp_path):
    for text in both(wc_practice(practice), tmp_path, "A1"):
        assert "Workers Comp" in text and "Employer Cascade Roofing LLC" in text
        assert "Claim number BB12345" in text and "Date of injury 09/01/2026" in text
        assert "Insured" not in text and "(Self)" not in text
        assert "We billed Washington L&I on 10/07/2026 under claim BB12345" in text


def test_a_credit_is_told_as_a_credit(practice, tmp_path):
    lines = LINES + [line("A9", date(2026, 10, 20), "C1", None, "MASSAGE60",
                          client_paid=9000, payment_method="Card")]
    payments = PAYMENTS + [payment("PM9", date(2026, 10, 22), "A9", 9000, source="Client",
                                   payment_method="Card", notes="charged twice")]
    for text in both(practice(Appointments=lines, Payments=payments), tmp_path, "A9"):
        assert "Credit on your account $90.00" in text
        assert ("You have a credit of $90.00 with us; we apply it to your next visit, or "
                "refund it on request.") in text
        assert "Due from you" not in text and "-$90.00" not in text.split("Credit")[1]


def test_modifiers_are_on_every_line(practice, tmp_path):
    pdf, sheet = both(practice(), tmp_path, "A1")
    for text in (pdf, sheet):
        assert "Mod" in text and "GP" in text and "59 GP" in text


# -- signatures ----------------------------------------------------------------------------
SECOND = {"staff_id": "S2", "name": "Raj Rao", "credentials": "LMP",
          "npi": "1467560003", "license_number": "MA456", "license_state": "WA"}


def test_each_provider_certifies_only_their_own_lines(practice, tmp_path):
    lines = [LINES[0], {**LINES[1], "staff_id": "S2"}, LINES[2]]
    path = practice(Staff=STAFF + [SECOND], Appointments=lines)
    for text in both(path, tmp_path, "A1"):
        assert ("I certify that the services on line 1 were medically necessary and were "
                "personally rendered by me.") in text
        assert ("I certify that the services on line 2 were medically necessary and were "
                "personally rendered by me.") in text
        assert text.count("Signature of rendering provider") == 2
        assert "Tess Therapist, LMT · NPI" in text and "Raj Rao, LMP · NPI 1467560003" in text
        assert "listed above" not in text


def test_an_emailed_receipt_is_signed_on_file_with_its_date(practice, tmp_path):
    pdf, sheet = both(practice(), tmp_path, "A1", "--eml", str(tmp_path / "drafts"))
    for text in (pdf, sheet):
        assert "Signature on file" in text
        assert "11/29/2026 Signature of rendering provider" in text or \
            "Signature on file 11/29/2026" in text


def test_a_signature_image_from_the_staff_sheet(practice, tmp_path):
    from PIL import Image

    path = practice(Staff=[{**STAFF[0], "signature_image": "tess-signature.png"}])
    Image.new("RGB", (300, 80), "white").save(path.parent / "tess-signature.png")
    out = tmp_path / "out"
    result = run("receipt", "-w", str(path), "--appointment", "A1", "--out", str(out),
                 "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    page = PdfReader(out / "receipt-A1.pdf").pages[0]
    assert len(page.images) == 1
    ws = openpyxl.load_workbook(out / "receipt-A1.xlsx").active
    assert len(ws._images) == 1
    text = one_line(extract((out / "receipt-A1.pdf").read_bytes()))
    assert "11/29/2026" in text.split("certify")[1]  # dated beside the signature


@pytest.mark.parametrize("content, message", [
    (None, 'Staff!I2: no signature image "tess-signature.png" beside the workbook'),
    (b"GIF89a....", 'Staff!I2: "tess-signature.png" is not a PNG or JPEG image'),
])
def test_a_signature_image_that_is_missing_or_not_an_image(practice, tmp_path,
                                                           content, message):
    path = practice(Staff=[{**STAFF[0], "signature_image": "tess-signature.png"}])
    if content:
        (path.parent / "tess-signature.png").write_bytes(content)
    result = run("receipt", "-w", str(path), "--appointment", "A1", "--out",
                 str(tmp_path / "out"), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.output == f"Error: {message}; no receipt was written\n"
    assert not (tmp_path / "out").exists()
