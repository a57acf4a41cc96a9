"""Claims from the workbook: what each claim says, and what keeps a visit from one.

A :class:`Claim` is plain data built from one visit: the payer, the patient and the
insured, the billing, rendering and referring providers, the diagnoses (box 21, HI), and
the service lines with their units by the payer's Units Rule and their charges. The
CMS-1500 (``io/cms1500.py``) and the 837P (``io/x12/x837.py``) are both written from the
same Claim, so paper and electronic claims cannot disagree. Every problem names the cell
to fix (``Clients!M7: Sex is needed ...``). The practice as billing provider:
``compute/billing_provider.py``; which visits to bill: ``usecases/claims.py``. No I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from claimbook.compute.balances import Visit
from claimbook.compute.receipts import visit_diagnoses
from claimbook.rules import icd10
from claimbook.rules.latin import not_latin
from claimbook.rules.names import PersonName, organization, person_name
from claimbook.rules.npi import npi_problem
from claimbook.rules.problems import Problem
from claimbook.rules.records import Book

NEW, CORRECTED, VOID = "1", "7", "8"  # CLM05-3 / box 22: claim frequency
LINES_PER_FORM = 6
MAX_POINTERS = 4
MAX_MODIFIERS = 4
PIP, WORKERS_COMP = "Auto/PIP", "Workers Comp"
HEALTH_PLANS = ("Commercial", "Medicare", "Medicaid", "Other")

# Relationship of the patient to the insured, as owners type it -> the 837 code.
SELF, SPOUSE, CHILD, EMPLOYEE, OTHER = "18", "01", "19", "20", "G8"
RELATIONSHIPS = {"self": SELF, "same": SELF, "insured": SELF, "spouse": SPOUSE, "wife": SPOUSE,
                 "husband": SPOUSE, "partner": SPOUSE, "child": CHILD, "son": CHILD,
                 "daughter": CHILD, "dependent": CHILD, "employee": EMPLOYEE, "other": OTHER}
# Payer Type -> 837 claim filing indicator (SBR09) and the box 1 check box.
FILING = {"Commercial": "CI", PIP: "AM", WORKERS_COMP: "WC", "Medicare": "MB",
          "Medicaid": "MC", "Other": "11"}
BOX1 = {"Commercial": "group", "Medicare": "medicare", "Medicaid": "medicaid"}

PO_BOX = re.compile(r"\b(P\.?\s*O\.?\s*BOX|POST\s+OFFICE\s+BOX|BOX\s+\d)", re.I)
ZIP_CODE = re.compile(r"^\d{5}(-?\d{4})?$")
STATE_CODE = re.compile(r"^[A-Za-z]{2}$")
_MODIFIER = re.compile(r"^[A-Za-z0-9]{2}$")


@dataclass(frozen=True, slots=True)
class Address:
    """A street address in the parts a claim prints."""

    street: str
    street2: str
    city: str
    state: str
    zip: str

    @property
    def zip_digits(self) -> str:
        return self.zip.replace("-", "")


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider on a claim: the rendering therapist or the referring doctor."""

    name: PersonName
    npi: str
    taxonomy: str | None = None


@dataclass(frozen=True, slots=True)
class Billing:
    """The billing provider (box 25, 33; loop 2010AA): the practice."""

    name: str
    address: Address
    phone: str  # digits
    npi: str
    tax_id: str  # nine digits
    tax_id_kind: str  # EIN or SSN
    taxonomy: str


@dataclass(frozen=True, slots=True)
class PayerInfo:
    """The payer billed (the form's heading, box 1; loop 2010BB)."""

    payer_id: str
    name: str
    address_lines: tuple[str, ...]
    electronic_id: str | None
    type: str
    taxonomy_on_claims: bool

    @property
    def filing_indicator(self) -> str:
        return FILING.get(self.type, "11")

    @property
    def box1(self) -> str:
        return BOX1.get(self.type, "other")


