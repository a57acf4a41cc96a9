"""The 837P (005010X222A1): a professional claim file for a clearinghouse.

One interchange (ISA/GS/ST) per file, holding the claims of one payer: the submitter and
receiver (1000A/B, from the Practice settings; Office Ally's are the documented example),
the practice as billing provider (2000A with its taxonomy, 2010AA), then per claim the
subscriber (2000B, 2010BA) and payer (2010BB), the patient when not the subscriber
(2000C, 2010CA), the claim (2300: CLM01 is the Appointment ID, which comes back as the
835's CLP01), its diagnoses (HI), the referring (2310A) and rendering (2310B) providers,
another health plan (2320/2330) and the service lines (2400: SV1, DTP*472 and REF*6R, the
Appointment ID and line number, so a remittance matches line by line).

The file keeps the rules a clearinghouse checks: CLM02 is the sum of SV102, SE01 counts
ST to SE, HL numbers start at 1 and every parent exists, the ISA is 106 characters, GE
and IEA count what they close and repeat the control numbers, and ``*``, ``~``, ``:`` and
``^`` never appear in data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from claimbook.compute.claims import NEW, SELF, Address, Claim, ClaimLine, Person
from claimbook.rules.latin import fold
from claimbook.rules.names import PersonName

VERSION = "005010X222A1"
ELEMENT, COMPONENT, REPETITION, SEGMENT = "*", ":", "^", "~"
_NOT_DATA = re.compile(r"[^A-Z0-9 !\"&'()+,\-./;?=]")  # the basic character set, less *:~^


@dataclass(frozen=True)
class Envelope:
    """Who sends the file to whom, when, and its control number."""

    submitter_id: str
    submitter_name: str
    receiver_id: str
    receiver_name: str
    receiver_code: str  # GS03
    contact_phone: str  # digits
    control_number: int  # ISA13 and GS06; never repeated (the Claims Log keeps them)
    created: datetime
    test: bool = False  # ISA15 T


def data(value: object) -> str:
    """An element's text: upper case, basic X12 characters, no delimiter, no outer space."""
    text = fold("" if value is None else str(value)).upper()
    return re.sub(r"\s+", " ", _NOT_DATA.sub(" ", text)).strip()


def amount(cents: int) -> str:
    """Money as X12 writes it: ``6400`` -> ``64``, ``6450`` -> ``64.5``."""
    whole, part = divmod(cents, 100)
    return str(whole) if part == 0 else f"{whole}.{part:02d}".rstrip("0")


def _d8(day: date) -> str:
    return day.strftime("%Y%m%d")


