"""What every paper a client receives shares: receipts, superbills and statements.

The practice and client blocks; where each visit stands with its insurer, told in the
client's words ("We billed Premera Blue Cross on 10/06/2026", "Premera Blue Cross denied
the claim: not deemed a medical necessity by the payer (CO-50)"); reason codes in words;
file names that never collide, even on a disk that ignores case. Pure computation: no
I/O, no Click.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from claimbook.compute.balances import DENIED, Visit, VisitBalance
from claimbook.rules import carc, icd10
from claimbook.rules.dates import DEFAULT_STYLE, show_date, style_of
from claimbook.rules.money import dollars
from claimbook.rules.records import Book, client_name

INJURY_PAYER_TYPES = ("Auto/PIP", "Workers Comp")
TOTAL, DETAIL = "total", "detail"  # the weight of a summary row
TEXT, DATE, MONEY, INT = "text", "date", "money", "int"  # the kind of a table's values

# Where a visit stands with an insurer, as the client is told.
SELF_PAY = "self-pay"  # no insurance, no diagnosis: a plain receipt
SUBMIT = "submit"  # no policy but diagnosis codes: the client submits it to their insurer
UNBILLED = "unbilled"  # insured, not billed yet: we will bill
BILLED = "billed"  # billed or answered: keep for your records
DENIAL = "denied"  # the insurer answered and paid nothing


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One line of a money summary: a label, an amount in cents, and its weight."""

    label: str
    cents: int
    style: str = ""  # "" | TOTAL (the headline) | DETAIL (smaller, below it)


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a table both writers draw: heading, kind of value, width in mm."""

    heading: str
    kind: str = TEXT
    width: float = 0  # 0: what is left
    align: str = "LEFT"


@dataclass(frozen=True, slots=True)
class PracticeInfo:
    """The practice as it heads every paper."""

    name: str
    address_lines: tuple[str, ...]
    phone: str | None
    email: str | None
    tax_id: str | None
    billing_npi: str | None
    date_style: str = DEFAULT_STYLE  # the practice's: every date on its papers


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """The client a paper is for."""

    client_id: str
    name: str
    date_of_birth: date | None
    address_lines: tuple[str, ...]
    email: str | None

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""


@dataclass(frozen=True, slots=True)
class InsurerState:
    """Where one visit stands with its insurer, for the client."""

    kind: str  # SELF_PAY, SUBMIT, UNBILLED, BILLED or DENIAL
    payer_name: str | None = None
    payer_type: str | None = None
    billed_on: date | None = None
    answered_on: date | None = None
    claim_number: str | None = None
    reasons: tuple[str, ...] = ()  # every reason code the insurer gave, in order
    claim_status: str | None = None  # the owner's own words (Appealed ...)

    @property
    def is_injury_claim(self) -> bool:
        return self.payer_type in INJURY_PAYER_TYPES


def one_line(text: object) -> str:
    """Text on one line, its accents composed (NFC): line breaks and runs of spaces
    become one space."""
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split())


def practice_info(book: Book) -> PracticeInfo:
    """The practice block from the Practice sheet."""
    s = book.settings
    city_line = " ".join(p for p in (f"{s.city}," if s.city else None, s.state, s.zip) if p)
    return PracticeInfo(
        name=one_line(s.practice_name), address_lines=tuple(
            one_line(p) for p in (s.address, city_line) if p),
        phone=s.phone, email=s.email, tax_id=s.tax_id, billing_npi=s.billing_npi,
        date_style=style_of(s))


def client_info(client) -> ClientInfo:
    """The client block from a Clients row."""
    city = " ".join(p for p in (f"{client.city}," if client.city else None,
                                client.state, client.zip) if p)
    return ClientInfo(
        client_id=client.client_id, name=one_line(client_name(client)),
        date_of_birth=client.date_of_birth,
        address_lines=tuple(one_line(p) for p in (client.address, city) if p),
        email=client.email)


# -- where a visit stands ----------------------------------------------------------------
def reason_codes(payment) -> list[str]:
    """Every reason code of a Payments row: Adjustment Reason and Reason Codes."""
    codes: list[str] = []
    for text in (payment.adjustment_reason, getattr(payment, "reason_codes", None)):
        for code in carc.reasons_in(text):
            if code not in codes:
                codes.append(code)
    return codes


def insurer_state(book: Book, visit: Visit, as_of: date,
                  balance: VisitBalance | None = None) -> InsurerState:
    """Where ``visit`` stands with its insurer as of a date, as the client is told.

    Args:
        book: the practice.
        visit: the visit.
        as_of: rows dated after it are not known yet.
        balance: the visit's balance as of that date (its status tells a denial).

    Returns:
        The state: self-pay, to submit, unbilled, billed or denied, with the insurer.
    """
    payer = book.payer_of(visit.first.policy_id)
    if visit.first.policy_id is None or payer is None:
        has_codes = any(icd10.split_codes(ln.diagnosis_codes) for ln in visit.lines)
        return InsurerState(SUBMIT if has_codes else SELF_PAY)
    rows = [p for p in visit.payments if p.source == "Insurance"
            and p.date_received is not None and p.date_received <= as_of]
    billed = visit.billed_date if visit.billed_date and visit.billed_date <= as_of else None
    reasons: list[str] = []
    for row in rows:
        reasons += [c for c in reason_codes(row) if c not in reasons]
    kind = BILLED if (billed or rows) else UNBILLED
    if balance is not None and balance.status == DENIED:
        kind = DENIAL
    policy = book.policies.get(visit.first.policy_id)
    return InsurerState(
        kind, payer_name=one_line(payer.name), payer_type=payer.type, billed_on=billed,
        answered_on=max((r.date_received for r in rows), default=None),
        claim_number=visit.claim_number or (policy.claim_number if policy else None),
        reasons=tuple(reasons), claim_status=visit.claim_status)


def denial_reason(state: InsurerState) -> str:
    """Why the insurer paid nothing, in words: ``not deemed a medical necessity by the
    payer (CO-50)``; ``no reason given`` when the row has no code."""
    words = carc.denial_words(list(state.reasons))
    return "no reason given" if words == "denied" else words


def reason_legend(code: str) -> str:
    """A reason code explained to the client: ``CO-45: the charge exceeds ... (not billed
    to you)``; ``PR-1: applied to your deductible``."""
    parsed = carc.split_reason(code)
    group = parsed[0] if parsed else None
    if group == "PR":
        return f"{code}: {carc.client_words(code)}"
    words = carc.reason_words(code)
    words = words.rsplit(" (", 1)[0] if words.endswith(")") else words
    if group == "CO":
        return f"{code}: {words}; written off by us, not billed to you"
    return f"{code}: {words}"


def share_words(codes: list[str] | tuple[str, ...]) -> list[str]:
    """What the client's share is, from the PR codes: ``["applied to your deductible",
    "your copay"]``."""
    out = []
    for code in codes:
        words = carc.client_words(code) if code.upper().startswith("PR") else None
        if words and words not in out:
            out.append(words)
    return out


# -- money and dates as printed -------------------------------------------------------------
def date_text(day: date | None, style: str = DEFAULT_STYLE) -> str:
    """A date as printed, in the practice's style: ``10/02/2026`` (or ``2026-10-02``)."""
    return show_date(day, style) if day else ""


