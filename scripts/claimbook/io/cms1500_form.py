"""The CMS-1500 (02/12) drawn on plain paper: boxes, captions and box numbers.

For ``claimbook claim --form full``: payers and adjusters who take a plain-paper or
uploaded claim get the form and its data on one page. The form is drawn on the same
character grid the data is printed on (:mod:`claimbook.io.cms1500`), so every value
falls inside its box by construction: a box spans whole grid lines and columns, its
caption sits in its upper line, its data in its lower line. The form is public domain
(NUCC); this drawing is claimbook's own, not a copy of the printed form's artwork.
"""

from __future__ import annotations

from claimbook.io.cms1500 import LEADING, PITCH, GridPDF

INK = (176, 32, 44)  # the form's red, for rules and captions
SHADE = (252, 232, 232)  # the shaded upper row of each service line
CAPTION = 4.6  # pt
NUDGE = PITCH / 4  # a rule sits a quarter column before the column it bounds

# (caption, first line, last line, first column, last column): caption in the first line.
BOXES = (
    ("CARRIER: the payer's name and address", 1, 5, 40, 79),
    ("1. MEDICARE   MEDICAID   TRICARE   CHAMPVA   GROUP HEALTH PLAN   FECA BLK LUNG   OTHER",
     7, 8, 1, 49),
    ("1a. INSURED'S I.D. NUMBER (For Program in Item 1)", 7, 8, 50, 79),
    ("2. PATIENT'S NAME (Last Name, First Name, Middle Initial)", 9, 10, 1, 29),
    ("3. PATIENT'S BIRTH DATE (MM DD YY)      SEX", 9, 10, 30, 49),
    ("4. INSURED'S NAME (Last Name, First Name, Middle Initial)", 9, 10, 50, 79),
    ("5. PATIENT'S ADDRESS (No., Street)", 11, 12, 1, 29),
    ("6. PATIENT RELATIONSHIP TO INSURED", 11, 12, 30, 49),
    ("7. INSURED'S ADDRESS (No., Street)", 11, 12, 50, 79),
    ("CITY", 13, 14, 1, 24), ("STATE", 13, 14, 25, 29),
    ("8. RESERVED FOR NUCC USE", 13, 16, 30, 49),
    ("CITY", 13, 14, 50, 72), ("STATE", 13, 14, 73, 79),
    ("ZIP CODE", 15, 16, 1, 13), ("TELEPHONE (Include Area Code)", 15, 16, 14, 29),
    ("ZIP CODE", 15, 16, 50, 63), ("TELEPHONE (Include Area Code)", 15, 16, 64, 79),
    ("9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)", 17, 18, 1, 29),
    ("10. IS PATIENT'S CONDITION RELATED TO:", 17, 18, 30, 49),
    ("11. INSURED'S POLICY GROUP OR FECA NUMBER", 17, 18, 50, 79),
    ("a. OTHER INSURED'S POLICY OR GROUP NUMBER", 19, 20, 1, 29),
    ("a. EMPLOYMENT? (Current or Previous)", 19, 20, 30, 49),
    ("a. INSURED'S DATE OF BIRTH (MM DD YY)      SEX", 19, 20, 50, 79),
    ("b. RESERVED FOR NUCC USE", 21, 22, 1, 29),
    ("b. AUTO ACCIDENT?            PLACE (State)", 21, 22, 30, 49),
    ("b. OTHER CLAIM ID (Designated by NUCC)", 21, 22, 50, 79),
    ("c. RESERVED FOR NUCC USE", 23, 24, 1, 29),
    ("c. OTHER ACCIDENT?", 23, 24, 30, 49),
    ("c. INSURANCE PLAN NAME OR PROGRAM NAME", 23, 24, 50, 79),
    ("d. INSURANCE PLAN NAME OR PROGRAM NAME", 25, 26, 1, 29),
    ("10d. CLAIM CODES (Designated by NUCC)", 25, 26, 30, 49),
    ("d. IS THERE ANOTHER HEALTH BENEFIT PLAN?", 25, 26, 50, 79),
    ("12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE: I authorize the release of any "
     "medical or other|information necessary to process this claim. I also request payment "
     "of government benefits either to myself|or to the party who accepts assignment below.",
     27, 30, 1, 49),
    ("13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE: I authorize|payment of medical "
     "benefits to the undersigned physician or|supplier for services described below.",
     27, 30, 50, 79),
    ("14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)   QUAL.", 31, 32, 1, 29),
    ("15. OTHER DATE   QUAL.", 31, 32, 30, 49),
    ("16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION", 31, 32, 50, 79),
    ("17. NAME OF REFERRING PROVIDER OR OTHER SOURCE", 33, 34, 1, 29),
    ("17a.", 33, 33, 30, 49), ("17b. NPI", 34, 34, 30, 49),
    ("18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES", 33, 34, 50, 79),
    ("19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)", 35, 36, 1, 49),
    ("20. OUTSIDE LAB?                $ CHARGES", 35, 36, 50, 79),
    ("21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY: relate A-L to service line below (24E)"
     "          ICD Ind.", 37, 40, 1, 49),
    ("22. RESUBMISSION CODE          ORIGINAL REF. NO.", 37, 38, 50, 79),
    ("23. PRIOR AUTHORIZATION NUMBER", 39, 40, 50, 79),
    ("25. FEDERAL TAX I.D. NUMBER   SSN EIN", 55, 56, 1, 21),
    ("26. PATIENT'S ACCOUNT NO.", 55, 56, 22, 37),
    ("27. ACCEPT ASSIGNMENT?", 55, 56, 38, 49),
    ("28. TOTAL CHARGE", 55, 56, 50, 60), ("29. AMOUNT PAID", 55, 56, 61, 70),
    ("30. Rsvd for NUCC Use", 55, 56, 71, 79),
    ("31. SIGNATURE OF PHYSICIAN OR SUPPLIER|INCLUDING DEGREES OR CREDENTIALS", 57, 61, 1, 21),
    ("32. SERVICE FACILITY LOCATION INFORMATION", 57, 61, 22, 48),
    ("33. BILLING PROVIDER INFO & PH #", 57, 61, 49, 79),
)
SUB_BOXES = (("a.", 61, 22, 34), ("b.", 61, 35, 48), ("a.", 61, 49, 61), ("b.", 61, 62, 79))
# Check boxes: (line, column, caption); a caption ending in "<" sits left of its box.
CHECKS = (
    (8, 1, "Medicare#"), (8, 8, "Medicaid#"), (8, 15, "ID#/DoD#"), (8, 24, "Member ID#"),
    (8, 31, "ID#"), (8, 39, "ID#"), (8, 45, "ID#"), (10, 42, "M<"), (10, 47, "F<"),
    (12, 33, "Self<"), (12, 38, "Spouse<"), (12, 42, "Child<"), (12, 47, "Other<"),
    (20, 35, "YES"), (20, 41, "NO"), (22, 35, "YES"), (22, 41, "NO"), (24, 35, "YES"),
    (24, 41, "NO"), (20, 68, "M<"), (20, 75, "F<"), (26, 52, "YES"), (26, 57, "NO"),
    (36, 52, "YES"), (36, 57, "NO"), (56, 17, ""), (56, 19, ""), (56, 38, "YES"),
    (56, 43, "NO"),
)
# Box 24: column rules of the service lines, and the captions of its heading.
LINE_RULES = (10, 19, 21, 24, 32, 45, 49, 59, 62, 64, 67, 80)
LINE_CAPTIONS = ((1, "24. A. DATE(S) OF SERVICE"), (1, "From  MM DD YY"), (10, "To  MM DD YY"),
                 (19, "B."), (19, "POS"), (21, "C."), (21, "EMG"),
                 (24, "D. PROCEDURES, SERVICES"),
                 (24, "CPT/HCPCS     MODIFIER"), (45, "E. DIAG."), (45, "POINTER"),
                 (49, "F. $ CHARGES"), (59, "G. UNITS"), (62, "H."), (64, "I. ID."),
                 (64, "QUAL."), (67, "J. RENDERING"), (67, "PROVIDER ID. #"))


