"""The one way a use case changes the owner's workbook: open it for a change (a snapshot
of its bytes, the records a command needs, where every column sits), plan, then write
through the safe path (lock-file refusal, backup, temporary file, read back, atomic
replace; every part not meant to change stays byte-identical)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from claimbook.io.xlsx.desk_reader import Selection, SheetLayout, read_desk
from claimbook.io.xlsx.safe import Snapshot, take_snapshot
from claimbook.io.xlsx.surgery import Written, write_changes
from claimbook.rules.changes import Changes
from claimbook.rules.records import Book

__all__ = ["Opened", "Selection", "open_for_change", "without_records", "write"]

DEFAULT_BACKUPS = 10


@dataclass
class Opened:
    """A workbook opened to be changed: its bytes as read, its records, its layout."""

    snapshot: Snapshot
    book: Book
    layouts: dict[str, SheetLayout]

    def keys(self, sheet: str) -> list[str]:
        """Every key (ID) on a contract sheet, in sheet order."""
        layout = self.layouts.get(sheet)
        return layout.keys() if layout is not None else []


def open_for_change(path: str, selection: Selection | None = None,
                    computes: bool = False) -> Opened:
    """Read a workbook to change it: the rows ``selection`` needs, checked; ``computes``:
    the use case computes over every visit (pandas is imported while the sheets parse).

    Raises:
        WorkbookInUse: Excel or LibreOffice has it open.
        BadData: a problem in the rows read (each names its cell).
    """
    from claimbook.compute import load_libraries

    snapshot = take_snapshot(path)
    book, layouts = read_desk(snapshot.data, path, selection or Selection(),
                              load_libraries if computes else None)
    return Opened(snapshot, book, layouts)


def without_records(opened: Opened) -> Opened:
    """``opened`` with only what writing needs (its bytes, layout and settings): the
    records, columns and DataFrames of a big workbook go back to the system before the
    write holds the file's parts (the caller drops its own references to the book)."""
    opened.book.cache.clear()  # the DataFrames refer back to the book: a cycle
    light = replace(opened.book, lines=[], payments=[], rows={}, remittances=[])
    return Opened(opened.snapshot, light, opened.layouts)


def write(opened: Opened, changes: Changes, create_outstanding: bool = False) -> Written:
    """Write ``changes`` into the workbook ``opened`` was read from, safely.

    Refused (nothing written) if the workbook changed on disk since it was opened.
    """
    keep = opened.book.settings.backups_to_keep
    return write_changes(opened.snapshot, opened.layouts, changes,
                         DEFAULT_BACKUPS if keep is None else keep,
                         create_outstanding=create_outstanding)
