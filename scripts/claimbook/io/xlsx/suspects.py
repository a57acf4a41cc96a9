"""The rows of the big sheets that ``validate`` needs to look at, found over columns.

Checking a million lines one record at a time is most of ``check``'s time, and nearly
every line is fine. Here each cross-check is asked of whole columns first (is every
Client ID a client? does every line agree with its visit's first line?); the rows that
might fail, with the rows their messages name (a visit's first line, an ID's first
use), become records, and :mod:`claimbook.rules.validate` checks those as it checks
any book, so every message is the one it always was.

A new check of lines or payments in validate.py needs its suspects here too; the test
(tests/test_suspects.py) plants one of each problem and compares with every record.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from claimbook.io import arrow
from claimbook.rules.records import Book


def _mask(array) -> np.ndarray:
    return arrow.flags(array)


def _unknown(column, known) -> np.ndarray:
    """A value is typed and is not one of ``known``."""
    values = arrow.texts(sorted(k for k in known if k is not None))
    return _mask(pc.and_(column.is_valid(), pc.invert(pc.is_in(column, values))))


def _first_positions(column) -> tuple[np.ndarray, np.ndarray]:
    """Each row's key number and the position of each key's first row."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = column.dictionary_encode()
    codes = arrow.numbers(encoded.indices, -1).astype(np.int64)
    # Arrow numbers the keys in the order it meets them: a key's first row is then where
    # the codes go past every code above them (checked; else sorted out the long way).
    seen = np.maximum.accumulate(codes) if len(codes) else codes
    first = np.flatnonzero(codes > np.concatenate(([-1], seen[:-1])))
    keys = len(encoded.dictionary)
    if len(first) == keys and np.array_equal(codes[first], np.arange(keys)):
        return codes, first
    _, first = np.unique(codes, return_index=True)
    first_of = np.full(codes.max() + 1 if len(codes) else 0, -1, np.int64)
    first_of[codes[first]] = first
    return codes, first_of


def _disagree(lines, codes: np.ndarray, first_of: np.ndarray) -> np.ndarray:
    """Lines whose Date of Service, Client ID or Policy ID differ from their visit's
    first line."""
    firsts = arrow.positions(np.where(codes >= 0, first_of[np.maximum(codes, 0)], 0))
    out = np.zeros(len(codes), bool)
    for name in ("date_of_service", "client_id", "policy_id"):
        column = lines.column(name)
        first = column.take(firsts)
        same = pc.or_kleene(pc.equal(column, first),
                            pc.and_(column.is_null(), first.is_null()))
        out |= ~_mask(same)
    return out & (codes >= 0)


def narrowed(book: Book) -> Book:
    """The book with only the lines and payments that ``validate`` must see.

    The checks of the lines' own columns run on another thread beside those of the
    payments (Arrow's kernels do not hold Python's lock)."""
    lines = book.lines.table.table
    pays = book.payments.table.table
    with ThreadPoolExecutor(max_workers=1) as pool:
        own = pool.submit(_line_suspects, book, lines)
        line_codes, first_lines = _first_positions(lines.column("appointment_id"))
        pay_rows = _pay_suspects(book, lines, pays, first_lines)
        line_rows = own.result() | _disagree(lines, line_codes, first_lines)
    keep_lines = np.flatnonzero(line_rows)
    visits = set(lines.column("appointment_id").take(arrow.positions(keep_lines)).to_pylist())
    visits |= set(pays.column("appointment_id").take(
        arrow.positions(np.flatnonzero(pay_rows))).to_pylist())
    firsts = [first_lines[c] for c in set(line_codes[_mask(pc.is_in(
        lines.column("appointment_id"), arrow.texts(sorted(v for v in visits if v))))])
        if c >= 0]
    keep_lines = np.union1d(keep_lines, np.array(firsts, np.int64))
    line_records = book.lines.table.records(keep_lines)
    pay_records = book.payments.table.records(np.flatnonzero(pay_rows))
    rows = dict(book.rows)
    rows["Appointments"], rows["Payments"] = line_records, pay_records
    return replace(book, lines=line_records, payments=pay_records, rows=rows)


