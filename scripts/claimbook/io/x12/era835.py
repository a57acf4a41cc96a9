"""Read an 835 (health care claim payment / remittance advice) into plain records.

One :class:`Remittance` per ST..SE (one check or EFT): the payment (BPR), its trace
number (TRN), the payer (N1*PR) and payee (N1*PE), each claim (CLP) with its claim-level
and line-level adjustments (CAS), service lines (SVC), patient (NM1*QC) and dates, and
the provider-level adjustments (PLB). 005010X221A1 and 004010X091A1 read the same way
(4010's CR group included).

Money is integer cents. What the posting does not need is read leniently (a check date
that is not a date falls back to the production date); what it does need is read
strictly (an amount that is not a number stops everything, naming the segment).
Nothing here knows the workbook: matching and posting are ``compute/era.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from claimbook.io.x12.tokens import Segment, Transaction, X12Error, read_interchange

__all__ = ["Adjustment", "Claim", "PaidLine", "Person", "ProviderAdjustment", "Remittance",
           "read_835"]

METHODS = {"CHK": "Check", "ACH": "EFT", "FWT": "EFT", "BOP": "EFT", "NON": "None"}
CAS_TRIPLETS = range(2, 20, 3)  # CAS02-04, 05-07 ... 17-19
PLB_PAIRS = range(3, 15, 2)  # PLB03-04 ... PLB13-14


@dataclass(frozen=True)
class Adjustment:
    """One CAS triplet: group (CO, PR, OA, PI, CR), reason, amount in cents."""

    group: str
    reason: str
    amount: int
    segment: int  # where it was read

    @property
    def code(self) -> str:
        """``CO-45``."""
        return f"{self.group}-{self.reason}"


@dataclass(frozen=True)
class Person:
    """A name from an NM1: last, first, and the member ID when given."""

    last: str
    first: str
    member_id: str | None = None

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first, self.last) if p)


@dataclass
class PaidLine:
    """One service line (SVC) of a claim."""

    segment: int
    qualifier: str
    code: str
    modifiers: tuple[str, ...]
    charge: int
    paid: int
    units: str | None = None
    original_code: str | None = None  # SVC06: the payer recoded the line
    start: date | None = None  # DTM*472, or DTM*150 .. DTM*151
    end: date | None = None
    control_number: str | None = None  # REF*6R, our line's echo
    allowed: int | None = None  # AMT*B6
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # LQ*HE


@dataclass
class Claim:
    """One claim (CLP) as the payer adjudicated it."""

    segment: int
    patient_control_number: str  # CLP01: what we sent as CLM01 (our Appointment ID)
    status: str  # CLP02
    charge: int  # CLP03
    paid: int  # CLP04
    patient_responsibility: int | None  # CLP05 as sent (the CAS PR groups are what post)
    payer_claim_number: str | None = None  # CLP07, the payer's ICN
    frequency: str | None = None  # CLP09
    patient: Person | None = None  # NM1*QC
    insured: Person | None = None  # NM1*IL
    corrected: Person | None = None  # NM1*74
    forwarded_to: str | None = None  # NM1*TT: the crossover payer
    start: date | None = None  # DTM*232
    end: date | None = None  # DTM*233
    received: date | None = None  # DTM*050
    adjustments: list[Adjustment] = field(default_factory=list)  # claim level
    lines: list[PaidLine] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # MOA / MIA

    @property
    def all_adjustments(self) -> list[Adjustment]:
        """Claim-level then line-level adjustments, as read."""
        return self.adjustments + [a for ln in self.lines for a in ln.adjustments]

    def total(self, *groups: str) -> int:
        """The sum of the adjustments of these groups (all of them when none given)."""
        return sum(a.amount for a in self.all_adjustments if not groups or a.group in groups)

    @property
    def unbalanced_by(self) -> int:
        """Charge - every adjustment - paid: 0 when the claim balances."""
        return self.charge - self.total() - self.paid

    @property
    def reason_codes(self) -> list[str]:
        """Every group-reason code, each once, in the order given (``CO-45``, ``PR-3``)."""
        return list(dict.fromkeys(a.code for a in self.all_adjustments))

    @property
    def all_remarks(self) -> list[str]:
        return list(dict.fromkeys(self.remarks + [r for ln in self.lines for r in ln.remarks]))

    def service_days(self, limit: int = 62) -> set[date]:
        """Every date of service the claim names (line dates and ranges, else the
        claim's statement period); ranges longer than ``limit`` days are left out."""
        spans = [(ln.start, ln.end or ln.start) for ln in self.lines if ln.start]
        if not spans and self.start:
            spans = [(self.start, self.end or self.start)]
        days: set[date] = set()
        for start, end in spans:
            if end < start or (end - start).days > limit:
                days.add(start)
                continue
            days.update(start + timedelta(days=i) for i in range((end - start).days + 1))
        return days


@dataclass(frozen=True)
class ProviderAdjustment:
    """One PLB amount: a positive one reduces the payment, a negative one adds to it."""

    reason: str
    reference: str | None
    amount: int
    segment: int


@dataclass
class Remittance:
    """One payment (ST..SE): a check, an EFT or a notice with no money."""

    file: str
    segment: int  # the ST's number in the file
    control_number: str
    version: str
    handling: str  # BPR01: I payment with remittance, H notification only ...
    amount: int  # BPR02 (negative when BPR03 says debit)
    method: str  # Check, EFT or None
    trace_number: str  # TRN02
    originator: str | None  # TRN03
    date: date | None  # BPR16, else DTM*405
    payer_name: str = ""
    payer_ids: tuple[str, ...] = ()  # N1*PR N104, REF*2U, TRN03
    payee_name: str = ""
    payee_npi: str | None = None
    claims: list[Claim] = field(default_factory=list)
    provider_adjustments: list[ProviderAdjustment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def claims_paid(self) -> int:
        return sum(c.paid for c in self.claims)

    @property
    def provider_total(self) -> int:
        return sum(p.amount for p in self.provider_adjustments)

    @property
    def unbalanced_by(self) -> int:
        """Claims paid - provider adjustments - the payment: 0 when it balances."""
        return self.claims_paid - self.provider_total - self.amount

    @property
    def where(self) -> str:
        return f"{self.file}: segment {self.segment} ST {self.control_number}"


# -- reading -------------------------------------------------------------------------------
def read_835(data: bytes, name: str) -> list[Remittance]:
    """Every remittance in an 835 file.

    Args:
        data: the file's bytes.
        name: its name, for messages.

    Raises:
        X12Error: the file is not an 835, or a value the posting needs cannot be read
            (the message names the file and segment).
    """
    out = []
    for tx in read_interchange(data, name):
        if tx.set_id != "835":
            raise tx.segments[0].error(f"a {tx.set_id or '(blank)'} transaction, not an 835 "
                                       "remittance")
        out.append(_remittance(tx))
    return out


def _remittance(tx: Transaction) -> Remittance:
    st = tx.segments[0]
    reader = _Reader(tx, st)
    for seg in tx.segments[1:]:
        reader.read(seg)
    return reader.finish()


class _Reader:
    """Walks one transaction's segments, filling the remittance loop by loop."""

    def __init__(self, tx: Transaction, st: Segment):
        self.tx, self.st = tx, st
        self.bpr: Segment | None = None
        self.trn: Segment | None = None
        self.production: date | None = None
        self.party: str | None = None  # the N1 loop we are in: PR or PE
        self.fields: dict = {"payer_ids": []}
        self.claims: list[Claim] = []
        self.plb: list[ProviderAdjustment] = []
        self.claim: Claim | None = None
        self.line: PaidLine | None = None

    def read(self, seg: Segment) -> None:
        handler = getattr(self, f"_{seg.tag.lower()}", None)
        if handler is not None:
            handler(seg)

    # header
    def _bpr(self, seg: Segment) -> None:
        self.bpr = seg

    def _trn(self, seg: Segment) -> None:
        self.trn = self.trn or seg

    def _n1(self, seg: Segment) -> None:
        self.party = seg.text(1)
        if self.party == "PR":
            self.fields["payer_name"] = seg.text(2)
            if seg.text(4):
                self.fields["payer_ids"].append(seg.text(4))
        elif self.party == "PE":
            self.fields["payee_name"] = seg.text(2)
            if seg.text(3) == "XX":
                self.fields["payee_npi"] = seg.text(4)

    def _ref(self, seg: Segment) -> None:
        qualifier, value = seg.text(1), seg.text(2)
        if self.line is not None and qualifier == "6R":
            self.line.control_number = value
        elif self.claim is None and self.party == "PR" and qualifier == "2U" and value:
            self.fields["payer_ids"].append(value)

    def _dtm(self, seg: Segment) -> None:
        qualifier, day = seg.text(1), _date(seg.text(2))
        if self.line is not None:
            if qualifier in ("472", "150"):
                self.line.start = day
            elif qualifier == "151":
                self.line.end = day
        elif self.claim is not None:
            if qualifier == "232":
                self.claim.start = day
            elif qualifier == "233":
                self.claim.end = day
            elif qualifier == "050":
                self.claim.received = day
        elif qualifier == "405":
            self.production = day

    # claims
    def _clp(self, seg: Segment) -> None:
        self.line = None
        self.claim = Claim(
            segment=seg.number, patient_control_number=seg.text(1), status=seg.text(2),
            charge=_required(seg, 3, "charge"), paid=_required(seg, 4, "paid amount"),
            patient_responsibility=seg.cents(5, "patient responsibility"),
            payer_claim_number=seg.text(7) or None, frequency=seg.text(9) or None)
        if not self.claim.patient_control_number:
            raise seg.error("no patient control number (CLP01)")
        self.claims.append(self.claim)

    def _cas(self, seg: Segment) -> None:
        target = self.line or self.claim
        if target is None:
            raise seg.error("an adjustment (CAS) outside any claim")
        group = seg.text(1).upper()
        if not group:
            raise seg.error("no adjustment group (CAS01)")
        for i in CAS_TRIPLETS:
            reason = seg.text(i).upper()
            if not reason:
                continue
            amount = _required(seg, i + 1, f"adjustment amount of {group}-{reason}")
            target.adjustments.append(Adjustment(group, reason, amount, seg.number))

    def _nm1(self, seg: Segment) -> None:
        if self.claim is None:
            return
        person = Person(seg.text(3), seg.text(4), seg.text(9) or None)
        role = seg.text(1)
        if role == "QC":
            self.claim.patient = person
        elif role == "IL":
            self.claim.insured = person
        elif role == "74":
            self.claim.corrected = person
        elif role == "TT":
            self.claim.forwarded_to = seg.text(3) or seg.text(9) or "another payer"

    def _moa(self, seg: Segment) -> None:
        if self.claim is not None:
            self.claim.remarks += [seg.text(i) for i in range(3, 8) if seg.text(i)]

    def _mia(self, seg: Segment) -> None:
        if self.claim is not None:
            self.claim.remarks += [seg.text(i) for i in (5, 20, 21, 22, 23) if seg.text(i)]

    def _svc(self, seg: Segment) -> None:
        if self.claim is None:
            raise seg.error("a service line (SVC) outside any claim")
        parts = seg.components(1)
        if len(parts) < 2 or not parts[1]:
            raise seg.error(f'SVC01 "{seg.text(1)}" has no procedure code')
        original = seg.components(6)
        self.line = PaidLine(
            segment=seg.number, qualifier=parts[0], code=parts[1],
            modifiers=tuple(p for p in parts[2:6] if p),
            charge=_required(seg, 2, "line charge"), paid=_required(seg, 3, "line paid amount"),
            units=seg.text(5) or None,
            original_code=original[1] if len(original) > 1 else None)
        self.claim.lines.append(self.line)

    def _amt(self, seg: Segment) -> None:
        if self.line is not None and seg.text(1) == "B6":
            self.line.allowed = seg.cents(2, "allowed amount")

    def _lq(self, seg: Segment) -> None:
        if self.line is not None and seg.text(1) == "HE" and seg.text(2):
            self.line.remarks.append(seg.text(2))

    def _lx(self, seg: Segment) -> None:
        self.claim, self.line = None, None

    def _plb(self, seg: Segment) -> None:
        self.claim, self.line = None, None
        for i in PLB_PAIRS:
            parts = seg.components(i)
            if not parts or not parts[0]:
                continue
            amount = _required(seg, i + 1, f"provider adjustment amount of {parts[0]}")
            reference = parts[1] if len(parts) > 1 and parts[1] else None
            self.plb.append(ProviderAdjustment(parts[0].upper(), reference, amount, seg.number))

    # the end
    def finish(self) -> Remittance:
        bpr, trn, st = self.bpr, self.trn, self.st
        if bpr is None:
            raise st.error(f"the remittance ST {st.text(2)} has no payment (BPR)")
        if trn is None or not trn.text(2):
            raise st.error(f"the remittance ST {st.text(2)} has no trace number (TRN02)")
        amount = _required(bpr, 2, "payment amount")
        if bpr.text(3) == "D":
            amount = -amount
        originator = trn.text(3) or None
        ids = list(self.fields.pop("payer_ids"))
        if originator:
            ids += [originator, originator[1:] if originator[:1] == "1" else originator]
        return Remittance(
            file=self.tx.file, segment=st.number, control_number=st.text(2),
            version=self.tx.version, handling=bpr.text(1), amount=amount,
            method=METHODS.get(bpr.text(4).upper(), "None" if amount == 0 else "EFT"),
            trace_number=trn.text(2), originator=originator,
            date=_date(bpr.text(16)) or self.production,
            payer_ids=tuple(dict.fromkeys(i for i in ids if i)), claims=self.claims,
            provider_adjustments=self.plb, notes=list(self.tx.context.notes), **self.fields)


def _required(seg: Segment, i: int, label: str) -> int:
    value = seg.cents(i, label)
    if value is None:
        raise seg.error(f"no {label}")
    return value


def _date(text: str) -> date | None:
    """CCYYMMDD (or 4010's YYMMDD) as a date; None when it is not one."""
    text = text.strip()
    if len(text) == 6 and text.isdigit():
        text = ("20" if int(text[:2]) < 70 else "19") + text
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def read_835_file(path: str) -> list[Remittance]:
    """Every remittance in the 835 file at ``path`` (named by its path in messages)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise X12Error(f"{path}: {exc.strerror}") from None
    return read_835(data, path)
