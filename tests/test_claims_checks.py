"""What a claim says, and every problem that keeps a visit from being claimed, by its cell.

Each test writes the small practice of claim_fixtures.py to disk (one cell spoiled),
reads it back as claimbook does and plans the claims.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from claim_fixtures import BILLING_NPI, DOC_NPI, MAYA_NPI, claim_book
from claimbook.compute.balances import visits_of
from claimbook.compute.billing_provider import billing_of
from claimbook.compute.claims import claim_for
from claimbook.io.xlsx.reader import load_book
from claimbook.rules.names import person_name
from claimbook.rules.problems import BadData, BadRequest
from claimbook.usecases.claims import ClaimRequest, plan_claims

DAY = date(2026, 10, 31)


def _plan(tmp_path, settings=None, electronic=True, **changes):
    book = load_book(claim_book(tmp_path / "p.xlsx", settings, **changes))
    run = plan_claims(book, ClaimRequest(day=DAY, unbilled=True, electronic=electronic))
    return book, run


def _claims(run) -> dict:
    return {c.appointment_id: c for c in run.claims}


def _left(run) -> dict[str, list[str]]:
    return {a: [str(p) for p in problems] for a, problems in run.left_out}


# -- what a claim says ---------------------------------------------------------------------------
def test_a_commercial_claim_with_two_lines(tmp_path):
    _, run = _plan(tmp_path)
    assert run.left_out == [] and sorted(_claims(run)) == ["A1", "A2", "A3", "A4"]
    c = _claims(run)["A1"]
    assert (c.payer.payer_id, c.payer.filing_indicator, c.payer.box1) == ("AET", "CI", "group")
    assert c.payer.address_lines == ("PO Box 14079", "Lexington KY 40512")
    assert (c.member_id, c.group_number, c.relationship, c.priority) == ("W123456", "G77",
                                                                        "18", "P")
    assert c.insured == c.patient and c.patient.sex == "F"
    assert c.patient.birth == date(1980, 5, 6) and c.patient.phone == "2065551111"
    assert c.diagnoses == ("M54.50", "M62.830")
    first, second = c.lines
    assert (first.code, first.modifiers, first.pointers, first.units, first.charge) == \
        ("97124", ("GP",), (1, 2), 3, 9600)  # 38 minutes: 3 units
    assert (second.code, second.modifiers, second.pointers, second.units, second.charge) == \
        ("97140", ("GP", "59"), (2,), 2, 7200)  # 23 minutes: 2 units, on its own
    assert c.total == 16800 and [ln.control_number for ln in c.lines] == ["A1-1", "A1-2"]
    assert c.rendering.npi == MAYA_NPI and c.billing.npi == BILLING_NPI
    assert (c.billing.tax_id, c.billing.tax_id_kind) == ("911234567", "EIN")
    assert c.billing.address.street2 == "Suite 3" and c.billing.address.zip_digits == "981034112"
    assert c.other is None and c.line_rows == (2, 3)


def test_units_follow_the_payers_units_rule(tmp_path):
    """A4 has the same minutes as A1 (38 + 23) but its payer counts CMS total time: 61
    minutes make 4 units, 2 + 1 whole, the one left to the tie's first code, 97124."""
    _, run = _plan(tmp_path)
    a1, a4 = _claims(run)["A1"], _claims(run)["A4"]
    assert [ln.units for ln in a1.lines] == [3, 2]
    assert [ln.units for ln in a4.lines] == [3, 1]
    assert [ln.charge for ln in a4.lines] == [9600, 3600] and a4.total == 13200


def test_auto_accident_claim(tmp_path):
    _, run = _plan(tmp_path)
    c = _claims(run)["A2"]
    assert (c.auto_accident, c.employment, c.accident_state) == (True, False, "WA")
    assert c.injury_date == date(2026, 9, 20) and c.property_claim_number == "CL-25-1"
    assert c.payer.filing_indicator == "AM" and c.payer.box1 == "other"
    assert c.referring.npi == DOC_NPI and c.referring.name.last == "Holt"
    # Bo's Aetna policy is another health plan: boxes 9, 9a, 9d and 11d
    assert c.other.payer_name == "Aetna" and c.other.member_id == "A-22"


def test_workers_comp_claim_insures_the_employer(tmp_path):
    _, run = _plan(tmp_path)
    c = _claims(run)["A3"]
    assert c.employment and not c.auto_accident and c.payer.filing_indicator == "WC"
    assert c.insured.name.organization and c.insured.name.last == "Puget Sound Freight"
    assert c.relationship == "20" and c.member_id == "LN-4"  # no Member ID: the claim number
    assert c.property_claim_number == "LN-4" and c.lines[0].units == 2


