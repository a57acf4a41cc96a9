"""Billing the visits: which visits to claim, their claims, and what to write back.

``claimbook claim`` reads the workbook, asks :func:`plan_claims` for the claims (and the
visits left out, each with the problems that keep it out), has the CMS-1500s and 837P
files written by ``io``, then writes back what :func:`claim_changes` plans: each claimed
visit's Billed Date and Claim Status, and one Claims Log row per file. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from claimbook.compute.balances import Visit, visits_of
from claimbook.compute.billing_provider import billing_of
from claimbook.compute.claims import NEW, VOID, Claim, claim_for
from claimbook.rules.changes import CellChange, Changes
from claimbook.rules.dates import DEFAULT_STYLE, show_date, style_of
from claimbook.rules.money import dollars
from claimbook.rules.problems import BadData, BadRequest, Problem
from claimbook.rules.records import Book
from claimbook.rules.voids import is_reversal, visit_void

BILLED = "Billed"
STATUS_AFTER = {"7": "Corrected", "8": "Voided"}  # Claim Status after a resubmission
LOG = "Claims Log"


@dataclass(frozen=True)
class ClaimRequest:
    """What the owner asked ``claimbook claim`` for."""

    day: date  # the billed date: visits dated after it are not billed yet
    appointment_ids: tuple[str, ...] = ()
    unbilled: bool = False
    payer_id: str | None = None
    first: date | None = None
    last: date | None = None
    resubmit: str | None = None  # an Appointment ID to correct (7) or void (8)
    frequency: str = NEW
    electronic: bool = False  # an 837P is wanted
    test: bool = False  # an 837P test file: nothing is marked billed


@dataclass
class ClaimRun:
    """The claims to send and the visits left out, with why."""

    claims: list[Claim] = field(default_factory=list)
    left_out: list[tuple[str, list[Problem]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    voided: list[tuple[str, str]] = field(default_factory=list)  # (ID, "voided on ...")
    date_style: str = DEFAULT_STYLE  # the practice's, for what is printed

    def by_payer(self, order: list[str] | None = None) -> dict[str, list[Claim]]:
        """The claims grouped by payer: in ``order`` (the Payers sheet's), else as found."""
        out: dict[str, list[Claim]] = {p: [] for p in order or ()}
        for claim in self.claims:
            out.setdefault(claim.payer.payer_id, []).append(claim)
        return {p: claims for p, claims in out.items() if claims}


@dataclass(frozen=True)
class ClaimFile:
    """One file written: a PDF of CMS-1500s or an 837P, for one payer."""

    payer_id: str
    kind: str  # CMS-1500 red, CMS-1500 full, 837P, 837P test
    path: str
    claims: tuple[Claim, ...]
    control_number: int | None = None


def plan_claims(book: Book, request: ClaimRequest) -> ClaimRun:
    """The claims of the visits asked for, each checked before anything is written.

    Args:
        book: the practice.
        request: the visits (by ID, every unbilled one, or one to resubmit) and options.

    Returns:
        The claims, and the visits left out with the problems that keep each out.

    Raises:
        BadData: the Practice sheet lacks what every claim needs (billing NPI, Tax ID ...).
        BadRequest: an Appointment ID that is not in the workbook, or a resubmission of a
            visit never billed.
    """
    billing, problems = billing_of(book.settings, request.electronic)
    if problems:
        raise BadData(problems)
    visits = visits_of(book)
    run = ClaimRun(date_style=style_of(book.settings))
    for visit in _chosen(book, visits, request, run):
        claim, problems = claim_for(book, visit, billing, request.frequency, request.electronic)
        if claim is None:
            run.left_out.append((visit.appointment_id, problems))
            continue
        run.claims.append(claim)
        run.warnings += _late(book, visit, claim, request.day, run.date_style)
    return run


def _chosen(book: Book, visits: dict[str, Visit], request: ClaimRequest,
            run: ClaimRun) -> list[Visit]:
    if request.resubmit:
        visit = _known(visits, request.resubmit)
        if visit.billed_date is None:
            raise BadRequest(f'appointment "{visit.appointment_id}" was never billed; there is '
                             "no claim to correct or void (claim it without --resubmit)")
        visit = _resubmitted(visit, request, run.date_style)
        return [visit] if _insured(visit, run) else []
    if request.appointment_ids:
        chosen = [_known(visits, a) for a in dict.fromkeys(request.appointment_ids)]
        return [v for v in chosen if _not_voided(v, run) and _insured(v, run)
                and _not_billed(v, run, run.date_style)
                and _dated(v, request.day, run) and _in_scope(book, v, request)]
    return [v for v in visits.values() if _unbilled(v, request.day)
            and _in_scope(book, v, request)]


def _not_voided(visit: Visit, run: ClaimRun) -> bool:
    """A voided visit is left out in one line: when and why it was voided."""
    void = visit_void(visit.lines)
    if void is None:
        return True
    run.voided.append((visit.appointment_id, void.sentence(run.date_style)))
    return False


def _resubmitted(visit: Visit, request: ClaimRequest, style: str) -> Visit:
    """The visit whose claim is corrected or voided; a voided visit's claim can only be
    voided (frequency 8), from its own lines, never its reversal's."""
    void = visit_void(visit.lines)
    if void is None:
        return visit
    if request.frequency != VOID:
        raise BadRequest(f'appointment "{visit.appointment_id}" was {void.sentence(style)}: '
                         f"there is nothing to correct; --resubmit {visit.appointment_id} "
                         "--frequency 8 voids its claim")
    kept = [i for i, ln in enumerate(visit.lines) if not is_reversal(ln)]
    return Visit(visit.appointment_id, [visit.lines[i] for i in kept],
                 [visit.charges[i] for i in kept], visit.payments,
                 [visit.units[i] for i in kept])


def _known(visits: dict[str, Visit], appointment_id: str) -> Visit:
    visit = visits.get(appointment_id)
    if visit is None:
        raise BadRequest(f'no appointment "{appointment_id}" on Appointments')
    return visit


def _insured(visit: Visit, run: ClaimRun) -> bool:
    if visit.first.policy_id is None:
        run.left_out.append((visit.appointment_id, [visit.first.src.problem(
            "policy_id", "self-pay (no Policy ID): there is no insurer to bill")]))
        return False
    return True


def _not_billed(visit: Visit, run: ClaimRun, style: str) -> bool:
    if visit.billed_date is None:
        return True
    line = next(ln for ln in visit.lines if ln.billed_date == visit.billed_date)
    run.left_out.append((visit.appointment_id, [line.src.problem(
        "billed_date", f"already billed on {show_date(visit.billed_date, style)}; --resubmit "
                       f"{visit.appointment_id} --frequency 7 sends a corrected claim")]))
    return False


def _dated(visit: Visit, day: date, run: ClaimRun) -> bool:
    if visit.date_of_service is not None and visit.date_of_service <= day:
        return True
    run.left_out.append((visit.appointment_id, [visit.first.src.problem(
        "date_of_service", f"the visit is dated after {show_date(day, run.date_style)}; "
                           "bill it once it has taken place")]))
    return False


def _unbilled(visit: Visit, day: date) -> bool:
    """An insured visit that took place by ``day``, not billed, with no insurer's answer."""
    first = visit.first
    if first.policy_id is None or visit.billed_date is not None:
        return False
    if first.date_of_service is None or first.date_of_service > day:
        return False
    if visit_void(visit.lines) is not None:  # skipped silently
        return False
    return not any(p.source == "Insurance" for p in visit.payments)


def _in_scope(book: Book, visit: Visit, request: ClaimRequest) -> bool:
    dos = visit.date_of_service
    if request.first and (dos is None or dos < request.first):
        return False
    if request.last and (dos is None or dos > request.last):
        return False
    if request.payer_id:
        payer = book.payer_of(visit.first.policy_id)
        return payer is not None and payer.payer_id == request.payer_id
    return True


def _late(book: Book, visit: Visit, claim: Claim, day: date,
          style: str = DEFAULT_STYLE) -> list[str]:
    payer = book.payer_of(visit.first.policy_id)
    deadline = visit.date_of_service + timedelta(days=book.timely_filing_days(payer))
    if claim.frequency != NEW or deadline >= day:
        return []
    return [f"{visit.appointment_id}: past {payer.name}'s timely filing "
            f"({show_date(deadline, style)}); send proof of timely filing or expect a denial"]


# -- after claiming -------------------------------------------------------------------------
def next_control_number(log: list) -> int:
    """The 837P interchange control number after every one in the Claims Log."""
    used = [int(e.control_number) for e in log
            if e.control_number and str(e.control_number).isdigit()]
    return max(used, default=0) + 1


def claim_changes(request: ClaimRequest, files: list[ClaimFile]) -> Changes:
    """What claiming writes into the workbook.

    Each claimed visit (once, however many files it is in) gets the Billed Date and the
    Claim Status ``Billed``; a corrected or void claim changes only the Claim Status
    (``Corrected``, ``Voided``); an 837P test file marks nothing. Every file gets a
    Claims Log row.
    """
    changes = Changes()
    marked: set[str] = set()
    for file in files:
        if file.kind.endswith("test"):
            continue
        for claim in file.claims:
            if claim.appointment_id in marked:
                continue
            marked.add(claim.appointment_id)
            changes.cells += _marks(claim, request)
    changes.add(LOG, [{
        "date": request.day, "payer_id": f.payer_id,
        "appointment_ids": " ".join(c.appointment_id for c in f.claims), "kind": f.kind,
        "frequency": request.frequency, "claims": len(f.claims),
        "total_charge": sum(c.total for c in f.claims), "file": f.path,
        "control_number": f"{f.control_number:09d}" if f.control_number else None,
    } for f in files])
    return changes


def _marks(claim: Claim, request: ClaimRequest) -> list[CellChange]:
    out = []
    for row in claim.line_rows:
        if request.frequency == NEW:
            out.append(CellChange("Appointments", row, "billed_date", request.day))
        out.append(CellChange("Appointments", row, "claim_status",
                              STATUS_AFTER.get(request.frequency, BILLED)))
    return out


def claim_summary(claim: Claim, style: str = DEFAULT_STYLE) -> str:
    """One line for the terminal: ``A001290  11/25/2026  LEWIS, AVA  97124 x2  $64.00``."""
    codes = ", ".join(f"{ln.code} x{ln.units}" for ln in claim.lines)
    what = {VOID: " (void)", "7": " (corrected)"}.get(claim.frequency, "")
    return (f"{claim.appointment_id}  {show_date(claim.first_day, style)}  "
            f"{claim.patient.name.plain()}  {codes}  {dollars(claim.total)}{what}")
