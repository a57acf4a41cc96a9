"""Post electronic remittances (835 files) into the workbook.

Every file is read first (a file that is not a readable 835 stops everything, naming
its segment); then the workbook is opened for the visits the remittances may speak
of, the posting is planned, and written through the one safe path (lock-file refusal,
backup, read back, atomic replace) unless it is a dry run.

    >>> done = post_remittances("practice.xlsx", ["remit.835"], EraRequest(date(2026, 11, 2)))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from claimbook.compute import reminders
from claimbook.compute.era import EraPlan, EraRequest, plan_era
from claimbook.io.x12.era835 import Remittance, read_835_file
from claimbook.io.xlsx.surgery import Written
from claimbook.rules.changes import with_records
from claimbook.usecases.workbook import Selection, open_for_change, write

__all__ = ["EraRequest", "Posted", "era_selection", "post_remittances", "read_remittances"]


@dataclass
class Posted:
    """What ``claimbook era`` did (or, in a dry run, would do)."""

    plan: EraPlan
    written: Written | None  # None in a dry run, or when nothing was to be written
    dry_run: bool
    payer_names: dict[str, str] = field(default_factory=dict)  # Payer ID -> Name


def read_remittances(files: list[str]) -> list[Remittance]:
    """Every remittance of every file, in order.

    Raises:
        X12Error: a file that cannot be read as an 835 (naming the file and segment).
    """
    return [r for path in files for r in read_835_file(path)]


def era_selection(remittances: list[Remittance]) -> Selection:
    """The visits the remittances may speak of: by Appointment ID (CLP01) and by the
    payer's claim number; and, for a claim with neither on the sheet (or a CLP01 that
    several patients' claims share), every visit on a date of service it names."""
    from claimbook.compute.era import shared_pcns
    from claimbook.compute.era_match import plain

    claims = [c for r in remittances for c in r.claims]
    shared = set().union(*(shared_pcns(r.claims) for r in remittances))
    dates, fallback = set(), []
    for claim in claims:
        days = frozenset(claim.service_days())
        if plain(claim.patient_control_number) in shared:
            dates |= days
        else:
            keys = {claim.patient_control_number, claim.payer_claim_number} - {None, ""}
            fallback.append((frozenset(keys), days))
    return Selection(
        visits=frozenset(c.patient_control_number for c in claims),
        dates=frozenset(dates),
        claim_numbers=frozenset(c.payer_claim_number for c in claims
                                if c.payer_claim_number),
        unless_found=tuple(fallback))


def post_remittances(path: str, files: list[str], req: EraRequest,
                     dry_run: bool = False) -> Posted:
    """Post the remittances of ``files`` into the workbook at ``path``.

    Args:
        path: the practice workbook.
        files: the 835 files.
        req: the posting date and the payer named with ``--payer``.
        dry_run: plan and report, write nothing.

    Returns:
        The plan (what posted and what was refused, with reasons) and what was written.

    Raises:
        X12Error: a file that cannot be read; nothing is written.
        BadRequest: ``--payer`` names no payer of the workbook.
        WorkbookInUse, BadData: as for every command that writes.
    """
    from claimbook.rules.problems import BadRequest

    remittances = read_remittances(files)
    opened = open_for_change(path, era_selection(remittances))
    book = opened.book
    if req.payer_id and req.payer_id not in book.payers:
        raise BadRequest(f'--payer {req.payer_id}: no payer "{req.payer_id}" in {path}')
    plan = plan_era(book, remittances, opened.keys("Payments"), req)
    payments = plan.payments
    if payments:
        after = with_records(book, [], payments)
        clients = _clients_of(book, payments)
        plan.changes.cells += reminders.reminder_changes(
            after, max(req.posted_on, date.today()), clients, optional=True)
    names = {p.payer_id: p.name for p in book.payers.values()}
    if dry_run or not (plan.changes.rows or plan.changes.cells):
        return Posted(plan, None, dry_run, names)
    return Posted(plan, write(opened, plan.changes), dry_run, names)


def _clients_of(book, payments: list) -> set[str]:
    wanted = {p.appointment_id for p in payments}
    return {ln.client_id for ln in book.lines if ln.appointment_id in wanted and ln.client_id}
