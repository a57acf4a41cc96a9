"""What claimbook's client papers share as PDFs: the page, the font, blocks and tables.

Receipts, superbills and statements are drawn with fpdf2 on US Letter paper in DejaVu
Sans, a Unicode TrueType font shipped with claimbook (``io/fonts/``, Bitstream Vera
license beside it) and embedded in each PDF (only the letters used), so every name
prints as typed: "Nguyễn-Łukasiewicz". Letters DejaVu Sans has not (Chinese, Japanese,
Korean, Thai names...) come from a font on the computer (CLAIMBOOK_FONT, else one that
fontconfig says has them, else the first of FALLBACK_FONTS found), loaded only for a
paper that needs it; a letter no font has stops the paper: a name is never printed with
letters missing.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, TableCellFillMode, XPos, YPos

from claimbook.compute.papers import DATE, INT, MONEY, Column, date_text, money_text, shown
from claimbook.rules.dates import DEFAULT_STYLE
from claimbook.rules.problems import ClaimbookError

FONTS = Path(__file__).resolve().parent / "fonts"
logging.getLogger("fpdf").setLevel(logging.ERROR)  # missing letters are refused, not logged
FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}

FALLBACK = "Fallback"
FALLBACK_FONTS = (  # fonts with CJK letters that come with Linux, macOS and Windows
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/malgun.ttf",
    "C:/Windows/Fonts/msgothic.ttc",
)


FONT_KINDS = (".ttf", ".ttc", ".otf")  # what fpdf2 reads, in the order preferred


def fallback_font(letters: str = "") -> str | None:
    """The font file for letters DejaVu Sans lacks: CLAIMBOOK_FONT, else a font the
    computer's fontconfig says has every one of ``letters``, else one of FALLBACK_FONTS."""
    chosen = os.environ.get("CLAIMBOOK_FONT")
    if chosen:
        return chosen if os.path.isfile(chosen) else None
    return fontconfig_font(letters) or \
        next((path for path in FALLBACK_FONTS if os.path.isfile(path)), None)


