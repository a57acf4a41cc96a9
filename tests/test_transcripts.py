"""Every command transcript in docs/ runs, against a fresh copy of the sample practice.

A transcript is a fenced block marked ``console``. Lines starting with ``$ `` are
commands (a trailing ``\\`` continues one on the next line); the lines after a command,
up to the next ``$ ``, are what it prints (stdout and stderr together). In an expected
line ``...`` matches any text, and a line that is only ``...`` matches any number of
lines. A command whose expected output holds a line starting ``Error:`` must exit
non-zero; every other command must exit 0.

``$CLAIMBOOK_TODAY`` is 2026-11-30 (the sample's Monday after its last day of business),
so dates far from "today" are asked about the same whenever the transcripts run.
Each docs file runs in its own empty folder holding ``practice.xlsx`` (a copy of
``workbooks/sample-practice.xlsx``, also named by ``$CLAIMBOOK_WORKBOOK``) and a copy
of ``workbooks/``; its transcripts run in order, so one may build on another.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))


@dataclass
class Step:
    """One command of a transcript and what it prints."""

    where: str  # docs/file.md:line
    command: str
    expected: list[str] = field(default_factory=list)


def transcript_steps(text: str, name: str) -> list[Step]:
    """The commands and expected output of every ``console`` block of a docs file."""
    steps: list[Step] = []
    lines = text.split("\n")
    inside = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if not inside and line.strip() == "```console":
            inside = True
        elif inside and line.strip() == "```":
            inside = False
        elif inside and line.startswith("$ "):
            start = i + 1
            command = line[2:]
            while command.endswith("\\"):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            steps.append(Step(f"{name}:{start}", command))
        elif inside and steps:
            steps[-1].expected.append(line)
        i += 1
    return steps


def _matches(expected: list[str], actual: list[str]) -> bool:
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == "...":
        return any(_matches(rest, actual[k:]) for k in range(len(actual) + 1))
    if not actual:
        return False
    pattern = ".*".join(re.escape(part) for part in head.rstrip().split("..."))
    return re.fullmatch(pattern, actual[0].rstrip()) is not None and \
        _matches(rest, actual[1:])


def run_step(step: Step, cwd: Path, env: dict) -> tuple[int, list[str]]:
    """Run one transcript command (``claimbook`` is this checkout's) in ``cwd``."""
    argv = shlex.split(step.command)
    prefix_env = {}
    while argv and re.fullmatch(r"[A-Z_]+=.*", argv[0]):
        key, _, value = argv.pop(0).partition("=")
        prefix_env[key] = value
    assert argv and argv[0] == "claimbook", f"{step.where}: only claimbook commands run here"
    done = subprocess.run([sys.executable, "-m", "claimbook", *argv[1:]], cwd=cwd,
                          env={**env, **prefix_env}, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=300)
    out = done.stdout.rstrip("\n")
    return done.returncode, out.split("\n") if out else []


def _with_transcripts() -> list[Path]:
    return [p for p in DOCS if "```console" in p.read_text()]


@pytest.mark.parametrize("doc", _with_transcripts(), ids=lambda p: p.name)
def test_docs_transcripts_run(doc: Path, tmp_path: Path):
    steps = transcript_steps(doc.read_text(), f"docs/{doc.name}")
    assert steps, f"docs/{doc.name} has a console block with no command"
    shutil.copytree(ROOT / "workbooks", tmp_path / "workbooks")
    shutil.copyfile(ROOT / "workbooks" / "sample-practice.xlsx", tmp_path / "practice.xlsx")
    env = {**os.environ, "CLAIMBOOK_WORKBOOK": "practice.xlsx", "COLUMNS": "100",
           "TERM": "dumb", "NO_COLOR": "1", "CLAIMBOOK_TODAY": "2026-11-30"}
    env.pop("CLAIMBOOK_SMTP_PASSWORD", None)
    for step in steps:
        code, actual = run_step(step, tmp_path, env)
        failing = any(line.startswith("Error:") for line in step.expected)
        shown = "\n".join(actual)
        assert (code != 0) == failing, f"{step.where}: exit {code}\n{shown}"
        assert _matches(step.expected, actual), \
            f"{step.where}: $ {step.command}\n--- expected\n" + "\n".join(step.expected) + \
            f"\n--- printed\n{shown}"


def test_the_matcher_is_strict():
    assert _matches(["a ... c"], ["a b c"])
    assert not _matches(["a ... c"], ["a b d"])
    assert _matches(["x", "...", "z"], ["x", "1", "2", "z"])
    assert not _matches(["x", "z"], ["x", "y", "z"])
    assert not _matches(["x"], [])
    steps = transcript_steps("```console\n$ claimbook a \\\n    --b 1\nout\n$ claimbook c\n```",
                             "d.md")
    assert [(s.command, s.expected) for s in steps] == [("claimbook a  --b 1", ["out"]),
                                                       ("claimbook c", [])]
