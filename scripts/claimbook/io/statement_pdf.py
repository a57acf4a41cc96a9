"""The client's statement as a PDF, drawn with fpdf2 on US Letter paper.

Top to bottom: the practice and the statement's date, account, due date and amount due;
who it is for, who to ask, the insurance on file; one line per visit (date, service,
provider, charge, insurance paid, adjusted, you paid, you owe) with the reason in words
under it; the money box headed by the amount due, insurers' pending amounts below it;
how to pay beside it, what the client owes by age; and a remittance stub to tear off. No
diagnosis codes. DejaVu Sans, embedded (:mod:`claimbook.io.pdf_kit`).
"""

from __future__ import annotations

from fpdf import FontFace
from fpdf.enums import TableBordersLayout, TableCellFillMode, XPos, YPos

from claimbook.compute.papers import SummaryRow, money_text
from claimbook.compute.statements import Statement, summary
from claimbook.io.pdf_kit import (
    GREY,
    INK,
    NAVY,
    RULE,
    WHITE,
    ZEBRA,
    PaperPDF,
    draw_blocks,
    draw_summary,
    save_pdf,
)

LINE_COLUMNS = (("Date", 21, "LEFT"), ("Service", 0, "LEFT"), ("Charge", 18, "RIGHT"),
                ("Insurance paid", 20, "RIGHT"), ("Adjusted", 18, "RIGHT"),
                ("You paid", 18, "RIGHT"), ("You owe", 18, "RIGHT"))
STUB = 50  # mm: the remittance stub at the foot of the last page


def write_statement_pdf(statement: Statement, path: str) -> str:
    """Draw ``statement`` and save it as a PDF at ``path``; returns the path."""
    return save_pdf(statement_pdf_bytes(statement), path)


def statement_pdf_bytes(statement: Statement) -> bytes:
    """The statement's PDF as bytes (what is saved, and what is emailed)."""
    pdf = PaperPDF(statement.practice.name, f"Statement {statement.number}",
                   statement.issued, statement.practice.date_style)
    pdf.add_page()
    for part in (_masthead, _blocks, _lines, _money, _stub):
        part(pdf, statement)
    return pdf.finish(f"statement {statement.number} for {statement.client.client_id}")


def _masthead(pdf: PaperPDF, st: Statement) -> None:
    practice, top = st.practice, pdf.get_y()
    pdf.practice_block(practice)
    left_bottom = pdf.get_y()
    width, x = 80, pdf.w - pdf.r_margin - 80
    pdf.set_xy(x, top)
    pdf.style(15, bold=True, color=NAVY)
    pdf.cell(width, 8, "STATEMENT", align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    due = money_text(st.amount_due) if st.total >= 0 else f"credit {money_text(st.credit)}"
    for label, value in (("Statement date", pdf.shown_date(st.issued)),
                         ("Account", st.client.client_id), ("Due by", pdf.shown_date(st.due_by)),
                         ("Amount due", due)):
        pdf.set_x(x)
        pdf.style(8.2, color=GREY)
        pdf.cell(width - 44, 4.8, label, align="R")
        pdf.style(9 if label == "Amount due" else 8.2, bold=True,
                  color=NAVY if label == "Amount due" else INK)
        pdf.cell(44, 4.8, value, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 3)
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(3.5)


def _blocks(pdf: PaperPDF, st: Statement) -> None:
    client = [("Client", st.client.name)] + [("", line) for line in st.client.address_lines]
    client.append(("Account", st.client.client_id))
    ask = [("", st.practice.phone), ("", st.practice.email)]
    insurance = [("", line) for line in st.insurance] or [("", "None on file")]
    draw_blocks(pdf, [("Statement for", client), ("Questions?", [p for p in ask if p[1]]),
                      ("Insurance on file", insurance)], (1.05, 1.15, 1))
    pdf.ln(1)


def _lines(pdf: PaperPDF, st: Statement) -> None:
    pdf.section("Your visits", 24)
    if not st.lines:
        pdf.paragraph(f"No balance, and no visits or payments since {pdf.shown_date(st.since)}.",
                      8.6, GREY, italic=True)
        pdf.ln(4)
        return
    widths = [w for _, w, _ in LINE_COLUMNS]
    widths[1] = pdf.content_width - sum(widths)
    pdf.set_draw_color(*RULE)
    pdf.style(8.2)
    style = dict(borders_layout=TableBordersLayout.NONE,
                 cell_fill_mode=TableCellFillMode.ROWS,
                 headings_style=FontFace(emphasis="BOLD", color=WHITE, fill_color=NAVY,
                                         size_pt=7.8),
                 line_height=4.1, padding=(0.9, 1.4), v_align="MIDDLE", repeat_headings=1)
    with pdf.table(col_widths=widths, width=pdf.content_width,
                   text_align=tuple(a for _, _, a in LINE_COLUMNS), **style) as table:
        table.row([h for h, _, _ in LINE_COLUMNS])
        for i, line in enumerate(st.lines):
            fill = ZEBRA if i % 2 else WHITE
            table.row([pdf.shown_date(line.date_of_service), _service(line),
                       money_text(line.charge), money_text(line.insurance_paid),
                       money_text(line.adjustments), money_text(line.you_paid),
                       money_text(line.you_owe)],
                      style=FontFace(fill_color=fill, color=INK))
            row = table.row(style=FontFace(fill_color=fill, color=GREY, emphasis="ITALICS",
                                           size_pt=7.4))
            row.cell("")
            row.cell(line.why, colspan=len(LINE_COLUMNS) - 1)
    pdf.set_draw_color(*NAVY)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)


