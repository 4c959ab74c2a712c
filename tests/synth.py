"""Synthetic disclosures typeset in ways the corpus does not use.

Real files come out of Word, WPS, Excel and the provincial budget system: tables with only
horizontal rules or only an outer border, pages stored in portrait with ``/Rotate 90``,
fake-bold titles, rotated watermarks, wrapped unit lines, ``（续）`` titles. This module
draws such PDFs with reportlab (a CID font, so no font file is needed) for the importer
tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

Header = list[list[tuple[str, int]]]  # rows of (text, colspan)


@dataclass
class TableSpecSynth:
    title: str
    widths: list[float]
    header: Header
    rows: list[list[str]]  # body rows; or use `pages` for rows page by page
    label: str = ""
    rules: str = "full"  # full | rects | horizontal | outer | threeline
    continued_title: bool = False  # print "（续）" title on continuation pages
    repeat_header: bool = False
    unit_wrapped: bool = False
    department: str = "某县财政局"
    note: str = ""
    pages: list[list[list[str]]] | None = None  # body rows of each page
    right_align_amounts: bool = True
    title_in_grid: bool = False  # title and 部门名称/单位 drawn as ruled rows of the grid


@dataclass
class Style:
    rotate: bool = False  # portrait pages stored with /Rotate 90, displayed landscape
    fake_bold: bool = False
    watermark: str = ""
    running_header: str = ""
    font_size: float = 9.0
    row_height: float = 16.0


@dataclass
class _Pen:
    c: canvas.Canvas
    style: Style
    width: float
    height: float
    page: int = 0
    pages: list[int] = field(default_factory=list)

    def new_page(self) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        s = self.style
        if s.rotate:
            pw, ph = A4  # stored portrait (reportlab takes the displayed size)
            self.c.setPageSize((ph, pw))
            self.c.setPageRotation(90)
            self.c.translate(pw, 0)
            self.c.rotate(90)
            self.width, self.height = ph, pw
        else:
            self.c.setPageSize(A4)
            self.width, self.height = A4
        if s.running_header:
            self.text(self.width / 2, 30, s.running_header, 8, center=True)
        self.text(self.width / 2, self.height - 25, f"- {self.page} -", 8, center=True)
        if s.watermark:
            self.c.saveState()
            self.c.setFillGray(0.8)
            self.c.setFont(FONT, 60)
            self.c.translate(self.width / 2, self.height / 2)
            self.c.rotate(35)
            self.c.drawCentredString(0, 0, s.watermark)
            self.c.restoreState()

    def text(
        self,
        x: float,
        top: float,
        s: str,
        size: float,
        *,
        center: bool = False,
        right: bool = False,
        bold: bool = False,
    ) -> None:
        """Draw *s* with its top at *top* (measured from the page top)."""
        y = self.height - top - size
        self.c.setFont(FONT, size)
        draw = (
            self.c.drawCentredString
            if center
            else (self.c.drawRightString if right else self.c.drawString)
        )
        draw(x, y, s)
        if bold:
            draw(x + 0.35, y, s)  # fake bold: the same glyphs again, slightly offset

    def hline(self, x0: float, x1: float, top: float, rect: bool = False) -> None:
        y = self.height - top
        if rect:
            self.c.rect(x0, y - 0.25, x1 - x0, 0.5, stroke=0, fill=1)
        else:
            self.c.line(x0, y, x1, y)

    def vline(self, x: float, top: float, bottom: float, rect: bool = False) -> None:
        y0, y1 = self.height - bottom, self.height - top
        if rect:
            self.c.rect(x - 0.25, y0, 0.5, y1 - y0, stroke=0, fill=1)
        else:
            self.c.line(x, y0, x, y1)


def build(
    path: Path,
    tables: list[TableSpecSynth],
    style: Style | None = None,
    narrative: list[str] | None = None,
) -> Path:
    style = style or Style()
    c = canvas.Canvas(str(path), pagesize=A4)
    pen = _Pen(c, style, *A4)
    pen.new_page()
    pen.text(pen.width / 2, 200, "某县财政局2024年度部门预算公开", 20, center=True)
    for line in narrative or []:
        pen.new_page()
        pen.text(60, 80, line, 10)
    for t in tables:
        pen.new_page()
        _draw_table(pen, t)
    c.save()
    return path


def _draw_table(pen: _Pen, t: TableSpecSynth) -> None:
    s = pen.style
    x0 = (pen.width - sum(t.widths)) / 2
    xs = [x0]
    for w in t.widths:
        xs.append(xs[-1] + w)
    top = 60.0
    if t.title_in_grid:
        n = len(t.widths)
        t.header = [[(t.title, n)], [(f"部门名称：{t.department}    单位：万元", n)], *t.header]
        _draw_grid(pen, t, xs, top, t.rows, header=True)
        return
    if t.label:
        pen.text(x0, top, t.label, s.font_size)
        top += s.font_size + 6
    pen.text(pen.width / 2, top, t.title, 14, center=True, bold=s.fake_bold)
    top += 24
    pen.text(x0, top, f"部门名称：{t.department}", s.font_size)
    if t.unit_wrapped:
        pen.text(xs[-1] - 40, top, "单位：万", s.font_size)
        pen.text(xs[-1] - 40, top + s.font_size + 2, "元", s.font_size)
        top += 2 * s.font_size + 6
    else:
        pen.text(xs[-1] - 60, top, "单位：万元", s.font_size)
        top += s.font_size + 6
    first = True
    for k, chunk in enumerate(t.pages or [t.rows]):
        if k:
            pen.new_page()
            top = 60.0
            if t.continued_title:
                pen.text(pen.width / 2, top, t.title + "（续）", 14, center=True, bold=s.fake_bold)
                top += 24
        top = _draw_grid(pen, t, xs, top, chunk, header=first or t.repeat_header)
        first = False
    if t.note:
        pen.text(xs[0], top + 6, t.note, s.font_size)


def _draw_grid(
    pen: _Pen, t: TableSpecSynth, xs: list[float], top: float, rows: list[list[str]], header: bool
) -> float:
    s = pen.style
    h = s.row_height
    rect = t.rules == "rects"
    ys = [top]
    n = len(xs) - 1
    spans: list[list[tuple[int, int, str]]] = []  # per printed row: (col, span, text)
    if header:
        for hr in t.header:
            cells, col = [], 0
            for text, span in hr:
                cells.append((col, span, text))
                col += span
            spans.append(cells)
    for r in rows:
        spans.append(
            [(i, 1, v) for i, v in enumerate(r)] + [(i, 1, "") for i in range(len(r), len(xs) - 1)]
        )
    for _ in spans:
        ys.append(ys[-1] + h)
    n_header = len(t.header) if header else 0
    # rules
    full_h = t.rules in ("full", "rects", "horizontal")
    if t.rules in ("full", "rects", "horizontal"):
        for k, y in enumerate(ys):
            if k == 0 or k == len(ys) - 1 or full_h:
                # a header cell spanning rows: skip the rule under it (simple case: none)
                pen.hline(xs[0], xs[-1], y, rect)
    elif t.rules == "outer":
        pen.hline(xs[0], xs[-1], ys[0])
        pen.hline(xs[0], xs[-1], ys[-1])
    elif t.rules == "threeline":
        pen.hline(xs[0], xs[-1], ys[0])
        pen.hline(xs[0], xs[-1], ys[n_header])
        pen.hline(xs[0], xs[-1], ys[-1])
    if t.rules in ("full", "rects"):
        for r, cells in enumerate(spans):
            y0, y1 = ys[r], ys[r + 1]
            for col, _span, _text in cells:
                pen.vline(xs[col], y0, y1, rect)
            pen.vline(xs[n], y0, y1, rect)
    elif t.rules == "outer":
        pen.vline(xs[0], ys[0], ys[-1])
        pen.vline(xs[-1], ys[0], ys[-1])
    # text
    for r, cells in enumerate(spans):
        for col, span, text in cells:
            if not text:
                continue
            a, b = xs[col], xs[col + span]
            ty = ys[r] + (h - s.font_size) / 2
            is_amount = r >= n_header and col > 0 and _looks_amount(text)
            if r < n_header:
                pen.text((a + b) / 2, ty, text, s.font_size, center=True, bold=s.fake_bold)
            elif is_amount and t.right_align_amounts:
                pen.text(b - 3, ty, text, s.font_size, right=True)
            else:
                pen.text(a + 3, ty, text, s.font_size)
    return ys[-1]


def _looks_amount(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("-", "").isdigit()
