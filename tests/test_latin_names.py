"""Names on claims in Latin letters: accents and letters like Ł spelled plainly on the
CMS-1500 and in the 837P, a name in another script refused by its cell."""

from __future__ import annotations

from datetime import date

import pytest

from claim_fixtures import claim_book
from claimbook.io.cms1500 import printable
from claimbook.io.x12.x837 import data
from claimbook.io.xlsx.reader import load_book
from claimbook.rules.latin import fold, not_latin
from claimbook.usecases.claims import ClaimRequest, plan_claims


@pytest.mark.parametrize("typed, plain", [
    ("Nguyễn-Łukasiewicz", "Nguyen-Lukasiewicz"),
    ("Søren Ørsted", "Soren Orsted"),
    ("Straße", "Strasse"),
    ("Đặng", "Dang"),
    ("Æsa Œuvre", "AEsa OEuvre"),
    ("O’Brien", "O'Brien"),
    ("Ann Lee", "Ann Lee"),
])
def test_latin_letters_are_spelled_plainly(typed, plain):
    assert fold(typed) == plain and not_latin(typed) == []


def test_the_form_and_the_file_keep_every_latin_letter():
    assert printable("Łukasiewicz") == "LUKASIEWICZ"  # was "UKASIEWICZ": the Ł dropped
    assert data("Łukasiewicz, Søren") == "LUKASIEWICZ, SOREN"


def test_letters_of_other_scripts_are_found():
    assert not_latin("王芳") == ["王", "芳"]
    assert not_latin("Иван Ng") == ["И", "в", "а", "н"]
    assert not_latin(None) == []


def test_a_name_in_another_script_keeps_the_visit_off_the_claims(tmp_path):
    book = load_book(claim_book(tmp_path / "p.xlsx", Clients=[(0, {"first_name": "芳",
                                                                   "last_name": "王"})],
                                Policies=[(3, {"subscriber_name": "Рита Нг"})]))
    run = plan_claims(book, ClaimRequest(day=date(2026, 10, 31), unbilled=True))
    left = {a: [str(p) for p in problems] for a, problems in run.left_out}
    card = ("cannot go on a claim: the CMS-1500 and the 837P carry Latin letters only; "
            "type the name as the insurance card spells it")
    assert left == {
        "A1": [f'Clients!B2: "芳" {card}', f'Clients!C2: "王" {card}'],
        "A4": [f'Policies!F5: "Рита Нг" {card}'],
    }
    assert sorted(c.appointment_id for c in run.claims) == ["A2", "A3"]
