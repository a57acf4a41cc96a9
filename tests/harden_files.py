"""Workbooks that are wrong in the ways an unlucky owner (or an attacker) makes them,
built from the owner's workbook of test_desk_books by editing its parts."""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

PAYMENTS_PART = "xl/worksheets/sheet8.xml"
APPOINTMENTS_PART = "xl/worksheets/sheet7.xml"
PAY = ("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "EFT300",
       "--apply", "A0001=10.00")


def edit_parts(path: Path, edits: dict[str, Callable[[bytes], bytes]],
               extra: dict[str, bytes] | None = None) -> Path:
    """Rewrite the package at ``path`` with some parts edited (and some added)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name, edit in edits.items():
        parts[name] = edit(parts[name])
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def with_date1904(path: Path) -> Path:
    """The workbook switched to the 1904 date system (as old Mac Excel saved them)."""
    return edit_parts(path, {"xl/workbook.xml": lambda x: re.sub(
        rb"<workbookPr\b", b'<workbookPr date1904="1"', x, count=1)})


def with_cell(path: Path, part: str, row: int, ref: str, text: str) -> Path:
    """A text cell added to a sheet, in a new row at the end."""
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'
    return edit_parts(path, {part: lambda x: x.replace(b"</sheetData>",
                                                       cell.encode() + b"</sheetData>")})


def with_merge(path: Path, part: str, ref: str) -> Path:
    """A merged range added to a sheet."""
    merge = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
    return edit_parts(path, {part: lambda x: x.replace(b"</sheetData>",
                                                       b"</sheetData>" + merge, 1)})


class Mount:
    """A small tmpfs mounted for one test (root only; the test is skipped otherwise)."""

    def __init__(self, where: Path, size: str = "1m"):
        self.where = where
        where.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                               str(where)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot mount a tmpfs here")

    def read_only(self) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(self.where)], check=True)

    def fill(self, leave: int) -> None:
        """Fill the disk, leaving about ``leave`` bytes free."""
        stat = os.statvfs(self.where)
        free = stat.f_bavail * stat.f_frsize
        with open(self.where / "filler", "wb") as fh:
            fh.write(b"\0" * max(0, free - leave))

    def close(self) -> None:
        subprocess.run(["umount", "-l", str(self.where)], capture_output=True)


@pytest.fixture
def mount(tmp_path):
    """A function mounting a tmpfs under the test's folder; unmounted afterwards."""
    made = []

    def make(name: str = "disk", size: str = "1m") -> Mount:
        made.append(Mount(tmp_path / name, size))
        return made[-1]

    yield make
    for m in made:
        m.close()
