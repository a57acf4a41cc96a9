"""Arrow arrays to and from numpy and Python values, through their buffers.

pyarrow's converters (``pa.array``, ``pa.scalar``, ``Array.to_numpy``, a compute
function given a Python value) look for pandas the first time they run, to ask whether
the values are pandas objects, and importing pandas costs a third of a second. The
commands that read a workbook and do not compute with pandas (``check``, ``pay``,
``checkout``, ...) convert through these functions instead: they build and take apart
arrays from the buffers of the Arrow columnar format (a validity bitmap, then the
values, or offsets and bytes for text), with public pyarrow only (``Array.buffers``,
``Array.from_buffers``, ``py_buffer``), and never ask. Nothing here imports pandas;
tests/test_imports.py checks that those commands never do.

Day numbers are days since 1970-01-01 (Arrow's ``date32``).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

_EPOCH = date(1970, 1, 1)
_STORAGE = {  # Arrow type -> the numpy type of its values buffer
    pa.int64(): np.int64, pa.int32(): np.int32, pa.float64(): np.float64,
    pa.date32(): np.int32, pa.timestamp("ms"): np.int64, pa.uint32(): np.uint32,
    pa.int8(): np.int8, pa.int16(): np.int16, pa.uint8(): np.uint8,
}


def combined(column) -> pa.Array:
    """One contiguous array (a table's column may come in chunks)."""
    if isinstance(column, pa.ChunkedArray):
        if column.num_chunks == 1:
            return column.chunk(0)
        return column.combine_chunks() if column.num_chunks else \
            pa.nulls(0, column.type)
    return column


def _bits(buffer, offset: int, length: int) -> np.ndarray:
    """A little-endian bitmap as booleans."""
    raw = np.frombuffer(buffer, np.uint8)
    return np.unpackbits(raw, count=offset + length, bitorder="little")[offset:].astype(bool)


def text_bytes(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A text array's UTF-8 bytes and where each text ends in them: ``bytes[ends[i]:
    ends[i + 1]]`` is text ``i`` (empty for a null), read in place from its buffers."""
    offsets, data = array.buffers()[1:3]
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    ends = np.frombuffer(offsets, width)[array.offset:array.offset + len(array) + 1] \
        if len(array) else np.zeros(1, width)
    text = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    return text, ends


def present(column) -> np.ndarray:
    """True where the array holds a value, False where it is null."""
    array = combined(column)
    n = len(array)
    if array.null_count == 0:
        return np.ones(n, bool)
    if pa.types.is_null(array.type) or array.null_count == n:
        return np.zeros(n, bool)
    return _bits(array.buffers()[0], array.offset, n)


def numbers(column, blank=0) -> np.ndarray:
    """The values of an integer, float, date (day numbers), timestamp or Yes/No array as
    numpy, ``blank`` where null."""
    array = combined(column)
    n = len(array)
    if pa.types.is_null(array.type):
        return np.full(n, blank)
    if pa.types.is_dictionary(array.type):
        array = array.indices
    if pa.types.is_boolean(array.type):
        values = _bits(array.buffers()[1], array.offset, n) if n else np.zeros(0, bool)
    else:
        kind = _STORAGE.get(array.type)
        if kind is None:
            raise TypeError(f"no numpy values for {array.type}")
        buffer = array.buffers()[1]
        values = np.frombuffer(buffer, kind)[array.offset:array.offset + n] \
            if buffer is not None and n else np.zeros(n, kind)
    if array.null_count:
        values = np.where(present(array), values, blank)
    return values


def flags(column) -> np.ndarray:
    """A Yes/No (boolean) array as numpy booleans, null as False."""
    return numbers(column, False).astype(bool)


def _validity(valid: np.ndarray | None) -> tuple[pa.Buffer | None, int]:
    if valid is None or valid.all():
        return None, 0
    return pa.py_buffer(np.packbits(valid, bitorder="little")), int((~valid).sum())


def from_numpy(values: np.ndarray, kind: pa.DataType,
               valid: np.ndarray | None = None) -> pa.Array:
    """A numpy array as an Arrow array of ``kind`` (integers, floats, ``date32`` from day
    numbers, booleans); ``valid`` False makes a null."""
    values = np.asarray(values)
    n = len(values)
    validity, nulls = _validity(None if valid is None else np.asarray(valid, bool))
    if pa.types.is_boolean(kind):
        data = pa.py_buffer(np.packbits(values.astype(bool), bitorder="little"))
    else:
        data = pa.py_buffer(np.ascontiguousarray(values, dtype=_STORAGE[kind]))
    return pa.Array.from_buffers(kind, n, [validity, data], null_count=nulls)


def positions(values) -> pa.Array:
    """Row positions (for ``take``) as an Arrow int64 array."""
    return from_numpy(np.asarray(values, np.int64), pa.int64())


def texts(values: list) -> pa.Array:
    """Python text (None for a blank) as an Arrow string array."""
    encoded = [b"" if v is None else str(v).encode() for v in values]
    lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    kind, width = (pa.string(), np.int32) if offsets[-1] < 2**31 else \
        (pa.large_string(), np.int64)
    validity, nulls = _validity(np.array([v is not None for v in values], bool))
    return pa.Array.from_buffers(kind, len(values), [
        validity, pa.py_buffer(offsets.astype(width)), pa.py_buffer(b"".join(encoded))],
        null_count=nulls)


def from_python(values: list, kind: pa.DataType) -> pa.Array:
    """Python values of one column type (text, whole numbers or cents, dates, Yes/No;
    None for a blank) as an Arrow array of ``kind``."""
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return texts(values)
    valid = np.array([v is not None for v in values], bool)
    if pa.types.is_date(kind):
        raw = [0 if v is None else (v - _EPOCH).days for v in values]
    else:
        raw = [0 if v is None else v for v in values]
    if pa.types.is_null(kind):
        return pa.nulls(len(values))
    return from_numpy(np.array(raw, _STORAGE.get(kind, bool)), kind, valid)


def scalar(value, kind: pa.DataType) -> pa.Scalar:
    """One value (None for a null) as an Arrow scalar of ``kind``."""
    return from_python([value], kind)[0]
