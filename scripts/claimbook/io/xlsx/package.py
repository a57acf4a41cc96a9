"""An .xlsx file as a zip package whose untouched parts are copied byte for byte.

A desk command changes a handful of parts (one or two sheets, the table around them,
perhaps styles.xml). Every other part is copied as it was stored: its compressed bytes,
local header and all, are never decompressed or recompressed. Parts are inflated with
ISA-L (io/xlsx/zlibs.py), each once. Changed parts are deflated again, in parallel chunks
for the big ones (each chunk ends on a sync flush, so the chunks join into one valid
deflate stream, as pigz does), at ISA-L's fast level above 8 MiB.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from claimbook.io.xlsx import zlibs
from claimbook.rules.problems import ClaimbookError

_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sBBBBHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")
_CHUNK = 4 << 20  # parts bigger than this are deflated in parallel chunks
_PIECE = 4 << 20  # stored or inflated bytes taken at a time where a part is streamed
_FAST_LEVEL_ABOVE = 8 << 20  # parts bigger than this use a fast compression level
_MIDDLE_LEVEL_ABOVE = 1 << 20  # parts bigger than this (up to the fast ones) a middle one


class Pieces(tuple):
    """A part's content in pieces, in order (a big sheet made a piece at a time): deflated
    piece by piece into one stream, never joined into one copy."""

    def joined(self) -> bytes:
        return b"".join(self)

    def size(self) -> int:
        return sum(map(len, self))


def _whole(content: bytes | Pieces) -> bytes:
    return content.joined() if isinstance(content, Pieces) else content


@dataclass
class _Member:
    info: zipfile.ZipInfo
    raw: memoryview | None  # the stored bytes (local header .. next member), not copied
    data: bytes | None = None  # new content when changed or added


class Package:
    """The parts of one .xlsx file held in memory.

    Args:
        data: the whole file's bytes.
        where: the file's name, for error messages.
    """

    def __init__(self, data: bytes, where: str = "the workbook"):
        self.data = data
        self.where = where
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise ClaimbookError(f"{where}: not an .xlsx file (not a zip package)") from None
        infos = self.zip.infolist()
        if any(i.file_size >= 0xFFFFFFFF or i.header_offset >= 0xFFFFFFFF for i in infos) \
                or len(infos) >= 0xFFFF:
            raise ClaimbookError(f"{where}: too big for claimbook to edit (a zip64 package)")
        self.members = self._members(infos)
        self.changed: dict[str, bytes] = {}
        self._inflated: dict[str, bytes] = {}  # stored parts read so far

    def _members(self, infos: list[zipfile.ZipInfo]) -> dict[str, _Member]:
        ends = sorted(i.header_offset for i in infos) + [self.zip.start_dir]
        next_start = {start: ends[k + 1] for k, start in enumerate(ends[:-1])}
        whole = memoryview(self.data)  # the members are views of the file's bytes
        return {i.filename: _Member(i, whole[i.header_offset:next_start[i.header_offset]])
                for i in infos}

    def names(self) -> list[str]:
        """Part names in stored order."""
        return list(self.members)

    def has(self, name: str) -> bool:
        """Whether the part exists (stored, or added by :meth:`put`)."""
        return name in self.members or name in self.changed

    def read(self, name: str) -> bytes:
        """A part's content: as changed, else as stored (inflated once, CRC checked)."""
        if name in self.changed:
            return _whole(self.changed[name])
        return self.read_stored(name)

    def read_stored(self, name: str) -> bytes:
        """A stored part's content as it was read, whatever :meth:`put` changed since."""
        content = self._inflated.get(name)
        if content is None:
            content = self._inflated[name] = self.inflate(name)
        return content

    def _stored(self, info: zipfile.ZipInfo) -> memoryview:
        """A member's stored (compressed) bytes, after its local header: a view."""
        start = info.header_offset
        name_len, extra_len = struct.unpack("<HH", self.data[start + 26:start + 30])
        begin = start + 30 + name_len + extra_len
        return memoryview(self.data)[begin:begin + info.compress_size]

    def inflate(self, name: str) -> bytes:
        """A stored part's content, inflated in one call (ISA-L when installed) and never
        past its declared size; CRC checked.

        Raises:
            ClaimbookError: the part is damaged, or inflates past what it declares.
        """
        info = self.members[name].info
        stored = self._stored(info)
        if info.compress_type == zipfile.ZIP_STORED:
            content = bytes(stored)
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            try:
                content = zlibs.inflate_raw(stored, info.file_size)
            except zlibs.ERRORS as exc:
                raise ClaimbookError(f"{self.where}: its part {name} is damaged ({exc})") from None
        else:
            return self.zip.read(name)
        if len(content) != info.file_size:
            raise ClaimbookError(f"{self.where}: its part {name} does not inflate to the "
                                 f"{info.file_size:,} bytes it declares")
        if zlibs.crc32(content) != info.CRC:
            raise ClaimbookError(f"{self.where}: its part {name} is damaged (bad CRC)")
        return content

    def inflates_to(self, name: str, content: bytes | Pieces) -> bool:
        """Whether a stored part inflates to exactly ``content``: inflated and compared a
        piece at a time (a big sheet is never held twice), its size and CRC checked as
        :meth:`inflate` checks them.

        Raises:
            ClaimbookError: the part is damaged, or inflates past what it declares.
        """
        info = self.members[name].info
        if info.compress_type != zipfile.ZIP_DEFLATED:
            return self.inflate(name) == _whole(content)
        stored = self._stored(info)
        expected, inflater, at, crc, same = _Expected(content), \
            zlibs.fast.decompressobj(-15), 0, 0, True

        def inflated():
            for offset in range(0, len(stored), _PIECE):
                piece = stored[offset:offset + _PIECE]
                while piece and not inflater.eof:
                    yield inflater.decompress(piece, _PIECE)
                    piece = inflater.unconsumed_tail
            while not inflater.eof:  # what the inflater holds once all its input is in
                chunk = inflater.decompress(b"", _PIECE)  # (ISA-L takes input ahead)
                if not chunk:
                    return
                yield chunk

        try:
            for chunk in inflated():
                same = same and expected.same(chunk)
                crc, at = zlibs.crc32(chunk, crc), at + len(chunk)
                if at > info.file_size:
                    break
        except zlibs.ERRORS as exc:
            raise ClaimbookError(f"{self.where}: its part {name} is damaged ({exc})") from None
        if at != info.file_size:
            raise ClaimbookError(f"{self.where}: its part {name} does not inflate to the "
                                 f"{info.file_size:,} bytes it declares")
        if crc != info.CRC:
            raise ClaimbookError(f"{self.where}: its part {name} is damaged (bad CRC)")
        return same and at == size_of(content)

    def put(self, name: str, content: bytes | Pieces) -> None:
        """Change a part, or add a new one (appended after the stored parts)."""
        if name in self.members and not isinstance(content, Pieces) \
                and self.read_stored(name) == content:
            self.changed.pop(name, None)
            return
        self.changed[name] = content

    def build(self) -> bytes:
        """The new file: stored parts copied raw, changed and new parts deflated."""
        out = io.BytesIO()
        central = []
        compressed = _deflate_all(self.changed)
        for name, member in self.members.items():
            offset = out.tell()
            if name in compressed:
                central.append(_write_new(out, member.info, self.changed[name], compressed[name]))
            else:
                out.write(member.raw)
                central.append(_central_record(member.info, offset))
        for name in self.changed:
            if name not in self.members:
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                central.append(_write_new(out, info, self.changed[name], compressed[name]))
        start = out.tell()
        for record in central:
            out.write(record)
        size = out.tell() - start
        comment = self.zip.comment
        out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), size, start,
                            len(comment)) + comment)
        return out.getvalue()


