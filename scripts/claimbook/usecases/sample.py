"""A believable massage practice, generated deterministically.

Three therapists, ~150 clients, commercial, auto (PIP) and workers' comp payers, 20
months of visits (97124, 97140, 97112 and self-pay massages, some visits on two lines),
copays at the visit, checks and EFTs that pay several visits at once, contractual
adjustments, a denial, deductibles later paid by the client, a prepayment, a refund,
and open claims of every age. ``lines`` scales it up for benchmarks. Pure data: the
workbook is written by :mod:`claimbook.xlsx.template`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from claimbook.rules.npi import make_npi
from claimbook.rules.schema import product_title
from claimbook.rules.units import visit_units

START = date(2025, 4, 1)
END = date(2026, 11, 27)  # the last day of business in the sample
DEFAULT_CLIENTS = 150

SETTINGS = {
    "practice_name": "Cedar & Stone Therapeutic Massage",
    "address": "2210 N 45th St, Suite 3",
    "city": "Seattle",
    "state": "WA",
    "zip": "98103-4112",  # 9 digits, as the 837P wants the billing provider's
    "phone": "(206) 555-0142",
    "email": "front@cedarstonemassage.example",
    "tax_id": "91-1234567",
    "billing_npi": make_npi("154827390"),
    "place_of_service": "11",
    "timely_filing_days": 90,
    "aging_basis": "Date of Service",
    # claims (claimbook claim): Office Ally as the clearinghouse of the 837P
    "submitter_id": "CEDARSTONE01",
    "receiver_id": "330897513",
    "receiver_name": "OFFICE ALLY",
    "receiver_code": "OA",
}

STAFF = [
    {"staff_id": "S01", "name": "Maya Chen", "credentials": "LMT", "npi": make_npi("162849301"),
     "license_number": "MA60412345", "license_state": "WA", "taxonomy_code": "225700000X",
     "email": "maya@cedarstonemassage.example"},
    {"staff_id": "S02", "name": "Daniel Ortiz", "credentials": "LMT",
     "npi": make_npi("137205846"), "license_number": "MA60587210", "license_state": "WA",
     "taxonomy_code": "225700000X", "email": "daniel@cedarstonemassage.example"},
    {"staff_id": "S03", "name": "Priya Nair", "credentials": "LMT, CNMT",
     "npi": make_npi("188403927"), "license_number": "MA60733018", "license_state": "WA",
     "taxonomy_code": "225700000X", "email": "priya@cedarstonemassage.example"},
]

PAYERS = [
    {"payer_id": "PREMERA", "name": "Premera Blue Cross", "type": "Commercial",
     "phone": "(800) 722-1471", "address": "PO Box 91059, Seattle WA 98111",
     "timely_filing_days": 365, "electronic_payer_id": "00430"},
    {"payer_id": "REGENCE", "name": "Regence BlueShield", "type": "Commercial",
     "phone": "(866) 240-9580", "address": "PO Box 1106, Lewiston ID 83501",
     "timely_filing_days": 365, "electronic_payer_id": "00932"},
    {"payer_id": "AETNA", "name": "Aetna", "type": "Commercial", "phone": "(888) 632-3862",
     "address": "PO Box 14079, Lexington KY 40512", "timely_filing_days": None,
     "electronic_payer_id": "60054"},
    {"payer_id": "STATEFARM", "name": "State Farm (PIP)", "type": "Auto/PIP",
     "phone": "(800) 782-8332", "address": "PO Box 52250, Phoenix AZ 85072",
     "timely_filing_days": 365, "electronic_payer_id": "31053",
     "requires_referring": True},
    {"payer_id": "PROGRESSIVE", "name": "Progressive (PIP)", "type": "Auto/PIP",
     "phone": "(800) 274-4641", "address": "PO Box 512926, Los Angeles CA 90051",
     "timely_filing_days": 180, "electronic_payer_id": "24260",
     "requires_referring": True},
    {"payer_id": "LNI", "name": "Washington L&I", "type": "Workers Comp",
     "phone": "(800) 848-0811", "address": "PO Box 44291, Olympia WA 98504",
     "timely_filing_days": 365, "electronic_payer_id": "WALNI",
     "requires_referring": True, "taxonomy_on_claims": True, "units_rule": "CMS total time"},
]

SERVICES = [
    {"service_code": "97124", "description": "Massage therapy, each 15 minutes",
     "minutes_per_unit": 15, "fee_per_unit": 3200, "timed": True},
    {"service_code": "97140", "description": "Manual therapy techniques, each 15 minutes",
     "minutes_per_unit": 15, "fee_per_unit": 3600, "timed": True},
    {"service_code": "97112", "description": "Neuromuscular re-education, each 15 minutes",
     "minutes_per_unit": 15, "fee_per_unit": 3800, "timed": True},
    {"service_code": "MASSAGE60", "description": "Therapeutic massage, 60 minutes",
     "minutes_per_unit": 60, "fee_per_unit": 9500, "timed": False},
    {"service_code": "MASSAGE90", "description": "Therapeutic massage, 90 minutes",
     "minutes_per_unit": 90, "fee_per_unit": 13500, "timed": False},
]
FEES = {s["service_code"]: s["fee_per_unit"] for s in SERVICES}
# What each payer type allows per unit (cents), the rest being a contractual adjustment.
ALLOWED = {
    "Commercial": {"97124": 2300, "97140": 2650, "97112": 2800},
    "Auto/PIP": {"97124": 3200, "97140": 3600, "97112": 3800},
    "Workers Comp": {"97124": 2480, "97140": 2910, "97112": 3050},
}
LATER_METHODS = ("Card", "Card", "Check", "Card", "Cash", "HSA/FSA")
PAY_LAG = {"PREMERA": (12, 30), "REGENCE": (14, 35), "AETNA": (18, 45),
           "STATEFARM": (20, 50), "PROGRESSIVE": (25, 60), "LNI": (14, 40)}

FIRST = ("Olivia Liam Emma Noah Ava Elijah Sophia James Isabella Lucas Mia Henry Amelia "
         "Theodore Harper Jack Evelyn Levi Abigail Alexander Emily Jackson Ella Mateo "
         "Elizabeth Daniel Camila Michael Luna Mason Sofia Sebastian Avery Ethan Mila Logan "
         "Aria Owen Scarlett Samuel Penelope Jacob Layla Asher Chloe Aiden Victoria John "
         "Madison Joseph Eleanor Wyatt Grace David Nora Leo Riley Luke Zoey Julian Hannah "
         "Hudson Hazel Grayson Lily Matthew Ellie Ezra Violet Gabriel Lillian Carter Zoe "
         "Isaac Stella Jayden Aurora Luca Natalie Anthony Emilia Dylan Everly Lincoln Leah "
         "Thomas Aubrey Maverick Willow Elias Addison Josiah Lucy Charles Audrey Caleb "
         "Bella Christopher Nova Ezekiel Brooklyn Miles Paisley Jaxon Savannah Isaiah "
         "Claire Andrew Skylar Joshua Isla Nathan Genesis Nolan Naomi Adrian Elena Cameron "
         "Caroline Santiago Eliana Eli Anna Aaron Maya Ryan Valentina Angel Ruby Cooper "
         "Kennedy Waylon Ivy Easton Ariana Kai Aaliyah Christian Cora Landon Madelyn Colton "
         "Alice Roman Kinsley Axel Hailey Brooks Gabriella Jonathan Allison Robert Gianna "
         "Jameson Serenity Ian Samantha Everett Sarah Greyson Autumn Wesley Quinn Jeremiah "
         "Eva Hunter Piper").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez "
        "Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee "
        "Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen "
        "King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera "
        "Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz "
        "Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz "
        "Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson "
        "Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez "
        "Castillo Sanders Patel Myers Long Ross Foster Jimenez O'Brien Nakamura Lindqvist "
        "Okafor Haddad Kowalski").split()
STREETS = ("Aurora Ave N", "Stone Way N", "N 50th St", "Fremont Ave N", "Greenwood Ave N",
           "NE 65th St", "Roosevelt Way NE", "Wallingford Ave N", "Phinney Ave N",
           "Dayton Ave N", "Meridian Ave N", "Interlake Ave N", "Ashworth Ave N")
ZIPS = (("Seattle", "98103"), ("Seattle", "98107"), ("Seattle", "98115"),
        ("Seattle", "98117"), ("Shoreline", "98133"), ("Seattle", "98105"))
DIAGNOSES = {
    "Commercial": ["M54.50", "M54.2", "M62.830", "M79.10", "M54.6", "G44.209"],
    "Auto/PIP": ["S13.4XXA", "S16.1XXA", "S33.5XXA", "S39.012A", "M54.2"],
    "Workers Comp": ["S39.012A", "S46.011A", "M75.101", "S13.4XXA", "M54.50"],
}
EMPLOYERS = ("Puget Sound Freight", "Ballard Marine Supply", "Northlake Builders",
             "Emerald City Bakery", "Cascade Home Care")
REFERRERS = [("Dr. Karen Holt, DC", make_npi("132957608")),
             ("Dr. Samuel Reyes, MD", make_npi("176603421")),
             ("Dr. Lena Park, DO", make_npi("149285730"))]


@dataclass
class _Visit:
    day: date
    client: dict
    staff_id: str
    policy: dict | None
    payer: dict | None
    lines: list = field(default_factory=list)  # (code, minutes, units)
    appointment_id: str = ""


@dataclass
class _Built:
    settings: dict
    rows: dict[str, list[dict]]


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.payers = {p["payer_id"]: p for p in PAYERS}
        self.clients: list[dict] = []
        self.policies: list[dict] = []
        self.visits: list[_Visit] = []
        self.line_count = 0

    # -- people --------------------------------------------------------------------
    def client(self, n: int) -> dict:
        rng = self.rng
        first, last = FIRST[n % len(FIRST)], LAST[(n * 7 + n // len(FIRST)) % len(LAST)]
        city, zip_code = rng.choice(ZIPS)
        return {
            "client_id": f"C{n + 1:04d}" if n < 9999 else f"C{n + 1}",
            "first_name": first, "last_name": last,
            "date_of_birth": date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            "phone": f"(206) 555-{rng.randint(1000, 9999)}",
            "email": f"{first.lower()}.{last.lower().replace(chr(39), '')}{n}@mail.example",
            "address": f"{rng.randint(100, 9800)} {rng.choice(STREETS)}",
            "city": city, "state": "WA", "zip": zip_code,
            "sex": "F" if n % len(FIRST) % 2 == 0 else "M",  # FIRST alternates F, M
        }

    def policy(self, client: dict, payer_id: str, start: date) -> dict:
        rng = self.rng
        payer = self.payers[payer_id]
        n = len(self.policies) + 1
        policy = {"policy_id": f"POL{n:04d}", "client_id": client["client_id"],
                  "payer_id": payer_id,
                  "member_id": f"{payer_id[:3]}{rng.randint(10**8, 10**9 - 1)}",
                  "subscriber_name": f"{client['first_name']} {client['last_name']}",
                  "relationship": "Self", "priority": "Primary"}
        if payer["type"] == "Commercial":
            policy["group_number"] = f"{rng.randint(10000, 99999)}"
        else:
            referrer, referrer_npi = rng.choice(REFERRERS)
            policy.update({
                "claim_number": f"{payer_id[:2]}-{start.year % 100}-{rng.randint(100000, 999999)}",
                "date_of_injury": start - timedelta(days=rng.randint(7, 25)),
                "referring_provider": referrer, "referring_npi": referrer_npi,
                "authorized_visits": rng.choice((12, 16, 20, 24)),
                "authorization_start": start, "authorization_end": start + timedelta(days=180),
            })
            if payer["type"] == "Auto/PIP":
                policy["accident_state"] = "WA"
            else:
                policy["employer"] = EMPLOYERS[n % len(EMPLOYERS)]
        self.policies.append(policy)
        return policy

    # -- visits --------------------------------------------------------------------
    def schedule(self, n: int) -> None:
        rng = self.rng
        client = self.client(n)
        self.clients.append(client)
        staff_id = STAFF[rng.randrange(3)]["staff_id"]
        kind = rng.random()
        if kind < 0.25:
            self._insured(client, staff_id, rng.choice(("PREMERA", "REGENCE", "AETNA")),
                          gap=(10, 30), count=(6, 24))
        elif kind < 0.34:
            self._insured(client, staff_id, rng.choice(("STATEFARM", "PROGRESSIVE")),
                          gap=(3, 8), count=(8, 20))
        elif kind < 0.40:
            self._insured(client, staff_id, "LNI", gap=(4, 9), count=(8, 18))
        else:
            self._self_pay(client, staff_id)

    def _days(self, start: date, gap: tuple[int, int], count: int) -> list[date]:
        days, day = [], start
        for _ in range(count):
            if day > END:
                break
            if day.weekday() == 6:
                day += timedelta(days=1)
            days.append(day)
            day += timedelta(days=self.rng.randint(*gap))
        return days

    def _insured(self, client: dict, staff_id: str, payer_id: str, gap, count) -> None:
        rng = self.rng
        start = START + timedelta(days=rng.randint(0, (END - START).days - 20))
        policy = self.policy(client, payer_id, start)
        payer = self.payers[payer_id]
        for day in self._days(start, gap, rng.randint(*count)):
            visit = _Visit(day, client, staff_id, policy, payer)
            shape = rng.random()
            if shape < 0.45:
                visit.lines = [("97124", rng.choice((30, 30, 38, 45)), None),
                               ("97140", rng.choice((23, 30, 30)), None)]
            elif shape < 0.6:
                visit.lines = [("97112", None, 2), ("97124", None, 2)]
            else:
                visit.lines = [("97124", rng.choice((52, 53, 60, 60, 60, 67)), None)]
            self._add(visit)

    def _self_pay(self, client: dict, staff_id: str) -> None:
        rng = self.rng
        start = START + timedelta(days=rng.randint(0, (END - START).days))
        for day in self._days(start, (14, 45), rng.randint(2, 24)):
            code = "MASSAGE90" if rng.random() < 0.25 else "MASSAGE60"
            self._add(_Visit(day, client, staff_id, None, None, [(code, None, None)]))

    def _add(self, visit: _Visit) -> None:
        self.visits.append(visit)
        self.line_count += len(visit.lines)


_SERVICES = {s["service_code"]: SimpleNamespace(**s) for s in SERVICES}


def _units(v: _Visit) -> list[int]:
    """Units of each line of a visit, by its payer's Units Rule (rules/units.py)."""
    lines = [SimpleNamespace(service_code=c, minutes=m, units=u) for c, m, u in v.lines]
    rule = v.payer.get("units_rule") if v.payer else None
    return visit_units(lines, [_SERVICES[c] for c, _, _ in v.lines], rule)


