"""Posting electronic remittances (835): what each one adds to the workbook, and what
it refuses.

Pure planning: remittances as read from the files and the part of the book they touch
come in; the Payments and Remittances rows to append come out, with the reason for
every claim or remittance that posts nothing. Nothing is written before every check
has passed:

- each claim balances: charge - every adjustment (claim and line level) = paid;
- each remittance balances: claims paid - provider-level adjustments = the payment;
- a trace number already on the Remittances sheet posts nothing again (claims left
  unposted then, e.g. unmatched, post when the file is read again);
- the payer is on the Payers sheet (or named with ``--payer``).

One Payments row per claim: Amount = what the insurer paid; Adjustment = the CO, OA,
PI (and 4010's CR) amounts, except OA-23 (what earlier payers paid and adjusted, on the
books already); Patient Responsibility = the PR amounts; Reason Codes = every code
given; Claim Status Code, Remittance (the trace number) and Product Title filled.
A denial is a $0 row that writes nothing off (the visit becomes Denied, for
follow-up). A reversal (status 22) is a row that undoes the original row exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from claimbook.compute.balances import Visit, VisitBalance, balance_of, visits_of
from claimbook.compute.era_match import Matcher, find_payer, plain
from claimbook.rules import carc, schema
from claimbook.rules.changes import Changes, new_record, next_ids, row_values, with_records
from claimbook.rules.dates import DEFAULT_STYLE, show_date, style_of
from claimbook.rules.money import dollars, fmt
from claimbook.rules.records import Book, Payment

if TYPE_CHECKING:
    from claimbook.io.x12.era835 import Claim, Remittance

PAID, DENIED, REVERSAL, FORWARDED = "paid", "denied", "reversal", "forwarded"


@dataclass(frozen=True)
class EraRequest:
    """``claimbook era``'s options."""

    posted_on: date  # the Posted date (and the date of a remittance that gives none)
    payer_id: str | None = None  # --payer: the Payers row every remittance comes from


@dataclass
class ClaimPosting:
    """One claim: the visit it was matched to and the row planned, or why not."""

    claim: Claim
    appointment_id: str | None = None
    kind: str = PAID
    payment: object | None = None  # the Payments record planned
    why: str | None = None  # why nothing posts
    notes: list[str] = field(default_factory=list)
    done_before: bool = False  # posted by an earlier run, or recorded by hand

    @property
    def posted(self) -> bool:
        return self.payment is not None


@dataclass
class RemittancePosting:
    """One remittance that posts (all its claims, or those still unposted)."""

    remittance: Remittance
    payer: object
    claims: list[ClaimPosting]
    row: dict | None  # the Remittances row (None when the sheet has it already)

    @property
    def payments(self) -> list:
        return [c.payment for c in self.claims if c.payment is not None]


@dataclass(frozen=True)
class Refusal:
    """A remittance that posts nothing, and why."""

    file: str
    trace_number: str
    why: str


@dataclass
class EraPlan:
    """Everything ``claimbook era`` would write, and what it refused."""

    posted: list[RemittancePosting]
    refused: list[Refusal]
    changes: Changes
    warnings: list[str] = field(default_factory=list)
    balances: dict[str, VisitBalance] = field(default_factory=dict)  # visits posted, after
    date_style: str = DEFAULT_STYLE  # the practice's, for what is printed

    @property
    def payments(self) -> list:
        return [p for r in self.posted for p in r.payments]


