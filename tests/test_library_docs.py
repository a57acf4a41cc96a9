"""Every Python example in docs/library.md runs, in order, against a copy of the sample."""

import os
import re
import shutil
from pathlib import Path

from conftest import ROOT, SAMPLE

DOC = ROOT / "docs" / "library.md"


def test_every_example_in_the_library_doc_runs(tmp_path: Path, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 6
    (tmp_path / "workbooks").mkdir()
    shutil.copyfile(SAMPLE, tmp_path / "workbooks" / "sample-practice.xlsx")
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        namespace: dict = {}
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own doc
    finally:
        os.chdir(here)
    printed = capsys.readouterr().out
    assert "Cedar & Stone" in printed
    assert "A/R on 2026-10-31: $10,945.00" in printed


def test_the_library_gives_the_commands_figures():
    import json

    from click.testing import CliRunner

    import claimbook
    from claimbook.cli.main import cli

    practice = claimbook.open(SAMPLE)
    runner = CliRunner()
    summary = json.loads(runner.invoke(cli, ["report", "-w", str(SAMPLE), "--month", "2026-10",
                                             "--format", "json"]).stdout)
    aging = practice.aging("2026-10-31", by="payer")
    for payer in summary["by_payer"]:
        cents = int(aging["total"].get(payer["payer_id"], 0))
        assert claimbook.as_decimal(cents) == claimbook.as_decimal(
            int(payer["insurance_due"].replace(".", "")))
    listed = json.loads(runner.invoke(cli, ["balances", "-w", str(SAMPLE), "--as-of",
                                            "2026-10-31", "--format", "json"]).stdout)
    frame = practice.balances("2026-10-31")
    assert list(frame["appointment_id"]) == [r["appointment_id"] for r in listed]
    assert [str(claimbook.as_decimal(c)) for c in frame["balance"]] == \
        [r["balance"] for r in listed]


def test_commands_do_without_pandas_and_the_library_has_it():
    """Reading and checking a workbook does not import pandas (a third of a second of
    every command); the commands that compute with it, and the library, in the same
    process, get the same figures all the same."""
    import subprocess
    import sys

    script = f"""
import sys
from click.testing import CliRunner
from claimbook.cli.main import cli
result = CliRunner().invoke(cli, ["check", "-w", r"{SAMPLE}"])
assert result.exit_code == 0, result.output
print("pandas after check:", "pandas" in sys.modules)
result = CliRunner().invoke(cli, ["report", "-w", r"{SAMPLE}", "--month", "2026-10",
                                  "--format", "json"])
assert result.exit_code == 0, result.output
print("pandas after report:", "pandas" in sys.modules)
import claimbook
practice = claimbook.open(r"{SAMPLE}")
due = practice.balances("2026-10-31").pivot_table(index="payer_id", values="insurance_due",
                                                  aggfunc="sum")
print("due:", int(due["insurance_due"].sum()))
print("lines:", str(practice.lines["charge"].dtype))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines() == ["pandas after check: False",
                                        "pandas after report: True", "due: 980000",
                                        "lines: Int64"]
