"""``balances --format json|csv`` made a column at a time is, byte for byte, what
json.dumps and csv.writer make of the contract's records."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import numpy as np
import pytest

from claimbook.cli.listing import balances_json, money_text, write_balances_csv
from claimbook.cli.main import BALANCE_KEYS, MONEY_KEYS, balance_record
from claimbook.compute.balances import balances
from claimbook.compute.frames import frames_of
from claimbook.compute.visit_table import balance_arrays, balance_columns, select_rows
from claimbook.io.xlsx.reader import load_book
from claimbook.rules.money import fmt
from claimbook.rules.textsafe import csv_safe
from conftest import SAMPLE, line, payment


def test_money_text_is_fmt():
    cents = [0, 5, -5, 100, -100, 123456, -123456, 99, 10**12]
    assert money_text(np.array(cents)) == [fmt(c) for c in cents]


def _expected_csv(items) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BALANCE_KEYS)
    for item in items:
        record = balance_record(item)
        writer.writerow([record[k] if k in MONEY_KEYS else csv_safe(record[k])
                         for k in BALANCE_KEYS])
    return out.getvalue()


@pytest.mark.parametrize("day, include_paid", [(date(2026, 10, 31), False),
                                               (date(2026, 10, 31), True),
                                               (date(2025, 1, 1), False)])
@pytest.mark.parametrize("arrow", [False, True])
def test_the_sample_as_json_and_csv(day, include_paid, arrow):
    book = load_book(SAMPLE)
    items = balances(book, day, include_paid=include_paid)
    columns = balance_arrays(frames_of(book), day, include_paid) if arrow else \
        balance_columns(frames_of(book), day, include_paid, service_codes=False)
    assert balances_json(columns, BALANCE_KEYS, MONEY_KEYS) == \
        json.dumps([balance_record(i) for i in items], indent=2)
    out = io.StringIO()
    write_balances_csv(out, columns, BALANCE_KEYS, MONEY_KEYS)
    assert out.getvalue() == _expected_csv(items)


def test_names_that_need_escaping_and_filters(book_path):
    d = date(2026, 10, 1)
    path = book_path(
        Clients=[{"client_id": "C1", "first_name": 'Ann "Annie"', "last_name": "Lée\\"},
                 {"client_id": "C2", "first_name": "=1+2", "last_name": "@Home"}],
        Appointments=[line("A1", d, units=1), line("A2", d, client="C2", policy="P2",
                                                   units=2, claim_status="Appealed")],
        Payments=[payment("PM1", d, "A1", 4000, source="Client")])
    book = load_book(path)
    for clients, payers in (((), ()), (("C2",), ()), ((), ("AET",)), (("C1",), ("SF",))):
        items = [i for i in balances(book, d, include_paid=True)
                 if (not clients or i.client_id in clients)
                 and (not payers or i.payer_id in payers)]
        columns = select_rows(balance_columns(frames_of(book), d, True, service_codes=False),
                              client_id=clients, payer_id=payers)
        assert balances_json(columns, BALANCE_KEYS, MONEY_KEYS) == \
            json.dumps([balance_record(i) for i in items], indent=2)
        out = io.StringIO()
        write_balances_csv(out, columns, BALANCE_KEYS, MONEY_KEYS)
        assert out.getvalue() == _expected_csv(items)
    columns = balance_arrays(frames_of(book), d, True)  # as balances --all makes them
    everything = balances(book, d, include_paid=True)
    assert balances_json(columns, BALANCE_KEYS, MONEY_KEYS) == \
        json.dumps([balance_record(i) for i in everything], indent=2)
    out = io.StringIO()
    write_balances_csv(out, columns, BALANCE_KEYS, MONEY_KEYS)
    assert out.getvalue() == _expected_csv(everything)


def test_in_pieces_as_the_command_writes_them(monkeypatch):
    from click.testing import CliRunner

    from claimbook.cli import listing
    from claimbook.cli.main import cli

    monkeypatch.setattr(listing, "CHUNK", 7)
    book = load_book(SAMPLE)
    day = date(2026, 10, 31)
    items = balances(book, day, include_paid=True)
    for output, expected in (("json", json.dumps([balance_record(i) for i in items],
                                                 indent=2) + "\n"),
                             ("csv", _expected_csv(items))):
        result = CliRunner().invoke(cli, ["balances", "-w", str(SAMPLE), "--all", "--as-of",
                                          day.isoformat(), "--format", output])
        assert result.exit_code == 0
        assert result.stdout == expected
