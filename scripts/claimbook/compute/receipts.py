"""Insurance receipts and superbills: what goes on them, and what must be fixed first.

A :class:`Receipt` is plain data built from the practice's records: the practice, the
rendering therapists, the client, the insurance, the service lines with their ICD-10
pointers, the payments and the balance. The workbook writer (``xlsx/receipt.py``) and
the PDF writer (``receipt_pdf.py``) both draw the same Receipt, so they cannot disagree.
This module does no I/O and imports neither Click nor a workbook library.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from claimbook.compute.balances import Visit, VisitBalance, balance_of
from claimbook.compute.ledger import Month
from claimbook.rules import icd10
from claimbook.rules.money import dollars
from claimbook.rules.problems import BadRequest, Problem
from claimbook.rules.records import Book, client_name

RECEIPT, SUPERBILL = "receipt", "superbill"
INJURY_PAYER_TYPES = ("Auto/PIP", "Workers Comp")
CERTIFICATION = ("I certify that the services listed above were medically necessary and "
                 "were personally rendered by me or under my direct supervision.")


@dataclass(frozen=True, slots=True)
class PracticeInfo:
    """The practice as it heads every receipt."""

    name: str
    address_lines: tuple[str, ...]
    phone: str | None
    email: str | None
    tax_id: str | None
    billing_npi: str | None


@dataclass(frozen=True, slots=True)
class Therapist:
    """The rendering provider of one or more service lines."""

    staff_id: str
    name: str
    credentials: str | None
    npi: str | None
    license_number: str | None
    license_state: str | None
    taxonomy_code: str | None

    @property
    def signed_name(self) -> str:
        """``Maya Chen, LMT``."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def license(self) -> str:
        """``WA MA60412345``."""
        return " ".join(p for p in (self.license_state, self.license_number) if p)


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """The client the receipt is for."""

    client_id: str
    name: str
    date_of_birth: date | None
    address_lines: tuple[str, ...]
    email: str | None


@dataclass(frozen=True, slots=True)
class Coverage:
    """One policy the visits were billed to."""

    policy_id: str
    payer_name: str
    payer_type: str | None
    member_id: str | None
    group_number: str | None
    subscriber: str | None
    claim_number: str | None
    date_of_injury: date | None
    referring_provider: str | None
    referring_npi: str | None

    @property
    def is_injury_claim(self) -> bool:
        """Auto (PIP) and workers' comp claims carry the injury date and the referral."""
        return self.payer_type in INJURY_PAYER_TYPES


@dataclass(frozen=True, slots=True)
class ServiceRow:
    """One service line as a CMS-1500 shows it (box 24)."""

    appointment_id: str
    date_of_service: date
    place_of_service: str
    code: str
    description: str
    minutes: int | None
    units: int
    pointers: str  # "AB": the diagnoses this line treats
    charge: int
    staff_id: str


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """Money applied to the visits: at the visit, later by the client, or by an insurer."""

    date_received: date
    source: str  # "Client" or "Insurance"
    paid_by: str
    reference: str | None
    appointment_id: str
    amount: int
    adjustment: int
    adjustment_reason: str | None


@dataclass(frozen=True, slots=True)
class Totals:
    """The money of every visit on the receipt, in cents, as of its date."""

    charge: int = 0
    discount: int = 0
    paid_at_visit: int = 0
    paid_later: int = 0
    insurance_paid: int = 0
    adjustments: int = 0
    balance: int = 0
    insurance_due: int = 0
    client_due: int = 0


