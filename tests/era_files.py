"""Helpers for the era tests: a practice workbook that matches an 835 file, and small
835 files written for each case (reversal, denial, PLB, no envelope, ...).

``workbook_for`` reads the 835 with claimbook's own reader and writes, with the
template writer, the visits the file pays: one client per patient (name and member
ID), a policy with the file's payer, one visit per claim (its SVC lines as
Appointments rows with their charges, dated on the first date the claim names). The
Appointment ID is the claim's CLP01 unless several claims share one (then ``A0001``
...), so the shared-CLP01 files are matched by name, date and charge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from claimbook.io.x12.era835 import read_835
from claimbook.rules.npi import npi_problem
from conftest import write_book

BASE_PAYER = {"payer_id": "AET", "name": "Aetna", "type": "Commercial"}


def workbook_for(x12: bytes, path: Path, payer_ids: tuple[str, ...] = ("INS",),
                 electronic: bool = True, **extra_rows) -> Path:
    """A practice workbook whose visits are the claims of ``x12`` (see the module)."""
    remittances = read_835(x12, "file.835")
    payers, clients, policies, lines, services = [], {}, {}, [], {}
    for n, remittance in enumerate(remittances):
        payer_id = payer_ids[min(n, len(payer_ids) - 1)]
        if all(p["payer_id"] != payer_id for p in payers):
            payers.append({"payer_id": payer_id, "name": remittance.payer_name.title(),
                           "electronic_payer_id": remittance.payer_ids[0]
                           if electronic and remittance.payer_ids else None})
        pcns = [c.patient_control_number for c in remittance.claims]
        for claim in remittance.claims:
            if claim.status == "22":
                continue
            key = (claim.patient.last, claim.patient.first, claim.patient.member_id)
            client_id = clients.setdefault(key, {"client_id": f"C{len(clients) + 1:03d}",
                                                 "first_name": key[1].title(),
                                                 "last_name": key[0].title()})["client_id"]
            policy_id = f"{client_id}-{payer_id}"
            policies.setdefault(policy_id, {"policy_id": policy_id, "client_id": client_id,
                                            "payer_id": payer_id, "member_id": key[2]})
            visit_id = claim.patient_control_number if pcns.count(
                claim.patient_control_number) == 1 else f"A{len(lines) + 1:04d}"
            day = min(claim.service_days())
            paid_lines = claim.lines or [None]
            for ln in paid_lines:
                code = ln.code if ln else "97124"
                services.setdefault(code, {"service_code": code, "description": code,
                                           "fee_per_unit": 1000, "timed": False})
                lines.append({"appointment_id": visit_id, "date_of_service": day,
                              "client_id": client_id, "staff_id": "S1",
                              "policy_id": policy_id, "service_code": code, "units": 1,
                              "charge": ln.charge if ln else claim.charge,
                              "billed_date": day, "checked_out": True})
    rows = {"Payers": [BASE_PAYER] + payers, "Clients": list(clients.values()),
            "Policies": list(policies.values()), "Services": list(services.values()),
            "Appointments": lines, "Payments": []}
    rows.update(extra_rows)
    payee = remittances[0].payee_npi
    npi = payee if payee and not npi_problem(payee) else None  # the practice the file pays
    return write_book(path, {"billing_npi": npi}, **rows)


# -- small 835s ------------------------------------------------------------------------------
@dataclass
class Line:
    """An SVC line: code, charge, paid, date, and its CAS as (group, reason, amount)."""

    code: str
    charge: str
    paid: str
    day: str = "20261102"
    cas: list[tuple[str, str, str]] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


@dataclass
class ClaimSpec:
    """A CLP with its patient, claim-level CAS and lines."""

    pcn: str
    status: str
    charge: str
    paid: str
    pr: str = ""
    last: str = "LEE"
    first: str = "ANN"
    member: str = "M1"
    icn: str = "ICN1"
    cas: list[tuple[str, str, str]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    forwarded_to: str | None = None


def _cas(groups: list[tuple[str, str, str]]) -> list[str]:
    out = []
    for group, reason, amount in groups:
        out.append(f"CAS*{group}*{reason}*{amount}")
    return out


def era_text(claims: list[ClaimSpec], amount: str, trace: str = "EFT100",
             payer: str = "AETNA", payer_id: str = "60054", plb: list[tuple] = (),
             version: str = "005010X221A1", method: str = "ACH", day: str = "20261120",
             control: str = "0001") -> list[str]:
    """The segments (ST .. SE) of one remittance."""
    segments = [f"ST*835*{control}", f"BPR*I*{amount}*C*{method}*CCP*01*111*DA*22*1234567890"
                f"**01*333*DA*44*{day}", f"TRN*1*{trace}*1234567890", f"DTM*405*{day}",
                f"N1*PR*{payer}*XV*{payer_id}", "N3*PO BOX 1", "N4*HARTFORD*CT*06101",
                "N1*PE*TEST MASSAGE*XX*1000000004", "LX*1"]
    for c in claims:
        segments.append(f"CLP*{c.pcn}*{c.status}*{c.charge}*{c.paid}*{c.pr}*12*{c.icn}*11*1")
        segments += _cas(c.cas)
        segments.append(f"NM1*QC*1*{c.last}*{c.first}****MI*{c.member}")
        if c.forwarded_to:
            segments.append(f"NM1*TT*2*{c.forwarded_to}*****PI*99999")
        for ln in c.lines:
            segments += [f"SVC*HC:{ln.code}*{ln.charge}*{ln.paid}**1", f"DTM*472*{ln.day}"]
            segments += _cas(ln.cas)
            segments += [f"LQ*HE*{r}" for r in ln.remarks]
    for provider, reason, value in plb:
        segments.append(f"PLB*{provider}*20261231*{reason}*{value}")
    segments.append(f"SE*{len(segments) + 1}*{control}")
    return segments


def envelope(transactions: list[list[str]], version: str = "005010X221A1",
             separators: tuple[str, str, str] = ("*", ":", "~")) -> str:
    """An ISA/GS envelope around transactions, with the given element, component and
    segment separators (the transactions are written with ``*``, ``:`` and ``~``)."""
    e, c, t = separators
    repetition = "^" if version.startswith("005") else "U"
    isa = e.join(["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "AETNA".ljust(15), "ZZ",
                  "TESTMASSAGE".ljust(15), "261120", "1200", repetition,
                  "00501" if version.startswith("005") else "00401", "000000001", "0", "P",
                  c])
    body = [f"GS*HP*AETNA*TESTMASSAGE*20261120*1200*1*X*{version}"]
    for tx in transactions:
        body += tx
    body += [f"GE*{len(transactions)}*1", "IEA*1*000000001"]
    text = isa + t + t.join(s.replace("*", e).replace(":", c) for s in body) + t
    return text


def era_file(path: Path, claims: list[ClaimSpec], amount: str, **options) -> Path:
    """Write a one-remittance 835 in a plain envelope and return its path."""
    version = options.pop("version", "005010X221A1")
    path.write_text(envelope([era_text(claims, amount, version=version, **options)],
                             version))
    return path


def simple_claims(day: date = date(2026, 11, 2)) -> list[ClaimSpec]:
    """Two paid claims of the conftest clients: A0001 (Ann Lee) and A0002 (Ann Lee)."""
    stamp = day.strftime("%Y%m%d")
    return [ClaimSpec("A0001", "1", "90.00", "50.00", "20.00", cas=[("CO", "45", "20.00")],
                      lines=[Line("97124", "90.00", "50.00", stamp, [("PR", "3", "20.00")])])]
