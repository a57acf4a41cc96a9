"""The README stays true: its workbook table, its commands, its two first commands."""

import re
from pathlib import Path

from claimbook.cli.docs import workbook_table
from test_cli import all_commands

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_docs_hold_the_workbook_table_made_from_the_schema():
    workbook = (ROOT / "docs" / "workbook.md").read_text()
    assert workbook_table() in workbook, \
        "run python -m claimbook.cli.docs --write docs/workbook.md"


def test_readme_shows_every_command_with_an_example():
    for name in all_commands():
        assert re.search(rf"^claimbook {name}\b", README, re.M) or \
            re.search(rf"^(\S+=\S+ )?claimbook {name}\b", README, re.M), \
            f"README has no example of claimbook {name}"


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    main_job, tests = blocks[0], blocks[1]
    assert "\n" not in main_job and "\n" not in tests
    assert "claimbook report -w workbooks/sample-practice.xlsx" in main_job
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text()
    assert tests in ci
    assert README.index(tests) < README.index("## ")