# -- planning ------------------------------------------------------------------------------
def plan_era(book: Book, remittances: list[Remittance], payment_keys: list[str],
             req: EraRequest) -> EraPlan:
    """Plan the posting of remittances.

    Args:
        book: the visits the remittances may speak of (see ``era_selection``), every
            payer, and the Remittances sheet.
        remittances: as read from the 835 files, in order.
        payment_keys: every Payment ID on the Payments sheet (for the next ones).
        req: the options.

    Returns:
        The rows to write and every refusal, with its reason.
    """
    visits = visits_of(book)
    most = sum(len(r.claims) for r in remittances)
    planner = _Planner(book, visits, req, iter(next_ids(payment_keys, most, "PMT000000")))
    for remittance in remittances:
        planner.plan(remittance)
    changes = Changes()
    changes.add("Payments", [row_values(p, "Payments") for p in planner.payments])
    changes.add("Remittances", [r.row for r in planner.posted if r.row is not None])
    after = balances_after(book, planner.payments, req.posted_on)
    warnings = planner.warnings + [
        f'appointment "{visit_id}" is overpaid now: a credit of {dollars(-now.balance)}'
        for visit_id, now in after.items() if now is not None and now.balance < 0]
    return EraPlan(planner.posted, planner.refused, changes, warnings, after,
                   planner.style)


def balances_after(book: Book, payments: list, posted_on: date) -> dict[str, VisitBalance]:
    """What each visit paid by ``payments`` owes once they are written, as of the day of
    posting (or of the payment, or of the visit, when later)."""
    after = with_records(book, [], payments)
    visits = visits_of(after)
    out = {}
    for payment in payments:
        visit = visits[payment.appointment_id]
        day = max(d for d in (posted_on, payment.date_received, visit.date_of_service) if d)
        out[payment.appointment_id] = balance_of(after, visit, day)
    return out