def _x(pdf: GridPDF, col: float) -> float:
    return pdf.x_of(col) - NUDGE


def _rect(pdf: GridPDF, first_line: int, last_line: int, first_col: int, last_col: int,
          fill: bool = False) -> None:
    x, y = _x(pdf, first_col), pdf.y_of(first_line)
    pdf.rect(x, y, _x(pdf, last_col + 1) - x, pdf.y_of(last_line + 1) - y,
             style="DF" if fill else "D")


def _caption(pdf: GridPDF, line: int, col: float, text: str, size: float = CAPTION,
             row: int = 0) -> None:
    """A caption in the top of ``line``; ``|`` starts a second row."""
    pdf.set_font("Helvetica", size=size)
    for k, part in enumerate(text.split("|")):
        pdf.text(_x(pdf, col) + 1.2, pdf.y_of(line) + size + 0.8 + (row + k) * (size + 0.6),
                 part)


def draw_form(pdf: GridPDF) -> None:
    """Draw the CMS-1500's boxes, captions and check boxes on the current page."""
    pdf.set_draw_color(*INK)
    pdf.set_text_color(*INK)
    pdf.set_line_width(0.5)
    _title(pdf)
    for caption, first, last, c1, c2 in BOXES:
        _rect(pdf, first, last, c1, c2)
        _caption(pdf, first, c1, caption)
    for caption, line, c1, c2 in SUB_BOXES:
        _rect(pdf, line, line, c1, c2)
        _caption(pdf, line, c1, caption, 3.8)
    _service_lines(pdf)
    for line, col, caption in CHECKS:
        x, y = pdf.x_of(col) - 0.6, pdf.y_of(line) + 1.4
        pdf.rect(x, y, PITCH + 1.2, LEADING - 2.4)
        if caption:
            pdf.set_font("Helvetica", size=4.2)
            if caption.endswith("<"):
                caption = caption[:-1]
                pdf.text(x - pdf.get_string_width(caption) - 1.2, y + 6, caption)
            else:
                pdf.text(x + PITCH + 2.2, y + 6, caption)
    _diagnosis_letters(pdf)
    pdf.set_line_width(0.2)


