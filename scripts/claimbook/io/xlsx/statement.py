"""The statement workbook: one print-ready sheet that shows what the statement's PDF shows.

With real dates and numbers: the practice and the statement's date, account, due date
and amount due; who it is for and the insurance on file; one row per visit with the
reason in words on the row below it; the account summary headed by the amount due,
insurers' pending amounts below; how to pay; what is owed by age; and the remittance
stub below a dashed line. Letter, portrait, one page wide, nothing clipped
(:mod:`claimbook.io.xlsx.paper_sheet`).
"""

from __future__ import annotations

from datetime import date, datetime

from claimbook.compute.papers import DATE, MONEY, Column, date_text, money_text
from claimbook.compute.statements import Statement, summary
from claimbook.io.xlsx.paper_sheet import GREY, MONEY_FORMAT, PaperSheet
from claimbook.io.xlsx.safe import replace_atomically
from claimbook.io.xlsx.styles import NAVY, new_workbook

SHEET = "Statement"
WIDTHS = (11.5, 38, 10.5, 10.5, 10.5, 10.5, 10.5)  # A-G
LAST = len(WIDTHS) - 1
LINE_COLUMNS = [Column("Date", DATE), Column("Service"), Column("Charge", MONEY, align="RIGHT"),
                Column("Insurance paid", MONEY, align="RIGHT"),
                Column("Adjusted", MONEY, align="RIGHT"),
                Column("You paid", MONEY, align="RIGHT"), Column("You owe", MONEY, align="RIGHT")]


def write_statement_workbook(statement: Statement, path: str) -> str:
    """Write the statement's print-ready workbook at ``path`` (atomically).

    Returns:
        The path written.
    """
    def build(tmp: str) -> None:
        wb = new_workbook(tmp)
        issued = statement.issued
        wb.set_properties({"title": f"Statement {statement.number}", "author": "claimbook",
                           "company": statement.practice.name,
                           "created": datetime(issued.year, issued.month, issued.day)})
        sheet = PaperSheet(wb, wb.add_worksheet(SHEET), WIDTHS,
                           statement.practice.date_style)
        for part in (_masthead, _blocks, _lines, _money, _stub):
            part(sheet, statement)
        sheet.finish(statement.practice.name, f"Statement {statement.number}")
        wb.close()

    replace_atomically(path, build)
    return path


def _masthead(sheet: PaperSheet, st: Statement) -> None:
    practice = st.practice
    sheet.put(0, 0, 2, practice.name, sheet.fmt(bold=True, font_size=16, font_color=NAVY,
                                               text_wrap=True, valign="top"), 16)
    sheet.put(0, 3, LAST, "STATEMENT", sheet.fmt(bold=True, font_size=14, font_color=NAVY,
                                                 align="right", valign="top"))
    contact = "  ·  ".join(p for p in (practice.phone, practice.email) if p)
    left = [line for line in (*practice.address_lines, contact) if line]
    right: list[tuple[str, object]] = [("Statement date", st.issued),
                                       ("Account", st.client.client_id),
                                       ("Due by", st.due_by)]
    right.append(("Amount due", st.amount_due) if st.total >= 0 else
                 ("Credit on your account", st.credit))
    for i in range(max(len(left), len(right))):
        if i < len(left):
            sheet.put(1 + i, 0, 1, left[i], sheet.fmt(font_color=GREY))
        if i < len(right):
            label, value = right[i]
            sheet.put(1 + i, 2, 4, label, sheet.fmt(font_color=GREY, align="right"))
            if isinstance(value, date):
                fmt = sheet.fmt(bold=True, align="right", num_format=sheet.date_format)
            elif isinstance(value, int):
                fmt = sheet.fmt(bold=True, align="right", num_format=MONEY_FORMAT,
                                font_color=NAVY)
            else:
                fmt = sheet.fmt(bold=True, align="right")
            sheet.put(1 + i, 5, LAST, value, fmt)
    sheet.row = 2 + max(len(left), len(right))
    sheet.block(0)


def _blocks(sheet: PaperSheet, st: Statement) -> None:
    top = sheet.row
    sheet.heading("Statement for", 0, 1)
    sheet.heading("Insurance on file", 2, LAST)
    client = [("Client", st.client.name)] + [("", line) for line in st.client.address_lines]
    client.append(("Account", st.client.client_id))
    end = sheet.pairs(top + 1, 0, 1, 1, client)
    insurance = [("", line) for line in st.insurance] or [("", "None on file")]
    end = max(end, sheet.pairs(top + 1, 2, 2, LAST, insurance))
    sheet.row = end
    sheet.block(top)
    sheet.blank_row()


