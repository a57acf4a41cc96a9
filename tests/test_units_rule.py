"""The payer's Units Rule (CONTRACT.md, second round): `Per code` counts each line on its
own; `CMS total time` pools a visit's timed minutes. Hand-worked tables from
shared/domain/INSURANCE-NOTES.md section 5, on workbooks written and read back."""

from datetime import date

import pytest

from claimbook.compute.balances import visits_of
from claimbook.io.xlsx.reader import load_book
from claimbook.rules.units import eight_minute_rule
from conftest import BASE_ROWS, line

DOS = date(2026, 10, 1)


def _payers(rule: str) -> list[dict]:
    return [{**p, "units_rule": rule} if p["payer_id"] == "AET" else p
            for p in BASE_ROWS["Payers"]]


def _units(book_path, rule: str, minutes: dict[str, int]) -> dict[str, int]:
    lines = [line("A1", DOS, code=code, minutes=m) for code, m in minutes.items()]
    book = load_book(book_path(Payers=_payers(rule), Appointments=lines))
    visit = visits_of(book)["A1"]
    return {ln.service_code: n for ln, n in zip(visit.lines, visit.units)}


@pytest.mark.parametrize("minutes, cms, per_code", [
    ({"97124": 60}, {"97124": 4}, {"97124": 4}),
    ({"97124": 7, "97140": 7}, {"97124": 1, "97140": 0}, {"97124": 0, "97140": 0}),
    ({"97124": 10, "97140": 10}, {"97124": 1, "97140": 0}, {"97124": 1, "97140": 1}),
    ({"97124": 33, "97140": 7}, {"97124": 2, "97140": 1}, {"97124": 2, "97140": 0}),
    ({"97140": 33, "97124": 7}, {"97140": 2, "97124": 1}, {"97140": 2, "97124": 0}),
    ({"97124": 22}, {"97124": 1}, {"97124": 1}),
    ({"97124": 23}, {"97124": 2}, {"97124": 2}),
])
def test_units_by_rule(book_path, minutes, cms, per_code):
    assert _units(book_path, "CMS total time", minutes) == cms
    assert _units(book_path, "Per code", minutes) == per_code


def test_ties_go_to_the_code_that_sorts_first_whatever_the_row_order(book_path):
    # 97140 first in the sheet; 97124 still gets the unit
    assert _units(book_path, "CMS total time", {"97140": 10, "97124": 10}) == \
        {"97140": 0, "97124": 1}


def test_typed_units_and_untimed_lines_stay_out_of_the_pool(book_path):
    lines = [line("A1", DOS, code="97124", minutes=10),
             line("A1", DOS, code="97140", minutes=10, units=3),
             line("A1", DOS, code="MASSAGE60", minutes=60)]
    book = load_book(book_path(Payers=_payers("CMS total time"), Appointments=lines))
    visit = visits_of(book)["A1"]
    assert visit.units == [1, 3, 1]
    assert visit.charges == [3000, 3 * 3500, 9000]


def test_a_workbook_without_the_column_counts_per_code(book_path):
    lines = [line("A1", DOS, code="97124", minutes=10), line("A1", DOS, code="97140",
                                                             minutes=10)]
    visit = visits_of(load_book(book_path(Appointments=lines)))["A1"]
    assert visit.units == [1, 1]


@pytest.mark.parametrize("minutes, per_unit, units", [
    (7, 15, 0), (8, 15, 1), (15, 30, 0), (16, 30, 1), (45, 30, 1), (46, 30, 2)])
def test_more_than_half_a_unit(minutes, per_unit, units):
    assert eight_minute_rule(minutes, per_unit) == units