@dataclass(frozen=True, slots=True)
class Person:
    """The patient, or the insured: name, birth, sex, address, phone."""

    name: PersonName
    birth: date | None
    sex: str | None  # F, M or U
    address: Address | None
    phone: str  # digits, or ""


@dataclass(frozen=True, slots=True)
class OtherCoverage:
    """Another health plan of the patient (box 9, 9a, 9d, 11d; loop 2320)."""

    insured: PersonName
    relationship: str
    member_id: str
    group_number: str | None
    payer_name: str
    payer_electronic_id: str | None
    filing_indicator: str
    priority: str  # P or S (SBR01 of 2320)


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """One service line (24A-J; loop 2400)."""

    number: int  # 1-based within the claim
    day: date
    place_of_service: str
    code: str
    modifiers: tuple[str, ...]
    pointers: tuple[int, ...]  # 1-based into the claim's diagnoses
    charge: int  # cents
    units: int
    rendering: Provider
    control_number: str  # REF*6R: the Appointment ID and the line


@dataclass(frozen=True, slots=True)
class Claim:
    """One visit's claim to its payer."""

    appointment_id: str
    frequency: str
    original_reference: str | None  # box 22 / REF*F8 for a corrected (7) or void (8) claim
    payer: PayerInfo
    priority: str  # P or S (SBR01)
    member_id: str
    group_number: str | None
    patient: Person
    insured: Person
    relationship: str  # 18 self, 01 spouse, 19 child, 20 employee, G8 other
    employment: bool  # box 10a; CLM11 EM
    auto_accident: bool  # box 10b; CLM11 AA
    accident_state: str | None
    injury_date: date | None  # box 14; DTP*431 (and *439 for an accident)
    property_claim_number: str | None  # box 11b Y4; REF*Y4
    prior_authorization: str | None  # box 23; REF*G1
    referring: Provider | None  # box 17; loop 2310A
    rendering: Provider  # loop 2310B when it differs from the billing NPI
    billing: Billing
    diagnoses: tuple[str, ...]  # printed form, with the dot: M54.50
    lines: tuple[ClaimLine, ...]
    other: OtherCoverage | None
    line_rows: tuple[int, ...]  # the Appointments rows of the visit

    @property
    def total(self) -> int:
        """The claim's charge in cents (CLM02 = the sum of SV102)."""
        return sum(line.charge for line in self.lines)

    @property
    def patient_is_insured(self) -> bool:
        return self.relationship == SELF

    @property
    def first_day(self) -> date:
        return min(line.day for line in self.lines)

    def forms(self) -> list[tuple[ClaimLine, ...]]:
        """The service lines of each CMS-1500 page, six a page."""
        return [self.lines[i:i + LINES_PER_FORM]
                for i in range(0, len(self.lines), LINES_PER_FORM)] or [()]


def split_street(text: str) -> tuple[str, str]:
    """``2210 N 45th St, Suite 3`` -> the street and its second line."""
    head, _, tail = text.partition(",")
    return head.strip(), tail.strip()


# -- one visit -------------------------------------------------------------------------------
def address_of(record) -> Address | None:
    """A client's address, when it has one."""
    if not record.address:
        return None
    street, street2 = split_street(record.address)
    return Address(street, street2, record.city or "", (record.state or "").upper(),
                   record.zip or "")


