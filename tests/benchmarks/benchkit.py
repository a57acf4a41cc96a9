"""What the benchmark scripts share: the bare read they are measured against, the way
they run claimbook (a whole process), and the cached sample workbooks they time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# The bare read: python-calamine reads every sheet into Python values, nothing more.
BARE_READ = r"""
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
sheets = {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}
print(sum(len(rows) for rows in sheets.values()))
"""
CLAIMBOOK = [sys.executable, "-c", "from claimbook.cli.main import main; main()"]


def ensure_workbook(lines: int, seed: int, cache: Path, regen: bool) -> Path:
    """The cached sample workbook of ``lines`` rows, made when missing."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"practice-{lines}-seed{seed}.xlsx"
    if path.exists() and not regen:
        return path
    print(f"generating {path} ({lines:,} lines) ...", file=sys.stderr, flush=True)
    tmp = path.with_name(path.stem + ".partial.xlsx")
    subprocess.run(CLAIMBOOK + ["sample", "--out", str(tmp), "--lines", str(lines),
                                "--seed", str(seed), "--force"], check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL)
    tmp.replace(path)
    return path
