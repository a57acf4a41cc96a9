"""When the disk or the folder says no: one line naming the path, never a traceback, and
nothing written. A full disk (at several sizes of what is left), a read-only disk, a
read-only backups folder, --out on a read-only disk, a file name too long; a line break
in the practice name or an Email cell when receipts are emailed."""

from __future__ import annotations

import hashlib
import os

import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from harden_files import PAY
from mailserver import mail_settings, month_batch
from owner_books import owner_book, parts_of, run_process
from papers import CLIENTS


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(text: str) -> bool:
    return text.count("\n") == 1 and text.startswith("Error: ") and "Traceback" not in text


@pytest.mark.parametrize("leave", [0, 4096, 12288, 24576, 40960])
def test_a_full_disk_stops_the_write_in_one_line_and_keeps_the_workbook(tmp_path, mount, leave):
    disk = mount(size="256k")
    book = owner_book(disk.where / "owner.xlsx")
    before = _digest(book)
    disk.fill(leave)
    done = run_process(*PAY, "-w", str(book))
    if done.returncode == 0:  # there was room after all: then it is all there
        assert b"EFT300" in parts_of(book)["xl/worksheets/sheet8.xml"]
        return
    assert done.returncode == 1 and _one_line(done.stderr), done.stderr
    assert "the disk is full" in done.stderr and "nothing was written" in done.stderr
    assert _digest(book) == before
    assert not [f for f in os.listdir(disk.where) if f.startswith(".claimbook-")]
    backups = disk.where / "backups"
    if backups.exists():
        assert not [f for f in os.listdir(backups) if f.endswith(".tmp")]


def test_a_read_only_disk_is_one_line(tmp_path, mount):
    disk = mount()
    book = owner_book(disk.where / "owner.xlsx")
    disk.read_only()
    done = run_process(*PAY, "-w", str(book))
    assert done.returncode == 1
    assert done.stderr == (f"Error: {book} cannot be written (a read-only disk, or no "
                           "permission); nothing was written\n")


def test_a_read_only_backups_folder_is_one_line(tmp_path, mount):
    book = owner_book(tmp_path / "owner.xlsx")
    backups = mount("backups")
    backups.read_only()
    before = _digest(book)
    done = run_process(*PAY, "-w", str(book))
    assert done.returncode == 1 and _one_line(done.stderr), done.stderr
    assert done.stderr == (f"Error: {backups.where}: the disk is read-only (writing {book}); "
                           "nothing was written\n")
    assert _digest(book) == before


def test_out_on_a_read_only_disk_is_one_line(tmp_path, mount, sample_copy):
    disk = mount("reports")
    disk.read_only()
    done = run_process("report", "-w", str(sample_copy), "--month", "2026-10", "--out",
                       str(disk.where / "october"))
    assert done.returncode == 1
    assert done.stderr == (f"Error: {disk.where / 'october'}: the disk is read-only (running "
                           "report); nothing was written\n")


def test_a_file_name_too_long_is_one_line(tmp_path, sample_copy):
    out = tmp_path / ("x" * 300)
    done = run_process("report", "-w", str(sample_copy), "--month", "2026-10", "--out", str(out))
    assert done.returncode == 1 and _one_line(done.stderr), done.stderr
    assert done.stderr == (f"Error: {'x' * 60}...: the file name is too long (300 characters; "
                           "a disk takes at most 255); nothing was written\n")


# -- line breaks in what goes into an email header ----------------------------------------
def test_a_line_break_in_the_practice_name_is_kept_out_of_the_headers(
        practice, smtp_server, tmp_path):
    settings = {**mail_settings(smtp_server.port), "practice_name": "Cedar &\nStone"}
    result = month_batch(practice(settings), tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert smtp_server.messages
    assert all("Cedar & Stone" in m["Subject"] for m in smtp_server.messages)


def test_a_line_break_in_an_email_cell_is_one_line(practice, smtp_server, tmp_path):
    clients = [CLIENTS[0], {**CLIENTS[1], "email": "bo@example.org\nBcc: all@example.org"}]
    path = practice(mail_settings(smtp_server.port), Clients=clients)
    result = CliRunner().invoke(cli, ["receipt", "-w", str(path), "--appointment", "A1",
                                      "--out", str(tmp_path / "out"), "--as-of", "2026-11-29",
                                      "--email"])
    assert result.exit_code == 1
    assert _one_line(result.output), result.output
    assert result.output == ('Error: Clients!F3: "bo@example.org\\nBcc: all@example.org" has a '
                             "line break in it; keep one address on one line; no receipt was "
                             "written\n")
    assert smtp_server.messages == []
    batch = month_batch(path, tmp_path / "batch")  # in a month's batch: listed on one line
    assert batch.stderr.splitlines()[0] == ('Clients!F3: "bo@example.org\\nBcc: '
                                            'all@example.org" has a line break in it; keep '
                                            "one address on one line")