class _Ledger:
    """Turns visits into Appointments and Payments rows, as a front desk would."""

    def __init__(self, rng: random.Random, clients: list[dict]):
        self.rng = rng
        self.lines: list[dict] = []
        self.payments: list[dict] = []
        self.claims: list[tuple] = []  # (paid_on, payer_id, visit, charge, copay)
        self.copays: dict[str, int] = {}

    def visit(self, v: _Visit) -> None:
        charges = [FEES[c] * n for (c, _, _), n in zip(v.lines, _units(v))]
        total = sum(charges)
        paid, discount, method = self._at_the_desk(v, total)
        for i, (code, minutes, units) in enumerate(v.lines):
            row = {"appointment_id": v.appointment_id, "date_of_service": v.day,
                   "client_id": v.client["client_id"], "staff_id": v.staff_id,
                   "policy_id": v.policy["policy_id"] if v.policy else None,
                   "service_code": code, "minutes": minutes, "units": units,
                   "checked_out": v.day <= END}
            if i == 0:
                row.update({"client_paid": paid or None, "discount": discount or None,
                            "payment_method": method if paid else None})
            if v.policy:
                row["diagnosis_codes"] = ", ".join(self._diagnoses(v))
                row["claim_number"] = v.policy.get("claim_number")
            if code.startswith("MASSAGE"):
                row["minutes"] = 60 if code == "MASSAGE60" else 90
            self.lines.append(row)
        if v.policy:
            self._claim(v, total, paid)

    def _diagnoses(self, v: _Visit) -> list[str]:
        pool = DIAGNOSES[v.payer["type"]]
        seed = int(v.policy["policy_id"][3:])
        return [pool[seed % len(pool)], pool[(seed + 2) % len(pool)]][: 1 + seed % 2]

    def _at_the_desk(self, v: _Visit, total: int) -> tuple[int, int, str]:
        rng = self.rng
        method = rng.choice(("Card", "Card", "Card", "Cash", "HSA/FSA"))
        if v.policy is None:
            discount = 1000 if rng.random() < 0.08 else 0
            paid = 0 if rng.random() < 0.05 else total - discount
            return paid, discount, method
        if v.payer["type"] != "Commercial":
            return 0, 0, method
        copay = self.copays.setdefault(v.policy["policy_id"], rng.choice((2000, 2500, 3000)))
        return copay, 0, method

    def _claim(self, v: _Visit, total: int, copay: int) -> None:
        rng = self.rng
        age = (END - v.day).days
        if age < rng.randint(2, 9):
            return  # not billed yet
        if rng.random() < 0.02:
            return  # forgotten: never billed (timely filing follow-up)
        billed = v.day + timedelta(days=rng.randint(1, 5))
        for row in self.lines[-len(v.lines):]:
            row["billed_date"] = billed
        low, high = PAY_LAG[v.payer["payer_id"]]
        paid_on = billed + timedelta(days=rng.randint(low, high))
        if rng.random() < 0.035:
            paid_on = None  # stuck claim: stays open and ages
        self.claims.append((paid_on, billed, v, total, copay))


