"""A lenient X12 tokenizer: bytes in, transactions (ST..SE) of numbered segments out.

What payers and clearinghouses actually send, read the same way for every transaction
set (the 835 remittance, the 837P claim):

- the delimiters come from the ISA: the element separator is the character after
  ``ISA``, the repetition separator ISA11 (5010; in 4010 ISA11 is a letter and there is
  none), the component separator ISA16 and the segment terminator the character after
  it (a line break there means one segment a line). The ISA's fields need not be padded
  to their fixed widths.
- a file that starts at GS or ST, with no envelope: the element separator is the
  character after the tag, components ``:``, segments end at ``~`` (or at line breaks
  when the file has no ``~``).
- a UTF-8 byte order mark, CRLF, LF or no line breaks at all, segments indented or
  followed by blank lines, several ISA/GS/ST in one file (each ISA with its own
  delimiters).
- a component separator in the data that disagrees with ISA16 (``HC>97110`` where ISA16
  says ``:``): when every composite that starts with a qualifier uses the same other
  character, that character is the separator; a file that mixes them, or a composite
  with none, is refused naming the segment. A code is never read wrong.

Segments are numbered within their file from 1 (the ISA, or the first segment), so an
error reads ``remit.835: segment 41 CLP: paid amount "12O.00" is not a number``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from claimbook.rules.problems import ClaimbookError

__all__ = ["Delimiters", "Segment", "Transaction", "X12Error", "read_interchange"]

DEFAULT_ELEMENT, DEFAULT_COMPONENT, DEFAULT_SEGMENT = "*", ":", "~"

# Composite elements whose first component is a qualifier of 2-3 letters (HC:97110,
# ABK:M5450): where a component separator that disagrees with ISA16 shows itself.
QUALIFIED_COMPOSITES = {
    "SVC": (1, 6),  # 835 service line: procedure, original procedure
    "SV1": (1,),  # 837P professional service
    "SV2": (2,),  # 837I institutional service (procedure)
    "SV3": (1,),  # 837D dental service
    "HI": tuple(range(1, 13)),  # 837 diagnosis codes
}

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_QUALIFIED = re.compile(r"^([A-Z]{2,3})([^A-Za-z0-9\s])(?=\S)")


class X12Error(ClaimbookError):
    """An X12 file that cannot be read; its text names the file and the segment."""


@dataclass(frozen=True)
class Delimiters:
    """The four separators of one interchange."""

    element: str = DEFAULT_ELEMENT
    component: str = DEFAULT_COMPONENT
    repetition: str | None = None
    segment: str = DEFAULT_SEGMENT


@dataclass
class Context:
    """What the segments of one interchange share: the file and its delimiters."""

    file: str
    delimiters: Delimiters
    notes: list[str] = field(default_factory=list)  # e.g. a component separator mended


class Segment:
    """One segment: its number in the file, its tag and its elements.

    ``elements[0]`` is the tag, so ``seg[4]`` is CLP04 as the X12 guides number it; an
    element the segment does not have reads as ``""``.
    """

    __slots__ = ("number", "elements", "context")

    def __init__(self, number: int, elements: list[str], context: Context):
        self.number = number
        self.elements = elements
        self.context = context

    @property
    def tag(self) -> str:
        return self.elements[0]

    def __getitem__(self, i: int) -> str:
        return self.elements[i] if i < len(self.elements) else ""

    def __len__(self) -> int:
        return len(self.elements)

    def __repr__(self) -> str:
        return f"Segment({self.number}, {self.text()!r})"

    def text(self, i: int | None = None) -> str:
        """Element ``i`` stripped of padding (the whole segment when ``i`` is None)."""
        if i is None:
            return self.context.delimiters.element.join(self.elements)
        return self[i].strip()

    def components(self, i: int) -> list[str]:
        """Element ``i`` split on the component separator: ``HC:97110:GP`` -> three."""
        value = self[i]
        if not value:
            return []
        return [c.strip() for c in value.split(self.context.delimiters.component)]

    def repeats(self, i: int) -> list[str]:
        """Element ``i`` split on the repetition separator (5010), else itself."""
        value, sep = self[i], self.context.delimiters.repetition
        if not value:
            return []
        return value.split(sep) if sep else [value]

    @property
    def where(self) -> str:
        """``remit.835: segment 41 CLP``."""
        return f"{self.context.file}: segment {self.number} {self.tag}"

    def error(self, message: str) -> X12Error:
        """An error naming this segment: ``remit.835: segment 41 CLP: <message>``."""
        return X12Error(f"{self.where}: {message}")

    def decimal(self, i: int, label: str) -> Decimal | None:
        """Element ``i`` as a number (X12 type R), None when blank."""
        text = self.text(i)
        if not text:
            return None
        if not _NUMBER.match(text):
            raise self.error(f'{label} "{text}" is not a number')
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise self.error(f'{label} "{text}" is not a number') from None

    def cents(self, i: int, label: str) -> int | None:
        """Element ``i`` as money in integer cents, None when blank; an amount with
        fractions of a cent is refused rather than rounded."""
        amount = self.decimal(i, label)
        if amount is None:
            return None
        cents = amount * 100
        if cents != cents.to_integral_value():
            raise self.error(f'{label} "{self.text(i)}" is not an amount in dollars and cents')
        return int(cents)


@dataclass
class Transaction:
    """One transaction set, ST to SE, with the envelope around it."""

    segments: list[Segment]  # ST .. SE inclusive
    group: Segment | None  # the GS it sits in (None without an envelope)
    interchange: Segment | None  # the ISA (None without an envelope)
    context: Context

    @property
    def file(self) -> str:
        return self.context.file

    @property
    def set_id(self) -> str:
        """ST01: ``835``, ``837``."""
        return self.segments[0].text(1)

    @property
    def control_number(self) -> str:
        """ST02."""
        return self.segments[0].text(2)

    @property
    def version(self) -> str:
        """The implementation guide: GS08, else ST03 (``005010X221A1``)."""
        if self.group is not None and self.group.text(8):
            return self.group.text(8)
        return self.segments[0].text(3)


# -- reading ---------------------------------------------------------------------------
def read_interchange(data: bytes, name: str) -> list[Transaction]:
    """Read an X12 file into its transactions.

    Args:
        data: the file's bytes.
        name: the file's name, for messages (``remit.835``).

    Returns:
        Every ST..SE transaction in the file, in order.

    Raises:
        X12Error: the file is not X12, a transaction is not closed by SE, or a
            composite's component separator cannot be told (each names the segment).
    """
    text = _decode(data, name)
    transactions: list[Transaction] = []
    reader = _Reader(text, name)
    for context, segments in reader.interchanges():
        _mend_components(context, segments)
        transactions += _transactions(context, segments)
    if not transactions:
        raise X12Error(f"{name}: no transaction (ST ... SE) in the file")
    return transactions


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text[:200]:
        raise X12Error(f"{name}: not an X12 file (it holds binary data)")
    return text


class _Reader:
    """Walks a file's text interchange by interchange, numbering segments as it goes."""

    def __init__(self, text: str, name: str):
        self.text = text
        self.name = name
        self.pos = 0
        self.number = 0

    def _skip_space(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos].isspace():
            pos += 1
        self.pos = pos

    def interchanges(self):
        """``(context, segments)`` for each interchange (or the envelope-less file)."""
        self._skip_space()
        if self.pos >= len(self.text):
            raise X12Error(f"{self.name}: the file is empty")
        while self.pos < len(self.text):
            if self.text.startswith("ISA", self.pos):
                delimiters = self._isa_delimiters()
            else:
                delimiters = self._bare_delimiters()
            context = Context(self.name, delimiters)
            yield context, self._segments(context)
            self._skip_space()

    def _isa_delimiters(self) -> Delimiters:
        text, start = self.text, self.pos
        element = text[start + 3: start + 4]
        if not element or element.isalnum() or element.isspace():
            raise X12Error(f"{self.name}: segment {self.number + 1} ISA: no element "
                           "separator after ISA")
        at, count = start, 0
        while count < 16:
            at = text.find(element, at + 1)
            if at < 0:
                raise X12Error(f"{self.name}: segment {self.number + 1} ISA: the ISA has "
                               "fewer than 16 elements")
            count += 1
        component = text[at + 1: at + 2]
        terminator = text[at + 2: at + 3]
        if not component or not terminator:
            raise X12Error(f"{self.name}: segment {self.number + 1} ISA: the file ends "
                           "inside the ISA")
        if terminator in "\r\n":
            terminator = "\n"
        fields = text[start:at].split(element)
        repetition = fields[11].strip() if len(fields) > 11 else ""
        if len(repetition) != 1 or repetition.isalnum() or repetition in (element, component):
            repetition = None  # 4010: ISA11 is the standards identifier "U"
        return Delimiters(element, component, repetition, terminator)

    def _bare_delimiters(self) -> Delimiters:
        text, start = self.text, self.pos
        head = text[start: start + 3]
        if not (head[:2] in ("ST", "GS") and len(head) == 3 and not head[2].isalnum()
                and not head[2].isspace()):
            shown = text[start: start + 20].split("\n")[0]
            raise X12Error(f'{self.name}: not an X12 file (it starts "{shown}", not ISA, '
                           "GS or ST)")
        terminator = DEFAULT_SEGMENT if DEFAULT_SEGMENT in text[start:] else "\n"
        return Delimiters(head[2], DEFAULT_COMPONENT, None, terminator)

    def _segments(self, context: Context) -> list[Segment]:
        """The segments of one interchange: up to its IEA, the next ISA, or the end."""
        text, term = self.text, context.delimiters.segment
        element = context.delimiters.element
        out: list[Segment] = []
        while self.pos < len(text):
            end = text.find(term, self.pos)
            if end < 0:
                end = len(text)
            raw = text[self.pos:end].strip()
            if raw.startswith("ISA") and out:
                return out  # a new interchange without an IEA before it
            self.pos = end + len(term)
            if not raw:
                continue
            self.number += 1
            out.append(Segment(self.number, raw.split(element), context))
            if out[-1].tag == "IEA":
                return out
        return out