def _line_suspects(book: Book, lines) -> np.ndarray:
    """Lines with an unknown ID, a policy not theirs, no fee to price them or a Billed
    Date before the date of service."""
    line_rows = _unknown(lines.column("client_id"), book.clients)
    line_rows |= _unknown(lines.column("staff_id"), book.staff)
    line_rows |= _unknown(lines.column("service_code"), book.services)
    line_rows |= _policy_suspects(book, lines)
    feeless = [code for code, service in book.services.items() if service.fee_per_unit is None]
    line_rows |= _mask(pc.and_(lines.column("charge").is_null(), pc.is_in(
        lines.column("service_code"), value_set=arrow.texts(feeless))))
    line_rows |= _mask(pc.less(lines.column("billed_date"), lines.column("date_of_service")))
    return line_rows


def _pay_suspects(book: Book, lines, pays, first_lines: np.ndarray) -> np.ndarray:
    """Payments from an unknown payer, to no visit, repeated, or insurance rows that do
    not fit their visit."""
    pay_rows = _unknown(pays.column("payer_id"), book.payers)
    visit_ids = pc.unique(lines.column("appointment_id"))
    pay_rows |= _mask(pc.and_(pays.column("appointment_id").is_valid(), pc.invert(
        pc.is_in(pays.column("appointment_id"), value_set=visit_ids))))
    pay_codes, pay_first = _first_positions(pays.column("payment_id"))
    counts = np.bincount(pay_codes[pay_codes >= 0], minlength=len(pay_first))
    repeated = np.zeros(len(pay_codes), bool)
    repeated[pay_codes >= 0] = counts[pay_codes[pay_codes >= 0]] > 1
    pay_rows |= repeated
    pay_rows |= _insurance_suspects(book, lines, pays, first_lines)
    return pay_rows


def _policy_suspects(book: Book, lines) -> np.ndarray:
    """Lines whose policy is unknown or belongs to another client."""
    policy = lines.column("policy_id")
    ids = arrow.texts(list(book.policies))
    owners = arrow.texts([p.client_id for p in book.policies.values()])
    where = pc.index_in(policy, value_set=ids)
    owner = owners.take(where)
    client = lines.column("client_id")
    unknown = pc.and_(policy.is_valid(), where.is_null())
    other = pc.and_(pc.and_(where.is_valid(), client.is_valid()),
                    pc.or_kleene(owner.is_null(), pc.not_equal(owner, client)))
    return _mask(unknown) | _mask(other)


def _insurance_suspects(book: Book, lines, pays, first_of: np.ndarray) -> np.ndarray:
    """Insurance rows with no payer, to a self-pay visit or from another payer
    (``first_of``: each visit's first line, from :func:`_first_positions`)."""
    visit_ids = lines.column("appointment_id").combine_chunks()
    firsts = arrow.positions(first_of[first_of >= 0])
    first_ids = visit_ids.take(firsts)
    first_policy = lines.column("policy_id").combine_chunks().take(firsts)
    where = pc.index_in(pays.column("appointment_id"), value_set=first_ids)
    policy = first_policy.take(where)
    policy_ids = arrow.texts(list(book.policies))
    policy_payers = arrow.texts([p.payer_id for p in book.policies.values()])
    expected = policy_payers.take(pc.index_in(policy, value_set=policy_ids))
    payer = pays.column("payer_id")
    other = pc.and_(expected.is_valid(), pc.not_equal(expected, payer))
    odd = _mask(pc.or_(payer.is_null(), pc.and_(where.is_valid(), policy.is_null())))
    odd |= _mask(other)
    insurance = pc.equal(pays.column("source"), arrow.scalar("Insurance", pa.string()))
    return _mask(insurance) & odd