def size_of(content: bytes | Pieces) -> int:
    """A part's size in bytes, whole or in pieces."""
    return content.size() if isinstance(content, Pieces) else len(content)


def _pieces(content: bytes | Pieces):
    return content if isinstance(content, Pieces) else (content,)


class _Expected:
    """What a part should inflate to, compared a chunk at a time with what it does, its
    pieces (a big sheet's rows and the views of the owner's bytes around them) never
    joined."""

    def __init__(self, content: bytes | Pieces):
        self.pieces = [memoryview(p) for p in _pieces(content)]
        self.k = self.at = 0

    def same(self, chunk: bytes) -> bool:
        """Whether ``chunk`` is what comes next (a chunk past the end is not)."""
        view, done = memoryview(chunk), 0
        while done < len(view):
            if self.k >= len(self.pieces):
                return False
            piece = self.pieces[self.k]
            n = min(len(piece) - self.at, len(view) - done)
            if piece[self.at:self.at + n] != view[done:done + n]:
                return False
            done, self.at = done + n, self.at + n
            if self.at == len(piece):
                self.k, self.at = self.k + 1, 0
        return True


def _crc(content: bytes | Pieces) -> int:
    crc = 0
    for piece in _pieces(content):
        crc = zlibs.crc32(piece, crc)
    return crc