class _Planner:
    """Plans remittance after remittance, remembering what it planned already."""

    def __init__(self, book: Book, visits: dict[str, Visit], req: EraRequest, ids):
        self.book, self.visits, self.req, self.ids = book, visits, req, ids
        self.style = style_of(book.settings)
        self.matcher = Matcher(book, visits)
        self.posted: list[RemittancePosting] = []
        self.refused: list[Refusal] = []
        self.payments: list = []
        self.warnings: list[str] = []
        self.traces = {plain(r.trace_number): r for r in book.remittances if r.trace_number}
        self.coverage = {(p.client_id, p.payer_id) for p in book.policies.values()}
        self.planned_traces: dict[str, Remittance] = {}

    def refuse(self, remittance: Remittance, why: str) -> None:
        self.refused.append(Refusal(remittance.file, remittance.trace_number, why))

    def plan(self, remittance: Remittance) -> None:
        why = _unbalanced(remittance) or self._duplicate_in_run(remittance)
        if why:
            self.refuse(remittance, why)
            return
        payer = self._payer(remittance)
        if payer is None:
            self.refuse(remittance, _unknown_payer(remittance))
            return
        known = self.traces.get(plain(remittance.trace_number))
        claims = self._claims(remittance, payer, known)
        if remittance.claims and not any(c.posted for c in claims):
            self.refuse(remittance, _nothing_posted(known, claims, self.style))
            return
        self.planned_traces[plain(remittance.trace_number)] = remittance
        row = None if known is not None else _remittance_row(remittance, payer, self.req)
        self.posted.append(RemittancePosting(remittance, payer, claims, row))
        self.warnings += remittance.notes + _remittance_warnings(self.book, remittance, claims)

    def _duplicate_in_run(self, remittance: Remittance) -> str | None:
        earlier = self.planned_traces.get(plain(remittance.trace_number))
        if earlier is None:
            return None
        return (f"the same trace number as {earlier.file} segment {earlier.segment}: posted "
                "once")

    def _payer(self, remittance: Remittance):
        if self.req.payer_id:
            return self.book.payers.get(self.req.payer_id)
        return find_payer(self.book, remittance)

    # claims
    def _claims(self, remittance: Remittance, payer, known) -> list[ClaimPosting]:
        shared = shared_pcns(remittance.claims)
        taken: set[str] = set()
        out = []
        for claim in remittance.claims:
            posting = ClaimPosting(claim)
            out.append(posting)
            why = _not_to_post(claim)
            if why:
                posting.why = why
                continue
            found = self.matcher.match(claim, plain(claim.patient_control_number) in shared,
                                       taken)
            if found.visit is None:
                posting.why = found.why
                continue
            visit = found.visit
            posting.appointment_id = visit.appointment_id
            if claim.status != carc.REVERSAL:
                taken.add(visit.appointment_id)
            posting.why = self._check_visit(visit, payer, remittance, claim)
            done = _done_before(visit, payer, remittance, claim, known, self.style)
            if posting.why is None and done:
                posting.why, posting.done_before = done, True
            if posting.why is None:
                self._plan_row(posting, visit, remittance, payer)
        return out

    def _check_visit(self, visit: Visit, payer, remittance: Remittance,
                     claim: Claim) -> str | None:
        first = visit.first
        if first.policy_id is None:
            return f'appointment "{visit.appointment_id}" is self-pay'
        policy = self.book.policies.get(first.policy_id)
        if policy is not None and policy.payer_id != payer.payer_id \
                and (first.client_id, payer.payer_id) not in self.coverage:
            return (f'{payer.payer_id} is not the payer of appointment "{visit.appointment_id}" '
                    f'(its policy "{policy.policy_id}" is with {policy.payer_id})')
        return None

    def _plan_row(self, posting: ClaimPosting, visit: Visit, remittance: Remittance,
                  payer) -> None:
        claim = posting.claim
        values = _base_values(self.book, visit, remittance, payer, claim, self.req)
        if claim.status == carc.REVERSAL:
            original = self._original(visit, payer, claim)
            if original is None:
                posting.why = (f"nothing from {payer.payer_id} of {dollars(-claim.paid)} on "
                               f'appointment "{visit.appointment_id}" to reverse')
                return
            posting.kind = REVERSAL
            values.update(amount=-(original.amount or 0),
                          adjustment=_negated(original.adjustment),
                          adjustment_reason=original.adjustment_reason,
                          patient_responsibility=_negated(original.patient_responsibility))
            posting.notes.append(f"Reverses {original.payment_id}")
        else:
            posting.kind, extra = _money_values(claim, posting.notes)
            values.update(extra)
        values["payment_id"] = next(self.ids)
        values["notes"] = "; ".join(_row_notes(claim, posting.notes))
        posting.payment = new_record(Payment, "Payments", values)
        self.payments.append(posting.payment)
        visit.payments.append(posting.payment)  # a later claim of the run sees it

    def _original(self, visit: Visit, payer, claim: Claim):
        """The insurance row a reversal undoes: the last one from this payer of the
        reversed amount that no earlier reversal has undone."""
        rows = [p for p in visit.payments
                if p.source == "Insurance" and p.payer_id == payer.payer_id]

        def reverses(p) -> bool:
            return p.claim_status_code == carc.REVERSAL or (p.amount or 0) < 0

        originals = [p for p in rows if (p.amount or 0) == -claim.paid and not reverses(p)]
        undone = sum(1 for p in rows if (p.amount or 0) == claim.paid and reverses(p))
        left = originals[undone:]
        return left[-1] if left else None