class _Remittance:
    """Insurers pay in batches: one check or EFT per payer per pay day."""

    def __init__(self, ledger: _Ledger, rng: random.Random):
        self.ledger = ledger
        self.rng = rng
        self.next_payment = 1
        self.refs = 0
        self.denied = 0

    def pay_all(self) -> None:
        by_day: dict[tuple, list] = {}
        for paid_on, _billed, v, total, copay in self.ledger.claims:
            if paid_on is None:
                continue
            pay_day = _next_weekday(paid_on, 3)  # insurers here pay on Thursdays
            if pay_day > END:
                continue
            by_day.setdefault((pay_day, v.payer["payer_id"]), []).append((v, total, copay))
        for (day, payer_id), claims in sorted(by_day.items(), key=lambda kv: kv[0]):
            self.refs += 1
            kind = "EFT" if payer_id in ("PREMERA", "REGENCE", "AETNA") else "CHK"
            reference = f"{kind}{day:%y%m%d}{self.refs:04d}"
            for v, total, copay in claims:
                self._remit(day, payer_id, reference, v, total, copay)

    def _remit(self, day, payer_id, reference, v: _Visit, total: int, copay: int) -> None:
        ptype = v.payer["type"]
        allowed = sum(ALLOWED[ptype][c] * n for (c, _, _), n in zip(v.lines, _units(v)))
        deductible = 0
        if ptype == "Commercial" and v.day.month <= 3 and self.rng.random() < 0.5:
            deductible = min(4000, allowed - copay)
        amount, reason = allowed - copay - deductible, "CO-45"
        if ptype == "Commercial" and self.denied < 2 and v.day.year == 2026 and v.day.month >= 6:
            self.denied += 1
            amount, allowed, reason = 0, total, "CO-50"
            for row in self.ledger.lines:
                if row["appointment_id"] == v.appointment_id:
                    row["claim_status"] = "Denied" if self.denied == 1 else "Appealed"
        row = self._payment(day, "Insurance", payer_id, reference, v, amount)
        row.update({"adjustment": (total - allowed) or None,
                    "adjustment_reason": reason if total != allowed else
                    ("CO-50 not medically necessary" if reason == "CO-50" else None),
                    "patient_responsibility": (copay + deductible) or None})
        row["reason_codes"] = " ".join(  # every group and reason code the insurer gave
            code for code, cents in ((reason, total - allowed or reason == "CO-50"),
                                     ("PR-1", deductible), ("PR-3", copay)) if cents) or None
        if deductible:
            later = day + timedelta(days=self.rng.randint(10, 40))
            if later <= END:
                client = self._payment(later, "Client", None, None, v, deductible)
                client["notes"] = "Deductible per EOB"

    def _payment(self, day, source, payer_id, reference, v: _Visit, amount: int) -> dict:
        row = {"payment_id": f"PMT{self.next_payment:06d}", "date_received": day,
               "source": source, "payer_id": payer_id, "reference": reference,
               "appointment_id": v.appointment_id, "amount": amount}
        if source == "Insurance":
            row["product_title"] = product_title(v.client["first_name"], v.client["last_name"],
                                                 v.day)
        else:  # how the client paid; chosen without the random stream, which stays as it was
            row["payment_method"] = LATER_METHODS[self.next_payment % len(LATER_METHODS)]
        self.next_payment += 1
        self.ledger.payments.append(row)
        return row


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _specials(gen: _Generator, ledger: _Ledger, remit: _Remittance) -> None:
    """Events a real practice has that the schedule does not make by itself."""
    rng = gen.rng
    self_pay = [v for v in gen.visits if v.policy is None]
    # A prepayment: a package paid before a visit booked for next Monday (a credit now);
    # nothing is taken at a visit that has not happened, so the credit clears on the day.
    client = self_pay[0].client if self_pay else gen.clients[0]
    future = _Visit(END + timedelta(days=3), client, "S02", None, None, [("MASSAGE90", None, None)])
    future.appointment_id = f"A{len(gen.visits) + 1:06d}"
    ledger.visit(future)
    ledger.lines[-1].update({"checked_out": False, "notes": "Booked; prepaid",
                             "client_paid": None, "discount": None, "payment_method": None})
    row = remit._payment(END - timedelta(days=3), "Client", None, "Package", future, 13500)
    row["notes"] = "Prepaid 90-minute massage"
    # Self-pay visits paid later, and one duplicate payment refunded.
    unpaid = [r for r in ledger.lines if r["policy_id"] is None and not r.get("client_paid")
              and r["date_of_service"] <= END - timedelta(days=40)]
    for line in unpaid[: max(1, len(unpaid) * 2 // 3)]:
        v = _Visit(line["date_of_service"], gen.clients[0], "", None, None)
        v.appointment_id = line["appointment_id"]
        charge = FEES[line["service_code"]] - (line.get("discount") or 0)
        remit._payment(line["date_of_service"] + timedelta(days=rng.randint(5, 30)),
                       "Client", None, None, v, charge)
    paid_self = [r for r in ledger.lines if r["policy_id"] is None and r.get("client_paid")
                 and r["date_of_service"] < date(2026, 6, 1)]
    if paid_self:
        line = paid_self[len(paid_self) // 2]
        v = _Visit(line["date_of_service"], gen.clients[0], "", None, None)
        v.appointment_id = line["appointment_id"]
        dup = remit._payment(line["date_of_service"] + timedelta(days=2), "Client", None,
                             None, v, line["client_paid"])
        dup["notes"] = "Charged twice at the desk"
        refund = remit._payment(line["date_of_service"] + timedelta(days=9), "Client", None,
                                "Refund", v, -line["client_paid"])
        refund["notes"] = "Refund of duplicate charge"


def sample_practice(lines: int | None = None, seed: int = 2026) -> _Built:
    """The sample practice's settings and rows.

    Args:
        lines: the number of Appointments rows wanted (a benchmark size); None for the
            ~150-client sample.
        seed: the random seed; the same seed gives the same practice.

    Returns:
        Settings by field, and rows by sheet name (money in cents, dates as ``date``).
    """
    gen = _Generator(seed)
    if lines is None:
        for n in range(DEFAULT_CLIENTS):
            gen.schedule(n)
    else:
        n = 0
        while gen.line_count < lines - 1:
            gen.schedule(n)
            n += 1
    gen.visits.sort(key=lambda v: (v.day, v.client["client_id"]))
    if lines is not None:
        _trim(gen, lines - 1)  # one line is left for the prepaid visit
    for i, v in enumerate(gen.visits, start=1):
        v.appointment_id = f"A{i:06d}"
    ledger = _Ledger(gen.rng, gen.clients)
    for v in gen.visits:
        ledger.visit(v)
    remit = _Remittance(ledger, gen.rng)
    remit.pay_all()
    _specials(gen, ledger, remit)
    ledger.payments.sort(key=lambda p: (p["date_received"], p["payment_id"]))
    remittances = _books(ledger.payments)
    built = _Built({**SETTINGS, **ACCOUNT_CODES}, {
        "Staff": [dict(s) for s in STAFF], "Clients": gen.clients, "Payers": list(PAYERS),
        "Policies": gen.policies, "Services": [dict(s) for s in SERVICES],
        "Appointments": ledger.lines, "Payments": ledger.payments,
        "Remittances": remittances,
    })
    if lines is None:
        _booking_software(built)
    return built


# The services' names in MassageBook, and a client whose history is still there: the
# sample exports (workbooks/sample-exports/, docs/desk.md) bring it in with claimbook import.
BOOKING_NAMES = {"97124": "Therapeutic Massage - Insurance", "MASSAGE60": "Massage 60 min",
                 "MASSAGE90": "Massage 90 min"}


def _booking_software(built: _Built) -> None:
    for service in built.rows["Services"]:
        if service["service_code"] in BOOKING_NAMES:
            service["booking_name"] = BOOKING_NAMES[service["service_code"]]
    built.rows["Clients"].append({
        "client_id": "C0151", "first_name": "Rosa", "last_name": "Delgado",
        "email": "rosa.delgado@mail.example", "phone": "(206) 555-0199",
        "notes": "History in MassageBook until Nov 2026"})
    built.rows["Policies"].append({
        "policy_id": "POL0055", "client_id": "C0151", "payer_id": "REGENCE",
        "member_id": "REG604417731", "group_number": "41870",
        "subscriber_name": "Rosa Delgado", "relationship": "Self", "priority": "Primary"})


# -- what the bookkeeper reads (issue 11) ------------------------------------------------
ELECTRONIC = ("PREMERA", "REGENCE", "AETNA")  # pay by EFT with an electronic remittance
ACCOUNT_CODES = {  # the bookkeeper's chart of accounts, for a Xero import
    "revenue_account_code": "4000", "insurance_a_r_account_code": "1210",
    "client_a_r_account_code": "1200", "contractual_adjustment_account_code": "4900",
    "discount_account_code": "4910", "undeposited_funds_account_code": "1050",
    "gift_card_account_code": "2300", "a_r_transfer_account_code": "1299",
    "provider_adjustment_account_code": "4950",
}
INTEREST = 237  # a prompt-pay interest (PLB L6) on one October 2026 EFT


def _books(payments: list[dict]) -> list[dict]:
    """Payment IDs in date order; an electronic payer's EFT as a Remittances row (one
    October EFT with interest added), a paper check's method on its rows."""
    for n, row in enumerate(payments, start=1):
        row["payment_id"] = f"PMT{n:06d}"
    remittances: dict[str, dict] = {}
    for row in payments:
        if row["source"] != "Insurance":
            continue
        if row["payer_id"] not in ELECTRONIC:
            row["payment_method"] = "Check"
            continue
        row["remittance"] = row["reference"]
        remit = remittances.setdefault(row["reference"], {
            "trace_number": row["reference"], "date": row["date_received"],
            "payer_id": row["payer_id"], "amount": 0, "claims_paid": 0, "method": "EFT",
            "file": f"{row['reference']}.835", "posted": row["date_received"]})
        remit["amount"] += row["amount"]
        remit["claims_paid"] += row["amount"]
    october = [r for r in remittances.values() if r["date"].strftime("%Y-%m") == "2026-10"]
    if october:
        october[0]["amount"] += INTEREST
        october[0]["provider_adjustments"] = f"L6 interest -{INTEREST // 100}.{INTEREST % 100:02d}"
    return list(remittances.values())


def _trim(gen: _Generator, wanted: int) -> None:
    total, keep = 0, []
    for v in gen.visits:
        if total + len(v.lines) > wanted:
            v.lines = v.lines[: wanted - total]
        if v.lines:
            keep.append(v)
            total += len(v.lines)
        if total >= wanted:
            break
    gen.visits = keep
