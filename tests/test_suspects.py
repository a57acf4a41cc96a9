"""``check`` on a columnar book looks only at suspect rows; it must find exactly what
checking every record finds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from claimbook.io.xlsx.reader import read_book
from claimbook.rules.problems import in_order
from claimbook.rules.validate import validate
from conftest import BASE_ROWS, line, payment

D = date(2026, 10, 1)


def _every_record(book):
    lines, payments = list(book.lines), list(book.payments)
    rows = dict(book.rows, Appointments=lines, Payments=payments)
    return replace(book, lines=lines, payments=payments, rows=rows)


def test_suspects_find_what_every_record_finds(book_path):
    services = BASE_ROWS["Services"] + [{"service_code": "97530", "description": "No fee"}]
    path = book_path(
        Services=services,
        Policies=BASE_ROWS["Policies"] + [{"policy_id": "P3", "client_id": "C9",
                                           "payer_id": "AET"},
                                          {"policy_id": "P4", "payer_id": "AET"}],
        Appointments=[
            line("A1", D, units=1), line("A1", D, units=1),  # fine: two lines
            line("A2", D, client="C9", policy=None, units=1),  # unknown client
            line("A3", D, units=1, staff_id="S9"), line("A4", D, code="X9", units=1),
            line("A5", D, policy="P9", units=1), line("A6", D, policy="P2", units=1),
            line("A7", D, policy="P3", units=1),  # a policy of an unknown client
            line("A8", D, units=1, billed_date=date(2026, 9, 1)),
            line("A9", D, units=1), line("A9", date(2026, 10, 2), client="C2", policy="P2",
                                         units=1),
            line("A10", D, policy=None, units=1),
            line("A11", D, policy="P4", units=1),  # a policy with no client
            line("A12", D, code="97530", units=2),  # priced from a service with no fee
            line("A13", D, code="97530", units=2, charge=6000)],  # fine: a Charge
        Payments=[payment("PM1", D, "A1", 100), payment("PM1", D, "A1", 100),
                  payment("PM2", D, "A99", 100), payment("PM3", D, "A1", 100, payer="SF"),
                  payment("PM4", D, "A10", 100), payment("PM5", D, "A1", 100, payer="ZZ"),
                  {**payment("PM6", D, "A1", 100), "payer_id": None},
                  payment("PM7", D, "A10", 100, source="Client")])
    book, _ = read_book(path)
    assert getattr(book.lines, "table", None) is not None
    narrowed = in_order(validate(book))
    everything = in_order(validate(_every_record(book)))
    assert narrowed == everything
    assert len(everything) >= 14


def test_the_sample_has_no_suspects_and_no_problems(sample_copy):
    book, problems = read_book(sample_copy)
    assert problems == [] and validate(book) == [] and validate(_every_record(book)) == []


def test_first_positions_are_each_keys_first_row():
    import random

    import numpy as np
    import pyarrow as pa

    from claimbook.io.xlsx.suspects import _first_positions

    rng = random.Random(8)
    for size in (0, 1, 5, 200):
        keys = [rng.choice(["A1", "A2", "A3", None, "A10", "B"]) for _ in range(size)]
        for column in (pa.array(keys, pa.string()),
                       pa.chunked_array([keys[:size // 2], keys[size // 2:]], pa.string())):
            codes, first = _first_positions(column)
            seen = list(dict.fromkeys(k for k in keys if k is not None))
            assert [keys[i] for i in first] == seen  # in code order: first met, first
            assert [seen[c] if c >= 0 else None for c in codes] == keys
            assert np.array_equal(first, [keys.index(k) for k in seen])