def _write_new(out: io.BytesIO, info: zipfile.ZipInfo, content: bytes | Pieces,
               packed: bytes) -> bytes:
    offset = out.tell()
    name = info.filename.encode("utf-8")
    flags = 0x800 if not info.filename.isascii() else 0
    dostime = info.date_time[3] << 11 | info.date_time[4] << 5 | info.date_time[5] // 2
    dosdate = (info.date_time[0] - 1980) << 9 | info.date_time[1] << 5 | info.date_time[2]
    crc, size = _crc(content), size_of(content)
    out.write(_LOCAL.pack(b"PK\x03\x04", 20, flags, zipfile.ZIP_DEFLATED, dostime, dosdate,
                          crc, len(packed), size, len(name), 0))
    out.write(name)
    out.write(packed)
    record = _CENTRAL.pack(b"PK\x01\x02", 20, 0, 20, 0, flags, zipfile.ZIP_DEFLATED,
                           dostime, dosdate, crc, len(packed), size, len(name),
                           0, 0, 0, 0, info.external_attr, offset)
    return record + name


def _central_record(info: zipfile.ZipInfo, offset: int) -> bytes:
    """The central directory record of a part copied as stored, at its new offset."""
    flags = info.flag_bits
    name = info.orig_filename.encode("utf-8" if flags & 0x800 else "cp437")
    dostime = info.date_time[3] << 11 | info.date_time[4] << 5 | info.date_time[5] // 2
    dosdate = (info.date_time[0] - 1980) << 9 | info.date_time[1] << 5 | info.date_time[2]
    record = _CENTRAL.pack(
        b"PK\x01\x02", info.create_version, info.create_system, info.extract_version,
        info.reserved, flags, info.compress_type, dostime, dosdate, info.CRC,
        info.compress_size, info.file_size, len(name), len(info.extra), len(info.comment),
        0, info.internal_attr, info.external_attr, offset)
    return record + name + info.extra + info.comment


def _deflate_all(parts: dict[str, bytes | Pieces]) -> dict[str, bytes]:
    return {name: deflate(content) for name, content in parts.items()}


def deflate(content: bytes | Pieces) -> bytes:
    """Raw deflate of one part; big parts in parallel chunks (or its pieces) joined into
    one stream.

    Args:
        content: the part's bytes, or its :class:`Pieces`.

    Returns:
        A raw deflate stream (as a zip member holds it).
    """
    total = size_of(content)
    big = total > _FAST_LEVEL_ABOVE
    middle = not big and total > _MIDDLE_LEVEL_ABOVE and zlibs.MIDDLE_LEVEL is not None
    level = zlibs.FAST_LEVEL if big else zlibs.MIDDLE_LEVEL if middle else 6
    if total <= _CHUNK:
        return zlibs.deflate_raw(_whole(content), level, True, big or middle)
    workers = max(1, min(8, os.cpu_count() or 1))
    size = max(_CHUNK // 4, -(-total // workers))
    # The chunks are views, not copies of a big part; a big piece (the owner's rows kept
    # around a new one) is cut like a whole part, so that every core deflates.
    chunks = [view[i:i + size] for view in map(memoryview, _pieces(content))
              for i in range(0, len(view), size)] or [b""]
    last = len(chunks) - 1
    with ThreadPoolExecutor(workers) as pool:
        packed = pool.map(lambda k: zlibs.deflate_raw(chunks[k], level, k == last,
                                                      big or middle),
                          range(len(chunks)))
        return b"".join(packed)
