"""Tables for a terminal, drawn with rich.

Money is never cut: on a narrow terminal whole columns give way, the least needed first
(Adjusted, Paid, Charge, Age, Date, Payer), down to what 80 columns hold; a client's
name may shorten, an amount never does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimbook.rules.dates import DEFAULT_STYLE, show_date
from claimbook.rules.money import dollars

STATUS_STYLE = {"Unbilled": "yellow", "Billed": "cyan", "Partially Paid": "blue",
                "Denied": "red", "Client Due": "magenta", "Overpaid": "red",
                "Prepaid": "green", "Paid": "green"}
PIPED_WIDTH = 180  # piped or redirected: do not squeeze the columns
CELL_EDGES = 3  # a column's padding either side and its rule
NAME_AT_LEAST = 8  # a client's name shortens to this, with an ellipsis


@dataclass(frozen=True)
class _Column:
    header: str
    cells: list[str]
    footer: str = ""
    money: bool = False
    gives_way: int = 0  # 0: always shown; otherwise dropped in this order (1 first)
    shrinks: bool = False  # text that may shorten

    @property
    def width(self) -> int:
        return max(len(self.header), len(self.footer), *(len(c) for c in self.cells), 1)


def _columns(items, style: str) -> list[_Column]:
    def money(header: str, values: list[int], gives_way: int = 0) -> _Column:
        return _Column(header, [dollars(v) for v in values], dollars(sum(values)), True,
                       gives_way)

    return [
        _Column("Appt", [i.appointment_id for i in items], "Total"),
        _Column("Date", [show_date(i.date_of_service, style) for i in items], gives_way=5),
        _Column("Client", [i.client_name for i in items], shrinks=True),
        _Column("Payer", [i.payer_id or "self-pay" for i in items], gives_way=6),
        money("Charge", [i.charge for i in items], 3),
        money("Paid", [i.client_paid + i.insurance_paid for i in items], 2),
        money("Adjusted", [i.adjustments for i in items], 1),
        money("Balance", [i.balance for i in items]),
        money("Ins. due", [i.insurance_due for i in items]),
        money("Client due", [i.client_due for i in items]),
        _Column("Age", [str(i.age_days) for i in items], gives_way=4),
        _Column("Status", [i.status + (f" ({i.claim_status})" if i.claim_status else "")
                           for i in items], shrinks=True),
    ]


def fitting(columns: list[_Column], width: int) -> list[_Column]:
    """The columns a terminal ``width`` characters wide shows: whole columns give way,
    in their order, until the rest fit (names may still shorten)."""
    shown = list(columns)

    def needed(cols: list[_Column]) -> int:
        return sum((min(c.width, NAME_AT_LEAST) if c.shrinks else c.width) + CELL_EDGES
                   for c in cols) + 1

    for rank in sorted({c.gives_way for c in columns if c.gives_way}):
        if needed(shown) <= width:
            break
        shown = [c for c in shown if c.gives_way != rank]
    return shown


def _text_room(columns: list[_Column], width: int) -> dict[str, int]:
    """How wide each shortening column may be: what the others leave, shared out, the
    narrowest first; never over its text, nor under :data:`NAME_AT_LEAST`."""
    fixed = sum(c.width + CELL_EDGES for c in columns if not c.shrinks) + 1
    shrinking = [c for c in columns if c.shrinks]
    spare = width - fixed - CELL_EDGES * len(shrinking)
    if spare >= sum(c.width for c in shrinking):
        return {}
    room, left = {}, spare
    by_need = sorted(shrinking, key=lambda c: c.width)  # the short ones take what they need
    for i, col in enumerate(by_need):
        share = left // (len(by_need) - i)
        room[col.header] = min(col.width, max(NAME_AT_LEAST, share))
        left -= room[col.header]
    return room


def balances_table(items, as_of: date, practice_name: str | None,
                   console: Console | None = None, date_style: str = DEFAULT_STYLE) -> None:
    """Print visit balances as a table with a totals row, or say that nothing is owed."""
    if console is None:
        console = Console()
        if not console.is_terminal and not os.environ.get("COLUMNS"):
            console = Console(width=PIPED_WIDTH)
    when = show_date(as_of, date_style)
    if not items:
        console.print(f"Nothing owed as of {when}.")
        return
    columns = fitting(_columns(items, date_style), console.width)
    room = _text_room(columns, console.width)
    table = Table(title=f"{practice_name or 'Balances'}: balances as of {when}",
                  show_footer=True, header_style="bold", row_styles=["", "dim"])
    for col in columns:
        width = room.get(col.header, col.width)
        table.add_column(col.header, footer=col.footer,
                         justify="right" if col.money or col.header == "Age" else "left",
                         no_wrap=True, width=width, overflow="ellipsis")
    for r, item in enumerate(items):  # Text, not markup: a "[" in a name stays a "["
        table.add_row(*(Text(col.cells[r], style=STATUS_STYLE.get(item.status, "")
                             if col.header == "Status" else "") for col in columns))
    console.print(table)
    console.print(f"{len(items)} visit{'s' if len(items) != 1 else ''}")
