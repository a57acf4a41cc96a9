"""The CMS-1500 PDFs: each value lands in its box of the red form's character grid.

The grid is 10 characters per inch and 6 lines per inch; column 1 starts 0.33 inch from
the page's left edge and line 1 0.25 inch from its top (INSURANCE-NOTES 3.2, checked
against a second public layout of the form). The expected (line, column) of each value
below is typed from the notes' tables, not taken from the code. The PDF's text is read
back with pypdf, with its position.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from pypdf import PdfReader

from claim_fixtures import BILLING_NPI, DOC_NPI, MAYA_NPI, claim_book
from claimbook.io.cms1500 import alignment_pdf, claims_pdf
from claimbook.io.xlsx.reader import load_book
from claimbook.usecases.claims import ClaimRequest, plan_claims

INCH = 72.0
PAGE_HEIGHT = 11 * INCH
COL1_X, LINE1_TOP = 0.33 * INCH, 0.25 * INCH
PITCH, LEADING = INCH / 10, INCH / 6
DAY = date(2026, 10, 31)


def _claims(tmp_path, **changes) -> dict:
    book = load_book(claim_book(tmp_path / "p.xlsx", **changes))
    run = plan_claims(book, ClaimRequest(day=DAY, unbilled=True))
    assert not run.left_out
    return {c.appointment_id: c for c in run.claims}


def grid_text(path, page: int = 0, dx: float = 0.0, dy: float = 0.0,
              font: str = "Courier") -> dict[tuple[int, int], str]:
    """(line, column) -> the text that starts there, read from the PDF."""
    found: dict[tuple[int, int], str] = {}

    def visit(text, cm, tm, font_dict, size):
        if not text.strip() or font not in str((font_dict or {}).get("/BaseFont", "")):
            return
        x, baseline = tm[4] - dx, PAGE_HEIGHT - tm[5] - dy
        col = (x - COL1_X) / PITCH + 1
        line = (baseline - LINE1_TOP) / LEADING + 1  # the baseline sits in its line's cell
        assert abs(col - round(col)) < 0.01, (text, col)
        assert 0.5 < line % 1 < 0.9, (text, line)  # in the lower part of the line
        found[(int(line), round(col))] = text.strip()

    PdfReader(str(path)).pages[page].extract_text(visitor_text=visit)
    return found


# Where each value of the auto accident claim A2 must land, from INSURANCE-NOTES 3.2.
A2_PLACES = {
    (2, 41): "STATE FARM", (3, 41): "PO BOX 52250", (4, 41): "PHOENIX AZ 85072",
    (8, 45): "X", (8, 50): "SF-9",  # box 1 Other; 1a
    (10, 1): "DIAZ, BO", (10, 31): "01", (10, 34): "02", (10, 37): "1975", (10, 42): "X",
    (10, 50): "DIAZ, BO", (12, 1): "40 FREMONT AVE N", (12, 33): "X",
    (12, 50): "40 FREMONT AVE N", (14, 1): "SEATTLE", (14, 26): "WA", (14, 50): "SEATTLE",
    (14, 74): "WA", (16, 1): "98107", (16, 50): "98107",
    (18, 1): "DIAZ, BO", (20, 1): "A-22", (26, 1): "AETNA", (26, 52): "X",  # 9, 9a, 9d, 11d
    (20, 41): "X", (22, 35): "X", (22, 45): "WA", (24, 41): "X",  # 10a no, 10b yes + state
    (20, 53): "01", (20, 56): "02", (20, 59): "1975", (20, 68): "X",  # 11a
    (22, 50): "Y4", (22, 53): "CL-25-1", (24, 50): "STATE FARM",  # 11b, 11c
    (29, 7): "SIGNATURE ON FILE", (29, 55): "SIGNATURE ON FILE",
    (32, 2): "09", (32, 5): "20", (32, 8): "2026", (32, 16): "431",  # 14
    (34, 1): "DN", (34, 4): "KAREN HOLT", (34, 33): DOC_NPI,  # 17, 17b
    (36, 57): "X", (37, 42): "0", (38, 3): "S134XXA",  # 20 no, 21
    (44, 1): "10", (44, 4): "06", (44, 7): "26", (44, 10): "10", (44, 13): "06",
    (44, 16): "26", (44, 19): "11", (44, 25): "97124", (44, 45): "A", (44, 52): "128 00",
    (44, 59): "4", (44, 68): MAYA_NPI,  # 24A-J of line 1 (60 minutes: 4 units of $32)
    (56, 1): "91-1234567", (56, 19): "X", (56, 23): "A2", (56, 38): "X",  # 25, 26, 27
    (56, 54): "128 00",  # 28
    (57, 66): "206", (57, 70): "555", (57, 73): "-0142",  # 33 phone
    (58, 50): "CEDAR & STONE MASSAGE", (59, 50): "2210 N 45TH ST SUITE 3",
    (60, 50): "SEATTLE WA 98103-4112", (60, 1): "SIGNATURE ON FILE", (61, 6): "10 31 2026",
    (61, 50): BILLING_NPI,  # 33a
}


def test_every_value_of_a_pip_claim_lands_in_its_box(tmp_path):
    claims = _claims(tmp_path)
    path = tmp_path / "red.pdf"
    assert claims_pdf([claims["A2"]], str(path), "red", DAY) == 1
    found = grid_text(path)
    for place, text in A2_PLACES.items():
        assert found.get(place) == text, (place, text, found.get(place))
    assert set(found) == set(A2_PLACES), sorted(set(found) - set(A2_PLACES))


def test_modifiers_pointers_and_a_second_line(tmp_path):
    path = tmp_path / "red.pdf"
    claims_pdf([_claims(tmp_path)["A1"]], str(path), "red", DAY)
    found = grid_text(path)
    assert found[(8, 31)] == "X"  # Group Health Plan
    assert (found[(38, 3)], found[(38, 16)]) == ("M5450", "M62830")  # 21A-B, no dot
    assert (found[(44, 25)], found[(44, 33)], found[(44, 45)]) == ("97124", "GP", "AB")
    assert (found[(46, 25)], found[(46, 33)], found[(46, 36)], found[(46, 45)]) == \
        ("97140", "GP", "59", "B")  # 24D modifiers at 33, 36; 24E letter pointers
    assert (found[(44, 53)], found[(44, 59)], found[(46, 53)], found[(46, 59)]) == \
        ("96 00", "3", "72 00", "2")
    assert found[(56, 54)] == "168 00" and found[(18, 50)] == "G77"  # 28; 11 group number
    assert found[(40, 50)] == "AUTH-77"  # 23 prior authorization
    assert (27, 52) not in found and found[(26, 57)] == "X"  # 11d: no other plan


def test_workers_comp_and_the_taxonomy_a_payer_wants(tmp_path):
    path = tmp_path / "red.pdf"
    claims_pdf([_claims(tmp_path)["A3"]], str(path), "red", DAY)
    found = grid_text(path)
    assert found[(20, 35)] == "X" and found[(22, 41)] == "X"  # 10a yes, 10b no
    assert found[(10, 50)] == "PUGET SOUND FREIGHT" and found[(12, 47)] == "X"  # 4; 6 Other
    assert found[(8, 50)] == "LN-4" and found[(22, 53)] == "LN-4"  # 1a, 11b
    assert (found[(32, 2)], found[(32, 5)], found[(32, 8)]) == ("08", "01", "2026")
    assert (found[(43, 65)], found[(43, 68)]) == ("ZZ", "225700000X")  # 24I/24J shaded
    assert (found[(61, 63)], found[(61, 65)]) == ("ZZ", "225700000X")  # 33b


def test_a_child_and_the_insured_parent(tmp_path):
    path = tmp_path / "red.pdf"
    claims_pdf([_claims(tmp_path)["A4"]], str(path), "red", DAY)
    found = grid_text(path)
    assert found[(10, 1)] == "NG, DEE" and found[(10, 50)] == "NG, RITA"
    assert found[(12, 42)] == "X" and (20, 53) not in found  # Child; 11a unknown


def test_more_than_six_lines_continue_each_form_with_its_own_total(tmp_path):
    extra = [(None, {"appointment_id": "A1", "date_of_service": date(2026, 10, 5),
                     "client_id": "C1", "staff_id": "S1", "policy_id": "P1",
                     "service_code": "97124", "units": 1, "diagnosis_codes": "M54.50"})
             for _ in range(6)]
    claim = _claims(tmp_path, Appointments=extra)["A1"]
    assert len(claim.lines) == 8
    path = tmp_path / "red.pdf"
    assert claims_pdf([claim], str(path), "red", DAY) == 2
    first, second = grid_text(path, 0), grid_text(path, 1)
    assert [first.get((44 + 2 * i, 25)) for i in range(6)] == ["97124", "97140"] + \
        ["97124"] * 4
    assert first[(56, 54)] == "296 00"  # 96 + 72 + 4 x 32
    assert [second.get((44 + 2 * i, 25)) for i in range(6)] == ["97124", "97124"] + [None] * 4
    assert second[(56, 55)] == "64 00"
    assert first[(36, 1)] == "PAGE 1 OF 2" and second[(36, 1)] == "PAGE 2 OF 2"
    for page in (first, second):  # each form is complete
        assert page[(10, 1)] == "LEE, ANN" and page[(56, 23)] == "A1"


def test_the_practices_offsets_move_the_red_form_only(tmp_path):
    claim = _claims(tmp_path)["A2"]
    moved, drawn = tmp_path / "moved.pdf", tmp_path / "full.pdf"
    claims_pdf([claim], str(moved), "red", DAY, offsets=(10, -6))
    found = grid_text(moved, dx=0.10 * INCH, dy=-0.06 * INCH)
    assert all(found.get(p) == t for p, t in A2_PLACES.items())
    claims_pdf([claim], str(drawn), "full", DAY, offsets=(10, -6))
    assert all(grid_text(drawn).get(p) == t for p, t in A2_PLACES.items())


def _rectangles(path) -> list[tuple[float, float, float, float]]:
    """Every rectangle drawn on page 1: (left, top, right, bottom) from the top-left."""
    stream = PdfReader(str(path)).pages[0].get_contents().get_data().decode("latin-1")
    out = []
    for x, y, w, h in re.findall(r"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re", stream):
        x, y, w, h = map(float, (x, y, w, h))
        top, bottom = sorted((PAGE_HEIGHT - y, PAGE_HEIGHT - y - h))
        out.append((x, top, x + w, bottom))
    return out


def test_the_full_form_draws_the_boxes_around_the_same_values(tmp_path):
    path = tmp_path / "full.pdf"
    claims_pdf([_claims(tmp_path)["A2"]], str(path), "full", DAY)
    text = PdfReader(str(path)).pages[0].extract_text()
    for caption in ("HEALTH INSURANCE CLAIM FORM", "1a. INSURED'S I.D. NUMBER",
                    "2. PATIENT'S NAME", "11. INSURED'S POLICY GROUP OR FECA NUMBER",
                    "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY",
                    "24. A. DATE(S) OF SERVICE", "J. RENDERING", "26. PATIENT'S ACCOUNT NO.",
                    "33. BILLING PROVIDER INFO & PH #", "32. SERVICE FACILITY LOCATION"):
        assert caption in text, caption
    found = grid_text(path)
    assert all(found.get(p) == t for p, t in A2_PLACES.items())
    boxes = _rectangles(path)
    assert len(boxes) > 100
    for (line, col), value in found.items():  # each value inside a drawn box, whole
        left = COL1_X + (col - 1) * PITCH
        right = left + len(value) * PITCH
        top = LINE1_TOP + (line - 1) * LEADING + 2
        bottom = top + LEADING - 3
        assert any(b[0] <= left and right <= b[2] + 0.5 and b[1] <= top and bottom <= b[3]
                   for b in boxes), (line, col, value)


def test_alignment_page(tmp_path):
    path = tmp_path / "align.pdf"
    alignment_pdf(str(path), (5, 0))
    found = grid_text(path, dx=0.05 * INCH)
    assert found[(8, 31)] == "X" and found[(8, 50)].startswith("1A1A")
    assert found[(44, 50)] == "99999 99" and found[(44, 68)] == "9999999999"
    assert found[(61, 50)] == "3333333333"
    text = PdfReader(str(path)).pages[0].extract_text()
    assert "Form Left Offset 5, Form Top Offset 0" in text


@pytest.mark.parametrize("form", ["red", "full"])
def test_forms_are_upper_case_courier_and_within_the_page(tmp_path, form):
    path = tmp_path / f"{form}.pdf"
    claims_pdf(list(_claims(tmp_path).values()), str(path), form, DAY)
    reader = PdfReader(str(path))
    assert len(reader.pages) == 4
    for page in range(4):
        found = grid_text(path, page)
        assert all(text == text.upper() for text in found.values())
        assert max(line for line, _ in found) <= 61 and max(c for _, c in found) <= 79
