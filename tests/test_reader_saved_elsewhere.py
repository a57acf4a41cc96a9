"""The sample saved again by LibreOffice (shared strings, its own XML) reads to the same
balances, visit for visit (skipped where LibreOffice is not installed)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from claimbook.compute.balances import balances
from claimbook.io.xlsx.reader import load_book
from conftest import SAMPLE

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def test_the_sample_saved_by_libreoffice_reads_the_same(tmp_path):
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"),
                    str(SAMPLE)], check=True, capture_output=True, timeout=180)
    saved = load_book(tmp_path / "lo" / SAMPLE.name)
    original = load_book(SAMPLE)
    day = date(2026, 10, 31)
    assert balances(saved, day, include_paid=True) == balances(original, day,
                                                                include_paid=True)
    assert list(saved.clients.values()) == list(original.clients.values())
