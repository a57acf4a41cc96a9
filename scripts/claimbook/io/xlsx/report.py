"""Write the monthly outstanding-balance workbook from a :class:`MonthlyReport`."""

from __future__ import annotations

import os

from claimbook.compute.balances import BUCKETS
from claimbook.compute.outstanding import MonthlyReport
from claimbook.io.xlsx.safe import replace_atomically
from claimbook.io.xlsx.styles import (
    CODE,
    DATE,
    DECIMAL,
    INT,
    LINE_HEIGHT,
    MONEY,
    TEXT,
    Col,
    Formats,
    new_workbook,
    print_setup,
    text_lines,
    write_table,
)
from claimbook.io.xlsx.summary_sheet import LabelRows, roll_forward_section
from claimbook.rules.dates import show_date

AGING_COLS = [Col(b, MONEY, 11, "sum") for b in BUCKETS]


def write_monthly_report(report: MonthlyReport, path: str) -> str:
    """Write the report workbook to ``path`` (atomically) and return the path."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)

    def build(tmp: str) -> None:
        wb = new_workbook(tmp)
        fmts = Formats(wb, report.date_style)
        title = f"{report.practice_name}: outstanding balances, {report.month.label}"
        footer = f"As of {show_date(report.as_of, report.date_style)}"
        wb.set_properties({"title": title, "subject": "Outstanding balances",
                           "author": "claimbook", "company": report.practice_name})
        summary = _summary(wb, fmts, report, title, footer)
        payer_range = _aging_by_payer(wb, fmts, report, title, footer)
        _aging_by_client(wb, fmts, report, title, footer)
        _open_items(wb, fmts, report, title, footer)
        _follow_up(wb, fmts, report, title, footer)
        _charts(wb, fmts, report, title, footer, payer_range)
        write_history(wb, fmts, report, title, footer)
        summary.activate()
        wb.close()

    replace_atomically(path, build)
    return path


def _summary(wb, fmts: Formats, report: MonthlyReport, title: str, footer: str):
    ws = wb.add_worksheet("Summary")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 38)
    ws.set_column(1, 1, 15)
    ws.set_column(2, 2, 4)
    ws.set_column(3, 3, 16)
    ws.set_column(4, 4, 15)
    ws.set_column(5, 5, 22)
    ws.write_string(0, 0, report.practice_name, fmts.title)
    ws.write_string(1, 0, f"Outstanding balances, {report.month.label} "
                          f"(as of {show_date(report.as_of, report.date_style)})",
                    fmts.subtitle)
    out = LabelRows(ws, fmts, 3)
    roll_forward_section(out, "A/R roll-forward", report.roll,
                         "Sum of open balances (Open Items)")
    ws.write_string(out.row, 0, "Who owes it", fmts.heading)
    ws.write_string(out.row, 1, "", fmts.heading)
    figures = [("Due from insurers", report.insurance_due, fmts.money),
               ("Due from clients (credits net)", report.client_due, fmts.money),
               ("% of A/R over 90 days", float(report.over_90_percent) / 100, fmts.percent),
               ("Days in A/R (last 3 months' charges)", float(report.days_in_ar),
                fmts.decimal)]
    for i, (label, value, fmt) in enumerate(figures, start=out.row + 1):
        ws.write_string(i, 0, label, fmts.label)
        ws.write_number(i, 1, value / 100 if fmt is fmts.money else value, fmt)
    note = out.row + len(figures) + 2
    ws.write_string(note, 0, "Money is computed in exact cents and rounded half-up.",
                    fmts.subtitle)
    ws.write_string(note + 1, 0, "Credits (prepayments, overpayments) count in their aging "
                                 "bucket.", fmts.subtitle)
    _aging_box(ws, fmts, report)
    print_setup(ws, title, repeat_row=None, footer=footer)
    return ws


def _aging_box(ws, fmts: Formats, report: MonthlyReport) -> None:
    """The aging of all balances, with bars beside the amounts (never over them)."""
    ws.write_string(3, 3, "Aging of all balances", fmts.heading)
    ws.write_string(3, 4, "", fmts.heading)
    ws.write_string(3, 5, "", fmts.heading)
    for i, bucket in enumerate(BUCKETS):
        ws.write_string(4 + i, 3, f"{bucket} days")
        ws.write_number(4 + i, 4, report.aging[bucket] / 100, fmts.money)
        ws.write_formula(4 + i, 5, f"=E{5 + i}", fmts.money, report.aging[bucket] / 100)
    ws.write_string(9, 3, "Total", fmts.label_bold)
    ws.write_formula(9, 4, "=SUM(E5:E9)", fmts.money_bold, report.roll.closing_ar / 100)
    ws.write_blank(9, 5, None, fmts.label_bold)
    ws.conditional_format(4, 5, 8, 5, {"type": "data_bar", "bar_color": "#8EA9DB",
                                       "bar_solid": True, "bar_only": True,
                                       "min_type": "num", "min_value": 0})


def _aging_by_payer(wb, fmts: Formats, report: MonthlyReport, title: str, footer: str):
    ws = wb.add_worksheet("Aging by Payer")
    cols = [Col("Payer ID", TEXT, 12, "Total"), Col("Payer", TEXT, 24), Col("Type", TEXT, 13),
            Col("Visits", INT, 8, "sum"), *AGING_COLS, Col("Insurance Due", MONEY, 13, "sum")]
    rows = [[r.key, r.name, r.kind, r.visits, *r.buckets.values(), r.total]
            for r in report.by_payer]
    rng = write_table(ws, fmts, "AgingByPayer", cols, rows, total_row=True)
    print_setup(ws, title, footer=footer)
    return rng


def _aging_by_client(wb, fmts: Formats, report: MonthlyReport, title: str,
                     footer: str) -> None:
    ws = wb.add_worksheet("Aging by Client")
    cols = [Col("Client ID", TEXT, 10, "Total"), Col("Client", TEXT, 24),
            Col("Visits", INT, 8, "sum"), *AGING_COLS,
            Col("Client Due", MONEY, 12, "sum"), Col("Insurance Due", MONEY, 13, "sum")]
    rows = [[r.key, r.name, r.visits, *r.buckets.values(), r.total, r.other_due]
            for r in report.by_client]
    write_table(ws, fmts, "AgingByClient", cols, rows, total_row=True)
    print_setup(ws, title, footer=footer)


# Printed landscape on Letter with 0.3" side margins at 8 points or more: the columns add
# up to about 180 characters (tests/test_report.py measures it).
OPEN_ITEM_COLS = [
    Col("Appointment ID", TEXT, 12, "Total"), Col("Date of Service", DATE, 10.5),
    Col("Client ID", TEXT, 8), Col("Client", TEXT, 16), Col("Payer", TEXT, 11.5),
    Col("Codes", TEXT, 12), Col("Charge", MONEY, 10.5, "sum"),
    Col("Discount", MONEY, 9.5, "sum"), Col("Client Paid", MONEY, 10, "sum"),
    Col("Insurance Paid", MONEY, 10, "sum"), Col("Adjusted", MONEY, 9.5, "sum"),
    Col("Balance", MONEY, 10.5, "sum"), Col("Insurance Due", MONEY, 10.5, "sum"),
    Col("Client Due", MONEY, 10, "sum"), Col("Age (days)", INT, 6),
    Col("Status", TEXT, 13), Col("Claim Status", TEXT, 10),
]
NARROW_MARGIN = 0.3
AGE_COLUMN = 14


def _open_items(wb, fmts: Formats, report: MonthlyReport, title: str, footer: str) -> None:
    ws = wb.add_worksheet("Open Items")
    rows = [[i.appointment_id, i.date_of_service, i.client_id, i.client_name,
             i.payer_id or "Self-pay", ", ".join(i.service_codes), i.charge, i.discount,
             i.client_paid, i.insurance_paid, i.adjustments, i.balance, i.insurance_due,
             i.client_due, i.age_days, i.status, i.claim_status]
            for i in report.open_items]
    _, _, last, _ = write_table(ws, fmts, "OpenItems", OPEN_ITEM_COLS, rows, total_row=True)
    if rows:
        red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
        ws.conditional_format(1, AGE_COLUMN, last - 1, AGE_COLUMN,
                              {"type": "cell", "criteria": ">", "value": 90, "format": red})
    print_setup(ws, title, footer=footer, side_margin=NARROW_MARGIN)


FOLLOW_UP_COLS = [
    Col("Reason", TEXT, 12, "Total"), Col("What to Do", TEXT, 34), Col("When", TEXT, 13),
    Col("Date of Service", DATE, 10.5), Col("Client", TEXT, 15), Col("Payer", TEXT, 17),
    Col("Payer Phone", CODE, 14), Col("Member ID", CODE, 13), Col("Claim Number", CODE, 13),
    Col("Insurance Due", MONEY, 10, "sum"), Col("Age (days)", INT, 6),
    Col("Claim Status", TEXT, 10), Col("Appointment ID", TEXT, 12),
]


def _follow_up(wb, fmts: Formats, report: MonthlyReport, title: str, footer: str) -> None:
    ws = wb.add_worksheet("Follow-up")
    rows = [[f.reason, f.action, f.when, f.item.date_of_service, f.item.client_name,
             f.payer_name, f.payer_phone, f.member_id, f.claim_number, f.item.insurance_due,
             f.item.age_days, f.item.claim_status, f.item.appointment_id]
            for f in report.follow_up]
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})  # long words wrap in their row
    heights = [LINE_HEIGHT * max(text_lines(row[0], 12), text_lines(row[1], 34),
                                 text_lines(row[2], 13)) for row in rows]
    write_table(ws, fmts, "FollowUp", FOLLOW_UP_COLS, rows, total_row=True,
                cell_formats=dict.fromkeys((0, 1, 2), wrap), heights=heights)
    print_setup(ws, title, footer=footer, side_margin=NARROW_MARGIN)


def _charts(wb, fmts: Formats, report: MonthlyReport, title: str, footer: str,
            payer_range) -> None:
    ws = wb.add_worksheet("Charts")
    cols = [Col("Month", TEXT, 10, "Total"), Col("Charges", MONEY, 13, "sum"),
            Col("Collections", MONEY, 13, "sum"), Col("Adjustments", MONEY, 13, "sum")]
    rows = [[m.label, a.charges, a.collections, a.adjustments] for m, a in report.trend]
    write_table(ws, fmts, "Trend", cols, rows, total_row=True, freeze=False)
    n = len(rows)
    trend = wb.add_chart({"type": "column"})
    for col, color in ((1, "#4472C4"), (2, "#70AD47")):
        trend.add_series({"name": ["Charts", 0, col], "categories": ["Charts", 1, 0, n, 0],
                          "values": ["Charts", 1, col, n, col], "fill": {"color": color}})
    trend.set_title({"name": "Charges and collections, last 12 months"})
    trend.set_y_axis({"num_format": "$#,##0", "major_gridlines": {"visible": True},
                      **_from_zero(v for _, a in report.trend
                                   for v in (a.charges, a.collections))})
    trend.set_legend({"position": "bottom"})
    trend.set_size({"width": 720, "height": 320})
    ws.insert_chart("F2", trend)
    first, _, last, _ = payer_range
    aging = wb.add_chart({"type": "bar", "subtype": "stacked"})
    payers = max(last - first - 1, 1)
    colors = ("#A9D18E", "#FFD966", "#F4B183", "#E06666", "#990000")
    for i, color in enumerate(colors):
        aging.add_series({"name": ["Aging by Payer", 0, 4 + i],
                          "categories": ["Aging by Payer", 1, 1, payers, 1],
                          "values": ["Aging by Payer", 1, 4 + i, payers, 4 + i],
                          "fill": {"color": color}})
    aging.set_title({"name": "Insurance due by payer and age (days)"})
    aging.set_x_axis({"num_format": "$#,##0",
                      **_from_zero(v for r in report.by_payer for v in r.buckets.values())})
    aging.set_y_axis({"reverse": True})
    aging.set_legend({"position": "bottom"})
    aging.set_size({"width": 720, "height": 340})
    ws.insert_chart("F19", aging)
    print_setup(ws, title, repeat_row=None, footer=footer)


def _from_zero(values) -> dict:
    """An axis that starts at $0 where nothing is negative (a bar must not start above 0)."""
    return {"min": 0} if all(v >= 0 for v in values) else {}


HISTORY_SHEET = "A-R History"


def write_history(wb, fmts: Formats, report: MonthlyReport, title: str,
                  footer: str = "") -> None:
    """The A/R aging at each of the last 12 month ends (a table and a stacked chart),
    and each insurer's median days from date of service to its first payment."""
    ws = wb.add_worksheet(HISTORY_SHEET)
    cols = [Col("Month End", DATE, 12), *AGING_COLS, Col("A/R", MONEY, 13)]
    rows = [[h.month.last_day, *h.buckets.values(), h.total] for h in report.history]
    write_table(ws, fmts, "AgingHistory", cols, rows, freeze=False)
    n = len(rows)
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    colors = ("#A9D18E", "#FFD966", "#F4B183", "#E06666", "#990000")
    for i, color in enumerate(colors):
        chart.add_series({"name": [HISTORY_SHEET, 0, 1 + i],
                          "categories": [HISTORY_SHEET, 1, 0, n, 0],
                          "values": [HISTORY_SHEET, 1, 1 + i, n, 1 + i],
                          "fill": {"color": color}, "gap": 60})
    chart.set_title({"name": "A/R by age at each month end, last 12 months"})
    chart.set_x_axis({"date_axis": False, "num_format": "mmm yyyy"})
    chart.set_y_axis({"num_format": "$#,##0", "major_gridlines": {"visible": True},
                      **_from_zero(v for h in report.history for v in h.buckets.values())})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 320})
    ws.insert_chart("I2", chart)
    top = n + 3
    ws.write_string(top - 1, 0, "Days to pay, last 12 months: from the date of service to "
                                "the insurer's first payment on the visit", fmts.heading)
    pay_cols = [Col("Payer ID", TEXT, 12), Col("Payer", TEXT, 24), Col("Visits Paid", INT, 10),
                Col("Median Days", DECIMAL, 11), Col("Longest", INT, 9)]
    pay_rows = [[d.payer_id, d.name, d.visits, float(d.median_days), d.longest_days]
                for d in report.days_to_pay]
    write_table(ws, fmts, "DaysToPay", pay_cols, pay_rows, first_row=top, freeze=False)
    print_setup(ws, title, repeat_row=None, footer=footer)
