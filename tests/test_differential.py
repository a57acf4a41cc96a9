"""The vectorised computation agrees with the per-visit one (tests/oracle.py) on every
field of every visit: on the sample at every month end, and on practices hypothesis
makes up (credits, refunds, two-line visits, $0 denials, both aging bases, both units
rules), read from records and from a workbook written and read back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oracle
from claimbook.compute.balances import ar_as_of, balances, visits_of
from claimbook.compute.ledger import activity_by_month
from claimbook.io.xlsx.reader import book_of, load_book, read_book
from claimbook.rules import schema
from claimbook.rules.months import Month, months_between
from claimbook.rules.records import RECORD_CLASSES, Settings, Source
from conftest import BASE_ROWS, SAMPLE, write_book


def assert_same(book, day: date) -> None:
    """Every figure of every visit, as of ``day``, three ways: on columns (every command
    that lists visits), one visit at a time as the desk commands do (balance_of, no
    pandas), and the oracle."""
    visits = oracle.visits_of(book)
    one_by_one = dict(visits_of(book))  # a plain dict: balances() takes the per-visit path
    for include_paid in (True, False):
        ours = balances(book, day, include_paid=include_paid)
        theirs = oracle.balances(book, day, visits, include_paid=include_paid)
        desk = balances(book, day, one_by_one, include_paid=include_paid)
        assert len(ours) == len(theirs) == len(desk)
        for a, b, c in zip(ours, theirs, desk):
            assert a == b == c, (day, a, b, c)
    assert ar_as_of(visits_of(book), day) == oracle.ar_as_of(visits, day)


def assert_same_activity(book) -> None:
    ours = activity_by_month(visits_of(book))
    theirs = oracle.activity_by_month(oracle.visits_of(book))
    assert {m: a for m, a in ours.items() if a.net_change or a.charges} == \
        {m: a for m, a in theirs.items() if a.net_change or a.charges}


@pytest.fixture(scope="module")
def sample_book():
    return load_book(SAMPLE)


@pytest.mark.parametrize("basis", ["Date of Service", "Billed Date"])
def test_the_sample_at_every_month_end(sample_book, basis):
    sample_book = replace(sample_book, settings=replace(sample_book.settings,
                                                         aging_basis=basis))
    first = min(ln.date_of_service for ln in sample_book.lines)
    last = max(ln.date_of_service for ln in sample_book.lines)
    for month in months_between(Month.of(first), Month.of(last).next()):
        assert_same(sample_book, month.last_day)
    assert_same(sample_book, first - timedelta(days=1))
    assert_same_activity(sample_book)


# -- made-up practices ----------------------------------------------------------------
START = date(2026, 1, 1)
days = st.integers(0, 150).map(lambda n: START + timedelta(days=n))
amounts = st.sampled_from([0, 500, 1999, 6000, 9000, -2500, 12345])


def record(sheet: str, row: int, **values):
    fields = dict.fromkeys(schema.sheet(sheet).fields)
    fields.update(values)
    cls = RECORD_CLASSES[sheet]
    return cls(**fields, src=Source(sheet, row, {}))


@st.composite
def practices(draw):
    """A practice: two payers (one counting CMS total time), policies, visits of one or
    two lines, insurance and client payments dated before and after their visits."""
    rule = draw(st.sampled_from(["Per code", "CMS total time"]))
    payers = [record("Payers", 2, payer_id="AET", name="Aetna", units_rule=rule,
                     timely_filing_days=draw(st.sampled_from([None, 30, 365]))),
              record("Payers", 3, payer_id="SF", name="State Farm", units_rule="Per code")]
    policies = [record("Policies", 2, policy_id="P1", client_id="C1", payer_id="AET"),
                record("Policies", 3, policy_id="P2", client_id="C2", payer_id="SF")]
    services = [record("Services", 2, service_code="97124", fee_per_unit=3000,
                       minutes_per_unit=15, timed=True),
                record("Services", 3, service_code="97140", fee_per_unit=3500,
                       minutes_per_unit=30, timed=True),
                record("Services", 4, service_code="MASSAGE60", fee_per_unit=9000,
                       minutes_per_unit=15, timed=False)]
    lines, payments = [], []
    for v in range(draw(st.integers(1, 8))):
        visit_id = f"A{v}"
        client, policy = draw(st.sampled_from([("C1", "P1"), ("C2", "P2"), ("C1", None)]))
        day = draw(days)
        billed = draw(st.one_of(st.none(), days.filter(lambda d, day=day: d >= day)))
        for _ in range(draw(st.integers(1, 2))):
            lines.append(record(
                "Appointments", len(lines) + 2, appointment_id=visit_id,
                date_of_service=day, client_id=client, staff_id="S1", policy_id=policy,
                service_code=draw(st.sampled_from(["97124", "97140", "MASSAGE60", "X1"])),
                minutes=draw(st.one_of(st.none(), st.integers(0, 70))),
                units=draw(st.one_of(st.none(), st.none(), st.integers(0, 4))),
                charge=draw(st.one_of(st.none(), st.none(), amounts)),
                client_paid=draw(st.one_of(st.none(), amounts)),
                discount=draw(st.one_of(st.none(), st.sampled_from([0, 1000]))),
                billed_date=draw(st.one_of(st.none(), st.just(billed))),
                claim_status=draw(st.one_of(st.none(), st.just("Appealed")))))
        for _ in range(draw(st.integers(0, 3))):
            insurer = policy is not None and draw(st.booleans())
            payments.append(record(
                "Payments", len(payments) + 2, payment_id=f"PM{len(payments)}",
                date_received=draw(days), source="Insurance" if insurer else "Client",
                payer_id=("AET" if policy == "P1" else "SF") if insurer else None,
                appointment_id=visit_id, amount=draw(amounts),
                adjustment=draw(st.one_of(st.none(), amounts)),
                patient_responsibility=draw(st.one_of(st.none(), amounts))))
    _voids(draw, lines, payments)
    basis = draw(st.sampled_from(["Date of Service", "Billed Date"]))
    rows = {"Staff": [record("Staff", 2, staff_id="S1", name="Tess")],
            "Clients": [record("Clients", 2, client_id="C1", first_name="Ann", last_name="Lee"),
                        record("Clients", 3, client_id="C2", first_name="Bo", last_name="Diaz")],
            "Payers": payers, "Policies": policies, "Services": services,
            "Appointments": lines, "Payments": payments}
    practice = Settings(practice_name="Made Up", aging_basis=basis, timely_filing_days=90)
    return book_of("made-up.xlsx", practice, rows, [])


def _voids(draw, lines: list, payments: list) -> None:
    """claimbook void's entries: a payment or a whole visit undone by an equal and opposite
    row dated the day of the void (Void Reason "Reverses ...")."""
    from dataclasses import replace as copy

    for payment in [p for p in payments if draw(st.integers(0, 4)) == 0]:
        payments.append(copy(payment, payment_id=payment.payment_id + "R",
                             date_received=draw(days), amount=-(payment.amount or 0),
                             adjustment=-(payment.adjustment or 0) or None,
                             void_reason=f"Reverses {payment.payment_id}: wrong visit"))
    visits = sorted({ln.appointment_id for ln in lines})
    for visit in [v for v in visits if draw(st.integers(0, 5)) == 0]:
        day = draw(days)
        for line in [ln for ln in lines if ln.appointment_id == visit]:
            lines.append(copy(line, date_of_service=day, void_reason=f"Reverses {visit}: x",
                              charge=-(line.charge if line.charge is not None else
                                       3000 * (line.units or 1)),
                              client_paid=-(line.client_paid or 0) or None))


@settings(max_examples=150, deadline=None)
@given(practices(), st.lists(days, min_size=1, max_size=4))
def test_made_up_practices_from_records(book, dates):
    for day in dates:
        assert_same(book, day)
    assert_same_activity(book)


def _as_rows(records: list, sheet: str) -> list[dict]:
    return [{f: getattr(r, f) for f in schema.sheet(sheet).fields
             if getattr(r, f) is not None} for r in records]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(practices(), days)
def test_made_up_practices_written_and_read_back(tmp_path, book, day):
    rows = {name: _as_rows(book.rows[name], name) for name in BASE_ROWS}
    path = write_book(tmp_path / "made-up.xlsx",
                      {"aging_basis": book.settings.aging_basis}, **rows)
    read, _ = read_book(path)  # an unknown service code is a problem, not a stop
    assert getattr(read.lines, "table", None) is not None  # the columnar path
    assert_same(read, day)
    assert_same_activity(read)


def test_visits_of_a_columnar_book_are_the_visits_of_its_records(sample_book):
    ours, theirs = visits_of(sample_book), oracle.visits_of(sample_book)
    assert list(ours) == list(theirs)
    for key in list(theirs)[::3]:  # made one at a time
        a, b = ours[key], theirs[key]
        assert (a.lines, a.payments, a.units, a.charges) == \
            (b.lines, b.payments, b.units, b.charges)
    assert "nope" not in ours and ours.get("nope") is None
    again = visits_of(load_book(SAMPLE))  # all at once
    assert [(v.appointment_id, v.lines, v.payments, v.charges) for v in again.values()] == \
        [(v.appointment_id, v.lines, v.payments, v.charges) for v in theirs.values()]


@pytest.mark.parametrize("rule", ["Per code", "CMS total time"])
def test_units_at_the_eight_minute_boundaries(rule):
    """7/8 and 22/23 minutes of a 15-minute unit, 15/16 and 45/46 of a 30-minute one."""
    cases = [("97124", 7, 0), ("97124", 8, 1), ("97124", 22, 1), ("97124", 23, 2),
             ("97140", 15, 0), ("97140", 16, 1), ("97140", 45, 1), ("97140", 46, 2)]
    lines = [record("Appointments", i + 2, appointment_id=f"A{i}", date_of_service=START,
                    client_id="C1", staff_id="S1", policy_id="P1", service_code=code,
                    minutes=minutes) for i, (code, minutes, _) in enumerate(cases)]
    rows = {"Staff": [record("Staff", 2, staff_id="S1", name="Tess")],
            "Clients": [record("Clients", 2, client_id="C1", first_name="Ann")],
            "Payers": [record("Payers", 2, payer_id="AET", name="Aetna", units_rule=rule)],
            "Policies": [record("Policies", 2, policy_id="P1", client_id="C1",
                                payer_id="AET")],
            "Services": [record("Services", 2, service_code="97124", fee_per_unit=3000,
                                minutes_per_unit=15, timed=True),
                         record("Services", 3, service_code="97140", fee_per_unit=3500,
                                minutes_per_unit=30, timed=True)],
            "Appointments": lines, "Payments": []}
    book = book_of("units.xlsx", Settings(practice_name="Units", timely_filing_days=90), rows,
                   [])
    charges = {b.appointment_id: b.charge for b in balances(book, START, include_paid=True)}
    fees = {"97124": 3000, "97140": 3500}
    assert charges == {f"A{i}": units * fees[code] for i, (code, _, units) in enumerate(cases)}
    assert_same(book, START)


def test_a_voided_visit_and_a_voided_answer_both_ways():
    """A visit undone by its reversal is Voided; an insurer's voided answer is no answer."""
    lines = [record("Appointments", 2, appointment_id="A1", date_of_service=START,
                    client_id="C1", staff_id="S1", policy_id="P1", service_code="97124",
                    units=2),
             record("Appointments", 3, appointment_id="A1", date_of_service=START,
                    client_id="C1", staff_id="S1", policy_id="P1", service_code="97124",
                    units=2, charge=-6000, void_reason="Reverses A1: booked twice"),
             record("Appointments", 4, appointment_id="A2", date_of_service=START,
                    client_id="C1", staff_id="S1", policy_id="P1", service_code="97124",
                    units=1)]
    payments = [record("Payments", 2, payment_id="PM1", date_received=START, source="Insurance",
                       payer_id="AET", appointment_id="A2", amount=1000),
                record("Payments", 3, payment_id="PM2", date_received=START, source="Insurance",
                       payer_id="AET", appointment_id="A2", amount=-1000,
                       void_reason="Reverses PM1: wrong visit")]
    rows = {"Staff": [record("Staff", 2, staff_id="S1", name="Tess")],
            "Clients": [record("Clients", 2, client_id="C1", first_name="Ann")],
            "Payers": [record("Payers", 2, payer_id="AET", name="Aetna")],
            "Policies": [record("Policies", 2, policy_id="P1", client_id="C1",
                                payer_id="AET")],
            "Services": [record("Services", 2, service_code="97124", fee_per_unit=3000,
                                minutes_per_unit=15, timed=True)],
            "Appointments": lines, "Payments": payments}
    book = book_of("voids.xlsx", Settings(practice_name="Voids", timely_filing_days=90), rows,
                   [])
    status = {b.appointment_id: (b.balance, b.status)
              for b in balances(book, START, include_paid=True)}
    assert status == {"A1": (0, "Voided"), "A2": (3000, "Unbilled")}
    assert_same(book, START)
