"""What stops a receipt: each problem names the cell to fix (issue 4, issue 10).

A rendering therapist without NPI or license number, a malformed ICD-10 code, more than
twelve diagnoses on one visit, an insured visit without diagnosis codes; for auto (PIP)
and workers' comp, no date of injury, no claim number, no client address, and for
workers' comp no employer. Pure computation: no I/O, no Click.
"""

from __future__ import annotations

from claimbook.compute.balances import Visit
from claimbook.compute.papers import INJURY_PAYER_TYPES
from claimbook.compute.receipts import visit_diagnoses
from claimbook.rules import icd10
from claimbook.rules.problems import Problem
from claimbook.rules.records import Book


def receipt_problems(book: Book, visits: list[Visit]) -> list[Problem]:
    """Everything that stops a receipt for ``visits``, each naming the cell to fix.

    A rendering therapist without license number, or without NPI where the receipt
    carries diagnoses or insurance (a plain self-pay receipt needs none), a malformed
    ICD-10 code, more than twelve diagnoses on one visit, an insured visit without
    diagnosis codes; for auto (PIP) and workers' comp: no date of injury, no claim
    number, no client address, and for workers' comp no employer.

    Args:
        book: the practice.
        visits: the visits to write receipts for.

    Returns:
        The problems, each once; empty when every receipt can be written.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    billing = not all(_plain(visit) for visit in visits)
    for visit in visits:
        for line in visit.lines:
            if line.staff_id not in seen:
                seen.add(line.staff_id)
                problems += _therapist_problems(book.staff.get(line.staff_id), billing)
        problems += _diagnosis_problems(book, visit)
        policy_id = visit.first.policy_id
        if policy_id and policy_id not in seen:
            seen.add(policy_id)
            problems += _injury_problems(book, visit)
    return problems


def _plain(visit: Visit) -> bool:
    """A self-pay visit without diagnosis codes: a plain receipt, with no insurance
    billing statement, needs no NPI."""
    return visit.first.policy_id is None and not any(
        icd10.split_codes(ln.diagnosis_codes) for ln in visit.lines)


def _therapist_problems(member, billing: bool = True) -> list[Problem]:
    if member is None:
        return []  # an unknown Staff ID is reported by validate()
    out = []
    if billing and not member.npi:
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


def _injury_problems(book: Book, visit: Visit) -> list[Problem]:
    """An auto (PIP) or workers' comp receipt without what such a claim cannot go
    without: the date of injury, the claim number, the client's address, the employer."""
    policy = book.policies.get(visit.first.policy_id)
    payer = book.payer_of(visit.first.policy_id)
    if policy is None or payer is None or payer.type not in INJURY_PAYER_TYPES:
        return []
    kind = "workers' comp" if payer.type == "Workers Comp" else "auto (PIP)"
    out = []
    if not policy.date_of_injury:
        out.append(policy.src.problem("date_of_injury", f'policy "{policy.policy_id}" is '
                                      f"{kind} with {payer.name} but has no date of injury"))
    if not (policy.claim_number or visit.claim_number):
        out.append(policy.src.problem("claim_number", f'policy "{policy.policy_id}" is '
                                      f"{kind} with {payer.name} but has no claim number"))
    if payer.type == "Workers Comp" and not policy.employer:
        out.append(policy.src.problem(
            "employer", f'policy "{policy.policy_id}" is workers\' comp with {payer.name} '
                        "but has no employer; type it in the Employer column"))
    client = book.clients.get(visit.first.client_id)
    if client is not None and not client.address:
        out.append(client.src.problem(
            "address", f"{client.first_name} {client.last_name} has no address; "
                       f"{'an' if kind.startswith('auto') else 'a'} {kind} receipt needs it"))
    return out
