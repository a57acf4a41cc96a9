"""``claimbook balances --format json|csv`` written from columns, not record by record.

The same text ``json.dumps(records, indent=2)`` and ``csv.writer`` would write for the
contract's records (money as ``"60.00"``, dates ISO, a missing value null), made a
column at a time: every visit's balance on a 100,000-line workbook is tens of thousands
of records.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from claimbook.io import arrow
from claimbook.rules.textsafe import FORMULA_STARTS, csv_safe


def _money_array(cents: np.ndarray) -> pa.Array:
    cents = np.asarray(cents, dtype=np.int64)
    whole, part = np.divmod(np.abs(cents), 100)
    text = pc.binary_join_element_wise(
        pc.cast(pa.array(whole), pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(part), pa.string()), width=2, padding="0"), ".")
    negative = cents < 0
    if negative.any():
        text = pc.if_else(pa.array(negative), pc.binary_join_element_wise("-", text, ""), text)
    return text


def money_text(cents: np.ndarray) -> list[str]:
    """Cents as ``"1234.50"``/``"-0.05"`` (the contract's money strings), a column at once."""
    return _money_array(cents).to_pylist()


def _plain(array: pa.Array) -> bool:
    """Whether json.dumps writes every text of the array as it is between quotes
    (printable ASCII, no " or \\): its bytes looked at all at once."""
    text, ends = arrow.text_bytes(array)
    text = text[ends[0]:ends[-1]]
    return bool(((text >= 0x20) & (text <= 0x7E) & (text != 0x22) & (text != 0x5C)).all())


def _text_array(values) -> pa.Array:
    """A column of text or dates (None for blank; or an Arrow array of either) as Arrow
    text, dates ISO."""
    if isinstance(values, pa.Array):
        return values.cast(pa.string()) if pa.types.is_date(values.type) else values
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    first = next((v for v in items if v is not None), None)
    if isinstance(first, date):  # a column of dates (pa.array refuses one mixed with text)
        return pc.cast(pa.array(items, pa.date32()), pa.string())
    return pa.array(items, pa.string())


# What csv_safe (rules/textsafe.py) prefixes with an apostrophe, as a pattern.
_FORMULA_START = "^[" + re.escape("".join(FORMULA_STARTS)) + "]"


def _csv_text(values) -> list:
    """A text or date column as csv_safe shows it, a column at once."""
    try:
        array = _text_array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a mixed column: one value at a time
        return [csv_safe(v.isoformat() if isinstance(v, date) else v) for v in values]
    formula = pc.fill_null(pc.match_substring_regex(array, _FORMULA_START), False)
    if pc.any(formula).as_py():
        array = pc.if_else(formula, pc.binary_join_element_wise("'", array, ""), array)
    return array.to_pylist()


def _json_array(values, money: bool) -> pa.Array:
    """Each value of a column as JSON text (null as ``null``), as an Arrow array."""
    if money:
        return pc.binary_join_element_wise('"', _money_array(values), '"', "")
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return pc.cast(pa.array(values), pa.string())
    array = _text_array(values)
    if not _plain(array):  # some text json.dumps escapes
        return pa.array([None if v is None else json.dumps(v) for v in array.to_pylist()],
                        pa.string()).fill_null("null")
    return pc.binary_join_element_wise('"', array, '"', "").fill_null("null")


def columns_of(items: list, keys: tuple[str, ...], money_keys: set[str]) -> dict:
    """Records (``VisitBalance``) as the columns the writers here take."""
    columns = {}
    for key in keys:
        values = [getattr(item, key) for item in items]
        if key in money_keys or key == "age_days":
            columns[key] = np.array(values, dtype=np.int64)
        else:
            column = np.empty(len(values), dtype=object)
            column[:] = values
            columns[key] = column
    return columns


CHUNK = 20_000  # records made into text at a time, so a million never sit in memory


def balances_json_chunks(columns: dict, keys: tuple[str, ...], money_keys: set[str]):
    """The records as ``json.dumps(records, indent=2)`` writes them, in pieces: each
    chunk's records made in one Arrow join of every key's name and value, and joined
    into one text there."""
    rows = len(columns[keys[0]]) if keys else 0
    if not rows:
        yield "[]"
        return
    between = "\n  },\n  {\n"
    for start in range(0, rows, CHUNK):
        pieces = []
        for at, key in enumerate(keys):
            pieces.append(("    " if at == 0 else ",\n    ") + f'"{key}": ')
            pieces.append(_json_array(columns[key][start:start + CHUNK], key in money_keys))
        records = pc.binary_join_element_wise(*pieces, "")
        text = pc.binary_join(pa.ListArray.from_arrays([0, len(records)], records),
                              between)[0].as_py()
        yield ("[\n  {\n" if start == 0 else between) + text
    yield "\n  }\n]"


def balances_json(columns: dict, keys: tuple[str, ...], money_keys: set[str]) -> str:
    """The records as ``json.dumps(records, indent=2)`` writes them."""
    return "".join(balances_json_chunks(columns, keys, money_keys))


def write_balances_csv(out, columns: dict, keys: tuple[str, ...],
                       money_keys: set[str]) -> None:
    """The records as CSV: a header, then a row per record (text made formula-safe)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    rows = len(columns[keys[0]]) if keys else 0
    for start in range(0, rows, CHUNK):
        shown = []
        for key in keys:
            values = columns[key][start:start + CHUNK]
            if key in money_keys:
                shown.append(money_text(values))
            elif isinstance(values, np.ndarray) and values.dtype.kind in "iu":
                shown.append(values.tolist())
            else:
                shown.append(_csv_text(values))
        writer.writerows(zip(*shown))
