"""Whole columns, converted once by their type: Arrow in, the contract's types out.

fastexcel parses a sheet into Arrow with each column's type given up front (never
guessed): text columns as text, money and whole numbers as numbers, dates as date-times.
A cell of another type does not fit its column; fastexcel reports it (with the value it
holds) instead of converting it, and it is decided here one by one, by the same rules as
every other cell (:mod:`claimbook.io.xlsx.cells`). So is every value that the vectorised
paths below cannot settle (money with a fraction of a cent, a date before 1901). Values
that repeat (codes, choices, Yes/No) are converted once per distinct value.

Canonical types: text as ``string``, money as ``int64`` cents, whole numbers as
``int64``, dates as ``date32``, Yes/No as ``bool``; a blank is null.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from claimbook.io import arrow
from claimbook.io.xlsx import cells
from claimbook.rules import schema
from claimbook.rules.money import MAX_CENTS

STRING_TYPES = {schema.ID, schema.TEXT, schema.CODE, schema.ZIP, schema.NPI, schema.CHOICE,
                schema.YESNO}
# How fastexcel is asked to read each column type.
LOAD_AS = {schema.MONEY: "float", schema.INT: "float", schema.DATE: "datetime"}
ARROW_TYPES = {schema.MONEY: pa.int64(), schema.INT: pa.int64(), schema.DATE: pa.date32(),
               schema.YESNO: pa.bool_()}
_EPOCH = date(1970, 1, 1)
_FIRST_DAY = (date(cells.FIRST_YEAR, 1, 1) - _EPOCH).days
_LAST_DAY = (date(cells.LAST_YEAR, 12, 31) - _EPOCH).days
_MS_PER_DAY = 86_400_000


def load_as(column_type: str) -> str:
    """The fastexcel dtype a column of ``column_type`` is parsed as."""
    return LOAD_AS.get(column_type, "string")


def arrow_type(column_type: str) -> pa.DataType:
    """The Arrow type of a converted column."""
    return ARROW_TYPES.get(column_type, pa.string())


@dataclass
class Converted:
    """A converted column, and the cells that could not be read."""

    values: pa.Array
    problems: list[tuple[int, str]] = field(default_factory=list)  # (position, message)
    unreadable: set[int] = field(default_factory=set)


# What str.strip() removes: Unicode white space (RE2 spells it \s, \p{Z} and the rest;
# its \s leaves out the vertical tab).
_SPACE = r"[\s\p{Z}\x{0b}\x{85}\x{1c}-\x{1f}]"
PADDED = rf"^{_SPACE}|{_SPACE}$|^$"  # text with outer white space, or empty
BLANK = rf"^{_SPACE}*$"  # text that is only white space


def _printable(byte: np.ndarray) -> np.ndarray:
    """Bytes that are printable ASCII other than a space (never white space, never part
    of a longer character)."""
    return (byte > 0x20) & (byte < 0x7F)


def edges(array: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """Each text's first and last bytes, whether each is printable ASCII (no space); an
    empty text or a blank has neither. None for what is not a plain text array."""
    if not isinstance(array, pa.Array) or not (pa.types.is_string(array.type)
                                               or pa.types.is_large_string(array.type)):
        return None
    text, ends = arrow.text_bytes(array)
    if not len(text) or not len(array):  # no text has a byte
        none = np.zeros(len(array), bool)
        return none, none
    starts, stops = ends[:-1], ends[1:]
    filled = stops > starts
    first = _printable(text[np.where(filled, starts, 0)]) & filled
    last = _printable(text[np.where(filled, stops - 1, 0)]) & filled
    return first, last


def trimmed(array: pa.Array) -> pa.Array:
    """Text with outer spaces removed; empty text becomes null (the column is copied only
    when some value needs it). Only the texts whose first or last byte is not printable
    ASCII are looked at with the pattern (most begin and end with a letter or digit)."""
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        array = array.cast(pa.string())
    found = edges(array)
    maybe = array if found is None else array.filter(
        arrow.from_numpy(arrow.present(array) & ~(found[0] & found[1]), pa.bool_()))
    if not pc.any(pc.match_substring_regex(maybe, PADDED)).as_py():
        return array
    stripped = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.match_substring_regex(stripped, "^$"),
                      arrow.scalar(None, pa.string()), stripped)


def convert_column(col: schema.Column, array: pa.Array, odd: dict[int, object]) -> Converted:
    """Convert one loaded column to its contract type.

    Args:
        col: the column's schema.
        array: the column as fastexcel loaded it (see :func:`load_as`).
        odd: position -> raw value of the cells that did not fit the loaded type.

    Returns:
        The values (defaults filled in), and the problems of cells that cannot be read.
    """
    if col.type in STRING_TYPES:
        out = _text_column(col, array)
    elif col.type == schema.MONEY:
        out = _number_column(array, _cents_fast, cells.money)
    elif col.type == schema.INT:
        out = _number_column(array, _whole_fast, cells.whole)
    else:
        out = _date_column(array)
    if odd:
        _convert_odd(col, out, odd)
    return out


def _record(out: Converted, position: int, exc: cells.CellError) -> None:
    out.problems.append((position, str(exc)))
    out.unreadable.add(position)


def _convert_odd(col: schema.Column, out: Converted, odd: dict[int, object]) -> None:
    convert_one = cells.converter(col.type, col.choices)
    values = out.values.to_pylist()
    for position, raw in odd.items():
        try:
            values[position] = convert_one(raw)
        except cells.CellError as exc:
            values[position] = None
            _record(out, position, exc)
    out.values = arrow.from_python(values, arrow_type(col.type))


def _text_column(col: schema.Column, array: pa.Array) -> Converted:
    text = trimmed(array)
    if col.type in (schema.ID, schema.TEXT, schema.CODE):
        return _refuse_error_text(text)
    return _by_distinct(text, cells.converter(col.type, col.choices), arrow_type(col.type))


def _refuse_error_text(text: pa.Array) -> Converted:
    """Text columns: only text that shows a formula error (``#REF!``) is refused."""
    errors = pc.is_in(text, arrow.texts(list(cells.ERROR_VALUES)))
    out = Converted(text)
    if pc.any(errors).as_py():
        positions = np.flatnonzero(arrow.flags(errors))
        values = text.to_pylist()
        for i in positions:
            _record(out, int(i), cells.CellError(f"shows the error {values[i]}"))
            values[i] = None
        out.values = arrow.texts(values)
    return out


def _by_distinct(text: pa.Array, convert_one, result_type: pa.DataType) -> Converted:
    """Convert each distinct value once (codes, choices and Yes/No repeat)."""
    encoded = text.dictionary_encode()
    converted, failed = [], {}
    for k, raw in enumerate(encoded.dictionary.to_pylist()):
        try:
            converted.append(convert_one(raw))
        except cells.CellError as exc:
            converted.append(None)
            failed[k] = exc
    values = pc.take(arrow.from_python(converted, result_type), encoded.indices)
    out = Converted(values)
    if failed:
        indices = arrow.numbers(encoded.indices, -1)
        for k, exc in failed.items():
            for i in np.flatnonzero(indices == k):
                _record(out, int(i), exc)
    return out


def _floats(array: pa.Array) -> np.ndarray:
    if not pa.types.is_floating(array.type):
        array = array.cast(pa.float64())
    return arrow.numbers(array, np.nan)


def _cents_fast(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cents of the amounts that are whole cents already (nearly every one)."""
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = x * 100
        nearest = np.rint(scaled)
        fast = (np.abs(scaled - nearest) < 1e-6) & (np.abs(nearest) < MAX_CENTS)
    return np.where(fast, nearest, 0).astype(np.int64), fast


def _whole_fast(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore"):
        fast = (x == np.floor(x)) & (np.abs(x) < 2**53)
    return np.where(fast, x, 0).astype(np.int64), fast


def _number_column(array: pa.Array, fast_path, convert_one) -> Converted:
    x = _floats(array)
    present = arrow.present(array)  # text "nan" is not blank
    values, fast = fast_path(x)
    fast &= present
    out_mask = ~fast
    problems: list[tuple[int, str]] = []
    unreadable: set[int] = set()
    slow = np.flatnonzero(present & ~fast)
    if len(slow):
        values = values.copy()
        for i in slow:
            try:
                values[i] = convert_one(float(x[i]))
                out_mask[i] = False
            except cells.CellError as exc:
                problems.append((int(i), str(exc)))
                unreadable.add(int(i))
    return Converted(arrow.from_numpy(values, pa.int64(), ~out_mask), problems, unreadable)


def _date_column(array: pa.Array) -> Converted:
    if pa.types.is_timestamp(array.type):
        raw_ms = arrow.numbers(array.cast(pa.timestamp("ms")))
    elif pa.types.is_date(array.type):
        raw_ms = arrow.numbers(array.cast(pa.date32())).astype(np.int64) * _MS_PER_DAY
    else:  # nothing typed in the column at all
        return Converted(pa.nulls(len(array), pa.date32()))
    present = arrow.present(array)
    days = np.floor_divide(np.where(present, raw_ms, 0), _MS_PER_DAY)
    odd = np.flatnonzero(present & ((days < _FIRST_DAY) | (days > _LAST_DAY)))
    mask = ~present
    out = Converted(arrow.from_numpy(days, pa.date32(), ~mask))
    if len(odd):
        mask = mask.copy()
        for i in odd:
            stamp = datetime(1970, 1, 1) + timedelta(milliseconds=int(raw_ms[i]))
            try:
                days[i] = (cells.day(stamp) - _EPOCH).days
            except cells.CellError as exc:
                mask[i] = True
                _record(out, int(i), exc)
        out.values = arrow.from_numpy(days, pa.date32(), ~mask)
    return out
