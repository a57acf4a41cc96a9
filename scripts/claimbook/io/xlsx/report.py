"""Write the monthly outstanding-balance workbook from a :class:`MonthlyReport`."""

from __future__ import annotations

import os

from claimbook.compute.balances import BUCKETS
from claimbook.compute.outstanding import MonthlyReport
from claimbook.io.xlsx.safe import replace_atomically
from claimbook.io.xlsx.styles import (
    DATE,
    DECIMAL,
    INT,
    MONEY,
    TEXT,
    Col,
    Formats,
    new_workbook,
    print_setup,
    write_table,
)

AGING_COLS = [Col(b, MONEY, 12, "sum") for b in BUCKETS]


def write_monthly_report(report: MonthlyReport, path: str) -> str:
    """Write the report workbook to ``path`` (atomically) and return the path."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)

    def build(tmp: str) -> None:
        wb = new_workbook(tmp)
        fmts = Formats(wb)
        title = f"{report.practice_name}: outstanding balances, {report.month.label}"
        wb.set_properties({"title": title, "subject": "Outstanding balances",
                           "author": "claimbook", "company": report.practice_name})
        summary = _summary(wb, fmts, report, title)
        payer_range = _aging_by_payer(wb, fmts, report, title)
        _aging_by_client(wb, fmts, report, title)
        _open_items(wb, fmts, report, title)
        _follow_up(wb, fmts, report, title)
        _charts(wb, fmts, report, title, payer_range)
        write_history(wb, fmts, report, title)
        summary.activate()
        wb.close()

    replace_atomically(path, build)
    return path


def _summary(wb, fmts: Formats, report: MonthlyReport, title: str):
    ws = wb.add_worksheet("Summary")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 38)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 4)
    ws.set_column(3, 4, 16)
    ws.write_string(0, 0, report.practice_name, fmts.title)
    ws.write_string(1, 0, f"Outstanding balances, {report.month.label} "
                          f"(as of {report.as_of.isoformat()})", fmts.subtitle)
    roll, act = report.roll, report.roll.activity
    ws.write_string(3, 0, "A/R roll-forward", fmts.heading)
    ws.write_string(3, 1, "", fmts.heading)
    lines = [("A/R at the start of the month", roll.opening_ar),
             ("+ Charges", act.charges), ("- Discounts", act.discounts),
             ("- Client payments", act.client_payments),
             ("- Insurance payments", act.insurance_payments),
             ("- Adjustments", act.adjustments)]
    for i, (label, cents) in enumerate(lines):
        ws.write_string(4 + i, 0, label, fmts.label)
        ws.write_number(4 + i, 1, cents / 100, fmts.money)
    closing_expected = roll.opening_ar + act.net_change
    ws.write_string(10, 0, "A/R at the end of the month", fmts.label_bold)
    ws.write_formula(10, 1, "=B5+B6-B7-B8-B9-B10", fmts.money_total, closing_expected / 100)
    ws.write_string(11, 0, "Sum of open balances (Open Items)", fmts.label)
    ws.write_number(11, 1, roll.closing_ar / 100, fmts.money)
    ws.write_string(12, 0, "Difference (ties when 0.00)", fmts.label)
    ws.write_formula(12, 1, "=ROUND(B11-B12,2)", fmts.good if roll.ties else fmts.bad,
                     roll.difference / -100 if roll.difference else 0)
    ws.write_string(14, 0, "Who owes it", fmts.heading)
    ws.write_string(14, 1, "", fmts.heading)
    figures = [("Due from insurers", report.insurance_due, fmts.money),
               ("Due from clients (credits net)", report.client_due, fmts.money)]
    for i, (label, cents, fmt) in enumerate(figures):
        ws.write_string(15 + i, 0, label)
        ws.write_number(15 + i, 1, cents / 100, fmt)
    ws.write_string(17, 0, "% of A/R over 90 days")
    ws.write_number(17, 1, float(report.over_90_percent) / 100, fmts.percent)
    ws.write_string(18, 0, "Days in A/R (last 3 months' charges)")
    ws.write_number(18, 1, float(report.days_in_ar), fmts.decimal)
    ws.write_string(3, 3, "Aging of all balances", fmts.heading)
    ws.write_string(3, 4, "", fmts.heading)
    for i, bucket in enumerate(BUCKETS):
        ws.write_string(4 + i, 3, f"{bucket} days")
        ws.write_number(4 + i, 4, report.aging[bucket] / 100, fmts.money)
    ws.write_string(9, 3, "Total", fmts.label_bold)
    ws.write_formula(9, 4, "=SUM(E5:E9)", fmts.money_bold, roll.closing_ar / 100)
    ws.conditional_format(4, 4, 8, 4, {"type": "data_bar", "bar_color": "#8EA9DB",
                                       "bar_solid": True})
    ws.write_string(20, 0, "Money is computed in exact cents and rounded half-up.",
                    fmts.subtitle)
    ws.write_string(21, 0, "Credits (prepayments, overpayments) count in their aging bucket.",
                    fmts.subtitle)
    print_setup(ws, title, repeat_row=None)
    return ws


def _aging_by_payer(wb, fmts: Formats, report: MonthlyReport, title: str):
    ws = wb.add_worksheet("Aging by Payer")
    cols = [Col("Payer ID", TEXT, 12, "Total"), Col("Payer", TEXT, 24), Col("Type", TEXT, 13),
            Col("Visits", INT, 8, "sum"), *AGING_COLS, Col("Insurance Due", MONEY, 14, "sum")]
    rows = [[r.key, r.name, r.kind, r.visits, *r.buckets.values(), r.total]
            for r in report.by_payer]
    rng = write_table(ws, fmts, "AgingByPayer", cols, rows, total_row=True)
    print_setup(ws, title)
    return rng


def _aging_by_client(wb, fmts: Formats, report: MonthlyReport, title: str) -> None:
    ws = wb.add_worksheet("Aging by Client")
    cols = [Col("Client ID", TEXT, 11, "Total"), Col("Client", TEXT, 24),
            Col("Visits", INT, 8, "sum"), *AGING_COLS,
            Col("Client Due", MONEY, 13, "sum"), Col("Insurance Due", MONEY, 14, "sum")]
    rows = [[r.key, r.name, r.visits, *r.buckets.values(), r.total, r.other_due]
            for r in report.by_client]
    write_table(ws, fmts, "AgingByClient", cols, rows, total_row=True)
    print_setup(ws, title)


OPEN_ITEM_COLS = [
    Col("Appointment ID", TEXT, 13, "Total"), Col("Date of Service", DATE, 12),
    Col("Client ID", TEXT, 10), Col("Client", TEXT, 22), Col("Therapist", TEXT, 10),
    Col("Payer", TEXT, 12), Col("Codes", TEXT, 14), Col("Charge", MONEY, 11, "sum"),
    Col("Discount", MONEY, 10, "sum"), Col("Client Paid", MONEY, 11, "sum"),
    Col("Insurance Paid", MONEY, 11, "sum"), Col("Adjusted", MONEY, 10, "sum"),
    Col("Balance", MONEY, 11, "sum"), Col("Insurance Due", MONEY, 11, "sum"),
    Col("Client Due", MONEY, 11, "sum"), Col("Age (days)", INT, 8), Col("Bucket", TEXT, 8),
    Col("Status", TEXT, 13), Col("Claim Status", TEXT, 12), Col("Billed Date", DATE, 12),
]


def _open_items(wb, fmts: Formats, report: MonthlyReport, title: str) -> None:
    ws = wb.add_worksheet("Open Items")
    rows = [[i.appointment_id, i.date_of_service, i.client_id, i.client_name, i.staff_id,
             i.payer_id or "Self-pay", ", ".join(i.service_codes), i.charge, i.discount,
             i.client_paid, i.insurance_paid, i.adjustments, i.balance, i.insurance_due,
             i.client_due, i.age_days, i.aging_bucket, i.status, i.claim_status,
             i.billed_date] for i in report.open_items]
    _, _, last, _ = write_table(ws, fmts, "OpenItems", OPEN_ITEM_COLS, rows, total_row=True)
    if rows:
        red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
        ws.conditional_format(1, 15, last - 1, 15, {"type": "cell", "criteria": ">",
                                                   "value": 90, "format": red})
    print_setup(ws, title)


def _follow_up(wb, fmts: Formats, report: MonthlyReport, title: str) -> None:
    ws = wb.add_worksheet("Follow-up")
    cols = [Col("Reason", TEXT, 20, "Total"), Col("What to do", TEXT, 34),
            Col("By", DATE, 12), Col("Appointment ID", TEXT, 13),
            Col("Date of Service", DATE, 12), Col("Client", TEXT, 22), Col("Payer", TEXT, 12),
            Col("Billed Date", DATE, 12), Col("Insurance Due", MONEY, 12, "sum"),
            Col("Client Due", MONEY, 11, "sum"), Col("Age (days)", INT, 8),
            Col("Status", TEXT, 12), Col("Claim Status", TEXT, 12)]
    rows = [[f.reason, f.action, f.due_date, f.item.appointment_id, f.item.date_of_service,
             f.item.client_name, f.item.payer_id, f.item.billed_date, f.item.insurance_due,
             f.item.client_due, f.item.age_days, f.item.status, f.item.claim_status]
            for f in report.follow_up]
    write_table(ws, fmts, "FollowUp", cols, rows, total_row=True)
    print_setup(ws, title)


def _charts(wb, fmts: Formats, report: MonthlyReport, title: str, payer_range) -> None:
    ws = wb.add_worksheet("Charts")
    cols = [Col("Month", TEXT, 10), Col("Charges", MONEY, 13, "sum"),
            Col("Collections", MONEY, 13, "sum"), Col("Adjustments", MONEY, 13, "sum")]
    rows = [[m.label, a.charges, a.collections, a.adjustments] for m, a in report.trend]
    write_table(ws, fmts, "Trend", cols, rows, total_row=True, freeze=False)
    n = len(rows)
    trend = wb.add_chart({"type": "column"})
    for col, color in ((1, "#4472C4"), (2, "#70AD47")):
        trend.add_series({"name": ["Charts", 0, col], "categories": ["Charts", 1, 0, n, 0],
                          "values": ["Charts", 1, col, n, col], "fill": {"color": color}})
    trend.set_title({"name": "Charges and collections, last 12 months"})
    trend.set_y_axis({"num_format": "$#,##0", "major_gridlines": {"visible": True}})
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
    aging.set_x_axis({"num_format": "$#,##0"})
    aging.set_y_axis({"reverse": True})
    aging.set_legend({"position": "bottom"})
    aging.set_size({"width": 720, "height": 340})
    ws.insert_chart("F19", aging)
    print_setup(ws, title, repeat_row=None)


HISTORY_SHEET = "A-R History"


def write_history(wb, fmts: Formats, report: MonthlyReport, title: str) -> None:
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
    chart.set_y_axis({"num_format": "$#,##0", "major_gridlines": {"visible": True}})
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
    print_setup(ws, title, repeat_row=None)