class _Checker:
    """Collects one visit's problems while its claim is built."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def need(self, record, field_name: str, message: str) -> None:
        if getattr(record, field_name, None) in (None, ""):
            self.problems.append(record.src.problem(field_name, message))

    def add(self, record, field_name: str, message: str | None) -> None:
        if message:
            self.problems.append(record.src.problem(field_name, message))

    def latin(self, record, *field_names: str) -> None:
        """Names go on the claim in Latin letters: one in another script is refused, never
        sent with its letters missing."""
        for field_name in field_names:
            value = getattr(record, field_name, None)
            letters = not_latin(value)
            if letters:
                self.problems.append(record.src.problem(field_name, (
                    f'"{value}" cannot go on a claim: the CMS-1500 and the 837P carry Latin '
                    "letters only; type the name as the insurance card spells it")))


def claim_for(book: Book, visit: Visit, billing: Billing, frequency: str = NEW,
              electronic: bool = False) -> tuple[Claim | None, list[Problem]]:
    """The claim of one visit to its payer, or what keeps the visit from one.

    Args:
        book: the practice.
        visit: the visit (from :func:`claimbook.compute.balances.visits_of`: its units
            follow the payer's Units Rule and its charges follow the units).
        billing: the practice as billing provider (:func:`billing_of`).
        frequency: ``1`` a new claim, ``7`` a corrected one, ``8`` a void.
        electronic: an 837P is wanted (the payer needs its Electronic Payer ID).

    Returns:
        The claim (None when there are problems) and the problems, each naming its cell.
    """
    check = _Checker()
    first = visit.first
    policy = book.policies.get(first.policy_id)
    payer = book.payers.get(policy.payer_id) if policy else None
    client = book.clients.get(first.client_id)
    if policy is None or payer is None or client is None:  # validate() names these
        return None, [first.src.problem("policy_id", "no policy, payer or client to bill")]
    if policy.priority == "Secondary":
        check.add(policy, "priority", "the policy is Secondary: claimbook bills the first "
                                      "payer; send the secondary the primary's EOB")
    if electronic:
        check.need(payer, "electronic_payer_id", f"{payer.name} has no Electronic Payer ID "
                                                 "(the 837P's 2010BB)")
    patient = _patient(check, client)
    insured, relationship = _insured(check, policy, payer, client, patient)
    member_id = _member_id(check, policy, payer)
    injury = _injury(check, policy, payer)
    referring = _referring(check, policy, payer)
    diagnoses = _diagnoses(check, visit)
    lines = _lines(check, book, visit, diagnoses)
    reference = _original_reference(check, visit, policy, payer, frequency)
    if check.problems:
        return None, list(dict.fromkeys(check.problems))
    return Claim(
        appointment_id=visit.appointment_id, frequency=frequency,
        original_reference=reference, payer=_payer_info(payer),
        priority="S" if policy.priority == "Secondary" else "P",
        member_id=member_id, group_number=policy.group_number, patient=patient,
        insured=insured, relationship=relationship,
        employment=payer.type == WORKERS_COMP, auto_accident=payer.type == PIP,
        accident_state=(policy.accident_state or "").upper() or None,
        injury_date=injury, property_claim_number=_property_claim(policy, payer, visit),
        prior_authorization=policy.prior_authorization, referring=referring,
        rendering=lines[0].rendering, billing=billing, diagnoses=tuple(diagnoses),
        lines=tuple(lines), other=_other_coverage(book, policy, client),
        line_rows=tuple(ln.src.row for ln in visit.lines)), []


def _payer_info(payer) -> PayerInfo:
    lines = tuple(p.strip() for p in (payer.address or "").split(",") if p.strip())
    return PayerInfo(payer.payer_id, payer.name, lines, payer.electronic_payer_id,
                     payer.type or "Commercial", bool(payer.taxonomy_on_claims))


def _patient(check: _Checker, client) -> Person:
    check.need(client, "date_of_birth", f"{_name(client)} has no Date of Birth (box 3)")
    check.need(client, "sex", f"{_name(client)}: Sex is needed (F, M or U) for box 3 "
                              "and the 837P")
    check.need(client, "address", f"{_name(client)} has no Address (box 5)")
    check.need(client, "city", f"{_name(client)} has no City (box 5)")
    check.need(client, "state", f"{_name(client)} has no State (box 5)")
    check.need(client, "zip", f"{_name(client)} has no ZIP (box 5)")
    if client.state and not STATE_CODE.match(client.state):
        check.add(client, "state", f'"{client.state}" is not a 2-letter state')
    if client.zip and not ZIP_CODE.match(client.zip):
        check.add(client, "zip", f'"{client.zip}" is not a ZIP code')
    check.latin(client, "first_name", "last_name", "address", "city")
    name = PersonName(client.last_name or "", client.first_name or "")
    return Person(name, client.date_of_birth, client.sex, address_of(client),
                  re.sub(r"\D", "", client.phone or ""))


def _name(client) -> str:
    return " ".join(p for p in (client.first_name, client.last_name) if p)


def _insured(check: _Checker, policy, payer, client, patient: Person) -> tuple[Person, str]:
    if payer.type == WORKERS_COMP:  # the employer is the insured; the patient its employee
        check.need(policy, "employer", "a workers' comp claim needs the Employer (box 4)")
        check.latin(policy, "employer")
        return Person(organization(policy.employer or ""), None, None, None, ""), EMPLOYEE
    typed = (policy.relationship or "").strip().lower()
    relationship = RELATIONSHIPS.get(typed)
    subscriber = policy.subscriber_name
    if relationship is None and not typed and _same_person(subscriber, client):
        relationship = SELF
    if relationship is None:
        check.add(policy, "relationship",
                  f'Relationship "{policy.relationship or ""}": the claim needs the patient\'s '
                  "relationship to the insured: Self, Spouse, Child or Other (box 6)")
    if relationship == SELF:
        return patient, SELF
    check.need(policy, "subscriber_name", "the insured's name is needed (Subscriber Name, "
                                          "box 4) when the patient is not the insured")
    check.latin(policy, "subscriber_name")
    return Person(person_name(subscriber or ""), None, None, None, ""), relationship or OTHER


def _same_person(subscriber: str | None, client) -> bool:
    if not subscriber:
        return False
    name = person_name(subscriber)
    return (name.first.lower(), name.last.lower()) == \
        ((client.first_name or "").lower(), (client.last_name or "").lower())


def _member_id(check: _Checker, policy, payer) -> str:
    if policy.member_id:
        return policy.member_id
    if payer.type in (PIP, WORKERS_COMP) and policy.claim_number:
        return policy.claim_number  # box 1a: the claim number, for auto and workers' comp
    check.need(policy, "member_id", "the insured's ID (Member ID, box 1a) is needed")
    return ""


def _injury(check: _Checker, policy, payer) -> date | None:
    if payer.type == PIP:
        check.need(policy, "date_of_injury", "an auto (PIP) claim needs the Date of Injury "
                                             "(box 14)")
        check.need(policy, "accident_state", "an auto (PIP) claim needs the Accident State "
                                             "(box 10b)")
        check.need(policy, "claim_number", "an auto (PIP) claim needs the Claim Number "
                                           "(box 11b)")
    elif payer.type == WORKERS_COMP:
        check.need(policy, "date_of_injury", "a workers' comp claim needs the Date of Injury "
                                             "(box 14)")
        check.need(policy, "claim_number", "a workers' comp claim needs the Claim Number "
                                           "(box 11b)")
    if policy.accident_state and not STATE_CODE.match(policy.accident_state):
        check.add(policy, "accident_state", f'"{policy.accident_state}" is not a 2-letter state')
    return policy.date_of_injury


def _property_claim(policy, payer, visit: Visit) -> str | None:
    if payer.type not in (PIP, WORKERS_COMP):
        return None
    return policy.claim_number or visit.claim_number


def _referring(check: _Checker, policy, payer) -> Provider | None:
    if payer.requires_referring:
        check.need(policy, "referring_provider", f"{payer.name} requires the referring "
                                                 "provider (box 17)")
        check.need(policy, "referring_npi", f"{payer.name} requires the referring NPI "
                                            "(box 17b)")
    if policy.referring_npi:
        check.add(policy, "referring_npi", npi_problem(policy.referring_npi))
    if not (policy.referring_provider and policy.referring_npi):
        return None
    return Provider(person_name(policy.referring_provider), policy.referring_npi)


def _diagnoses(check: _Checker, visit: Visit) -> list[str]:
    for line in visit.lines:
        for code in icd10.split_codes(line.diagnosis_codes):
            check.add(line, "diagnosis_codes", icd10.code_problem(code))
    codes = visit_diagnoses(visit)
    if not codes:
        check.add(visit.first, "diagnosis_codes", "no diagnosis code: a claim needs at least "
                                                  "one ICD-10 code (box 21)")
    if len(codes) > len(icd10.POINTER_LETTERS):
        check.add(visit.first, "diagnosis_codes", f"{len(codes)} diagnosis codes: a claim "
                                                  "holds at most 12 (A-L)")
    return codes


def _lines(check: _Checker, book: Book, visit: Visit, diagnoses: list[str]) -> list[ClaimLine]:
    out = []
    pos = book.settings.place_of_service
    for i, (line, units, charge) in enumerate(zip(visit.lines, visit.units, visit.charges)):
        if units <= 0:
            field_name = "units" if line.units is not None else "minutes"
            check.add(line, field_name, f"{line.service_code}: {units} units (from "
                                        f"{line.minutes} minutes); a claim line needs 1 or more")
        if charge <= 0:
            check.add(line, "charge", f"{line.service_code}: the charge is not above zero")
        own = [diagnoses.index(c) + 1 for c in _codes_of(line) if c in diagnoses]
        pointers = tuple(own[:MAX_POINTERS] or range(1, min(len(diagnoses), MAX_POINTERS) + 1))
        out.append(ClaimLine(i + 1, line.date_of_service, pos, line.service_code,
                             _modifiers(check, line), pointers, charge, units,
                             _rendering(check, book, line), f"{visit.appointment_id}-{i + 1}"))
    return out


def _codes_of(line) -> list[str]:
    return [c for c in (icd10.normalize_code(t) for t in icd10.split_codes(line.diagnosis_codes))
            if c]


def _modifiers(check: _Checker, line) -> tuple[str, ...]:
    typed = [m for m in re.split(r"[,;\s]+", (line.modifiers or "").strip()) if m]
    bad = [m for m in typed if not _MODIFIER.match(m)]
    if bad:
        check.add(line, "modifiers", f'"{bad[0]}" is not a modifier (two letters or digits, '
                                     "e.g. GP 59)")
    if len(typed) > MAX_MODIFIERS:
        check.add(line, "modifiers", f"{len(typed)} modifiers: a line holds at most 4")
    return tuple(m.upper() for m in typed[:MAX_MODIFIERS])


def _rendering(check: _Checker, book: Book, line) -> Provider:
    member = book.staff.get(line.staff_id)
    if member is None:  # validate() names an unknown Staff ID
        return Provider(PersonName(""), "")
    check.need(member, "npi", f"{member.name} has no NPI: box 24J needs the rendering "
                              "therapist's NPI")
    if member.npi:
        check.add(member, "npi", npi_problem(member.npi))
    return Provider(person_name(member.name), member.npi or "",
                    member.taxonomy_code or book.settings.taxonomy_code or "225700000X")


def _original_reference(check: _Checker, visit: Visit, policy, payer,
                        frequency: str) -> str | None:
    if frequency == NEW:
        return None
    reference = visit.claim_number
    if reference is None and payer.type in (PIP, WORKERS_COMP):
        reference = policy.claim_number
    if not reference:
        check.add(visit.first, "claim_number",
                  "a corrected or void claim needs the payer's claim number (from the EOB) "
                  "in Claim Number (box 22)")
    return reference


def _other_coverage(book: Book, policy, client) -> OtherCoverage | None:
    for other in book.policies.values():
        if other.client_id != client.client_id or other.policy_id == policy.policy_id:
            continue
        payer = book.payers.get(other.payer_id)
        if payer is None or payer.type not in HEALTH_PLANS or payer.payer_id == policy.payer_id:
            continue
        relationship = RELATIONSHIPS.get((other.relationship or "").strip().lower(), SELF)
        name = person_name(other.subscriber_name) if other.subscriber_name and \
            relationship != SELF else PersonName(client.last_name or "", client.first_name or "")
        return OtherCoverage(name, relationship, other.member_id or "", other.group_number,
                             payer.name, payer.electronic_payer_id, FILING.get(payer.type, "11"),
                             "P" if other.priority == "Primary" and policy.priority ==
                             "Secondary" else "S")
    return None