@dataclass(frozen=True, slots=True)
class Receipt:
    """Everything one receipt (one visit) or superbill (a client's visits) shows."""

    kind: str
    number: str
    issued: date
    period: tuple[date, date]
    practice: PracticeInfo
    client: ClientInfo
    therapists: tuple[Therapist, ...]
    coverages: tuple[Coverage, ...]
    diagnoses: tuple[str, ...]
    services: tuple[ServiceRow, ...]
    payments: tuple[PaymentRow, ...]
    totals: Totals
    appointment_ids: tuple[str, ...]

    @property
    def title(self) -> str:
        return "Superbill" if self.kind == SUPERBILL else "Insurance Receipt"

    @property
    def file_stem(self) -> str:
        """``receipt-A000123`` or ``superbill-C0042-2026-01-01-to-2026-03-31``."""
        if self.kind == SUPERBILL:
            first, last = self.period
            stem = f"superbill-{self.client.client_id}-{first}-to-{last}"
        else:
            stem = f"receipt-{self.appointment_ids[0]}"
        return re.sub(r"[^A-Za-z0-9._-]+", "_", stem)

    def fingerprint(self) -> str:
        """A short digest of the content (not the issue date): it changes when the money,
        the codes or the details on the receipt change."""
        content = repr((self.number, self.practice, self.client, self.therapists,
                        self.coverages, self.diagnoses, self.services, self.payments,
                        self.totals))
        return hashlib.sha256(content.encode()).hexdigest()[:16]


# -- selecting visits -------------------------------------------------------------------
def visit_for(visits: dict[str, Visit], appointment_id: str) -> Visit:
    """The visit ``appointment_id``; :class:`BadRequest` when there is none."""
    visit = visits.get(appointment_id.strip())
    if visit is None:
        raise BadRequest(f'no appointment "{appointment_id}" on the Appointments sheet')
    return visit


def client_visits(book: Book, visits: dict[str, Visit], client_id: str,
                  first: date | None, last: date | None) -> list[Visit]:
    """A client's visits from ``first`` to ``last`` (inclusive; open ends allowed)."""
    client_id = client_id.strip()
    if client_id not in book.clients:
        raise BadRequest(f'no client "{client_id}" on the Clients sheet')
    chosen = [v for v in visits.values() if v.first.client_id == client_id
              and v.date_of_service is not None
              and (first is None or v.date_of_service >= first)
              and (last is None or v.date_of_service <= last)]
    if not chosen:
        span = f"from {first or 'the start'} to {last or 'today'}"
        raise BadRequest(f'client "{client_id}" has no visits {span}')
    return sorted(chosen, key=_visit_order)


def insured_visits_of_month(visits: dict[str, Visit], month: Month) -> list[Visit]:
    """Every visit of ``month`` billed to a policy, in date order."""
    chosen = [v for v in visits.values() if v.first.policy_id is not None
              and v.date_of_service is not None
              and month.first_day <= v.date_of_service <= month.last_day]
    return sorted(chosen, key=_visit_order)


def _visit_order(visit: Visit) -> tuple:
    return (visit.date_of_service or date.min, visit.appointment_id)


# -- what must be fixed first -------------------------------------------------------------
def receipt_problems(book: Book, visits: list[Visit]) -> list[Problem]:
    """Everything that stops a receipt for ``visits``, each naming the cell to fix.

    A rendering therapist without NPI or license number, a malformed ICD-10 code, more
    than twelve diagnoses on one visit, an insured visit without diagnosis codes.

    Args:
        book: the practice.
        visits: the visits to write receipts for.

    Returns:
        The problems, each once; empty when every receipt can be written.
    """
    problems: list[Problem] = []
    seen_staff: set[str] = set()
    for visit in visits:
        for line in visit.lines:
            if line.staff_id not in seen_staff:
                seen_staff.add(line.staff_id)
                problems += _therapist_problems(book.staff.get(line.staff_id))
        problems += _diagnosis_problems(book, visit)
    return problems


def _therapist_problems(member) -> list[Problem]:
    if member is None:
        return []  # an unknown Staff ID is reported by validate()
    out = []
    if not member.npi:
        out.append(member.src.problem(
            "npi", f"{member.name} has no NPI; a receipt needs the rendering therapist's "
                   "10-digit NPI"))
    if not member.license_number:
        out.append(member.src.problem(
            "license_number", f"{member.name} has no license number; a receipt needs the "
                              "therapist's massage license"))
    return out