def _transactions(context: Context, segments: list[Segment]) -> list[Transaction]:
    out: list[Transaction] = []
    isa = segments[0] if segments and segments[0].tag == "ISA" else None
    group, current = None, None
    for seg in segments:
        tag = seg.tag
        if tag == "GS":
            group = seg
        elif tag == "ST":
            if current is not None:
                raise seg.error(f"a new ST before the SE of ST {current[0].text(2)} "
                                f"(segment {current[0].number})")
            current = [seg]
        elif current is not None:
            current.append(seg)
            if tag == "SE":
                out.append(Transaction(current, group, isa, context))
                current = None
        elif tag not in ("ISA", "IEA", "GE", "TA1"):
            raise seg.error("a segment outside any transaction (ST ... SE)")
    if current is not None:
        first = current[0]
        raise first.error(f"the transaction ST {first.text(2)} is not closed by an SE "
                          "(the file may be cut short)")
    return out


# -- component separators ---------------------------------------------------------------
def _mend_components(context: Context, segments: list[Segment]) -> None:
    """Find the component separator the data uses when it is not ISA16's.

    Every composite that starts with a qualifier (SVC01 ``HC:97110``, HI01
    ``ABK:M5450``) is looked at. When none holds the declared separator and all use the
    same other character, that one is the separator (and a note says so). A file that
    mixes separators, or a composite with none at all, is refused naming the segment.
    """
    declared = context.delimiters.component
    used: dict[str, Segment] = {}  # separator -> first segment using it
    for seg in segments:
        positions = QUALIFIED_COMPOSITES.get(seg.tag)
        if not positions:
            continue
        for i in positions:
            value = seg[i].strip()
            if not value:
                continue
            if declared in value:
                used.setdefault(declared, seg)
                continue
            found = _QUALIFIED.match(value)
            if found is None or found.group(2) == context.delimiters.element:
                raise seg.error(f'{seg.tag}{i:02d} "{value}" has no component separator '
                                f'(ISA16 says "{declared}"): the code cannot be read')
            used.setdefault(found.group(2), seg)
    others = [sep for sep in used if sep != declared]
    if not others:
        return
    if len(used) > 1:
        seg = used[others[0]] if used[declared].number < used[others[0]].number \
            else used[declared]
        shown = sorted(used)
        raise seg.error(f"the file mixes component separators ({' and '.join(shown)}); "
                        f'ISA16 says "{declared}": the codes cannot be read safely')
    actual = others[0]
    context.delimiters = Delimiters(context.delimiters.element, actual,
                                    context.delimiters.repetition, context.delimiters.segment)
    context.notes.append(f'{context.file}: the data separates components with "{actual}" '
                         f'where ISA16 says "{declared}"; read with "{actual}"')
