"""The practice workbook's shape, defined once.

Every sheet and column of CONTRACT.md (and claimbook's documented extensions) lives
here. The reader, the validator, ``init``'s template and the README's table are all
built from these definitions, so they cannot drift apart.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from claimbook.rules.dates import DATE_STYLES
from claimbook.rules.dates import DEFAULT_STYLE as DEFAULT_DATE_STYLE

# Column types. Each names one conversion at the edge (see xlsx/reader.py).
ID = "id"  # text key, stripped; 1001.0 typed as a number reads as "1001"
TEXT = "text"  # free text as typed
CODE = "code"  # a code that is text even when it looks like a number (97110, 02134)
ZIP = "zip"  # a ZIP code: a number typed into Excel is zero-padded back to 5 digits
DATE = "date"
MONEY = "money"  # integer cents
INT = "int"  # a whole number (minutes, units, days)
YESNO = "yesno"
CHOICE = "choice"
NPI = "npi"  # ten digits with the Luhn check digit of the 80840 prefix

YES_NO = ("Yes", "No")
SOURCES = ("Insurance", "Client")
PAYER_TYPES = ("Commercial", "Auto/PIP", "Workers Comp", "Medicare", "Medicaid", "Other")
PRIORITIES = ("Primary", "Secondary")
AGING_BASES = ("Date of Service", "Billed Date")
CHECKOUT_FLOWS = ("Discount First", "Reverse")
PAYMENT_METHODS = ("Cash", "Card", "Check", "HSA/FSA", "Gift Card", "Other")
UNITS_RULES = ("Per code", "CMS total time")  # see rules/units.py
REMITTANCE_METHODS = ("Check", "EFT", "None")

# Spellings owners use for the same choice; matched case-insensitively.
CHOICE_ALIASES = {
    "auto": "Auto/PIP",
    "pip": "Auto/PIP",
    "auto pip": "Auto/PIP",
    "workers' comp": "Workers Comp",
    "workers compensation": "Workers Comp",
    "wc": "Workers Comp",
    "y": "Yes",
    "n": "No",
    "ins": "Insurance",
    "patient": "Client",
    "self": "Client",
}


@dataclass(frozen=True)
class Column:
    """One column of a contract sheet."""

    header: str
    type: str = TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    default: object = None
    width: float = 14
    refers_to: str | None = None  # "Clients" when the value must be a Client ID
    note: str = ""
    extension: bool = False  # claimbook's addition to the contract (documented in docs/)
    optional: bool = False  # a sheet may lack it; claimbook adds it when it must write it

    @functools.cached_property
    def field(self) -> str:
        """The Python name of the column: ``Date of Service`` -> ``date_of_service``."""
        return normalize(self.header).replace(" ", "_")


@dataclass(frozen=True)
class Sheet:
    """One contract sheet: its name, its columns and the column that keys it."""

    name: str
    columns: tuple[Column, ...]
    key: str | None = None  # the field that identifies a row, unique unless repeatable
    key_repeats: bool = False  # Appointments: one ID over several service lines
    purpose: str = ""
    optional: bool = False  # written by claimbook: a workbook may lack it until then

    def column(self, field_name: str) -> Column:
        """The column whose field is ``field_name``."""
        for col in self.columns:
            if col.field == field_name:
                return col
        raise KeyError(field_name)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)


def normalize(header: object) -> str:
    """Header matching: case-insensitive, outer spaces ignored, ``_`` equals space."""
    text = str(header).replace("_", " ").strip().lower()
    return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class Setting:
    """One row of the Practice sheet."""

    name: str
    type: str = TEXT
    default: object = None
    required: bool = False
    choices: tuple[str, ...] = ()
    note: str = ""

    @property
    def field(self) -> str:
        return normalize(self.name).replace(" ", "_").replace("/", "_")


# The bookkeeper's handoff and what people read (issue 11): the date style of every
# report, the accounts that keep each journal entry on one A/R account and take what a
# remittance adds or withholds, and the account codes a Xero import needs.
BOOKS_SETTINGS: tuple[Setting, ...] = (
    Setting("Date Style", CHOICE, DEFAULT_DATE_STYLE, choices=DATE_STYLES,
            note="how dates read in reports and on screen: MM/DD/YYYY or YYYY-MM-DD"),
    Setting("A/R Transfer Account", default="A/R Transfers (clearing)",
            note="clearing account that moves money between the two A/R accounts; "
                 "nets to zero every day (claimbook handoff)"),
    Setting("Provider Adjustment Account", default="Insurance Provider Adjustments",
            note="what a remittance adds or withholds beyond the visits it pays: "
                 "interest, recoupments (claimbook handoff)"),
    Setting("Xero Tax Rate", default="Tax Exempt",
            note="the tax rate name on every line of the Xero CSV (handoff --csv xero)"),
    *(Setting(f"{name} Code", CODE, note=f"Xero's account code for the {name} "
              "(handoff --csv xero)")
      for name in ("Revenue Account", "Insurance A/R Account", "Client A/R Account",
                   "Contractual Adjustment Account", "Discount Account",
                   "Undeposited Funds Account", "Gift Card Account", "A/R Transfer Account",
                   "Provider Adjustment Account")),
)

# -- What clients receive: receipts and statements (claimbook receipt / statement) ------------
# Practice settings and a Staff column of their own, spliced into the
# lists below at their ends; docs/statements.md and docs/receipts.md describe them.
CLIENT_PAPERS_SETTINGS: tuple[Setting, ...] = (
    Setting("Statement Due Days", INT, 30, note="a statement is due this many days after its date"),
    Setting("Payable To", note="checks payable to (statements; default: the practice's name)"),
    Setting("Remit Address", note="where clients mail payments (statements; default: Address)"),
    Setting("Payment Options", note="how clients may pay, printed on statements"),
)
CLIENT_PAPERS_STAFF_COLUMNS: tuple[Column, ...] = (
    Column("Signature Image", TEXT, width=24, optional=True,
           note="a PNG or JPEG of the signature, beside the workbook, for receipts"),
)


PRACTICE_SETTINGS: tuple[Setting, ...] = (
    Setting("Practice Name", required=True),
    Setting("Address"),
    Setting("City"),
    Setting("State"),
    Setting("ZIP", ZIP),
    Setting("Phone"),
    Setting("Email"),
    Setting("Tax ID", CODE),
    Setting("Billing NPI", NPI),
    Setting("Place of Service", CODE, "11", note="CMS place-of-service code; 11 = office"),
    Setting("Timely Filing Days", INT, 90, note="used where a payer has none"),
    Setting(
        "Aging Basis",
        CHOICE,
        "Date of Service",
        choices=AGING_BASES,
        note="age open items from the date of service or the billed date",
    ),
    # Extensions (documented in the README).
    Setting(
        "Checkout Flow",
        CHOICE,
        "Discount First",
        choices=CHECKOUT_FLOWS,
        note="Discount First: checked out at the visit; Reverse: when insurance clears it",
    ),
    Setting("Backups to Keep", INT, 10, note="timestamped backups kept beside the workbook"),
    Setting("SMTP Host", note="mail server for emailed receipts"),
    Setting("SMTP Port", INT, 587),
    Setting("SMTP User", note="the password comes only from $CLAIMBOOK_SMTP_PASSWORD"),
    Setting("SMTP From", note="the From address of emailed receipts"),
    # The bookkeeper's chart of accounts, as named in their books (claimbook handoff).
    Setting("Revenue Account", default="Service Revenue",
            note="bookkeeper's account for charges (claimbook handoff)"),
    Setting("Insurance A/R Account", default="Accounts Receivable - Insurance",
            note="what insurers owe (claimbook handoff)"),
    Setting("Client A/R Account", default="Accounts Receivable - Clients",
            note="what clients owe, credits included (claimbook handoff)"),
    Setting("Contractual Adjustment Account", default="Contractual Adjustments",
            note="adjustments on payments, e.g. CO-45 (claimbook handoff)"),
    Setting("Discount Account", default="Discounts",
            note="discounts given at the visit (claimbook handoff)"),
    Setting("Undeposited Funds Account", default="Undeposited Funds",
            note="money received until it is deposited (claimbook handoff)"),
    Setting("Gift Card Account", default="Gift Card Liability",
            note="visits paid with a gift card (claimbook handoff)"),
    *BOOKS_SETTINGS,
    *CLIENT_PAPERS_SETTINGS,
)

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Staff",
        (
            Column("Staff ID", ID, True, width=10),
            Column("Name", TEXT, True, width=22),
            Column("Credentials", TEXT, width=12, note="LMT, LMP, CMT ..."),
            Column("NPI", NPI, width=13),
            Column("License Number", CODE, width=16),
            Column("License State", CODE, width=13),
            Column("Taxonomy Code", CODE, width=15, note="225700000X = massage therapist"),
            Column("Email", TEXT, width=26),
            *CLIENT_PAPERS_STAFF_COLUMNS,
        ),
        key="staff_id",
        purpose="therapists, with the NPI and license that go on every receipt",
    ),
    Sheet(
        "Clients",
        (
            Column("Client ID", ID, True, width=11),
            Column("First Name", TEXT, True, width=14),
            Column("Last Name", TEXT, True, width=16),
            Column("Date of Birth", DATE, width=13),
            Column("Phone", CODE, width=15),
            Column("Email", TEXT, width=26),
            Column("Address", TEXT, width=24),
            Column("City", TEXT, width=14),
            Column("State", CODE, width=7),
            Column("ZIP", ZIP, width=8),
            Column("Reminder", TEXT, width=48, note="written by claimbook"),
            Column("Notes", TEXT, width=30, note="yours; claimbook never writes it"),
        ),
        key="client_id",
        purpose="clients; Reminder is kept by claimbook, Notes is yours",
    ),
    Sheet(
        "Payers",
        (
            Column("Payer ID", ID, True, width=11),
            Column("Name", TEXT, True, width=26),
            Column("Type", CHOICE, choices=PAYER_TYPES, default="Commercial", width=14),
            Column("Phone", CODE, width=15),
            Column("Address", TEXT, width=30),
            Column("Timely Filing Days", INT, width=12),
            Column("Electronic Payer ID", CODE, width=12),
            Column("Units Rule", CHOICE, choices=UNITS_RULES, default="Per code", width=14,
                   note="Per code, or CMS total time (minutes pooled per visit)",
                   optional=True),
        ),
        key="payer_id",
        purpose="health insurers, auto (PIP) carriers and workers' comp carriers",
    ),
    Sheet(
        "Policies",
        (
            Column("Policy ID", ID, True, width=11),
            Column("Client ID", ID, True, refers_to="Clients", width=11),
            Column("Payer ID", ID, True, refers_to="Payers", width=11),
            Column("Member ID", CODE, width=14),
            Column("Group Number", CODE, width=12),
            Column("Subscriber Name", TEXT, width=20),
            Column("Relationship", TEXT, width=12),
            Column("Claim Number", CODE, width=14),
            Column("Date of Injury", DATE, width=12),
            Column("Referring Provider", TEXT, width=20),
            Column("Referring NPI", NPI, width=13),
            Column("Authorized Visits", INT, width=11),
            Column("Authorization Start", DATE, width=12),
            Column("Authorization End", DATE, width=12),
            Column("Priority", CHOICE, choices=PRIORITIES, default="Primary", width=10),
        ),
        key="policy_id",
        purpose="a client's coverage with one payer (claim number, injury date, authorization)",
    ),
    Sheet(
        "Services",
        (
            Column("Service Code", CODE, True, width=12),
            Column("Description", TEXT, True, width=44),
            Column("Minutes per Unit", INT, default=15, width=10),
            Column("Fee per Unit", MONEY, width=11,
                   note="required to bill the code; blank until you type your fee"),
            Column("Timed", YESNO, default=True, width=8),
            Column("Booking Name", TEXT, width=26, optional=True,
                   note="its name in your booking software (claimbook import); several "
                        "separated by ;"),
        ),
        key="service_code",
        purpose="CPT codes and self-pay services with their fee per unit",
    ),
    Sheet(
        "Appointments",
        (
            Column("Appointment ID", ID, True, width=12),
            Column("Date of Service", DATE, True, width=12),
            Column("Client ID", ID, True, refers_to="Clients", width=10),
            Column("Staff ID", ID, True, refers_to="Staff", width=9),
            Column("Policy ID", ID, refers_to="Policies", width=10, note="blank = self-pay"),
            Column("Service Code", CODE, True, refers_to="Services", width=10),
            Column("Minutes", INT, width=9),
            Column("Units", INT, width=7),
            Column("Charge", MONEY, width=10),
            Column("Diagnosis Codes", CODE, width=16, note="ICD-10, comma separated"),
            Column("Client Paid", MONEY, width=10),
            Column("Discount", MONEY, width=10),
            Column("Payment Method", CHOICE, choices=PAYMENT_METHODS, width=11),
            Column("Checked Out", YESNO, default=False, width=9),
            Column("Billed Date", DATE, width=12),
            Column("Claim Number", CODE, width=14),
            Column("Claim Status", TEXT, width=12, note="yours: Denied, Appealed ..."),
            Column("Notes", TEXT, width=24),
            Column("Modifiers", CODE, width=10, optional=True,
                   note="up to four two-character modifiers, e.g. GP 59"),
            Column("Void Reason", TEXT, width=20, optional=True,
                   note="written by claimbook void"),
        ),
        key="appointment_id",
        key_repeats=True,
        purpose="one row per service line; a visit billed with two codes is two rows",
    ),
    Sheet(
        "Payments",
        (
            Column("Payment ID", ID, True, width=11),
            Column("Date Received", DATE, True, width=12),
            Column("Source", CHOICE, True, choices=SOURCES, width=10),
            Column("Payer ID", ID, refers_to="Payers", width=10),
            Column("Reference", CODE, width=14, note="check or EFT number"),
            Column("Appointment ID", ID, True, refers_to="Appointments", width=12),
            Column("Amount", MONEY, True, width=10),
            Column("Adjustment", MONEY, width=10),
            Column("Adjustment Reason", TEXT, width=16, note="CO-45 ..."),
            Column("Patient Responsibility", MONEY, width=12),
            Column("Product Title", TEXT, width=44),
            Column("Notes", TEXT, width=24),
            # how a client paid, so the bookkeeper's deposits group by method
            Column("Payment Method", CHOICE, choices=PAYMENT_METHODS, width=11,
                   note="how the money came: a client's method, or an insurer's paper Check",
                   optional=True),
            Column("Claim Status Code", CODE, width=10, optional=True,
                   note="the insurer's claim status (835 CLP02)"),
            Column("Reason Codes", TEXT, width=16, optional=True,
                   note="every group and reason code the insurer gave, e.g. CO-45 PR-3"),
            Column("Remittance", CODE, width=14, optional=True,
                   note="the check or EFT trace number of an electronic remittance"),
            Column("Void Reason", TEXT, width=20, optional=True,
                   note="written by claimbook void"),
        ),
        key="payment_id",
        purpose="one row per amount applied to one appointment",
    ),
    Sheet(
        "Remittances",
        (
            Column("Trace Number", CODE, True, width=16, note="the check or EFT number"),
            Column("Date", DATE, True, width=12),
            Column("Payer ID", ID, True, refers_to="Payers", width=10),
            Column("Amount", MONEY, True, width=11, note="what reached the bank"),
            Column("Claims Paid", MONEY, width=11),
            Column("Provider Adjustments", TEXT, width=22, note="PLB amounts with their codes"),
            Column("Method", CHOICE, choices=REMITTANCE_METHODS, width=9),
            Column("File", TEXT, width=24),
            Column("Posted", DATE, width=12),
        ),
        key="trace_number",
        purpose="one row per check or EFT from an insurer, written by claimbook era",
        optional=True,
    ),
)

# -- claims (issue 13: claimbook claim) ----------------------------------------------------
# What a CMS-1500 or an 837P needs beyond the first round's columns: optional columns at
# the right of their sheets, the Practice settings of the paper grid and the 837
# envelope, and the Claims Log sheet claimbook writes. See docs/claims.md.
SEXES = ("F", "M", "U")
CHOICE_ALIASES.update({"female": "F", "male": "M", "unknown": "U"})
PRACTICE_SETTINGS += (
    Setting("Taxonomy Code", CODE, "225700000X",
            note="the billing provider's taxonomy (837P PRV; box 33b where a payer wants it)"),
    Setting("Form Left Offset", INT, 0,
            note="CMS-1500 red form: move the print right (+) or left (-), in 1/100 inch"),
    Setting("Form Top Offset", INT, 0,
            note="CMS-1500 red form: move the print down (+) or up (-), in 1/100 inch"),
    Setting("Submitter ID", CODE, note="837P: your ID at the clearinghouse (ISA06, GS02)"),
    Setting("Submitter Name", note="837P: default the Practice Name"),
    Setting("Receiver ID", CODE, note="837P: the clearinghouse's ID (Office Ally: 330897513)"),
    Setting("Receiver Name", note="837P: the clearinghouse (Office Ally: OFFICE ALLY)"),
    Setting("Receiver Code", CODE, note="837P GS03 (Office Ally: OA); default the Receiver ID"),
)
_CLAIM_COLUMNS = {
    "Clients": (
        Column("Sex", CHOICE, choices=SEXES, width=6, optional=True,
               note="F, M or U: box 3 of the CMS-1500"),
    ),
    "Payers": (
        Column("Requires Referring", YESNO, default=False, width=11, optional=True,
               note="claims need the referring provider (box 17)"),
        Column("Taxonomy on Claims", YESNO, default=False, width=11, optional=True,
               note="print ZZ + taxonomy in boxes 24I/24J and 33b"),
    ),
    "Policies": (
        Column("Employer", TEXT, width=20, optional=True,
               note="workers' comp: the employer (receipts, claims)"),
        Column("Accident State", CODE, width=9, optional=True,
               note="auto (PIP): the state of the accident, box 10b"),
        Column("Prior Authorization", CODE, width=14, optional=True, note="box 23"),
    ),
}
SHEETS = tuple(replace(s, columns=s.columns + _CLAIM_COLUMNS.get(s.name, ()))
               for s in SHEETS) + (
    Sheet(
        "Claims Log",
        (
            Column("Date", DATE, True, width=12),
            Column("Payer ID", ID, True, refers_to="Payers", width=11),
            Column("Appointment IDs", TEXT, True, width=30),
            Column("Kind", TEXT, width=16, note="CMS-1500 red, CMS-1500 full, 837P, 837P test"),
            Column("Frequency", CODE, width=9, note="1 new, 7 corrected, 8 void"),
            Column("Claims", INT, width=8),
            Column("Total Charge", MONEY, width=12),
            Column("File", TEXT, width=40),
            Column("Control Number", CODE, width=12, note="837P interchange (ISA13)"),
        ),
        key="file",
        purpose="one row per claim file written by claimbook claim",
        optional=True,
    ),
)

# claimbook import: export rows it could not place, kept until they are (issue 14).
UNMATCHED_IMPORTS = Sheet(
    "Unmatched Imports",
    (
        Column("Entry", ID, True, width=9),
        Column("Imported", DATE, True, width=12, note="the day of the import"),
        Column("File", TEXT, width=30),
        Column("Row", INT, width=7, note="the row of the file"),
        Column("Report", TEXT, width=22),
        Column("Date", DATE, width=12, note="the export's date (a sale's is its checkout)"),
        Column("Client", TEXT, width=22, note="as the export names them"),
        Column("Item", TEXT, width=44),
        Column("Amount", MONEY, width=11),
        Column("Why", TEXT, width=60),
        Column("Resolved", TEXT, width=24, note="what a later import made of it"),
    ),
    key="entry",
    purpose="export rows claimbook import could not place; written by claimbook import",
    optional=True,
)
SHEETS = SHEETS + (UNMATCHED_IMPORTS,)

SHEETS_BY_NAME = {s.name: s for s in SHEETS}
PRACTICE = "Practice"


def sheet(name: str) -> Sheet:
    """The contract sheet called ``name``."""
    return SHEETS_BY_NAME[name]


def product_title(first: str, last: str, date_of_service) -> str:
    """The practice's convention for an insurance sale's product title."""
    name = " ".join(p for p in (first.strip(), last.strip()) if p)
    return f"Insurance Billing - {name} - {date_of_service.isoformat()}"


def is_billable_code(code: str | None) -> bool:
    """A code insurers are billed for: a CPT or HCPCS code (``97124``, ``G0283``), not a
    practice's own self-pay service (``MASSAGE60``)."""
    return bool(code and re.fullmatch(r"\d{4}[0-9A-Z]|[A-Z]\d{4}", code.strip().upper()))