# -- the money of one claim ---------------------------------------------------------------
def _money_values(claim: Claim, notes: list[str]) -> tuple[str, dict]:
    """The kind of answer and the Payments money fields of a claim that is not a
    reversal."""
    pairs = [(a.group, a.reason) for a in claim.all_adjustments]
    responsibility = claim.total("PR")
    if carc.is_denial(claim.status, claim.paid, pairs):
        left = claim.total() - responsibility
        notes.append(f"Denied: {carc.denial_words(claim.reason_codes)}"
                     + (f"; {dollars(left)} not written off: correct and resubmit, appeal, "
                        "or write it off" if left else ""))
        return DENIED, {"amount": claim.paid, "patient_responsibility": responsibility or None}
    written_off = [a for a in claim.all_adjustments
                   if a.group != "PR" and a.reason != carc.PRIOR_PAYERS]
    prior = sum(a.amount for a in claim.all_adjustments
                if a.group != "PR" and a.reason == carc.PRIOR_PAYERS)
    if prior:
        notes.append(f"{dollars(prior)} of earlier payers (OA-23) not written off again")
    kind = FORWARDED if claim.status in carc.FORWARDED else PAID
    if kind == FORWARDED:
        notes.append(f"Forwarded by the payer to {claim.forwarded_to or 'another payer'} "
                     "(crossover): do not bill the secondary yourself")
    adjustment = sum(a.amount for a in written_off)
    reasons = " ".join(dict.fromkeys(a.code for a in written_off))
    return kind, {"amount": claim.paid, "adjustment": adjustment or None,
                  "adjustment_reason": reasons or None,
                  "patient_responsibility": responsibility or None}


def _base_values(book: Book, visit: Visit, remittance: Remittance, payer, claim: Claim,
                 req: EraRequest) -> dict:
    client = book.clients.get(visit.first.client_id)
    title = None
    if client is not None and visit.date_of_service:
        title = schema.product_title(client.first_name or "", client.last_name or "",
                                     visit.date_of_service)
    return {"payment_id": None, "date_received": remittance.date or req.posted_on,
            "source": "Insurance", "payer_id": payer.payer_id,
            "reference": remittance.trace_number, "appointment_id": visit.appointment_id,
            "product_title": title, "claim_status_code": claim.status,
            "reason_codes": " ".join(claim.reason_codes) or None,
            "remittance": remittance.trace_number}


def _row_notes(claim: Claim, notes: list[str]) -> list[str]:
    out = list(notes)
    if claim.payer_claim_number:
        out.append(f"payer claim {claim.payer_claim_number}")
    remarks = claim.all_remarks
    if remarks:
        out.append("remarks " + " ".join(remarks))
    return out


def _negated(cents: int | None) -> int | None:
    return -cents if cents else None


def _not_to_post(claim: Claim) -> str | None:
    if claim.status == "25":
        return "predetermination only (status 25): nothing to post"
    if claim.status == "23":
        return ("the payer says it is not its claim and forwarded it (status 23): nothing to "
                "post")
    return None


def _done_before(visit: Visit, payer, remittance: Remittance, claim: Claim,
                 known, style: str = DEFAULT_STYLE) -> str | None:
    """Why the claim is on the sheet already: posted from this remittance by an earlier
    run (its Remittance and Claim Status Code), or recorded by hand with ``pay`` (the
    trace number as its Reference, from this payer)."""
    trace = plain(remittance.trace_number)
    for p in visit.payments:
        if not p.src.row:  # planned by this run
            continue
        if plain(p.remittance) == trace and (p.claim_status_code or "") == claim.status:
            when = known.posted or known.date if known is not None else p.date_received
            return f"already posted on {_shown(when, style)} ({p.src.cell('payment_id')})"
        if not p.remittance and plain(p.reference) == trace and p.payer_id == payer.payer_id:
            return (f"already recorded on {_shown(p.date_received, style)} with reference "
                    f"{p.reference} ({p.src.cell('payment_id')})")
    return None


def shared_pcns(claims: list[Claim]) -> set[str]:
    """The CLP01s that several claims of one remittance share for different patients."""
    patients: dict[str, set] = {}
    for claim in claims:
        who = (plain(claim.patient.last), plain(claim.patient.first),
               plain(claim.patient.member_id)) if claim.patient else ()
        patients.setdefault(plain(claim.patient_control_number), set()).add(who)
    return {pcn for pcn, who in patients.items() if len(who) > 1}


