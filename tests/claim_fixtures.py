"""A small practice whose visits claim cleanly, for the claim tests to spoil one cell at a time."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from claimbook.io.xlsx.template import write_practice_workbook
from claimbook.rules.npi import make_npi

BILLING_NPI = make_npi("154827390")
MAYA_NPI = make_npi("162849301")
DOC_NPI = make_npi("132957608")

SETTINGS = {
    "practice_name": "Cedar & Stone Massage", "address": "2210 N 45th St, Suite 3",
    "city": "Seattle", "state": "WA", "zip": "98103-4112", "phone": "(206) 555-0142",
    "tax_id": "91-1234567", "billing_npi": BILLING_NPI, "place_of_service": "11",
    "timely_filing_days": 365, "submitter_id": "CEDAR01", "receiver_id": "330897513",
    "receiver_name": "OFFICE ALLY", "receiver_code": "OA",
}

ROWS = {
    "Staff": [{"staff_id": "S1", "name": "Maya Chen", "credentials": "LMT", "npi": MAYA_NPI,
               "license_number": "MA1", "license_state": "WA", "taxonomy_code": "225700000X"}],
    "Clients": [
        {"client_id": "C1", "first_name": "Ann", "last_name": "Lee", "sex": "F",
         "date_of_birth": date(1980, 5, 6), "address": "12 Stone Way N", "city": "Seattle",
         "state": "WA", "zip": "98103", "phone": "(206) 555-1111"},
        {"client_id": "C2", "first_name": "Bo", "last_name": "Diaz", "sex": "M",
         "date_of_birth": date(1975, 1, 2), "address": "40 Fremont Ave N", "city": "Seattle",
         "state": "WA", "zip": "98107"},
        {"client_id": "C3", "first_name": "Cy", "last_name": "Park", "sex": "M",
         "date_of_birth": date(1990, 3, 4), "address": "7 Aurora Ave N", "city": "Shoreline",
         "state": "WA", "zip": "98133"},
        {"client_id": "C4", "first_name": "Dee", "last_name": "Ng", "sex": "F",
         "date_of_birth": date(2012, 9, 9), "address": "5 Dayton Ave N", "city": "Seattle",
         "state": "WA", "zip": "98103"},
    ],
    "Payers": [
        {"payer_id": "AET", "name": "Aetna", "type": "Commercial",
         "address": "PO Box 14079, Lexington KY 40512", "electronic_payer_id": "60054"},
        {"payer_id": "MED", "name": "Medi Plan", "type": "Commercial",
         "electronic_payer_id": "77777", "units_rule": "CMS total time"},
        {"payer_id": "SF", "name": "State Farm", "type": "Auto/PIP",
         "address": "PO Box 52250, Phoenix AZ 85072", "electronic_payer_id": "31053",
         "requires_referring": True},
        {"payer_id": "LNI", "name": "Washington L&I", "type": "Workers Comp",
         "electronic_payer_id": "WALNI", "taxonomy_on_claims": True},
    ],
    "Policies": [
        {"policy_id": "P1", "client_id": "C1", "payer_id": "AET", "member_id": "W123456",
         "group_number": "G77", "subscriber_name": "Ann Lee", "relationship": "Self",
         "prior_authorization": "AUTH-77"},
        {"policy_id": "P2", "client_id": "C2", "payer_id": "SF", "member_id": "SF-9",
         "subscriber_name": "Bo Diaz", "relationship": "Self", "claim_number": "CL-25-1",
         "date_of_injury": date(2026, 9, 20), "accident_state": "WA",
         "referring_provider": "Dr. Karen Holt, DC", "referring_npi": DOC_NPI},
        {"policy_id": "P3", "client_id": "C3", "payer_id": "LNI", "claim_number": "LN-4",
         "date_of_injury": date(2026, 8, 1), "employer": "Puget Sound Freight"},
        {"policy_id": "P4", "client_id": "C4", "payer_id": "MED", "member_id": "MP-1",
         "subscriber_name": "Rita Ng", "relationship": "Child"},
        {"policy_id": "P5", "client_id": "C2", "payer_id": "AET", "member_id": "A-22",
         "subscriber_name": "Bo Diaz", "relationship": "Self", "priority": "Secondary"},
    ],
    "Services": [
        {"service_code": "97124", "description": "Massage", "minutes_per_unit": 15,
         "fee_per_unit": 3200, "timed": True},
        {"service_code": "97140", "description": "Manual therapy", "minutes_per_unit": 15,
         "fee_per_unit": 3600, "timed": True},
    ],
    "Appointments": [
        {"appointment_id": "A1", "date_of_service": date(2026, 10, 5), "client_id": "C1",
         "staff_id": "S1", "policy_id": "P1", "service_code": "97124", "minutes": 38,
         "diagnosis_codes": "M54.50, M62.830", "modifiers": "GP"},
        {"appointment_id": "A1", "date_of_service": date(2026, 10, 5), "client_id": "C1",
         "staff_id": "S1", "policy_id": "P1", "service_code": "97140", "minutes": 23,
         "diagnosis_codes": "M62.830", "modifiers": "GP 59"},
        {"appointment_id": "A2", "date_of_service": date(2026, 10, 6), "client_id": "C2",
         "staff_id": "S1", "policy_id": "P2", "service_code": "97124", "minutes": 60,
         "diagnosis_codes": "S13.4XXA"},
        {"appointment_id": "A3", "date_of_service": date(2026, 10, 7), "client_id": "C3",
         "staff_id": "S1", "policy_id": "P3", "service_code": "97124", "units": 2,
         "diagnosis_codes": "S39.012A"},
        {"appointment_id": "A4", "date_of_service": date(2026, 10, 8), "client_id": "C4",
         "staff_id": "S1", "policy_id": "P4", "service_code": "97124", "minutes": 38,
         "diagnosis_codes": "M54.2"},
        {"appointment_id": "A4", "date_of_service": date(2026, 10, 8), "client_id": "C4",
         "staff_id": "S1", "policy_id": "P4", "service_code": "97140", "minutes": 23,
         "diagnosis_codes": "M54.2"},
    ],
    "Payments": [],
}


def rows(**changes) -> dict:
    """The rows, with ``Sheet=[(index, {field: value}), ...]`` spoiling some cells."""
    out = copy.deepcopy(ROWS)
    for sheet, edits in changes.items():
        for index, values in edits:
            if index is None:
                out[sheet].append(values)
            else:
                out[sheet][index].update(values)
    return out


def claim_book(path: Path, settings: dict | None = None, **changes) -> Path:
    """Write the small practice (with ``changes``, see :func:`rows`) to ``path``."""
    write_practice_workbook(str(path), {**SETTINGS, **(settings or {})}, rows(**changes),
                            overwrite=True)
    return path
