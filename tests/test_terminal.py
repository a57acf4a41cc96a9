"""`claimbook balances` on a terminal: money is never cut; whole columns give way as the
terminal narrows, down to 80 columns; nothing owed says so."""

from __future__ import annotations

import io
from datetime import date

import pytest
from click.testing import CliRunner
from rich.console import Console

from claimbook.cli.main import cli
from claimbook.cli.terminal import balances_table
from claimbook.compute.balances import balances
from claimbook.io.xlsx.reader import load_book
from claimbook.rules.money import dollars
from conftest import SAMPLE

AS_OF = date(2026, 10, 31)


@pytest.fixture(scope="module")
def items():
    book = load_book(SAMPLE)
    return balances(book, AS_OF)


def _draw(items, width: int, style: str = "MM/DD/YYYY") -> list[str]:
    out = io.StringIO()
    console = Console(width=width, file=out, force_terminal=False, color_system=None,
                      legacy_windows=False)
    balances_table(items, AS_OF, "Cedar & Stone", console=console, date_style=style)
    return out.getvalue().splitlines()


ALL = ["Appt", "Date", "Client", "Payer", "Charge", "Paid", "Adjusted", "Balance",
       "Ins. due", "Client due", "Age", "Status"]


def _header(lines: list[str]) -> list[str]:
    """The columns shown (a text column's header may shorten: "Stat…")."""
    cells = [cell.strip().rstrip("…") for cell in lines[2].strip("┃").split("┃")]
    return [next(h for h in ALL if h.startswith(cell)) for cell in cells]


@pytest.mark.parametrize("width", [80, 90, 100, 110, 120, 130, 140, 160, 200])
def test_money_is_never_cut(items, width):
    lines = _draw(items, width)
    assert max(len(line) for line in lines) <= width
    table = lines[1:-1]  # between the title and "N visits": nothing cropped at the right
    assert all(line.rstrip()[-1] in "┓┃┩│┤┘" for line in table), width
    shown = [cell.strip() for cell in lines[2].strip("┃").split("┃")]
    cut = [h.rstrip("…") for h in shown if h.endswith("…")]
    assert all("Client".startswith(h) or "Status".startswith(h) for h in cut), cut
    for item in items:
        row = next(line for line in lines if f" {item.appointment_id} " in line)
        for cents in (item.balance, item.insurance_due, item.client_due):
            assert f" {dollars(cents)} " in row, (width, item.appointment_id)
    total = next(line for line in lines if line.startswith("│ Total"))
    for key in ("balance", "insurance_due", "client_due"):
        assert f" {dollars(sum(getattr(i, key) for i in items))} " in total
    assert "..." not in "\n".join(lines)


def test_columns_give_way_narrowest_terminal_first(items):
    assert _header(_draw(items, 200)) == ALL
    seen = [tuple(_header(_draw(items, w))) for w in range(200, 79, -1)]
    kept = list(dict.fromkeys(seen))
    dropped = [next(c for c in a if c not in b) for a, b in zip(kept, kept[1:])]
    assert dropped == ["Adjusted", "Paid", "Charge", "Age", "Date", "Payer"]
    assert kept[-1] == ("Appt", "Client", "Balance", "Ins. due", "Client due", "Status")


def test_dates_in_the_practices_style(items):
    assert "balances as of 2026-10-31" in _draw(items, 200, "YYYY-MM-DD")[0]
    assert "balances as of 10/31/2026" in _draw(items, 200)[0]
    assert any("07/09/2025" in line for line in _draw(items, 200))


def test_nothing_owed_says_so(items):
    assert _draw([], 100) == ["Nothing owed as of 10/31/2026."]
    result = CliRunner().invoke(cli, ["balances", "-w", str(SAMPLE), "--as-of", "2025-01-01"])
    assert result.exit_code == 0 and result.output == "Nothing owed as of 01/01/2025.\n"


def test_a_bracket_in_a_name_is_text_not_markup(items):
    from dataclasses import replace

    odd = [replace(items[0], client_name="[bold]Ann[/bold]", claim_status="[x]")]
    lines = _draw(odd, 200)
    assert any("[bold]Ann[/bold]" in line for line in lines)
