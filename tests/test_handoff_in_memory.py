"""An encrypted handoff is built in memory: no plain copy of the workbook is ever written
to disk, not even for a moment (a kill -9 used to leave one, sometimes world-readable).
Every file the command opens for writing is watched through Python's audit hooks."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import msoffcrypto
import openpyxl
from click.testing import CliRunner

from claimbook.cli.main import cli
from conftest import SAMPLE

_WATCHING: list[tuple[str, str]] | None = None


def _hook(event: str, args: tuple) -> None:
    if _WATCHING is None or event != "open":
        return
    path, mode, flags = args
    writes = (mode is not None and any(m in str(mode) for m in "wax+")) or (
        isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
    if writes and isinstance(path, (str, bytes, os.PathLike)):
        _WATCHING.append((os.fsdecode(path), str(mode)))


sys.addaudithook(_hook)


def _values(wb: openpyxl.Workbook) -> dict:
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def test_no_plain_copy_of_an_encrypted_handoff_touches_the_disk(tmp_path):
    global _WATCHING
    out = tmp_path / "out"
    _WATCHING = []
    try:
        result = CliRunner().invoke(cli, ["handoff", "-w", str(SAMPLE), "--month", "2026-10",
                                          "--out", str(out), "--names", "--password", "pw"])
        written = list(_WATCHING)
    finally:
        _WATCHING = None
    assert result.exit_code == 0, result.output
    target = out / "2026-10-bookkeeper.xlsx"
    paths = {Path(path) for path, _ in written}
    assert len(paths) == 1, written  # the target's temporary file, and nothing else
    only = paths.pop()
    assert only.parent == out and only.name.startswith(".claimbook-")
    with open(target, "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        assert office.is_encrypted()
        office.load_key(password="pw")
        plain = io.BytesIO()
        office.decrypt(plain)
    plain.seek(0)
    again = CliRunner().invoke(cli, ["handoff", "-w", str(SAMPLE), "--month", "2026-10",
                                     "--out", str(tmp_path / "plain"), "--names"])
    assert again.exit_code == 0
    expected = openpyxl.load_workbook(tmp_path / "plain" / "2026-10-bookkeeper.xlsx")
    decrypted = openpyxl.load_workbook(plain)
    assert _values(decrypted) == _values(expected)
    assert max(len(rows) for rows in _values(decrypted).values()) > 200  # bulk rows spliced