def _lines(sheet: PaperSheet, st: Statement) -> None:
    top = sheet.row
    sheet.heading("Your visits")
    sheet.row += 1
    if not st.lines:
        since = date_text(st.since, st.practice.date_style)
        sheet.sentence(f"No balance, and no visits or payments since {since}.",
                       color=GREY, italic=True)
        sheet.block(top)
        sheet.blank_row()
        return
    rows = [[ln.date_of_service, f"{ln.service} · {ln.provider}" if ln.provider else
             ln.service, ln.charge, ln.insurance_paid, ln.adjustments, ln.you_paid,
             ln.you_owe] for ln in st.lines]
    spans = [(i, i) for i in range(len(WIDTHS))]
    head = sheet.row
    sheet.table(spans, LINE_COLUMNS, [])
    why = sheet.fmt(italic=True, font_color=GREY, font_size=9, text_wrap=True, valign="top",
                    bottom=1, bottom_color="#CED4DA")
    for values, line in zip(rows, st.lines):
        sheet.table_row(spans, LINE_COLUMNS, values, rule=False)
        sheet.ws.write_blank(sheet.row, 0, None, why)
        sheet.put(sheet.row, 1, LAST, line.why, why, 9)
        sheet.row += 1
    sheet.block(top, head)
    sheet.blank_row()


def _money(sheet: PaperSheet, st: Statement) -> None:
    top = sheet.row
    sheet.heading("Account summary", 2, LAST)
    sheet.row += 1
    for label, cents, style in summary(st):
        if style == "total":
            props, size = dict(bold=True, font_color=NAVY, font_size=13, top=1,
                               top_color=NAVY), 13
        elif style == "detail":
            props, size = dict(italic=True, font_color=GREY, font_size=9), 9
        else:
            props, size = {}, 10
        if style == "total":
            for col in range(2, LAST):
                sheet.ws.write_blank(sheet.row, col, None, sheet.fmt(**props))
        sheet.put(sheet.row, 2, LAST - 1, label, sheet.fmt(text_wrap=True, valign="top",
                                                            **props), size)
        sheet.put(sheet.row, LAST, LAST, cents, sheet.fmt(num_format=MONEY_FORMAT,
                                                          valign="top", **props))
        sheet.row += 1
    sheet.blank_row()
    sheet.heading("How to pay")
    sheet.row += 1
    sheet.sentence(st.payment_options)
    sheet.sentence(f"Checks payable to {st.payable_to}; please write your account number "
                   f"({st.client.client_id}) on your check.")
    contact = st.practice.phone or st.practice.email
    if contact:
        sheet.sentence(f"Questions about your bill? Call or write to us: {contact}.",
                       color=GREY)
    ages = "  ·  ".join(f"{label} {money_text(cents)}" for label, cents in st.aging)
    sheet.sentence(f"What you owe, by age:  {ages}", 9, GREY)
    sheet.block(top)
    sheet.blank_row(14)


def _stub(sheet: PaperSheet, st: Statement) -> None:
    top = sheet.row
    cut = sheet.fmt(top=3, top_color=GREY, italic=True, font_color=GREY, font_size=9)
    for col in range(len(WIDTHS)):
        sheet.ws.write_blank(sheet.row, col, None, cut)
    sheet.put(sheet.row, 0, LAST, "✂  Please detach and return this part with your payment.",
              cut, 9)
    sheet.row += 1
    label = sheet.fmt(font_color=GREY, font_size=9)
    left = [("Account", st.client.client_id), ("Client", st.client.name),
            ("Statement date", st.issued), ("Due by", st.due_by),
            ("Amount due", st.amount_due)]
    right = ["Make checks payable to and mail to", st.payable_to, *st.remit_lines]
    for i in range(max(len(left) + 1, len(right))):
        row = sheet.row + i
        if i < len(left):
            name, value = left[i]
            sheet.put(row, 0, 0, name, label, 9)
            fmt = sheet.fmt(num_format=sheet.date_format, align="left") if isinstance(
                value, date) else sheet.fmt(num_format=MONEY_FORMAT, bold=True, align="left") \
                if isinstance(value, int) else sheet.fmt(bold=name == "Account")
            sheet.put(row, 1, 1, value, fmt)
        elif i == len(left):
            sheet.put(row, 0, 0, "Amount enclosed", label, 9)
            sheet.put(row, 1, 1, "$", sheet.fmt(border=1))
            sheet.tall(row, 20)
        if i < len(right):
            fmt = label if i == 0 else sheet.fmt(bold=i == 1)
            sheet.put(row, 3, LAST, right[i], fmt, 9 if i == 0 else 10)
    sheet.row += max(len(left) + 1, len(right))
    sheet.block(top)

