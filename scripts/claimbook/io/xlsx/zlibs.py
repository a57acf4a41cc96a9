"""The deflate library claimbook reads and writes zip parts with: ISA-L when installed.

ISA-L (the ``isal`` package) inflates a workbook's sheets about twice as fast as zlib and
deflates a big one four times as fast at its fast level, through zlib's own calls and
stream format; without it, zlib does the same work more slowly.
"""

from __future__ import annotations

import zlib

try:
    from isal import isal_zlib as fast
except ImportError:  # pragma: no cover - isal is a dependency; this keeps zlib working
    fast = zlib

ERRORS = (zlib.error, fast.error)  # what a damaged stream raises, from either library

# Levels of the fast library: ISA-L counts 0-3 (its 2 packs a sheet about as small as
# zlib's 1, in a quarter of the time); zlib's 1 when ISA-L is missing.
FAST_LEVEL = 2 if fast is not zlib else 1
# ISA-L's 3 packs a few-megabyte part within a fifth of zlib's 6, four times as fast
# (a 3.9 MB report sheet: 465 KB in 11 ms against 390 KB in 39 ms); None without ISA-L.
MIDDLE_LEVEL = 3 if fast is not zlib else None


def inflate_raw(stored: bytes, limit: int) -> bytes:
    """A raw deflate stream inflated in one call, never past ``limit`` + 1 bytes.

    Raises:
        one of ERRORS: a damaged stream.
    """
    return fast.decompressobj(-15).decompress(stored, limit + 1)


def crc32(data: bytes, value: int = 0) -> int:
    """The CRC-32 a zip member declares for ``data``."""
    return fast.crc32(data, value)


def deflate_raw(chunk: bytes, level: int, final: bool, fast_library: bool) -> bytes:
    """A raw deflate stream of ``chunk`` at ``level`` (of ISA-L when ``fast_library``, else
    of zlib); when not ``final`` it ends on a sync flush, so that the next chunk's stream
    can follow it as one (pigz's way)."""
    lib = fast if fast_library else zlib
    compressor = lib.compressobj(level, lib.DEFLATED, -15)
    return compressor.compress(chunk) + compressor.flush(lib.Z_FINISH if final
                                                         else lib.Z_SYNC_FLUSH)