def fontconfig_font(letters: str) -> str | None:
    """A font file holding every one of ``letters``, as fontconfig's ``fc-list`` lists
    them (None without fontconfig, or when no font has them all): TrueType first, then by
    path, so the same computer always picks the same font."""
    wanted = " ".join(f"{ord(ch):04x}" for ch in sorted(set(letters)) if not ch.isspace())
    fc_list = shutil.which("fc-list")
    if not wanted or fc_list is None:
        return None
    try:
        listed = subprocess.run([fc_list, "--format", "%{file}\\n", f":charset={wanted}"],
                                capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    files = {line.strip() for line in listed.stdout.splitlines()}
    usable = [f for f in files if f.lower().endswith(FONT_KINDS) and os.path.isfile(f)]
    usable.sort(key=lambda f: (FONT_KINDS.index(os.path.splitext(f)[1].lower()), f))
    return usable[0] if usable else None


NAVY = (31, 56, 100)
INK = (33, 37, 41)
GREY = (108, 117, 125)
RULE = (206, 212, 218)
BAND = (234, 239, 247)
ZEBRA = (246, 248, 251)
WHITE = (255, 255, 255)
MARGIN = 16  # mm


class PaperPDF(FPDF):
    """A Letter page in DejaVu Sans with the practice's name and ``Page n of N`` at the
    foot, and the paper's title on every page after the first."""

    def __init__(self, practice_name: str, heading: str, issued: date,
                 date_style: str = DEFAULT_STYLE):
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.date_style = date_style  # the practice's: every date on the paper
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(FONTS / name))
        self._fallback_tried = False
        self.practice_name = practice_name
        self.heading = heading
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=15)
        self.set_title(heading)
        self.set_author(practice_name)
        self.set_creator("claimbook")
        self.set_creation_date(datetime(issued.year, issued.month, issued.day))

    def normalize_text(self, text: str) -> str:
        """Every text drawn passes here: a letter DejaVu Sans lacks loads the fallback
        font (once per paper)."""
        if not self._fallback_tried and not text.isascii():
            cmap = self.fonts[FONT.lower()].cmap
            lacking = "".join(ch for ch in text if not ch.isspace() and ord(ch) not in cmap)
            if lacking:
                self._load_fallback(lacking)
        return super().normalize_text(text)

    def _load_fallback(self, letters: str) -> None:
        self._fallback_tried = True
        path = fallback_font(letters)
        if path is None:
            return
        try:
            self.add_font(FALLBACK, "", path)
        except Exception:  # noqa: BLE001 - a font fpdf2 cannot read is as good as none
            return
        self.set_fallback_fonts([FALLBACK], exact_match=False)

    def missing_letters(self) -> list[str]:
        """The letters no font of this paper could print (after :meth:`output`)."""
        missing = []
        for font in self.fonts.values():
            for code in getattr(font, "missing_glyphs", ()):
                letter = chr(code) if isinstance(code, int) else str(code)
                if letter not in missing:
                    missing.append(letter)
        return missing

    def finish(self, what: str) -> bytes:
        """The PDF's bytes, or a one-line refusal naming the letters it cannot print."""
        data = bytes(self.output())
        missing = self.missing_letters()
        if missing:
            letters = ", ".join(f'"{m}"' for m in missing[:8])
            raise ClaimbookError(
                f"{what}: no font on this computer has the letters {letters}, so the PDF "
                "would print them blank; install a font that has them (Noto Sans CJK, for "
                "one) or set CLAIMBOOK_FONT to its file; nothing was written")
        return data

    def practice_block(self, practice) -> None:
        """The practice's name, address, phone and email at the top left of page one
        (the right side is left 82 mm wide for the paper's title)."""
        self.style(16, bold=True, color=NAVY)
        self.multi_cell(self.content_width - 82, 7.5, practice.name, align="L",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.style(8.6, color=GREY)
        contact = "  ·  ".join(p for p in (practice.phone, practice.email) if p)
        for text in (*practice.address_lines, contact):
            if text:
                self.cell(0, 4.4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def shown_date(self, day: date | None) -> str:
        """A date as this paper prints it: ``10/02/2026`` (the practice's style)."""
        return date_text(day, self.date_style)

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.style(7.5, color=GREY)
        self.cell(self.content_width / 2, 5, self.practice_name)
        self.cell(0, 5, f"{self.heading} (continued)", align="R",
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)
        self.style(7.5, color=GREY)
        self.cell(self.content_width * 0.75, 4, f"{self.practice_name}  ·  {self.heading}")
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    def style(self, size: float, bold: bool = False, italic: bool = False,
              color: tuple[int, int, int] = INK) -> None:
        """Set the font and text colour in one call."""
        self.set_font(FONT, "B" if bold else ("I" if italic else ""), size)
        self.set_text_color(*color)

    def room(self, needed: float) -> None:
        """Start a new page unless ``needed`` mm are left on this one."""
        if self.get_y() + needed > self.page_break_trigger:
            self.add_page()

    def section(self, title: str, needed: float = 20) -> None:
        """A small navy heading, on a new page when what follows would not fit."""
        self.room(needed)
        self.style(8, bold=True, color=NAVY)
        self.cell(0, 5, title.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(0.5)

    def paragraph(self, text: str, size: float = 8.5, color=INK, italic: bool = False,
                  width: float = 0, height: float = 4.3) -> None:
        """Wrapped text at the left margin."""
        self.style(size, italic=italic, color=color)
        self.multi_cell(width, height, text, align="L", new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)


def save_pdf(data: bytes, path: str) -> str:
    """Write PDF bytes at ``path`` whole, then rename into place."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return path


def cell_text(kind: str, value, style: str = DEFAULT_STYLE) -> str:
    """A table value as printed: dates ``10/02/2026`` (in the practice's style), cents
    ``$20.00``."""
    if value is None or value == "":
        return ""
    if kind == MONEY:
        return money_text(value)
    if kind == DATE:
        return date_text(value, style)
    if kind == INT:
        return str(value)
    return shown(value, style)


def draw_table(pdf: PaperPDF, columns: list[Column], rows: list[list],
               size: float = 8.2) -> list[float]:
    """A table with a navy heading row (repeated on each page) and light zebra rows.

    Returns:
        The columns' widths in mm.
    """
    widths = [c.width for c in columns]
    free = [i for i, w in enumerate(widths) if not w]
    left = pdf.content_width - sum(widths)
    for i in free:
        widths[i] = left / len(free)
    pdf.set_draw_color(*RULE)
    pdf.style(size)
    style = dict(borders_layout=TableBordersLayout.HORIZONTAL_LINES,
                 cell_fill_mode=TableCellFillMode.NONE,
                 headings_style=FontFace(emphasis="BOLD", color=WHITE, fill_color=NAVY,
                                         size_pt=size - 0.4),
                 line_height=4.1, padding=(1.0, 1.4), v_align="MIDDLE", repeat_headings=1)
    with pdf.table(col_widths=widths, width=pdf.content_width,
                   text_align=tuple(c.align for c in columns), **style) as table:
        table.row([c.heading for c in columns])
        for i, values in enumerate(rows):
            face = FontFace(fill_color=ZEBRA if i % 2 else WHITE, color=INK)
            table.row([cell_text(c.kind, v, pdf.date_style) for c, v in zip(columns, values)],
                      style=face)
    return widths


BLOCK_HEAD, BLOCK_LABEL, BLOCK_LINE = 6.2, 21, 4.0
BOLD_LABELS = ("Client", "Provider", "Payer", "Account")


def draw_blocks(pdf: PaperPDF, blocks: list[tuple[str, list[tuple[str, object]]]],
                weights: tuple[float, ...] | None = None) -> None:
    """Framed label/value blocks side by side, as tall as the tallest; ``weights``
    share the width (equal by default)."""
    gap = 4
    weights = weights or (1,) * len(blocks)
    room = pdf.content_width - (len(blocks) - 1) * gap
    widths = [room * w / sum(weights) for w in weights]
    height = max(_block_lines(pdf, pairs, w, None) for (_, pairs), w in zip(blocks, widths))
    height += BLOCK_HEAD + 3
    pdf.room(height)
    top = pdf.get_y()
    x = pdf.l_margin
    for (heading, pairs), width in zip(blocks, widths):
        pdf.set_draw_color(*RULE)
        pdf.set_fill_color(*BAND)
        pdf.rect(x, top, width, height)
        pdf.rect(x, top, width, BLOCK_HEAD, style="DF")
        pdf.set_xy(x + 2.5, top + 0.8)
        pdf.style(7.5, bold=True, color=NAVY)
        pdf.cell(width - 5, 5, heading.upper())
        _block_lines(pdf, pairs, width, (x, top + BLOCK_HEAD + 1.5))
        x += width + gap
    pdf.set_xy(pdf.l_margin, top + height + 3.5)


def _block_lines(pdf: PaperPDF, pairs, width: float, at: tuple[float, float] | None) -> float:
    """Draw label/value lines at ``at`` (or only measure them); returns the height."""
    label_w = BLOCK_LABEL if any(label for label, _ in pairs) else 0
    value_w = width - label_w - 4
    used = 0.0
    for label, value in pairs:
        if not label and not value:
            if at:
                pdf.set_draw_color(*RULE)
                y = at[1] + used + 1.2
                pdf.line(at[0] + 2.5, y, at[0] + width - 2.5, y)
            used += 2.6
            continue
        bold = label in BOLD_LABELS
        pdf.style(8.4, bold=bold)
        lines = pdf.multi_cell(value_w, BLOCK_LINE, shown(value, pdf.date_style), dry_run=True,
                               output="LINES")
        if at:
            x, y = at[0] + 2.5, at[1] + used
            pdf.set_xy(x, y + 0.15)
            pdf.style(7.2, color=GREY)
            pdf.cell(label_w, BLOCK_LINE, label)
            pdf.style(8.4, bold=bold)
            for i, text in enumerate(lines):
                pdf.set_xy(x + label_w, y + i * BLOCK_LINE)
                pdf.cell(value_w, BLOCK_LINE, text)
        used += BLOCK_LINE * max(1, len(lines)) + 0.3
    return used


def draw_summary(pdf: PaperPDF, title: str, rows, width: float = 92) -> float:
    """The money summary box at the right: rows, the headline large and navy, details
    small and grey below it. Returns the box's top (to write beside it)."""
    amount = 28
    x = pdf.w - pdf.r_margin - width
    pdf.room(6 * len(rows) + 12)
    top = pdf.get_y()
    pdf.set_fill_color(*BAND)
    pdf.set_xy(x, top)
    pdf.style(8, bold=True, color=NAVY)
    pdf.cell(width, 6.5, "  " + title.upper(), fill=True, new_x=XPos.LEFT, new_y=YPos.NEXT)
    for row in rows:
        _summary_row(pdf, x, width, amount, row)
    pdf.set_draw_color(*RULE)
    pdf.rect(x, top, width, pdf.get_y() - top + 1.5)
    pdf.set_y(pdf.get_y() + 1.5)
    return top


def _summary_row(pdf: PaperPDF, x: float, width: float, amount: float, row) -> None:
    pdf.set_x(x)
    if row.style == "total":
        pdf.set_draw_color(*NAVY)
        pdf.line(x + 3, pdf.get_y() + 0.8, x + width - 3, pdf.get_y() + 0.8)
        pdf.ln(1.6)
        pdf.set_x(x)
        pdf.style(12, bold=True, color=NAVY)
        height = 7.0
    elif row.style == "detail":
        pdf.style(7.8, italic=True, color=GREY)
        height = 4.1
    else:
        pdf.style(8.6)
        height = 4.6
    label_w = width - amount - 3
    lines = pdf.multi_cell(label_w - 3, height, row.label, dry_run=True, output="LINES")
    y = pdf.get_y()
    for i, text in enumerate(lines):
        pdf.set_xy(x + 3, y + i * height)
        pdf.cell(label_w - 3, height, text)
    pdf.set_xy(x + label_w, y + (len(lines) - 1) * height)
    pdf.cell(amount, height, money_text(row.cents), align="R")
    pdf.set_xy(x, y + len(lines) * height)
