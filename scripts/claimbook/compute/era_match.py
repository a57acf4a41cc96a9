"""Which payer and which visit an electronic remittance speaks of.

The payer: the Payers row whose Electronic Payer ID is one of the 835's payer
identifiers (N1*PR N104, REF*2U, TRN03), else whose Name is the 835's payer name.

A claim (CLP) is matched to a visit by, in order:

1. its patient control number (CLP01), which claimbook sends as the Appointment ID;
   when several claims of the remittance share one CLP01 (payers echo a placeholder),
   the visit must also agree on patient, date and charge;
2. the payer's claim number (CLP07) in the visit's Claim Number;
3. the client's name (or member ID) + a date of service the claim names + the charge.

A claim that matches no visit, or several, is not guessed: the reason says why. A
claim whose visit was voided is not posted either: the reason says when and why the
visit was voided. Pure computation on records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claimbook.compute.balances import Visit
from claimbook.rules.dates import show_date, style_of
from claimbook.rules.money import dollars
from claimbook.rules.records import Book
from claimbook.rules.voids import is_reversal, visit_void

if TYPE_CHECKING:  # the parsed 835 is plain data; nothing is read here
    from claimbook.io.x12.era835 import Claim, Remittance

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def plain(text: str | None) -> str:
    """Text for matching: case, spaces and punctuation ignored."""
    return _NOT_ALNUM.sub("", (text or "").casefold())


# -- the payer ---------------------------------------------------------------------------
def find_payer(book: Book, remittance: Remittance):
    """The Payers row a remittance comes from, or None."""
    ids = {plain(i) for i in remittance.payer_ids if plain(i)}
    for payer in book.payers.values():
        if payer.electronic_payer_id and plain(payer.electronic_payer_id) in ids:
            return payer
    name = plain(remittance.payer_name)
    if name:
        for payer in book.payers.values():
            if plain(payer.name) == name:
                return payer
    return None


# -- the visit ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    """A claim's visit (None when unmatched), how it was found, and why not when not."""

    visit: Visit | None
    how: str = ""  # "patient control number", "claim number", "name, date and charge"
    why: str | None = None


class Matcher:
    """Matches claims to the visits of a book (the part of it read for them)."""

    def __init__(self, book: Book, visits: dict[str, Visit]):
        self.book = book
        self.style = style_of(book.settings)
        self.by_id = {plain(k): v for k, v in visits.items()}
        self.by_claim_number: dict[str, list[Visit]] = {}
        self.by_day: dict = {}
        for visit in visits.values():
            number = plain(visit.claim_number)
            if number:
                self.by_claim_number.setdefault(number, []).append(visit)
            if visit.date_of_service:
                self.by_day.setdefault(visit.date_of_service, []).append(visit)

    def match(self, claim: Claim, shared_pcn: bool, taken: set[str]) -> Match:
        """The visit of one claim.

        Args:
            claim: the claim.
            shared_pcn: other claims of the remittance, for other patients, carry the
                same CLP01 (then CLP01 alone decides nothing).
            taken: visits already given to other claims of the remittance.
        """
        found = self._match(claim, shared_pcn, taken)
        void = visit_void(found.visit.lines) if found.visit is not None else None
        if void is None:
            return found
        return Match(None, why=f"the visit was {void.sentence(self.style)}")

    def _match(self, claim: Claim, shared_pcn: bool, taken: set[str]) -> Match:
        visit = self.by_id.get(plain(claim.patient_control_number))
        if visit is not None and (not shared_pcn or self.agrees(claim, visit)):
            return Match(visit, "patient control number")
        number = plain(claim.payer_claim_number)
        found = [v for v in self.by_claim_number.get(number, []) if number]
        if len(found) > 1:
            found = [v for v in found if self.agrees(claim, v)]
        if len(found) == 1:
            return Match(found[0], "claim number")
        days = claim.service_days()
        candidates = [v for day in sorted(days) for v in self.by_day.get(day, [])
                      if v.appointment_id not in taken and self.agrees(claim, v)]
        if len(candidates) == 1:
            return Match(candidates[0], "name, date and charge")
        return Match(None, why=self._why_not(claim, candidates, visit, days))

    def agrees(self, claim: Claim, visit: Visit) -> bool:
        """The visit is the claim's patient's, on a date the claim names, for its charge."""
        days = claim.service_days()
        charge = sum(c for ln, c in zip(visit.lines, visit.charges) if not is_reversal(ln))
        return (self.same_patient(claim, visit) and visit.date_of_service in days
                and charge == abs(claim.charge))

    def same_patient(self, claim: Claim, visit: Visit) -> bool:
        """The member ID agrees, or the name does and the member ID does not disagree."""
        policy = self.book.policies.get(visit.first.policy_id) if visit.first.policy_id \
            else None
        ours = plain(policy.member_id) if policy is not None else ""
        theirs = {plain(p.member_id) for p in (claim.patient, claim.insured)
                  if p is not None and p.member_id}
        if ours and ours in theirs:
            return True
        if ours and theirs:
            return False
        client = self.book.clients.get(visit.first.client_id)
        if client is None:
            return False
        first, last = plain(client.first_name), plain(client.last_name)
        return any(plain(p.last) == last and plain(p.first) == first
                   for p in (claim.patient, claim.corrected) if p is not None)

    def _why_not(self, claim: Claim, candidates: list[Visit], by_pcn: Visit | None,
                 days: set) -> str:
        who = claim.patient.name if claim.patient else "the patient"
        when = ", ".join(show_date(d, self.style) for d in sorted(days)[:3]) or "no date given"
        what = f"{who} on {when} for {dollars(abs(claim.charge))}"
        if len(candidates) > 1:
            ids = ", ".join(v.appointment_id for v in candidates[:5])
            return (f"{len(candidates)} visits match {what} ({ids}): put the payer's claim "
                    f'number "{claim.payer_claim_number or "-"}" in the Claim Number of '
                    "the right one")
        if by_pcn is not None:
            return (f'appointment "{by_pcn.appointment_id}" is not {what} (several claims '
                    f'share "{claim.patient_control_number}")')
        return f'no appointment "{claim.patient_control_number}" and no visit of {what}'