def _diagnosis_problems(book: Book, visit: Visit) -> list[Problem]:
    out = []
    for line in visit.lines:
        for code in icd10.split_codes(line.diagnosis_codes):
            message = icd10.code_problem(code)
            if message:
                out.append(line.src.problem("diagnosis_codes", message))
    if out:
        return out
    first = visit.first
    codes = visit_diagnoses(visit)
    if first.policy_id is not None and not codes:
        payer = book.payer_of(first.policy_id)
        billed_to = payer.name if payer else f'policy "{first.policy_id}"'
        out.append(first.src.problem(
            "diagnosis_codes", f'appointment "{visit.appointment_id}" is billed to '
                               f"{billed_to} but has no diagnosis codes; type its ICD-10 "
                               "codes, e.g. M54.50"))
    if len(codes) > len(icd10.POINTER_LETTERS):
        out.append(first.src.problem(
            "diagnosis_codes", f'appointment "{visit.appointment_id}" has {len(codes)} '
                               "diagnosis codes; a claim holds at most 12"))
    return out


def visit_diagnoses(visit: Visit) -> list[str]:
    """The distinct diagnosis codes of a visit, in the order they were typed."""
    codes: list[str] = []
    for line in visit.lines:
        for code in _line_codes(line):
            if code not in codes:
                codes.append(code)
    return codes


def _line_codes(line) -> list[str]:
    out = []
    for typed in icd10.split_codes(line.diagnosis_codes):
        code = icd10.normalize_code(typed)
        if code and code not in out:
            out.append(code)
    return out


# -- building a receipt -------------------------------------------------------------------
def build_receipt(book: Book, visits: list[Visit], as_of: date,
                  kind: str = RECEIPT) -> Receipt:
    """The receipt (one visit) or superbill (several) as of a date.

    Args:
        book: the practice.
        visits: the visits, all of one client, validated by :func:`receipt_problems`.
        as_of: the issue date; lines and payments dated after it are left out.
        kind: :data:`RECEIPT` or :data:`SUPERBILL`.

    Returns:
        The receipt's content.

    Raises:
        BadRequest: a visit is dated after ``as_of``.
    """
    balances = [_balance(book, v, as_of) for v in visits]
    first = visits[0].first
    diagnoses = _diagnoses(visits)
    dates = [v.date_of_service for v in visits]
    return Receipt(
        kind=kind,
        number=receipt_number(kind, visits),
        issued=as_of,
        period=(min(dates), max(dates)),
        practice=practice_info(book),
        client=client_info(book.clients[first.client_id]),
        therapists=_therapists(book, visits),
        coverages=_coverages(book, visits),
        diagnoses=tuple(diagnoses),
        services=tuple(row for v in visits for row in _service_rows(book, v, diagnoses)),
        payments=tuple(sorted((row for v in visits for row in _payment_rows(book, v, as_of)),
                              key=lambda r: (r.date_received, r.appointment_id))),
        totals=_totals(visits, balances),
        appointment_ids=tuple(v.appointment_id for v in visits),
    )


def receipt_number(kind: str, visits: list[Visit]) -> str:
    """The same number every time: ``R-A000123``; ``S-C0042-20260101-20260331``."""
    if kind == RECEIPT:
        return f"R-{visits[0].appointment_id}"
    dates = [v.date_of_service for v in visits]
    return f"S-{visits[0].first.client_id}-{min(dates):%Y%m%d}-{max(dates):%Y%m%d}"


def _balance(book: Book, visit: Visit, as_of: date) -> VisitBalance:
    found = balance_of(book, visit, as_of)
    if found is None or visit.date_of_service > as_of:
        raise BadRequest(f'appointment "{visit.appointment_id}" is dated '
                         f"{visit.date_of_service}, after the receipt date {as_of}")
    return found