def test_a_child_on_a_parents_plan(tmp_path):
    _, run = _plan(tmp_path)
    c = _claims(run)["A4"]
    assert c.relationship == "19" and not c.patient_is_insured
    assert (c.insured.name.first, c.insured.name.last) == ("Rita", "Ng")


@pytest.mark.parametrize("typed, parts", [
    ("Jane Q Smith", ("Smith", "Jane", "Q")),
    ("Smith, Jane Q", ("Smith", "Jane", "Q")),
    ("Dr. Karen Holt, DC", ("Holt", "Karen", "")),
    ("Samuel Reyes MD", ("Reyes", "Samuel", "")),
    ("Lena Park, D.O.", ("Park", "Lena", "")),
])
def test_names_as_typed(typed, parts):
    name = person_name(typed)
    assert (name.last, name.first, name.middle) == parts


# -- every problem names its cell -----------------------------------------------------------------
SPOILED = [
    ("sex", dict(Clients=[(0, {"sex": None})]), "A1", "Clients!M2", "Sex is needed"),
    ("birth", dict(Clients=[(0, {"date_of_birth": None})]), "A1", "Clients!D2",
     "no Date of Birth"),
    ("address", dict(Clients=[(0, {"address": None})]), "A1", "Clients!G2", "no Address"),
    ("member id", dict(Policies=[(0, {"member_id": None})]), "A1", "Policies!D2",
     "Member ID"),
    ("relationship", dict(Policies=[(0, {"relationship": "Cousin"})]), "A1", "Policies!G2",
     "Self, Spouse, Child or Other"),
    ("insured", dict(Policies=[(3, {"subscriber_name": None})]), "A4", "Policies!F5",
     "insured's name"),
    ("accident state", dict(Policies=[(1, {"accident_state": None})]), "A2", "Policies!Q3",
     "Accident State"),
    ("injury date", dict(Policies=[(1, {"date_of_injury": None})]), "A2", "Policies!I3",
     "Date of Injury"),
    ("pip claim number", dict(Policies=[(1, {"claim_number": None})]), "A2", "Policies!H3",
     "Claim Number"),
    ("referring", dict(Policies=[(1, {"referring_npi": None})]), "A2", "Policies!K3",
     "referring NPI"),
    ("employer", dict(Policies=[(2, {"employer": None})]), "A3", "Policies!P4", "Employer"),
    ("wc claim number", dict(Policies=[(2, {"claim_number": None})]), "A3", "Policies!H4",
     "Claim Number"),
    ("icd shape", dict(Appointments=[(0, {"diagnosis_codes": "M54.50, 5X"})]), "A1",
     "Appointments!J2", "not an ICD-10 code"),
    ("no diagnosis", dict(Appointments=[(2, {"diagnosis_codes": None})]), "A2",
     "Appointments!J4", "no diagnosis code"),
    ("thirteen codes", dict(Appointments=[(0, {"diagnosis_codes": " ".join(
        f"M54.{i}" for i in range(10, 22))})]), "A1", "Appointments!J2",
     "13 diagnosis codes"),
    ("modifier", dict(Appointments=[(0, {"modifiers": "G"})]), "A1", "Appointments!S2",
     "not a modifier"),
    ("five modifiers", dict(Appointments=[(0, {"modifiers": "GP 59 XS KX 25"})]), "A1",
     "Appointments!S2", "at most 4"),
    ("no unit", dict(Appointments=[(2, {"minutes": 7})]), "A2", "Appointments!G4",
     "0 units"),
    ("charge", dict(Appointments=[(2, {"charge": 0})]), "A2", "Appointments!I4",
     "charge is not above zero"),
    ("rendering npi", dict(Staff=[(None, {"staff_id": "S2", "name": "Daniel Ortiz"})],
                           Appointments=[(1, {"staff_id": "S2"})]), "A1", "Staff!D3",
     "box 24J"),
    ("electronic payer id", dict(Payers=[(0, {"electronic_payer_id": None})]), "A1",
     "Payers!G2", "Electronic Payer ID"),
    ("secondary", dict(Appointments=[(None, {
        "appointment_id": "A5", "date_of_service": date(2026, 10, 9), "client_id": "C2",
        "staff_id": "S1", "policy_id": "P5", "service_code": "97124", "units": 2,
        "diagnosis_codes": "M54.2"})]), "A5", "Policies!O6", "Secondary"),
]