def _service(line) -> str:
    return f"{line.service} · {line.provider}" if line.provider else line.service


def _money(pdf: PaperPDF, st: Statement) -> None:
    """The money box at the right; how to pay beside it; what is owed by age below."""
    rows = [SummaryRow(label, cents, style) for label, cents, style in summary(st)]
    box = 92
    top = draw_summary(pdf, "Account summary", rows, box)
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin, top)
    width = pdf.content_width - box - 7
    pdf.style(8, bold=True, color=NAVY)
    pdf.cell(width, 5, "HOW TO PAY", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for text, color in ((st.payment_options, INK),
                        (f"Checks payable to {st.payable_to}; please write your account "
                         f"number ({st.client.client_id}) on your check.", INK),
                        (_questions(st), GREY)):
        if text:
            pdf.paragraph(text, 8.2, color, width=width, height=4)
            pdf.ln(0.8)
    pdf.set_y(max(bottom, pdf.get_y()) + 2)
    pdf.style(7.8, color=GREY)
    ages = "  ·  ".join(f"{label} {money_text(cents)}" for label, cents in st.aging)
    pdf.cell(0, 4.4, f"What you owe, by age:  {ages}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _questions(st: Statement) -> str:
    contact = st.practice.phone or st.practice.email
    return f"Questions about your bill? Call or write to us: {contact}." if contact else ""


def _stub(pdf: PaperPDF, st: Statement) -> None:
    """The remittance stub, at the foot of the page: cut along the dashed line."""
    top = pdf.page_break_trigger - STUB
    if pdf.get_y() + 4 > top:
        pdf.add_page()
    pdf.set_draw_color(*GREY)
    pdf.set_dash_pattern(dash=1.5, gap=1.2)
    pdf.line(pdf.l_margin, top, pdf.w - pdf.r_margin, top)
    pdf.set_dash_pattern()
    pdf.set_xy(pdf.l_margin, top + 1)
    pdf.style(7.4, italic=True, color=GREY)
    pdf.cell(0, 4, "✂  Please detach and return this part with your payment.",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    y = pdf.get_y()
    left = [("Account", st.client.client_id), ("Client", st.client.name),
            ("Statement date", pdf.shown_date(st.issued)), ("Due by", pdf.shown_date(st.due_by)),
            ("Amount due", money_text(st.amount_due))]
    for label, value in left:
        pdf.set_x(pdf.l_margin)
        pdf.style(8, color=GREY)
        pdf.cell(28, 4.8, label)
        pdf.style(9.4, bold=label in ("Amount due", "Account"))
        pdf.cell(60, 4.8, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(pdf.l_margin)
    pdf.style(8, color=GREY)
    pdf.cell(28, 8, "Amount enclosed")
    pdf.set_draw_color(*INK)
    pdf.rect(pdf.l_margin + 28, pdf.get_y() + 0.8, 44, 6.5)
    pdf.style(9.4)
    pdf.cell(6, 8, " $")
    x = pdf.l_margin + pdf.content_width / 2 + 8
    pdf.set_xy(x, y)
    pdf.style(8, color=GREY)
    pdf.cell(0, 5, "Make checks payable to and mail to", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.style(9.4, bold=True)
    pdf.cell(0, 5.2, st.payable_to, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.style(9.4)
    for line in st.remit_lines:
        pdf.cell(0, 5, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
