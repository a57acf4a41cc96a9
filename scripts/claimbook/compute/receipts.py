"""Insurance receipts and superbills: what goes on them, and what must be fixed first.

A :class:`Receipt` is plain data built from the practice's records: the practice, the
rendering therapists, the client, the insurance, the service lines with their modifiers
and ICD-10 pointers, the payments, the money by insurer, and where each visit stands
with its insurer. What both writers draw, in the client's words, is in
:mod:`claimbook.compute.receipt_text`; the workbook writer (``io/xlsx/receipt.py``) and
the PDF writer (``io/receipt_pdf.py``) draw the same Receipt, so they cannot disagree.
This module does no I/O and imports neither Click nor a workbook library.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date

from claimbook.compute.balances import Visit, VisitBalance, balance_of
from claimbook.compute.ledger import Month
from claimbook.compute.papers import (  # noqa: F401 - part of this module's interface
    INJURY_PAYER_TYPES,
    SELF_PAY,
    ClientInfo,
    InsurerState,
    PracticeInfo,
    client_info,
    date_text,
    file_part,
    insurer_state,
    modifiers_text,
    money_text,
    one_line,
    practice_info,
    reason_codes,
    shown,
)
from claimbook.rules import icd10
from claimbook.rules.dates import show_date, style_of
from claimbook.rules.problems import BadRequest
from claimbook.rules.records import Book
from claimbook.rules.voids import is_reversal, reversed_id

RECEIPT, SUPERBILL = "receipt", "superbill"


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
    signature_image: str | None = None  # the file of Staff's Signature Image

    @property
    def signed_name(self) -> str:
        """``Maya Chen, LMT``."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def license(self) -> str:
        """``WA MA60412345``."""
        return " ".join(p for p in (self.license_state, self.license_number) if p)


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
    employer: str | None = None

    @property
    def is_injury_claim(self) -> bool:
        """Auto (PIP) and workers' comp claims carry the injury date and the referral."""
        return self.payer_type in INJURY_PAYER_TYPES

    @property
    def is_workers_comp(self) -> bool:
        return self.payer_type == "Workers Comp"


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
    modifiers: str = ""  # "GP 59"
    number: int = 0  # 1, 2, ... down the receipt


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
    date_of_service: date | None = None
    reasons: tuple[str, ...] = ()  # the reason codes: CO-45, PR-3 ...


@dataclass(frozen=True, slots=True)
class PayerMoney:
    """One insurer's part of the visits on a receipt, in cents."""

    payer_name: str
    paid: int = 0
    adjusted: int = 0
    pending: int = 0  # still expected from it (billed, unbilled or partly paid)
    denied: int = 0  # what it denied and the client does not owe


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
    by_payer: tuple[PayerMoney, ...] = ()


@dataclass(frozen=True, slots=True)
class VisitState:
    """One visit on the receipt: when, where it stands with its insurer, who owes what."""

    appointment_id: str
    date_of_service: date
    insurer: InsurerState
    client_due: int
    insurance_due: int


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
    visits: tuple[VisitState, ...] = ()
    on_file: bool = False  # emailed: "Signature on file" and the date

    @property
    def plain(self) -> bool:
        """A self-pay receipt with no diagnosis: no codes, no attestation, no insurer."""
        return all(v.insurer.kind == SELF_PAY for v in self.visits) and not self.diagnoses

    @property
    def title(self) -> str:
        if self.plain:
            return "Receipt"
        return "Superbill" if self.kind == SUPERBILL else "Insurance Receipt"

    @property
    def file_stem(self) -> str:
        """``receipt-A000123`` or ``superbill-C0042-2026-01-01-to-2026-03-31``; an ID
        that is not plain capitals and digits carries a digest (:func:`file_part`)."""
        if self.kind == SUPERBILL:
            first, last = self.period
            return f"superbill-{file_part(self.client.client_id)}-{first}-to-{last}"
        return f"receipt-{file_part(self.appointment_ids[0])}"

    def fingerprint(self) -> str:
        """A short digest of the content (not the issue date): it changes when the money,
        the codes or the details on the receipt change."""
        content = repr((self.number, self.practice, self.client, self.therapists,
                        self.coverages, self.diagnoses, self.services, self.payments,
                        self.totals, self.visits))
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
        style = style_of(book.settings)
        span = (f"from {show_date(first, style) if first else 'the start'} to "
                f"{show_date(last, style) if last else 'today'}")
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
def build_receipt(book: Book, visits: list[Visit], as_of: date, kind: str = RECEIPT,
                  on_file: bool = False) -> Receipt:
    """The receipt (one visit) or superbill (several) as of a date.

    Args:
        book: the practice.
        visits: the visits, all of one client, validated by :func:`receipt_problems`.
        as_of: the issue date; lines and payments dated after it are left out.
        kind: :data:`RECEIPT` or :data:`SUPERBILL`.
        on_file: the receipt is emailed: signed "Signature on file" with its date.

    Returns:
        The receipt's content.

    Raises:
        BadRequest: a visit is dated after ``as_of``.
    """
    balances = [_balance(book, v, as_of) for v in visits]
    states = [insurer_state(book, v, as_of, b) for v, b in zip(visits, balances)]
    first = visits[0].first
    diagnoses = _diagnoses(visits)
    dates = [v.date_of_service for v in visits]
    services = [row for v in visits for row in _service_rows(book, v, diagnoses)]
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
        services=tuple(_numbered(services)),
        payments=tuple(sorted((row for v in visits for row in _payment_rows(book, v, as_of)),
                              key=lambda r: (r.date_of_service or date.min, r.date_received,
                                             r.appointment_id))),
        totals=_totals(visits, balances, states),
        appointment_ids=tuple(v.appointment_id for v in visits),
        visits=tuple(VisitState(v.appointment_id, v.date_of_service, s, b.client_due,
                                b.insurance_due)
                     for v, s, b in zip(visits, states, balances)),
        on_file=on_file,
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
        style = style_of(book.settings)
        raise BadRequest(f'appointment "{visit.appointment_id}" is dated '
                         f"{show_date(visit.date_of_service, style)}, after the receipt date "
                         f"{show_date(as_of, style)}")
    return found


