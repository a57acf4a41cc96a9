"""``claimbook balances --format json|csv`` written from columns, not record by record.

The same text ``json.dumps(records, indent=2)`` and ``csv.writer`` would write for the
contract's records (money as ``"60.00"``, dates ISO, a missing value null), made a
column at a time: every visit's balance on a 100,000-line workbook is tens of thousands
of records.
"""

from __future__ import annotations

import csv
import json
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from claimbook.rules.textsafe import csv_safe


def money_text(cents: np.ndarray) -> list[str]:
    """Cents as ``"1234.50"``/``"-0.05"`` (the contract's money strings), a column at once."""
    cents = np.asarray(cents, dtype=np.int64)
    whole, part = np.divmod(np.abs(cents), 100)
    text = pc.binary_join_element_wise(
        pa.array(np.where(cents < 0, "-", "")), pc.cast(pa.array(whole), pa.string()),
        pa.array(np.full(len(cents), ".")),
        pc.utf8_lpad(pc.cast(pa.array(part), pa.string()), width=2, padding="0"), "")
    return text.to_pylist()


def _json_values(key: str, values, money: bool) -> list[str]:
    """Each value of a column as JSON text."""
    if money:
        return [f'"{t}"' for t in money_text(values)]
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return [str(v) for v in values.tolist()]
    seen: dict = {}
    out = []
    for value in values:
        text = seen.get(value)
        if text is None:
            shown = value.isoformat() if isinstance(value, date) else value
            text = seen[value] = json.dumps(shown)
        out.append(text)
    return out


CHUNK = 20_000  # records made into text at a time, so a million never sit in memory


def balances_json_chunks(columns: dict, keys: tuple[str, ...], money_keys: set[str]):
    """The records as ``json.dumps(records, indent=2)`` writes them, in pieces."""
    rows = len(columns[keys[0]]) if keys else 0
    if not rows:
        yield "[]"
        return
    prefixes = [f'    "{key}": ' for key in keys]
    for start in range(0, rows, CHUNK):
        values = [_json_values(key, columns[key][start:start + CHUNK], key in money_keys)
                  for key in keys]
        records = (",\n".join(p + v for p, v in zip(prefixes, row)) for row in zip(*values))
        yield ("[\n  {\n" if start == 0 else "\n  },\n  {\n") + \
            "\n  },\n  {\n".join(records)
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
                shown.append([csv_safe(v.isoformat() if isinstance(v, date) else v)
                              for v in values])
        writer.writerows(zip(*shown))