# -- the remittance ------------------------------------------------------------------------
def _unbalanced(remittance: Remittance) -> str | None:
    for claim in remittance.claims:
        if claim.unbalanced_by:
            return (f"claim {claim.patient_control_number} (segment {claim.segment}) does not "
                    f"balance: charge {dollars(claim.charge)} - adjustments "
                    f"{dollars(claim.total())} - paid {dollars(claim.paid)} leaves "
                    f"{dollars(claim.unbalanced_by)}")
    off = remittance.unbalanced_by
    if off:
        return (f"does not balance: claims paid {dollars(remittance.claims_paid)} - provider "
                f"adjustments {dollars(remittance.provider_total)} = "
                f"{dollars(remittance.claims_paid - remittance.provider_total)}, but the payment "
                f"is {dollars(remittance.amount)} (a difference of {dollars(off)})")
    return None


def _nothing_posted(known, claims: list[ClaimPosting], style: str = DEFAULT_STYLE) -> str:
    """Why a remittance with claims posts none of them."""
    left = [c for c in claims if not c.done_before]
    if known is not None:
        why = (f"already posted on {_shown(known.posted or known.date, style)} (Remittances "
               f"row {known.src.row})")
    elif not left:
        return f"every claim is on the sheet already ({claims[0].why})"
    else:
        why = "no claim could be posted"
    if left:
        first = left[0]
        why += (f"; {len(left)} claim{'s' if len(left) > 1 else ''} not posted: "
                f"{first.claim.patient_control_number}: {first.why}")
    return why


def _remittance_warnings(book: Book, remittance: Remittance,
                         claims: list[ClaimPosting]) -> list[str]:
    """What to look at although it posts: a payee NPI that is not the practice's, a
    CLP05 that disagrees with the PR adjustments (these are what post)."""
    out = []
    ours = book.settings.billing_npi
    if ours and remittance.payee_npi and remittance.payee_npi != ours:
        out.append(f"{remittance.file}: the remittance is for NPI {remittance.payee_npi} "
                   f"({remittance.payee_name}), not the Practice's Billing NPI {ours}: is it "
                   "another practice's?")
    for posting in claims:
        claim = posting.claim
        said, given = claim.patient_responsibility, claim.total("PR")
        if posting.posted and said is not None and said != given:
            out.append(f"{remittance.file}: claim {claim.patient_control_number} (segment "
                       f"{claim.segment}) says the patient owes {dollars(said)} (CLP05) but its "
                       f"PR adjustments come to {dollars(given)}; {dollars(given)} was posted")
    return out


def _unknown_payer(remittance: Remittance) -> str:
    ids = f" (payer ID {', '.join(remittance.payer_ids[:2])})" if remittance.payer_ids else ""
    return (f'the payer "{remittance.payer_name or "unnamed"}"{ids} is not on the Payers sheet: '
            "give its Electronic Payer ID there, or name it with --payer PAYER_ID")


def _remittance_row(remittance: Remittance, payer, req: EraRequest) -> dict:
    return {"trace_number": remittance.trace_number,
            "date": remittance.date or req.posted_on, "payer_id": payer.payer_id,
            "amount": remittance.amount, "claims_paid": remittance.claims_paid,
            "provider_adjustments": provider_adjustments_text(remittance),
            "method": remittance.method, "file": _base_name(remittance.file),
            "posted": req.posted_on}


def provider_adjustments_text(remittance: Remittance) -> str | None:
    """The PLB amounts with their codes: ``L6 -3.95 (interest owed); WO 12.00 (overpayment
    recovery, ref 1234)``; a positive amount took money off the payment."""
    parts = []
    for p in remittance.provider_adjustments:
        ref = f", ref {p.reference}" if p.reference else ""
        parts.append(f"{p.reason} {fmt(p.amount)} ({carc.provider_adjustment_words(p.reason)}"
                     f"{ref})")
    return "; ".join(parts) or None


def _base_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _shown(day: date | None, style: str) -> str:
    """A date as the owner reads it, in the practice's style: 11/02/2026."""
    return show_date(day, style) if day else "an earlier day"