def _therapists(book: Book, visits: list[Visit]) -> tuple[Therapist, ...]:
    out: dict[str, Therapist] = {}
    for visit in visits:
        for line in visit.lines:
            member = book.staff.get(line.staff_id)
            if member is not None and member.staff_id not in out:
                out[member.staff_id] = Therapist(
                    member.staff_id, one_line(member.name), member.credentials, member.npi,
                    member.license_number, member.license_state, member.taxonomy_code,
                    _signature(book, member))
    return tuple(out.values())


def signature_path(book: Book, typed: str) -> str:
    """A Signature Image's file: as typed when absolute, else beside the workbook."""
    return os.path.join(os.path.dirname(book.path or ""), typed.strip())


def _signature(book: Book, member) -> str | None:
    typed = (getattr(member, "signature_image", None) or "").strip()
    return signature_path(book, typed) if typed else None


def _coverages(book: Book, visits: list[Visit]) -> tuple[Coverage, ...]:
    out: dict[str, Coverage] = {}
    for visit in visits:
        policy = book.policies.get(visit.first.policy_id or "")
        if policy is None or policy.policy_id in out:
            continue
        payer = book.payers.get(policy.payer_id)
        out[policy.policy_id] = Coverage(
            policy_id=policy.policy_id,
            payer_name=one_line(payer.name) if payer else policy.payer_id,
            payer_type=payer.type if payer else None,
            member_id=policy.member_id, group_number=policy.group_number,
            subscriber=_subscriber(policy),
            claim_number=visit.claim_number or policy.claim_number,
            date_of_injury=policy.date_of_injury,
            referring_provider=policy.referring_provider,
            referring_npi=policy.referring_npi,
            employer=one_line(policy.employer) or None)
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
            description=one_line(service.description) if service else "",
            minutes=line.minutes, units=units,
            pointers="".join(icd10.pointer(diagnoses.index(c)) for c in codes),
            charge=charge, staff_id=line.staff_id,
            modifiers=modifiers_text(getattr(line, "modifiers", None))))
    return rows


def _numbered(rows: list[ServiceRow]) -> list[ServiceRow]:
    from dataclasses import replace

    return [replace(row, number=i) for i, row in enumerate(rows, start=1)]


def _payment_rows(book: Book, visit: Visit, as_of: date) -> list[PaymentRow]:
    rows = []
    dos = visit.date_of_service
    for line in visit.lines:
        if line.client_paid:
            how = f" ({line.payment_method})" if line.payment_method else ""
            rows.append(PaymentRow(line.date_of_service, "Client", f"You, at the visit{how}",
                                   None, visit.appointment_id, line.client_paid, 0, None, dos))
    undone = _undone_payments(visit, as_of)
    for payment in visit.payments:
        if payment.date_received is None or payment.date_received > as_of:
            continue
        if payment.payment_id in undone or is_reversal(payment):
            continue
        rows.append(PaymentRow(payment.date_received, payment.source, _paid_by(book, payment),
                               payment.reference, visit.appointment_id, payment.amount or 0,
                               payment.adjustment or 0, payment.adjustment_reason, dos,
                               tuple(reason_codes(payment))))
    return rows


def _undone_payments(visit: Visit, as_of: date) -> set[str]:
    """The payments voided by a reversal dated by ``as_of``: the pair nets to nothing,
    so neither is a line (a reversal is never shown as a refund)."""
    return {reversed_id(p) for p in visit.payments if is_reversal(p)
            and p.date_received is not None and p.date_received <= as_of}


def _paid_by(book: Book, payment) -> str:
    if payment.source == "Insurance":
        payer = book.payers.get(payment.payer_id or "")
        return one_line(payer.name) if payer else "Insurance"
    if (payment.amount or 0) < 0:
        return "Refund to you"
    method = getattr(payment, "payment_method", None)
    return f"You ({method})" if method else "You"


def _totals(visits: list[Visit], balances: list[VisitBalance],
            states: list[InsurerState]) -> Totals:
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
        client_due=sum(b.client_due for b in balances),
        by_payer=_by_payer(balances, states))


def _by_payer(balances: list[VisitBalance], states: list[InsurerState]) -> tuple:
    sums: dict[str, list[int]] = {}
    for b, state in zip(balances, states):
        if state.payer_name is None:
            continue
        paid, adjusted, pending, denied = sums.setdefault(state.payer_name, [0, 0, 0, 0])
        denial = state.kind == "denied"
        sums[state.payer_name] = [paid + b.insurance_paid, adjusted + b.adjustments,
                                  pending + (0 if denial else b.insurance_due),
                                  denied + (b.insurance_due if denial else 0)]
    return tuple(PayerMoney(name, *money) for name, money in sums.items())