class _Segments:
    """The segments of one transaction, counted as they are added."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, tag: str, *elements: object) -> None:
        """A segment; a tuple element is a composite, its parts joined by ``:``."""
        parts = [tag] + [COMPONENT.join(data(c) for c in e).rstrip(COMPONENT)
                         if isinstance(e, tuple) else data(e) for e in elements]
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()
        self.items.append(ELEMENT.join(parts))


def interchange(claims: list[Claim], envelope: Envelope) -> str:
    """The 837P file of ``claims`` (one payer's, or any): ISA to IEA, a segment a line.

    Args:
        claims: the claims, all from the same billing provider.
        envelope: the submitter, the receiver and the control number.

    Returns:
        The file's text.
    """
    e, ctrl = envelope, envelope.control_number
    when = e.created
    st = _Segments()
    st.add("ST", "837", "0001", VERSION)
    st.add("BHT", "0019", "00", f"{ctrl:09d}", when.strftime("%Y%m%d"), when.strftime("%H%M"),
           "CH")
    st.add("NM1", "41", "2", e.submitter_name, "", "", "", "", "46", e.submitter_id)
    st.add("PER", "IC", e.submitter_name, "TE", e.contact_phone)
    st.add("NM1", "40", "2", e.receiver_name, "", "", "", "", "46", e.receiver_id)
    _billing_provider(st, claims[0])
    hl = 1
    for claim in claims:
        hl = _claim(st, claim, hl)
    st.add("SE", str(len(st.items) + 1), "0001")
    isa = (f"ISA*00*{'':10}*00*{'':10}*ZZ*{data(e.submitter_id)[:15]:<15}*ZZ*"
           f"{data(e.receiver_id)[:15]:<15}*{when:%y%m%d}*{when:%H%M}*{REPETITION}*00501*"
           f"{ctrl:09d}*0*{'T' if e.test else 'P'}*{COMPONENT}")
    gs = (f"GS*HC*{data(e.submitter_id)}*{data(e.receiver_code)}*{when:%Y%m%d}*{when:%H%M}*"
          f"{ctrl}*X*{VERSION}")
    lines = [isa, gs, *st.items, f"GE*1*{ctrl}", f"IEA*1*{ctrl:09d}"]
    return "".join(line + SEGMENT + "\n" for line in lines)


def _billing_provider(st: _Segments, claim: Claim) -> None:
    b = claim.billing
    st.add("HL", "1", "", "20", "1")
    st.add("PRV", "BI", "PXC", b.taxonomy)
    st.add("NM1", "85", "2", b.name, "", "", "", "", "XX", b.npi)
    _address(st, b.address, zip9=True)
    st.add("REF", "SY" if b.tax_id_kind == "SSN" else "EI", b.tax_id)


def _address(st: _Segments, a: Address, zip9: bool = False) -> None:
    st.add("N3", a.street, a.street2)
    st.add("N4", a.city, a.state, a.zip_digits[:9] if zip9 else a.zip_digits)


def _name(st: _Segments, code: str, name: PersonName, qualifier: str = "",
          identifier: str = "") -> None:
    kind = "2" if name.organization else "1"
    st.add("NM1", code, kind, name.last[:60], name.first[:35], name.middle[:25], "",
           name.suffix[:10], qualifier, identifier)


def _person(st: _Segments, person: Person) -> None:
    if person.address is not None:
        _address(st, person.address)
    if person.birth is not None:
        st.add("DMG", "D8", _d8(person.birth), person.sex or "U")


def _claim(st: _Segments, claim: Claim, hl: int) -> int:
    subscriber = hl + 1
    self_pay = claim.relationship == SELF
    st.add("HL", str(subscriber), "1", "22", "0" if self_pay else "1")
    st.add("SBR", claim.priority, SELF if self_pay else "", claim.group_number or "", "", "",
           "", "", "", claim.payer.filing_indicator)
    _name(st, "IL", claim.insured.name, "MI", claim.member_id)
    if self_pay:
        _person(st, claim.patient)
        if claim.property_claim_number:
            st.add("REF", "Y4", claim.property_claim_number)
    st.add("NM1", "PR", "2", claim.payer.name[:60], "", "", "", "", "PI",
           claim.payer.electronic_id)
    last = subscriber
    if not self_pay:
        last = subscriber + 1
        st.add("HL", str(last), str(subscriber), "23", "0")
        st.add("PAT", claim.relationship)
        _name(st, "QC", claim.patient.name)
        _person(st, claim.patient)
        if claim.property_claim_number:
            st.add("REF", "Y4", claim.property_claim_number)
    _claim_information(st, claim)
    for line in claim.lines:
        _service_line(st, claim, line)
    return last


def _related_causes(claim: Claim) -> tuple | str:
    if claim.auto_accident:
        return ("AA", "", "", claim.accident_state or "")
    if claim.employment:
        return ("EM",)
    return ""


def _claim_information(st: _Segments, claim: Claim) -> None:
    st.add("CLM", claim.appointment_id, amount(claim.total), "", "",
           (claim.lines[0].place_of_service, "B", claim.frequency), "Y", "A", "Y", "Y", "",
           _related_causes(claim))
    if claim.injury_date and (claim.auto_accident or claim.employment):
        st.add("DTP", "431", "D8", _d8(claim.injury_date))
    if claim.injury_date and claim.auto_accident:
        st.add("DTP", "439", "D8", _d8(claim.injury_date))
    if claim.prior_authorization:
        st.add("REF", "G1", claim.prior_authorization)
    if claim.frequency != NEW:
        st.add("REF", "F8", claim.original_reference)
    st.add("HI", *[("ABK" if i == 0 else "ABF", code.replace(".", ""))
                   for i, code in enumerate(claim.diagnoses)])
    if claim.referring is not None:
        _name(st, "DN", claim.referring.name, "XX", claim.referring.npi)
    if claim.rendering.npi != claim.billing.npi:
        _name(st, "82", claim.rendering.name, "XX", claim.rendering.npi)
        st.add("PRV", "PE", "PXC", claim.rendering.taxonomy)
    _other_coverage(st, claim)


def _other_coverage(st: _Segments, claim: Claim) -> None:
    other = claim.other
    if other is None or not other.member_id or not other.payer_electronic_id:
        return
    st.add("SBR", other.priority, other.relationship, other.group_number or "", "", "", "",
           "", "", other.filing_indicator)
    st.add("OI", "", "", "Y", "", "", "Y")
    _name(st, "IL", other.insured, "MI", other.member_id)
    st.add("NM1", "PR", "2", other.payer_name[:60], "", "", "", "", "PI",
           other.payer_electronic_id)


def _service_line(st: _Segments, claim: Claim, line: ClaimLine) -> None:
    st.add("LX", str(line.number))
    st.add("SV1", ("HC", line.code, *line.modifiers), amount(line.charge), "UN",
           str(line.units), "", "", tuple(str(p) for p in line.pointers))
    st.add("DTP", "472", "D8", _d8(line.day))
    st.add("REF", "6R", line.control_number)
    if line.rendering.npi != claim.rendering.npi:
        _name(st, "82", line.rendering.name, "XX", line.rendering.npi)
        st.add("PRV", "PE", "PXC", line.rendering.taxonomy)

