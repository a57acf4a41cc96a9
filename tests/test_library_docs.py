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