def _title(pdf: GridPDF) -> None:
    pdf.set_font("Helvetica", "B", 13)
    pdf.text(_x(pdf, 1), pdf.y_of(5) + 9, "HEALTH INSURANCE CLAIM FORM")
    _caption(pdf, 6, 1, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12", 5)
    pdf.set_font("Helvetica", size=5)
    pdf.text(_x(pdf, 1), pdf.y_of(62) + 7, "NUCC Instruction Manual available at: "
             "www.nucc.org     PLEASE PRINT OR TYPE     APPROVED OMB-0938-1197 FORM 1500 "
             "(02-12)     drawn by claimbook")


def _service_lines(pdf: GridPDF) -> None:
    _rect(pdf, 41, 42, 1, 79)
    for col, text in LINE_CAPTIONS:
        row = 1 if text.startswith(("From", "To", "CPT", "POINTER", "QUAL", "PROVIDER", "POS",
                                    "EMG")) else 0
        _caption(pdf, 41, col, text, 4.4, row)
    pdf.set_fill_color(*SHADE)
    for i in range(6):
        shaded = 43 + 2 * i
        _rect(pdf, shaded, shaded, 1, 66, fill=True)
        _rect(pdf, shaded, shaded + 1, 1, 79)
        _caption(pdf, shaded + 1, -0.6, str(i + 1), 6)
        for col in LINE_RULES:
            x = _x(pdf, col)
            top = pdf.y_of(shaded + 1 if col < 64 or col == 67 else shaded)
            pdf.line(x, top, x, pdf.y_of(shaded + 2))
    pdf.line(_x(pdf, 64), pdf.y_of(43), _x(pdf, 64), pdf.y_of(55))


def _diagnosis_letters(pdf: GridPDF) -> None:
    letters = "ABCDEFGHIJKL"
    for i, letter in enumerate(letters):
        row, col = divmod(i, 4)
        _caption(pdf, 38 + row, (3, 16, 29, 42)[col] - 1.6, f"{letter}.", 5.5)
        x = pdf.x_of((3, 16, 29, 42)[col])
        y = pdf.y_of(39 + row) - 1.5
        pdf.line(x, y, x + 8 * PITCH, y)