def shown(value: object, style: str = DEFAULT_STYLE) -> str:
    """A block value as printed: dates as ``10/02/2026``, text as it is."""
    return date_text(value, style) if isinstance(value, date) else str(value or "")


def money_text(cents: int) -> str:
    """``-2000`` -> ``-$20.00``."""
    return dollars(cents)


def visits_text(days: list[date], style: str = DEFAULT_STYLE) -> str:
    """``the visit of 10/02/2026``; ``the visits of 10/02/2026 and 10/09/2026``; more
    than six: ``the 12 visits from 10/02/2026 to 12/28/2026``."""
    texts = [date_text(d, style) for d in sorted(set(days))]
    if len(texts) > 6:
        return f"the {len(texts)} visits from {texts[0]} to {texts[-1]}"
    return f"the visit{'s' if len(texts) > 1 else ''} of {dates_text(days, style)}"


def dates_text(days: list[date], style: str = DEFAULT_STYLE) -> str:
    """``10/02/2026``; ``10/02/2026 and 10/09/2026``; ``10/02/2026, ... and 10/16/2026``."""
    texts = [date_text(d, style) for d in sorted(set(days))]
    if len(texts) <= 2:
        return " and ".join(texts)
    return ", ".join(texts[:-1]) + " and " + texts[-1]


def modifiers_text(typed: object) -> str:
    """The modifiers of a line as printed: ``gp,59`` -> ``GP 59``."""
    return " ".join(p.upper() for p in re.split(r"[\s,;]+", str(typed or "")) if p)


# -- file names -----------------------------------------------------------------------------
_PLAIN = re.compile(r"^[A-Z0-9][A-Z0-9.-]*$")
_MOST = 60  # characters of an ID kept in a file name


def file_part(text: str) -> str:
    """An ID as part of a file name, different for every different ID even on a disk
    that ignores case (macOS, Windows).

    IDs of capitals, digits, dots and dashes (``A001203``) are kept as they are; any
    other (``a001``, ``X 77``, ``X_77``) is made safe and followed by ``_`` and a digest
    of the exact ID, so ``a001`` and ``A001``, ``X 77`` and ``X_77`` never share a file.
    """
    if _PLAIN.match(text) and len(text) <= _MOST:
        return text
    safe = re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip(".-")[:_MOST] or "id"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return f"{safe}_{digest}"
