"""The sample practice's next insurer payment, as the 835 file the insurer would send.

The sample workbook ends on its last day of business with claims billed and not yet
paid. Regence pays on Thursdays: this is its EFT of the Thursday after, for every
Regence claim billed at least two weeks before, as an 835 (005010X221A1) with each
line's contractual adjustment (CO-45, to the allowed amount) and the client's copay
(PR-3, paid at the desk). ``claimbook era workbooks/sample-era.835`` posts it. The same
practice gives the same bytes.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

from claimbook.rules.money import fmt
from claimbook.rules.problems import ClaimbookError
from claimbook.usecases.sample import ALLOWED, END, FEES, PAYERS, SETTINGS, _Built, _units, _Visit

PAYER_ID = "REGENCE"
PAY_DAY = END + timedelta(days=(3 - END.weekday()) % 7 or 7)  # the Thursday after
TRACE = f"EFT{PAY_DAY:%y%m%d}9001"
FILE_NAME = "sample-era.835"


def sample_remittance(built: _Built) -> str:
    """The 835 text of the sample's next Regence payment (see the module)."""
    claims = [_claim(visit, lines, built) for visit, lines in _open_claims(built)]
    total = sum(paid for paid, _ in claims)
    payer = next(p for p in PAYERS if p["payer_id"] == PAYER_ID)
    body = [
        "ST*835*0001",
        f"BPR*I*{fmt(total)}*C*ACH*CCP*01*125000024*DA*4471902238*1930000000**01*"
        f"125008547*DA*9182736450*{PAY_DAY:%Y%m%d}",
        f"TRN*1*{TRACE}*1930000000",
        f"DTM*405*{PAY_DAY - timedelta(days=1):%Y%m%d}",
        f"N1*PR*{payer['name'].upper()}*XV*{payer['electronic_payer_id']}",
        "N3*PO BOX 1106", "N4*LEWISTON*ID*83501",
        f"REF*2U*{payer['electronic_payer_id']}",
        "PER*BL*PROVIDER SERVICES*TE*8662409580",
        f"N1*PE*{SETTINGS['practice_name'].upper().replace('&', 'AND')}*XX*"
        f"{SETTINGS['billing_npi']}",
        f"REF*TJ*{SETTINGS['tax_id'].replace('-', '')}",
        "LX*1",
    ]
    for _, segments in claims:
        body += segments
    body.append(f"SE*{len(body) + 1}*0001")
    stamp = PAY_DAY - timedelta(days=1)
    isa = (f"ISA*00*          *00*          *ZZ*{'REGENCE':<15}*ZZ*{'CEDARSTONE':<15}*"
           f"{stamp:%y%m%d}*0600*^*00501*000000901*0*P*:")
    segments = [isa, f"GS*HP*REGENCE*CEDARSTONE*{stamp:%Y%m%d}*0600*901*X*005010X221A1",
                *body, "GE*1*901", "IEA*1*000000901"]
    return "~\n".join(segments) + "~\n"


def _open_claims(built: _Built) -> list[tuple[list, list]]:
    """Regence's visits billed by two weeks before the pay day and not paid yet."""
    rows = built.rows
    paid = {p["appointment_id"] for p in rows["Payments"] if p["source"] == "Insurance"}
    policies = {p["policy_id"]: p for p in rows["Policies"]}
    visits: dict[str, list] = {}
    for line in rows["Appointments"]:
        policy = policies.get(line.get("policy_id"))
        billed = line.get("billed_date")
        if policy is None or policy["payer_id"] != PAYER_ID or billed is None:
            continue
        if line["appointment_id"] in paid or billed > PAY_DAY - timedelta(days=14):
            continue
        if billed < PAY_DAY - timedelta(days=45):
            continue  # a stuck claim stays stuck
        visits.setdefault(line["appointment_id"], []).append(line)
    return [(policies[lines[0]["policy_id"]], lines) for lines in visits.values()]


def _claim(policy: dict, lines: list[dict], built: _Built) -> tuple[int, list[str]]:
    client = next(c for c in built.rows["Clients"] if c["client_id"] == lines[0]["client_id"])
    day: date = lines[0]["date_of_service"]
    copay = lines[0].get("client_paid") or 0
    payer = next(p for p in PAYERS if p["payer_id"] == policy["payer_id"])
    units = _units(_Visit(day, client, lines[0]["staff_id"], policy, payer,
                          [(ln["service_code"], ln.get("minutes"), ln.get("units"))
                           for ln in lines]))
    charges = [FEES[ln["service_code"]] * n for ln, n in zip(lines, units)]
    allowed = [ALLOWED["Commercial"][ln["service_code"]] * n for ln, n in zip(lines, units)]
    paid = sum(allowed) - copay
    visit = lines[0]["appointment_id"]
    out = [f"CLP*{visit}*1*{fmt(sum(charges))}*{fmt(paid)}*{fmt(copay)}*12*"
           f"26{int(visit[1:]):011d}*11*1"]
    if copay:
        out.append(f"CAS*PR*3*{fmt(copay)}")
    out += [f"NM1*QC*1*{client['last_name'].upper()}*{client['first_name'].upper()}****MI*"
            f"{policy['member_id']}", f"DTM*232*{day:%Y%m%d}", f"DTM*233*{day:%Y%m%d}"]
    for n, (line, count, charge, allow) in enumerate(zip(lines, units, charges, allowed), 1):
        out += [f"SVC*HC:{line['service_code']}*{fmt(charge)}*{fmt(allow)}**{count}",
                f"DTM*472*{day:%Y%m%d}", f"CAS*CO*45*{fmt(charge - allow)}",
                f"REF*6R*{visit}-{n}", f"AMT*B6*{fmt(allow)}"]
    return paid, out


def write_sample_remittance(built: _Built, folder: str, overwrite: bool = False) -> str:
    """Write ``sample-era.835`` into ``folder`` and return its path."""
    path = os.path.join(folder, FILE_NAME)
    text = sample_remittance(built).encode("ascii")
    if os.path.exists(path) and not overwrite:
        with open(path, "rb") as fh:
            if fh.read() == text:
                return path  # the same file: nothing to replace
        raise ClaimbookError(f"{path} exists; give --force to replace it")
    with open(path, "wb") as fh:
        fh.write(text)
    return path
