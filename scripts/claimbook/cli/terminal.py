"""Tables for a terminal, drawn with rich."""

from __future__ import annotations

from datetime import date

from rich.console import Console
from rich.table import Table

from claimbook.rules.money import dollars

STATUS_STYLE = {"Unbilled": "yellow", "Billed": "cyan", "Partially Paid": "blue",
                "Client Due": "magenta", "Overpaid": "red", "Paid": "green"}


def balances_table(items, as_of: date, practice_name: str | None,
                   console: Console | None = None) -> None:
    """Print visit balances as a table with a totals row."""
    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=180)  # piped or redirected: do not squeeze the columns
    table = Table(title=f"{practice_name or 'Balances'}: balances as of {as_of.isoformat()}",
                  show_footer=bool(items), header_style="bold", row_styles=["", "dim"])
    table.add_column("Appt", footer="Total")
    table.add_column("Date")
    table.add_column("Client")
    table.add_column("Payer")
    for header, key in (("Charge", "charge"), ("Paid", None), ("Adjusted", "adjustments"),
                        ("Balance", "balance"), ("Ins. due", "insurance_due"),
                        ("Client due", "client_due")):
        total = (sum(i.client_paid + i.insurance_paid for i in items) if key is None
                 else sum(getattr(i, key) for i in items))
        table.add_column(header, justify="right", footer=dollars(total))
    table.add_column("Age", justify="right")
    table.add_column("Status")
    for i in items:
        style = STATUS_STYLE.get(i.status, "")
        status = i.status + (f" ({i.claim_status})" if i.claim_status else "")
        table.add_row(i.appointment_id, i.date_of_service.isoformat() if i.date_of_service
                      else "", i.client_name, i.payer_id or "self-pay", dollars(i.charge),
                      dollars(i.client_paid + i.insurance_paid), dollars(i.adjustments),
                      dollars(i.balance), dollars(i.insurance_due), dollars(i.client_due),
                      str(i.age_days), f"[{style}]{status}[/]" if style else status)
    console.print(table)
    console.print(f"{len(items)} visit{'s' if len(items) != 1 else ''}")