def practice_info(book: Book) -> PracticeInfo:
    """The practice block from the Practice sheet."""
    s = book.settings
    city_line = " ".join(p for p in (f"{s.city}," if s.city else None, s.state, s.zip) if p)
    return PracticeInfo(
        name=s.practice_name or "",
        address_lines=tuple(p for p in (s.address, city_line) if p),
        phone=s.phone, email=s.email, tax_id=s.tax_id, billing_npi=s.billing_npi)


def client_info(client) -> ClientInfo:
    """The client block from a Clients row."""
    city = " ".join(p for p in (f"{client.city}," if client.city else None,
                                client.state, client.zip) if p)
    return ClientInfo(
        client_id=client.client_id, name=client_name(client),
        date_of_birth=client.date_of_birth,
        address_lines=tuple(p for p in (client.address, city) if p), email=client.email)


def _therapists(book: Book, visits: list[Visit]) -> tuple[Therapist, ...]:
    out: dict[str, Therapist] = {}
    for visit in visits:
        for line in visit.lines:
            member = book.staff.get(line.staff_id)
            if member is not None and member.staff_id not in out:
                out[member.staff_id] = Therapist(
                    member.staff_id, member.name, member.credentials, member.npi,
                    member.license_number, member.license_state, member.taxonomy_code)
    return tuple(out.values())


def _coverages(book: Book, visits: list[Visit]) -> tuple[Coverage, ...]:
    out: dict[str, Coverage] = {}
    for visit in visits:
        policy = book.policies.get(visit.first.policy_id or "")
        if policy is None or policy.policy_id in out:
            continue
        payer = book.payers.get(policy.payer_id)
        out[policy.policy_id] = Coverage(
            policy_id=policy.policy_id,
            payer_name=payer.name if payer else policy.payer_id,
            payer_type=payer.type if payer else None,
            member_id=policy.member_id, group_number=policy.group_number,
            subscriber=_subscriber(policy),
            claim_number=visit.claim_number or policy.claim_number,
            date_of_injury=policy.date_of_injury,
            referring_provider=policy.referring_provider,
            referring_npi=policy.referring_npi)
    return tuple(out.values())


def _subscriber(policy) -> str | None:
    if not policy.subscriber_name:
        return None
    relation = f" ({policy.relationship})" if policy.relationship else ""
    return policy.subscriber_name + relation


def _diagnoses(visits: list[Visit]) -> list[str]:
    codes: list[str] = []
    for visit in visits:
        for code in visit_diagnoses(visit):
            if code not in codes:
                codes.append(code)
    return codes


def _service_rows(book: Book, visit: Visit, diagnoses: list[str]) -> list[ServiceRow]:
    place = book.settings.place_of_service or "11"
    visit_codes = visit_diagnoses(visit)
    rows = []
    for line, charge, units in zip(visit.lines, visit.charges, visit.units):
        service = book.services.get(line.service_code)
        codes = _line_codes(line) or visit_codes[:4]
        rows.append(ServiceRow(
            appointment_id=visit.appointment_id, date_of_service=line.date_of_service,
            place_of_service=place, code=line.service_code,
            description=service.description if service else "",
            minutes=line.minutes, units=units,
            pointers="".join(icd10.pointer(diagnoses.index(c)) for c in codes),
            charge=charge, staff_id=line.staff_id))
    return rows


def _payment_rows(book: Book, visit: Visit, as_of: date) -> list[PaymentRow]:
    rows = []
    for line in visit.lines:
        if line.client_paid:
            how = f" ({line.payment_method})" if line.payment_method else ""
            rows.append(PaymentRow(line.date_of_service, "Client", f"Client, at the visit{how}",
                                   None, visit.appointment_id, line.client_paid, 0, None))
    for payment in visit.payments:
        if payment.date_received is None or payment.date_received > as_of:
            continue
        payer = book.payers.get(payment.payer_id or "")
        paid_by = (payer.name if payer else "Insurance") if payment.source == "Insurance" \
            else "Client"
        rows.append(PaymentRow(payment.date_received, payment.source, paid_by,
                               payment.reference, visit.appointment_id, payment.amount or 0,
                               payment.adjustment or 0, payment.adjustment_reason))
    return rows