@pytest.mark.parametrize("what, changes, visit, cell, words", SPOILED,
                         ids=[s[0] for s in SPOILED])
def test_a_spoiled_cell_leaves_its_visit_out_and_the_others_go(tmp_path, what, changes, visit,
                                                              cell, words):
    _, run = _plan(tmp_path, **changes)
    left = _left(run)
    assert list(left) == [visit], left
    assert any(p.startswith(f"{cell}: ") and words in p for p in left[visit]), left[visit]
    assert visit not in _claims(run) and len(run.claims) >= 3


@pytest.mark.parametrize("settings, cell, words", [
    ({"tax_id": "12-345"}, "Practice!B9", "not 9 digits"),
    ({"tax_id": None}, "Practice!B9", '"Tax ID" is needed'),
    ({"billing_npi": None}, "Practice!B10", '"Billing NPI" is needed'),
    ({"address": "PO Box 1106"}, "Practice!B3", "not a PO box"),
    ({"zip": "98103"}, "Practice!B6", "9-digit ZIP"),
    ({"state": "Wash"}, "Practice!B5", "2-letter state"),
    ({"place_of_service": "office"}, "Practice!B11", "2-digit code"),
    ({"submitter_id": None}, "Practice!", '"Submitter ID" is needed'),
])
def test_the_practice_must_be_billable_before_any_claim(tmp_path, settings, cell, words):
    with pytest.raises(BadData) as caught:
        _plan(tmp_path, settings)
    assert any(str(p).startswith(cell) and words in str(p) for p in caught.value.problems), \
        [str(p) for p in caught.value.problems]


def test_paper_claims_need_neither_envelope_ids_nor_a_9_digit_zip(tmp_path):
    _, run = _plan(tmp_path, {"zip": "98103", "submitter_id": None}, electronic=False)
    assert len(run.claims) == 4


def test_npi_check_digits_of_billing_rendering_and_referring(tmp_path):
    """The reader refuses a typed NPI that fails its check digit; the claim checks it too,
    whatever path the value came by."""
    book = load_book(claim_book(tmp_path / "p.xlsx"))
    bad = MAYA_NPI[:9] + str((int(MAYA_NPI[9]) + 1) % 10)
    book.staff["S1"] = replace(book.staff["S1"], npi=bad)
    book.policies["P2"] = replace(book.policies["P2"], referring_npi=bad)
    visits = visits_of(book)
    billing, _ = billing_of(book.settings, False)
    _, problems = claim_for(book, visits["A2"], billing)
    texts = [str(p) for p in problems]
    assert f'Staff!D2: NPI "{bad}" fails its check digit' in texts
    assert f'Policies!K3: NPI "{bad}" fails its check digit' in texts
    _, problems = billing_of(replace(book.settings, billing_npi=bad), False)
    assert [str(p) for p in problems] == [f'Practice!B10: NPI "{bad}" fails its check digit']


def test_choosing_visits(tmp_path):
    book = load_book(claim_book(tmp_path / "p.xlsx", Appointments=[(None, {
        "appointment_id": "A9", "date_of_service": date(2026, 11, 20), "client_id": "C1",
        "staff_id": "S1", "policy_id": "P1", "service_code": "97124", "units": 1,
        "diagnosis_codes": "M54.2"})]))
    run = plan_claims(book, ClaimRequest(day=DAY, unbilled=True, payer_id="AET"))
    assert [c.appointment_id for c in run.claims] == ["A1"]  # A9 is after the billed date
    run = plan_claims(book, ClaimRequest(day=DAY, unbilled=True, first=date(2026, 10, 6),
                                         last=date(2026, 10, 7)))
    assert [c.appointment_id for c in run.claims] == ["A2", "A3"]
    run = plan_claims(book, ClaimRequest(day=DAY, appointment_ids=("A9", "A1")))
    assert [c.appointment_id for c in run.claims] == ["A1"]
    assert [str(p) for p in dict(run.left_out)["A9"]] == [
        "Appointments!B8: the visit is dated after 10/31/2026; bill it once it has taken place"]
    with pytest.raises(BadRequest, match='no appointment "A404"'):
        plan_claims(book, ClaimRequest(day=DAY, appointment_ids=("A404",)))
    with pytest.raises(BadRequest, match="never billed"):
        plan_claims(book, ClaimRequest(day=DAY, resubmit="A1", frequency="7"))
