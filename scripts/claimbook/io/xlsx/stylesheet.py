"""styles.xml, read just enough to tell a date format, and grown only by appending.

claimbook never renumbers or rewrites the owner's styles: a format it needs (a date
format for a new date cell, bold headers on the Outstanding sheet) is looked up first
and appended only when it is not there yet, so running a command twice adds nothing.
"""

from __future__ import annotations

import re
from html import unescape
from xml.sax.saxutils import escape

_XF = re.compile(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.S)
_NUMFMT = re.compile(rb'<numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"[^>]*/>')
_NUMFMT_ID = re.compile(rb'numFmtId="(\d+)"')
_BUILTIN_DATES = set(range(14, 23)) | {45, 46, 47}
_CHILD = {b"cellXfs": b"xf", b"fonts": b"font", b"borders": b"border", b"numFmts": b"numFmt"}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _is_date_code(code: str) -> bool:
    bare = _QUOTED.sub("", code).lower()
    return any(ch in bare for ch in "ymd") and "general" not in bare


class Stylesheet:
    """The workbook's styles.xml, kept as bytes and edited by appending."""

    def __init__(self, xml: bytes, date1904: bool = False):
        self.xml = xml
        self.changed = False
        self.date1904 = date1904  # the workbook counts dates from 1904: serials follow

    def _block(self, tag: bytes) -> tuple[int, int] | None:
        """(start of the children, end) of ``<tag ...>...</tag>``; None when absent."""
        open_at = self.xml.find(b"<" + tag + b" ")
        if open_at < 0:
            open_at = self.xml.find(b"<" + tag + b">")
        if open_at < 0:
            return None
        head_end = self.xml.index(b">", open_at)
        if self.xml[head_end - 1:head_end] == b"/":
            return None
        return head_end + 1, self.xml.index(b"</" + tag + b">", head_end)

    def _items(self, tag: bytes, item: re.Pattern) -> list[bytes]:
        block = self._block(tag)
        return item.findall(self.xml, *block) if block else []

    def cell_formats(self) -> list[bytes]:
        """The ``<xf>`` elements of ``cellXfs``, by index."""
        return self._items(b"cellXfs", _XF)

    def number_formats(self) -> dict[int, str]:
        """Custom number formats: id -> format code."""
        block = self._block(b"numFmts")
        if not block:
            return {}
        return {int(i): unescape(code.decode()) for i, code in _NUMFMT.findall(self.xml, *block)}

    def is_date(self, style: bytes | None) -> bool:
        """Whether cells of this style index show a date."""
        xfs = self.cell_formats()
        index = int(style) if style else 0
        if index >= len(xfs):
            return False
        m = _NUMFMT_ID.search(xfs[index])
        fmt_id = int(m.group(1)) if m else 0
        if fmt_id in _BUILTIN_DATES:
            return True
        code = self.number_formats().get(fmt_id)
        return code is not None and _is_date_code(code)

    # -- appending -------------------------------------------------------------------
    def _append(self, tag: bytes, element: bytes) -> int:
        """Index of ``element`` in ``<tag>``, appended (and the count raised) if new."""
        child = _CHILD[tag]
        items = self._items(tag, re.compile(rb"<%s\b[^>]*?(?:/>|>.*?</%s>)" % (child, child),
                                            re.S))
        if element in items:
            return items.index(element)
        block = self._block(tag)
        if block is None:
            raise ValueError(f"styles.xml has no {tag.decode()}")
        _, end = block
        self.xml = self.xml[:end] + element + self.xml[end:]
        self._set_count(tag, len(items) + 1)
        self.changed = True
        return len(items)

    def _set_count(self, tag: bytes, count: int) -> None:
        open_at = self.xml.find(b"<" + tag)
        head_end = self.xml.index(b">", open_at)
        head = self.xml[open_at:head_end]
        if b'count="' in head:
            head = re.sub(rb'count="\d+"', b'count="%d"' % count, head)
        else:
            head += b' count="%d"' % count
        self.xml = self.xml[:open_at] + head + self.xml[head_end:]

    def number_format(self, code: str) -> int:
        """The id of a number format with this code, added if the workbook lacks it."""
        for fmt_id, existing in self.number_formats().items():
            if existing == code:
                return fmt_id
        if self._block(b"numFmts") is None:
            at = self.xml.index(b"<fonts")
            self.xml = self.xml[:at] + b'<numFmts count="0"></numFmts>' + self.xml[at:]
        fmt_id = max([163, *self.number_formats()]) + 1
        self._append(b"numFmts", b'<numFmt numFmtId="%d" formatCode="%s"/>'
                     % (fmt_id, escape(code, {'"': "&quot;"}).encode()))
        return fmt_id

    def font(self, element: bytes) -> int:
        return self._append(b"fonts", element)

    def border(self, element: bytes) -> int:
        return self._append(b"borders", element)

    def cell_format(self, fmt_id: int = 0, font_id: int = 0, border_id: int = 0) -> bytes:
        """The style index (as text) of a cell format, appended if new."""
        applies = b"".join([b' applyNumberFormat="1"' if fmt_id else b"",
                            b' applyFont="1"' if font_id else b"",
                            b' applyBorder="1"' if border_id else b""])
        xf = (b'<xf numFmtId="%d" fontId="%d" fillId="0" borderId="%d" xfId="0"%s/>'
              % (fmt_id, font_id, border_id, applies))
        return str(self._append(b"cellXfs", xf)).encode()

    def with_date_format(self, style: bytes | None, code: str = "yyyy-mm-dd") -> bytes:
        """A style like ``style`` but showing dates: the owner's xf copied, its number
        format replaced, appended once."""
        xfs = self.cell_formats()
        index = int(style) if style else 0
        base = xfs[index] if index < len(xfs) else b'<xf numFmtId="0" fontId="0" fillId="0" ' \
                                                     b'borderId="0" xfId="0"/>'
        fmt_id = self.number_format(code)
        xf = _NUMFMT_ID.sub(b'numFmtId="%d"' % fmt_id, base, count=1)
        if b"applyNumberFormat" in xf:
            xf = re.sub(rb'applyNumberFormat="\w+"', b'applyNumberFormat="1"', xf)
        else:
            xf = xf.replace(b"<xf ", b'<xf applyNumberFormat="1" ', 1)
        return str(self._append(b"cellXfs", xf)).encode()
