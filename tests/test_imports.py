"""pandas is imported only by the commands that compute with it.

Importing pandas costs about a third of a second of every command. The commands that
read a workbook and do their own sums (``check``, the desk, claims, receipts, statements,
...) never import it; ``balances``, ``report``, ``handoff``, ``remind`` and the library
(``claimbook.open``) do. Each command runs in a process of its own under
``python -X importtime``, which lists every module as it is imported."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLE

EXPORTS = ROOT / "workbooks" / "sample-exports"
ERA = ROOT / "workbooks" / "sample-era.835"

WITHOUT_PANDAS = {
    "check": ["check"],
    "pay": ["pay", "--date", "2026-11-30", "--client", "--reference", "CHK7",
            "--apply", "A000001=1.00", "--yes"],
    "checkout": ["checkout", "--date", "2026-11-30", "--client", "C0001", "--staff", "S01",
                 "--service", "97124", "--minutes", "38", "--paid", "25", "--method", "card"],
    "today": ["today", "--date", "2026-10-28"],
    "era": ["era", str(ERA), "--date", "2026-12-04"],
    "claim": ["claim", "--unbilled", "--date", "2026-11-27", "--837"],
    "void": ["void", "--payment", "PMT000602", "--reason", "wrong visit",
             "--date", "2026-11-30"],
    "history": ["history", "--client", "C0001"],
    "import": ["import", str(EXPORTS / "massagebook-clients.csv"),
               str(EXPORTS / "massagebook-appointments.csv"), "--date", "2026-11-30"],
    "receipt": ["receipt", "--month", "2026-10", "--as-of", "2026-11-29"],
    "statement --client": ["statement", "--client", "C0081", "--as-of", "2026-02-20"],
    "statement --due": ["statement", "--due", "--as-of", "2026-11-20"],
}
WITH_PANDAS = {
    "balances": ["balances", "--as-of", "2026-10-31"],
    "report": ["report", "--month", "2026-10", "--format", "json"],
    "handoff": ["handoff", "--month", "2026-10"],
    "remind": ["remind", "--date", "2026-11-20"],
}


def imports(args: list[str], folder, workbook: bool = True) -> tuple[set[str], str]:
    """The top-level modules a command imported (from ``-X importtime``), and what it
    printed."""
    if workbook:
        args = args + ["-w", str(folder / "practice.xlsx")]
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "claimbook", *args],
                          cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    found = {m.group(1).split(".")[0]
             for m in re.finditer(r"^import time:.*\|\s*([\w.]+)\s*$", done.stderr, re.M)}
    return found, done.stdout


@pytest.fixture()
def folder(tmp_path):
    shutil.copyfile(SAMPLE, tmp_path / "practice.xlsx")
    return tmp_path


@pytest.mark.parametrize("name", list(WITHOUT_PANDAS))
def test_commands_that_do_their_own_sums_never_import_pandas(folder, name):
    modules, printed = imports(WITHOUT_PANDAS[name], folder)
    assert "pyarrow" in modules or name == "history"  # they did read the workbook
    assert "pandas" not in modules, printed


@pytest.mark.parametrize("name", ["init", "sample"])
def test_making_a_workbook_never_imports_pandas(tmp_path, name):
    args = ["init", "-w", "new.xlsx", "--name", "Cedar"] if name == "init" else \
        ["sample", "--out", "made.xlsx"]
    modules, _ = imports(args, tmp_path, workbook=False)
    assert "pandas" not in modules


@pytest.mark.parametrize("name", list(WITH_PANDAS))
def test_commands_that_compute_with_pandas_import_it(folder, name):
    modules, printed = imports(WITH_PANDAS[name], folder)
    assert "pandas" in modules
    assert printed


def test_import_claimbook_imports_no_pandas_and_the_library_does():
    script = ("import sys, claimbook; before = 'pandas' in sys.modules; "
              f"p = claimbook.open(r'{SAMPLE}'); "
              "print(before, 'pandas' in sys.modules, int(p.balances('2026-10-31')"
              "['balance'].sum()))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    before, after, total = done.stdout.split()
    assert (before, after) == ("False", "True")
    assert int(total) > 0
