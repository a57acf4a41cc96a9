"""The CMS-1500 (02/12) as a PDF: the data on the red OCR form's character grid.

The form is printed at 10 characters per inch and 6 lines per inch, in Courier, upper
case: every value sits at a (line, column) of that grid, with a width it never passes
(INSURANCE-NOTES 3.2; re-derived against a second, independent public layout of the form:
the columns agree within one character, the lines exactly). Line 1, column 1 is
:data:`LEFT` from the left edge and :data:`TOP` from the top edge of the page; the
practice moves the whole grid with the Practice settings Form Left Offset and Form Top
Offset (hundredths of an inch), checked with the alignment page.

``--form red`` prints the data only, for the pre-printed red form. ``--form full`` prints
the same data on a form drawn with its boxes, labels and box numbers
(:mod:`claimbook.io.cms1500_form`), for payers who take plain paper or an upload. A claim
of more than six service lines continues on further forms, each with its own total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from fpdf import FPDF

from claimbook.compute.claims import (
    CHILD,
    NEW,
    SELF,
    SPOUSE,
    Claim,
    ClaimLine,
)
from claimbook.rules.icd10 import POINTER_LETTERS
from claimbook.rules.latin import fold

PT = 72.0  # points per inch
PITCH = 0.1 * PT  # one column: 10 characters per inch
LEADING = PT / 6  # one line: 6 lines per inch
LEFT = 0.33 * PT  # the left edge of column 1
TOP = 0.25 * PT  # the top edge of line 1
BASELINE = 9.0  # from a line's top to the baseline of its characters
FONT_SIZE = 12.0  # Courier 12 pt is 10 characters per inch
RED, FULL = "red", "full"

# Box 1: the column of each check box.
BOX1_COLUMNS = {"medicare": 1, "medicaid": 8, "tricare": 15, "champva": 24, "group": 31,
                "feca": 39, "other": 45}
BOX6_COLUMNS = {SELF: 33, SPOUSE: 38, CHILD: 42}  # every other relationship: Other, 47


@dataclass(frozen=True, slots=True)
class Place:
    """One value on the grid: its box, its line and first column, its width, its text."""

    box: str
    line: int
    col: int
    width: int
    text: str


def printable(value: object) -> str:
    """Upper case ASCII as the OCR form wants it: accents dropped, others blanked."""
    text = fold("" if value is None else str(value)).upper()
    text = re.sub(r"[^A-Z0-9 \-&,./#']", " ", text)
    return re.sub(r"(?<=\S) {2,}(?=\S)", " ", text)  # "STATE FARM (PIP)" -> "STATE FARM PIP"


def money8(cents: int) -> str:
    """24F / 28: dollars and cents in 8 columns, the point a space: ``  136 00``."""
    return f"{cents // 100:>5} {cents % 100:02d}"


def _mdy(day: date | None, year_digits: int = 4) -> tuple[str, str, str]:
    if day is None:
        return "", "", ""
    return f"{day.month:02d}", f"{day.day:02d}", f"{day.year % 10 ** year_digits:0{year_digits}d}"


class _Placer:
    def __init__(self) -> None:
        self.places: list[Place] = []

    def put(self, box: str, line: int, col: int, width: int, value: object) -> None:
        """A value at its first column, cut to its width; leading blanks move it right."""
        text = printable(value)[:width].rstrip()
        shift = len(text) - len(text.lstrip())
        if text.strip():
            self.places.append(Place(box, line, col + shift, width - shift, text[shift:]))

    def mark(self, box: str, line: int, col: int) -> None:
        self.places.append(Place(box, line, col, 1, "X"))

    def date(self, box: str, line: int, cols: tuple[int, int, int], day: date | None,
             year_digits: int = 4) -> None:
        for col, part, width in zip(cols, _mdy(day, year_digits), (2, 2, year_digits)):
            self.put(box, line, col, width, part)


def form_places(claim: Claim, lines: tuple[ClaimLine, ...], page: int, pages: int,
                signed: date) -> list[Place]:
    """Every value of one form (one page of a claim) on the grid.

    Args:
        claim: the claim.
        lines: this page's service lines (at most six).
        page: this page's number, from 1.
        pages: the claim's number of pages.
        signed: the date of box 31 (the billed date).

    Returns:
        The values, each with its box, line, column and width.
    """
    p = _Placer()
    _heading(p, claim)
    _patient_and_insured(p, claim)
    _conditions(p, claim)
    _providers_and_diagnoses(p, claim, page, pages)
    for i, line in enumerate(lines):
        _service_line(p, claim, line, 41 + 2 * (i + 1))
    _totals(p, claim, lines, signed)
    return p.places


def _heading(p: _Placer, claim: Claim) -> None:
    lines = [claim.payer.name, *claim.payer.address_lines][:4]
    for i, text in enumerate(lines):
        p.put("payer", 2 + i, 41, 31, text)
    p.mark("1", 8, BOX1_COLUMNS[claim.payer.box1])
    p.put("1a", 8, 50, 17, claim.member_id)


def _patient_and_insured(p: _Placer, claim: Claim) -> None:
    patient, insured = claim.patient, claim.insured
    p.put("2", 10, 1, 28, patient.name.box())
    p.date("3", 10, (31, 34, 37), patient.birth)
    if patient.sex in ("M", "F"):
        p.mark("3", 10, 42 if patient.sex == "M" else 47)
    p.put("4", 10, 50, 28, insured.name.box())
    _address(p, ("5", 1, 26, 15, 19), patient)
    p.mark("6", 12, BOX6_COLUMNS.get(claim.relationship, 47))
    if insured.address is not None:
        _address(p, ("7", 50, 74, 65, 69), insured)
    p.put("11", 18, 50, 30, claim.group_number)
    if claim.patient_is_insured:
        p.date("11a", 20, (53, 56, 59), insured.birth)
        if insured.sex in ("M", "F"):
            p.mark("11a", 20, 68 if insured.sex == "M" else 75)
    if claim.property_claim_number:
        p.put("11b", 22, 50, 2, "Y4")
        p.put("11b", 22, 53, 27, claim.property_claim_number)
    p.put("11c", 24, 50, 30, claim.payer.name)
    p.mark("11d", 26, 52 if claim.other else 57)
    if claim.other:
        p.put("9", 18, 1, 28, claim.other.insured.box())
        p.put("9a", 20, 1, 28, claim.other.group_number or claim.other.member_id)
        p.put("9d", 26, 1, 28, claim.other.payer_name)


def _address(p: _Placer, cols: tuple, person) -> None:
    box, col, state_col, area_col, phone_col = cols
    a = person.address
    p.put(box, 12, col, 28, " ".join(x for x in (a.street, a.street2) if x))
    p.put(box, 14, col, 20, a.city)
    p.put(box, 14, state_col, 2, a.state)
    p.put(box, 16, col, 10, a.zip)
    if len(person.phone) == 10:
        p.put(box, 16, area_col, 3, person.phone[:3])
        p.put(box, 16, phone_col, 7, person.phone[3:])


def _conditions(p: _Placer, claim: Claim) -> None:
    p.mark("10a", 20, 35 if claim.employment else 41)
    p.mark("10b", 22, 35 if claim.auto_accident else 41)
    if claim.auto_accident:
        p.put("10b", 22, 45, 2, claim.accident_state)
    p.mark("10c", 24, 41)
    p.put("12", 29, 7, 17, "SIGNATURE ON FILE")
    p.put("13", 29, 55, 17, "SIGNATURE ON FILE")
    if claim.injury_date and (claim.employment or claim.auto_accident):
        p.date("14", 32, (2, 5, 8), claim.injury_date)
        p.put("14", 32, 16, 3, "431")


def _providers_and_diagnoses(p: _Placer, claim: Claim, page: int, pages: int) -> None:
    if claim.referring is not None:
        p.put("17", 34, 1, 3, "DN")
        p.put("17", 34, 4, 25, claim.referring.name.plain())
        p.put("17b", 34, 33, 15, claim.referring.npi)
    if pages > 1:
        p.put("19", 36, 1, 48, f"PAGE {page} OF {pages}")
    p.mark("20", 36, 57)
    p.put("21", 37, 42, 1, "0")
    for i, code in enumerate(claim.diagnoses):
        row, col = divmod(i, 4)
        p.put(f"21{POINTER_LETTERS[i]}", 38 + row, (3, 16, 29, 42)[col], 8,
              code.replace(".", ""))
    if claim.frequency != NEW:
        p.put("22", 38, 50, 10, claim.frequency)
        p.put("22", 38, 62, 15, claim.original_reference)
    p.put("23", 40, 50, 28, claim.prior_authorization)


def _service_line(p: _Placer, claim: Claim, line: ClaimLine, shaded: int) -> None:
    row = shaded + 1
    n = str(line.number)
    if claim.payer.taxonomy_on_claims and line.rendering.taxonomy:
        p.put(f"24I.{n}", shaded, 65, 2, "ZZ")
        p.put(f"24J.{n}", shaded, 68, 10, line.rendering.taxonomy)
    p.date(f"24A.{n}", row, (1, 4, 7), line.day, 2)
    p.date(f"24A.{n}", row, (10, 13, 16), line.day, 2)
    p.put(f"24B.{n}", row, 19, 2, line.place_of_service)
    p.put(f"24D.{n}", row, 25, 6, line.code)
    for k, modifier in enumerate(line.modifiers):
        p.put(f"24D.{n}", row, 33 + 3 * k, 2, modifier)
    p.put(f"24E.{n}", row, 45, 4, "".join(POINTER_LETTERS[i - 1] for i in line.pointers))
    p.put(f"24F.{n}", row, 50, 8, money8(line.charge))
    p.put(f"24G.{n}", row, 59, 3, str(line.units))
    p.put(f"24J.{n}", row, 68, 10, line.rendering.npi)


def _totals(p: _Placer, claim: Claim, lines: tuple[ClaimLine, ...], signed: date) -> None:
    b = claim.billing
    tax = b.tax_id if b.tax_id_kind == "SSN" else f"{b.tax_id[:2]}-{b.tax_id[2:]}"
    p.put("25", 56, 1, 15, tax)
    p.mark("25", 56, 17 if b.tax_id_kind == "SSN" else 19)
    p.put("26", 56, 23, 15, claim.appointment_id)
    p.mark("27", 56, 38)
    p.put("28", 56, 52, 8, money8(sum(line.charge for line in lines)))
    if len(b.phone) == 10:
        p.put("33", 57, 66, 3, b.phone[:3])
        p.put("33", 57, 70, 3, b.phone[3:6])
        p.put("33", 57, 73, 5, f"-{b.phone[6:]}")
    p.put("33", 58, 50, 29, b.name)  # box 33 runs to the form's right edge, column 79
    p.put("33", 59, 50, 29, " ".join(x for x in (b.address.street, b.address.street2) if x))
    p.put("33", 60, 50, 29, f"{b.address.city} {b.address.state} {b.address.zip}")
    p.put("31", 60, 1, 20, "SIGNATURE ON FILE")
    p.put("31", 61, 6, 10, " ".join(_mdy(signed)))
    p.put("33a", 61, 50, 10, b.npi)
    if claim.payer.taxonomy_on_claims:
        p.put("33b", 61, 63, 2, "ZZ")
        p.put("33b", 61, 65, 14, b.taxonomy)


# -- the PDF ----------------------------------------------------------------------------------
class GridPDF(FPDF):
    """Letter paper in points, Courier on the form's grid, moved by the practice's offsets."""

    def __init__(self, left_offset: int = 0, top_offset: int = 0):
        super().__init__(orientation="portrait", unit="pt", format="letter")
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.set_creator("claimbook")
        self.dx = (left_offset or 0) * PT / 100
        self.dy = (top_offset or 0) * PT / 100

    def x_of(self, col: float) -> float:
        return LEFT + (col - 1) * PITCH + self.dx

    def y_of(self, line: float) -> float:
        """The top of ``line``."""
        return TOP + (line - 1) * LEADING + self.dy

    def place(self, item: Place) -> None:
        self.text(self.x_of(item.col), self.y_of(item.line) + BASELINE, item.text)

    def data_font(self) -> None:
        self.set_font("Courier", size=FONT_SIZE)
        self.set_text_color(0, 0, 0)


def claims_pdf(claims: list[Claim], path: str, form: str, signed: date,
               offsets: tuple[int, int] = (0, 0)) -> int:
    """Write the forms of ``claims`` into one PDF.

    Args:
        claims: the claims, each on one form or more (six lines a form).
        path: the PDF to write.
        form: ``red`` (data only, for the red OCR form) or ``full`` (the form drawn too).
        signed: the date printed in box 31.
        offsets: the Practice's Form Left Offset and Form Top Offset (1/100 inch); the
            drawn form ignores them (it is drawn where its data is).

    Returns:
        The number of pages.
    """
    pdf = GridPDF(*(offsets if form == RED else (0, 0)))
    pdf.set_title("CMS-1500 claims")
    pdf.set_creation_date(datetime(signed.year, signed.month, signed.day))
    drawn = None
    if form == FULL:
        from claimbook.io.cms1500_form import draw_form

        drawn = draw_form
    for claim in claims:
        forms = claim.forms()
        for page, lines in enumerate(forms, start=1):
            pdf.add_page()
            if drawn is not None:
                drawn(pdf)
            pdf.data_font()
            for item in form_places(claim, lines, page, len(forms), signed):
                pdf.place(item)
    pdf.output(path)
    return pdf.pages_count


ALIGNMENT_MARKS = (("1", 8, 31, "X"), ("1a", 8, 50, "1A1A1A1A1A1A1A1A1"),
                   ("2", 10, 1, "2222222222222222222222222222"), ("3", 10, 31, "MM DD YYYY"),
                   ("21", 37, 42, "0"), ("21A", 38, 3, "AAAAAAAA"), ("24A", 44, 1, "MM DD YY"),
                   ("24F", 44, 50, "99999 99"), ("24J", 44, 68, "9999999999"),
                   ("24J", 54, 68, "9999999999"), ("26", 56, 23, "262626262626262"),
                   ("28", 56, 52, "99999 99"), ("33a", 61, 50, "3333333333"))


def alignment_pdf(path: str, offsets: tuple[int, int]) -> None:
    """A test page for the red form: values in known boxes, a ruler, and how to adjust.

    Print it on a red CMS-1500; every value must sit inside its box. If they sit to the
    right, lower Form Left Offset (1/100 inch); if they sit low, lower Form Top Offset.
    """
    pdf = GridPDF(*offsets)
    pdf.set_title("CMS-1500 alignment")
    pdf.add_page()
    pdf.data_font()
    for box, line, col, text in ALIGNMENT_MARKS:
        pdf.place(Place(box, line, col, len(text), text))
    pdf.place(Place("ruler", 62, 1, 79, "".join(str(c % 10) for c in range(1, 80))))
    pdf.set_font("Helvetica", size=7)
    left, top = offsets
    for i, text in enumerate((
            f"CMS-1500 alignment page. Form Left Offset {left}, Form Top Offset {top} "
            "(1/100 inch, Practice sheet).",
            "Print it on a red form: each value must sit inside its box (1, 1a, 2, 3, 21,",
            "24 lines 1 and 6, 26, 28, 33a). Too far right: lower Form Left Offset;",
            "too low: lower Form Top Offset (10 = one character; 17 = one line).")):
        pdf.text(pdf.x_of(1), pdf.y_of(1) + 7 + 8 * i, text)
    pdf.output(path)