def _totals(visits: list[Visit], balances: list[VisitBalance]) -> Totals:
    at_visit = sum(line.client_paid or 0 for v in visits for line in v.lines)
    client_paid = sum(b.client_paid for b in balances)
    return Totals(
        charge=sum(b.charge for b in balances),
        discount=sum(b.discount for b in balances),
        paid_at_visit=at_visit,
        paid_later=client_paid - at_visit,
        insurance_paid=sum(b.insurance_paid for b in balances),
        adjustments=sum(b.adjustments for b in balances),
        balance=sum(b.balance for b in balances),
        insurance_due=sum(b.insurance_due for b in balances),
        client_due=sum(b.client_due for b in balances))


# -- what both writers draw ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One line of the money summary: a label, an amount in cents, and its weight."""

    label: str
    cents: int
    style: str = ""  # "" | "total" | "detail"


def summary_rows(totals: Totals) -> list[SummaryRow]:
    """The money summary, top to bottom: charges, what was paid and adjusted, balance."""
    rows = [
        SummaryRow("Total charges", totals.charge),
        SummaryRow("Discount", -totals.discount),
        SummaryRow("Paid by client at the visit", -totals.paid_at_visit),
        SummaryRow("Paid by client later", -totals.paid_later),
        SummaryRow("Paid by insurance", -totals.insurance_paid),
        SummaryRow("Insurance adjustments", -totals.adjustments),
        SummaryRow("Balance due", totals.balance, "total"),
    ]
    if totals.balance:
        rows.append(SummaryRow("Expected from insurance", totals.insurance_due, "detail"))
        rows.append(SummaryRow("Due from client", totals.client_due, "detail"))
    return rows


def coverage_rows(coverage: Coverage) -> list[tuple[str, str | date]]:
    """The insurance block as label/value pairs (blank values left out; dates as dates)."""
    pairs = [("Payer", coverage.payer_name), ("Plan type", coverage.payer_type),
             ("Member ID", coverage.member_id), ("Group", coverage.group_number),
             ("Insured", coverage.subscriber), ("Claim number", coverage.claim_number)]
    if coverage.is_injury_claim:
        pairs += [("Date of injury", coverage.date_of_injury),
                  ("Referred by", coverage.referring_provider),
                  ("Referring NPI", coverage.referring_npi)]
    return [(label, value) for label, value in pairs if value]


def therapist_rows(therapist: Therapist) -> list[tuple[str, str]]:
    """The rendering provider block as label/value pairs."""
    pairs = [("Provider", therapist.signed_name), ("NPI", therapist.npi),
             ("License", therapist.license), ("Taxonomy", therapist.taxonomy_code)]
    return [(label, value) for label, value in pairs if value]


def client_rows(client: ClientInfo) -> list[tuple[str, str | date]]:
    """The client block as label/value pairs (the date of birth as a date)."""
    address = [("Address" if i == 0 else "", line)
               for i, line in enumerate(client.address_lines)]
    pairs = [("Client", client.name), ("Date of birth", client.date_of_birth),
             *address, ("Client ID", client.client_id)]
    return [(label, value) for label, value in pairs if value]


def practice_rows(practice: PracticeInfo) -> list[tuple[str, str]]:
    """The practice's identifiers as label/value pairs."""
    pairs = [("Tax ID", practice.tax_id), ("Billing NPI", practice.billing_npi)]
    return [(label, value) for label, value in pairs if value]


def date_text(day: date | None) -> str:
    """A date as printed on US claim forms: ``10/02/2026``."""
    return f"{day:%m/%d/%Y}" if day else ""


def shown(value: object) -> str:
    """A block value as printed: dates as ``10/02/2026``, text as it is."""
    return date_text(value) if isinstance(value, date) else str(value or "")


def money_text(cents: int) -> str:
    """``-2000`` -> ``-$20.00``."""
    return dollars(cents)
