"""Disclosure → Excel workbook (openpyxl).

    from core.export.excel import export_workbook
    export_workbook(doc, findings, "out.xlsx")

The layout is in :mod:`.layout`. Each table sheet looks like the published table: the
title across the top, ``部门名称：…`` and ``单位：万元``, the merged multi-row header (from the
header the PDF printed, or the standard one), then the body. Amounts are numbers with the
format ``#,##0.00``; blank cells stay blank (blank is not 0); a dash or any other text in
an amount column stays text. Text is always written as text (``@`` format) — a value that
starts with ``=``, ``+``, ``-`` or ``@`` is a string with a quote prefix, never a formula.

Exactness: an amount is written as the decimal text of its :class:`~decimal.Decimal`
(``<v>1457.38</v>``). A reader turns that into the nearest binary double; the shortest
decimal that reads back as the same double (``repr``) is the written text itself for
any amount of at most 15 significant digits, so ``Decimal(repr(value))`` gives back the
exact amount. :mod:`.reader` relies on this, and rounds away the binary noise of values
Excel or WPS re-computed (see there).

Cells that findings point at are filled red (error) or amber (warning) and carry the
messages as a comment; ``问题清单`` lists every finding with a link to its cell.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from core.amounts import DASHES, format_amount, normalize_amount_text, parse_amount
from core.atomic import atomic_write
from core.catalog import TABLE_KEYS, TableSpec, spec, standard_title
from core.model import Disclosure, Indicator, OverallForm, PerformanceForm, Table
from core.validation.findings import Finding

from .layout import (
    FINDINGS_SHEET,
    FORM_BODY,
    FORM_FOOTER,
    FORM_LABELS,
    FORMAT,
    FORMS_SHEET,
    FORMULA_STARTS,
    ID_HEADER,
    MERGED_INDICATOR_FIELDS,
    META_SHEET,
    NARRATIVE_SHEET,
    NOTE_ID,
    NUMBER_FORMAT,
    OVERALL_LABELS,
    OVERALL_SHEET,
    TEXT_FORMAT,
    SheetInfo,
    display_width,
    document_fingerprint,
    document_shape,
    indicator_columns,
    safe_text,
    table_sheet_name,
)
from .locations import Anchors, describe_location

__all__ = ["export_workbook", "header_grid"]

logger = logging.getLogger(__name__)

FONT_NAME = "宋体"
_FONT = Font(name=FONT_NAME, size=10)
_BOLD = Font(name=FONT_NAME, size=10, bold=True)
_TITLE = Font(name=FONT_NAME, size=14, bold=True)
_SUBTITLE = Font(name=FONT_NAME, size=12, bold=True)
_LINK = Font(name=FONT_NAME, size=10, color="0563C1", underline="single")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
_LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
_FORM_TITLE_FILL = PatternFill("solid", fgColor="DDEBF7")
SEVERITY_FILLS = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT_WRAP = Alignment(horizontal="left", vertical="center", wrap_text=True)
_TOP_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")
_LEFT = Alignment(horizontal="left", vertical="center")

# Named cell styles. Setting font, fill, border … one by one costs openpyxl a hash of each
# style object per cell (seconds for a document with 30 forms); a recipe is resolved
# once per workbook and its style array copied into each cell.
_RECIPES: dict[str, dict[str, object]] = {
    "title": {"font": _TITLE, "alignment": _CENTER},
    "subtitle": {"font": _SUBTITLE, "fill": _FORM_TITLE_FILL, "alignment": _LEFT_WRAP},
    "plain": {"font": _FONT},
    "right": {"font": _FONT, "alignment": _RIGHT},
    "header": {"font": _BOLD, "fill": _HEADER_FILL, "border": _BORDER, "alignment": _CENTER},
    "label": {"font": _BOLD, "fill": _LABEL_FILL, "border": _BORDER, "alignment": _LEFT_WRAP},
    "label_center": {"font": _BOLD, "fill": _LABEL_FILL, "border": _BORDER, "alignment": _CENTER},
    "text": {"font": _FONT, "border": _BORDER, "alignment": _LEFT_WRAP},
    "text_center": {"font": _FONT, "border": _BORDER, "alignment": _CENTER},
    "text_top": {"font": _FONT, "border": _BORDER, "alignment": _TOP_WRAP},
    "amount": {"font": _FONT, "border": _BORDER, "alignment": _RIGHT},
    "link": {"font": _LINK, "border": _BORDER, "alignment": _LEFT},
    "error": {
        "font": _FONT,
        "border": _BORDER,
        "alignment": _CENTER,
        "fill": SEVERITY_FILLS["error"],
    },
    "warning": {
        "font": _FONT,
        "border": _BORDER,
        "alignment": _CENTER,
        "fill": SEVERITY_FILLS["warning"],
    },
    "info": {"font": _FONT, "border": _BORDER, "alignment": _CENTER},
}


class CellStyles:
    """Style recipes resolved once per workbook (see _RECIPES)."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[str, str], StyleArray] = {}

    def apply(self, cell: XlCell, recipe: str, number_format: str = "General") -> XlCell:
        key = (recipe, number_format)
        arr = self._arrays.get(key)
        if arr is None:
            for attr, value in _RECIPES[recipe].items():
                setattr(cell, attr, value)
            cell.number_format = number_format
            self._arrays[key] = copy(cell._style)
        else:
            cell._style = copy(arr)
        return cell


def _merge(ws: Worksheet, r0: int, c0: int, r1: int, c1: int) -> None:
    """Merge a range; the covered cells take the top-left cell's style (its borders).

    openpyxl's merge_cells rebuilds the borders cell by cell, which is slow; this does
    the same as its _clean_merge_range with the style copied instead."""
    # WORKAROUND: writes openpyxl's private ws._cells as its own merge_cells does
    # (openpyxl is pinned to 3.1.5; the tests read every merged layout back).
    rng = MergedCellRange(ws, f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}")
    ws.merged_cells.add(rng)
    top = ws.cell(row=r0, column=c0)
    for r in range(r0, r1 + 1):
        for c in range(c0, c1 + 1):
            if (r, c) == (r0, c0):
                continue
            mc = MergedCell(ws, r, c)
            if top.has_style:
                mc._style = copy(top._style)
            ws._cells[r, c] = mc


# Header markers: merged with the cell on the left / above (as in core.export.pdf).
LEFT = "<"
UP = "^"

# A table with at least this many columns prints landscape (as the PDF export does).
WIDE_COLUMNS = 6
_LINE_HEIGHT = 14.5  # points per line of 10-point CJK text
_ROW_PADDING = 3.0
_MAX_ROW_HEIGHT = 409.0  # Excel's limit
_CODE_COLUMNS = frozenset({"科目编码", "收入科目编码", "支出科目编码"})


# --- the entry point ------------------------------------------------------------------------


def export_workbook(doc: Disclosure, findings: Sequence[Finding] | None, path: str | Path) -> Path:
    """Write *doc* (its current values) and *findings* to the workbook *path*.

    *findings* None runs the checks. The file is written beside the target and moved
    into place, so a failure never leaves half a workbook. Returns the path.
    """
    if findings is None:
        from core.validation.engine import run_checks

        findings = run_checks(doc)
    target = Path(path)
    wb = build_workbook(doc, findings)
    save_atomic(wb, target)
    logger.info("exported %s (%d sheets)", target, len(wb.sheetnames))
    return target


@dataclass
class _Ctx:
    """What every sheet writer uses."""

    wb: Workbook
    doc: Disclosure
    styles: CellStyles = field(default_factory=CellStyles)
    anchors: Anchors = field(default_factory=Anchors)


def build_workbook(doc: Disclosure, findings: Sequence[Finding]) -> Workbook:
    """The workbook in memory (export_workbook saves it)."""
    wb = Workbook()
    ctx = _Ctx(wb, doc)
    findings_ws = wb.active
    findings_ws.title = FINDINGS_SHEET
    infos: list[SheetInfo] = []
    for key in TABLE_KEYS:
        table = doc.tables.get(key)
        if table is not None:
            infos.append(_write_table(ctx, table))
    if doc.performance_forms:
        infos.append(_write_forms(ctx, "form"))
    if doc.overall_forms:
        infos.append(_write_forms(ctx, "overall"))
    if doc.narrative or doc.glossary:
        infos.append(_write_narrative(ctx))
    _write_findings(ctx, findings_ws, findings)
    _write_meta(ctx, infos)
    wb.active = 0
    return wb


def save_atomic(wb: Workbook, target: Path) -> None:
    """Save *wb* to *target* through a temporary file in the same folder."""
    with atomic_write(target) as tmp:
        wb.save(tmp)


# --- cells ----------------------------------------------------------------------------------


def put_text(
    ws: Worksheet,
    row: int,
    column: int,
    text: str | None,
    styles: CellStyles,
    recipe: str = "plain",
) -> XlCell:
    """Write *text* as text (``@`` format): never a number, never a formula. Blank stays
    empty."""
    cell = styles.apply(ws.cell(row=row, column=column), recipe, TEXT_FORMAT)
    s = safe_text(text or "")
    if not s:
        return cell
    cell.value = s
    if s.startswith(FORMULA_STARTS):
        # openpyxl takes "=…" for a formula; Excel and WPS would evaluate "+…", "-…" and
        # "@…" when the cell is edited. A string with a quote prefix stays text in both.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def amount_value(text: str) -> Decimal | str | None:
    """What an amount cell holds: a Decimal (written as a number), None for blank, or
    the text itself for a dash or anything that is not an amount."""
    s = normalize_amount_text(text)
    if not s:
        return None
    if s in DASHES:
        return text.strip()
    try:
        return parse_amount(s)
    except ValueError:
        return text


def put_amount(ws: Worksheet, row: int, column: int, text: str, styles: CellStyles) -> XlCell:
    value = amount_value(text)
    if isinstance(value, str):
        return put_text(ws, row, column, value, styles, "amount")
    cell = styles.apply(ws.cell(row=row, column=column), "amount", NUMBER_FORMAT)
    cell.value = value
    return cell


def wrapped_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column of *width* character units."""
    usable = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


def fit_row_height(ws: Worksheet, row: int, lines: int) -> None:
    if lines > 1:
        current = ws.row_dimensions[row].height or 0
        height = lines * _LINE_HEIGHT + _ROW_PADDING
        ws.row_dimensions[row].height = max(current, min(_MAX_ROW_HEIGHT, height))


def _print_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None = None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if title_rows:
        ws.print_title_rows = title_rows


def _hide_id_column(ws: Worksheet, column: int) -> None:
    dim = ws.column_dimensions[get_column_letter(column)]
    dim.hidden = True
    dim.width = 10


def _sheet_title(ctx: _Ctx, ws: Worksheet, text: str, last_col: int) -> None:
    ctx.styles.apply(ws.cell(row=1, column=1, value=safe_text(text)), "title")
    _merge(ws, 1, 1, 1, last_col)
    ws.row_dimensions[1].height = 28


# --- table sheets -----------------------------------------------------------------------------


def header_grid(table: Table, year: int | None) -> list[list[str]]:
    """The table's header as rows of labels with ``<``/``^`` merge markers.

    Built from the printed header paths (``收入/项目``, ``支出/金额/小计``): a path's last
    label spans down to the bottom row; group labels above it merge across neighbouring
    columns with the same path so far. A table read from JSON (no printed header) gets
    the standard header of the PDF export.
    """
    columns = table.columns
    paths = [[p.strip() for p in h.split("/") if p.strip()] for h in table.header]
    if len(paths) != len(columns) or not all(paths):
        from core.export.pdf.tables import header_rows

        return header_rows(table.key, year)
    depth = max(len(p) for p in paths)
    grid = [[UP] * len(columns) for _ in range(depth)]
    for c, parts in enumerate(paths):
        for r, label in enumerate(parts):
            grid[r][c] = label
    for r in range(depth):
        for c in range(len(columns) - 1, 0, -1):
            left, here = paths[c - 1], paths[c]
            # Only group labels merge across (a column's own label never does).
            if r < len(left) - 1 and r < len(here) - 1 and left[: r + 1] == here[: r + 1]:
                grid[r][c] = LEFT
    return grid


def _header_spans(rows: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """(row, col, last_row, last_col) of each label, 0-based."""
    spans = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text in (LEFT, UP):
                continue
            c1 = c
            while c1 + 1 < len(row) and row[c1 + 1] == LEFT:
                c1 += 1
            r1 = r
            while r1 + 1 < len(rows) and rows[r1 + 1][c] == UP:
                r1 += 1
            spans.append((r, c, r1, c1))
    return spans


def _table_title(doc: Disclosure, table: Table) -> str:
    s = spec(table.key)
    title = table.title.strip() or (standard_title(table.key, doc.year) if doc.year else s.name)
    return f"{s.label}  {title}"


def _column_widths(table: Table, header: list[list[str]]) -> list[float]:
    s = spec(table.key)
    widths: list[float] = []
    spans = _header_spans(header)
    for j, name in enumerate(s.columns):
        amount = name in s.amount_columns
        w = 0
        for r0, c0, _r1, c1 in spans:
            if c0 == j and c1 == j:
                # A header label may wrap onto two lines.
                w = max(w, math.ceil(display_width(header[r0][c0]) / 2))
        for row in table.rows:
            text = row.cells[j].value if j < len(row.cells) else ""
            if amount:
                value = amount_value(text)
                shown = text if isinstance(value, str) else format_amount(value, thousands=True)
                w = max(w, display_width(shown or ""))
            else:
                w = max(w, display_width(text))
        if amount:
            widths.append(float(min(max(w + 3, 12), 22)))
        elif name in _CODE_COLUMNS:
            widths.append(float(min(max(w + 2, 10), 16)))
        else:
            widths.append(float(min(max(w + 2, 10), 44)))
    return widths


# The title is set in 14 points, the body in 10: its characters are this much wider.
_TITLE_SCALE = 1.45


def _widen_for_title(
    s: TableSpec, widths: list[float], title: str, department: str, unit: str
) -> None:
    """Widen a narrow table (表七 has three columns) so its title and its 部门名称/单位 line
    fit on one line: the extra width goes to the widest text column."""
    need = max(
        display_width(title) * _TITLE_SCALE + 4,
        display_width(department) + display_width(unit) + 6,
    )
    missing = need - sum(widths)
    if missing <= 0:
        return
    text = [
        j for j, c in enumerate(s.columns) if c not in s.amount_columns and c not in _CODE_COLUMNS
    ]
    j = max(text, key=lambda i: widths[i]) if text else len(widths) - 1
    widths[j] += math.ceil(missing)


def _write_table(ctx: _Ctx, table: Table) -> SheetInfo:
    doc, st = ctx.doc, ctx.styles
    s = spec(table.key)
    name = table_sheet_name(s)
    ws = ctx.wb.create_sheet(name)
    n = len(s.columns)
    id_col = n + 1
    header = header_grid(table, doc.year)
    widths = _column_widths(table, header)
    title = _table_title(doc, table)
    department = f"部门名称：{table.department or doc.department}"
    unit = f"单位：{table.unit or doc.unit or '万元'}"
    _widen_for_title(s, widths, title, department, unit)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w

    # Row 1: the title; row 2: 部门名称 left, 单位 right.
    _sheet_title(ctx, ws, title, n)
    put_text(ws, 2, 1, department, st)
    if n > 2:
        _merge(ws, 2, 1, 2, n - 1)
    put_text(ws, 2, n, unit, st, "right")
    ctx.anchors.put(("table", table.key, None, None), name, 1, 1)

    # The header.
    top = 3
    for r, labels in enumerate(header):
        for c in range(n):
            cell = st.apply(ws.cell(row=top + r, column=c + 1), "header")
            if labels[c] not in (LEFT, UP):
                cell.value = safe_text(labels[c])
    header_lines = [1] * len(header)
    for r0, c0, r1, c1 in _header_spans(header):
        if (r0, c0) != (r1, c1):
            _merge(ws, top + r0, c0 + 1, top + r1, c1 + 1)
        if r0 == r1:
            width = sum(widths[c0 : c1 + 1])
            header_lines[r0] = max(header_lines[r0], wrapped_lines(header[r0][c0], width))
    for r, lines in enumerate(header_lines):
        fit_row_height(ws, top + r, lines)
    first = top + len(header)
    ws.cell(row=first - 1, column=id_col, value=ID_HEADER)

    # The body.
    amounts = set(s.amount_indices())
    for i, row in enumerate(table.rows):
        r = first + i
        lines = 1
        for j in range(n):
            text = row.cells[j].value if j < len(row.cells) else ""
            if j in amounts:
                put_amount(ws, r, j + 1, text, st)
            else:
                put_text(ws, r, j + 1, text, st, "text")
                lines = max(lines, wrapped_lines(safe_text(text), widths[j]))
            ctx.anchors.put(("table", table.key, i, j), name, r, j + 1)
        ctx.anchors.put(("table", table.key, i, None), name, r, 1)
        ws.cell(row=r, column=id_col, value=i + 1)
        fit_row_height(ws, r, lines)
    last = first + len(table.rows) - 1
    if table.no_data or not table.rows:
        last += 1
        put_text(ws, last, 1, table.note.strip() or "注：本表无数据", st)
        _merge(ws, last, 1, last, n)
        ws.cell(row=last, column=id_col, value=NOTE_ID)

    _hide_id_column(ws, id_col)
    ws.freeze_panes = ws.cell(row=first, column=1)
    _print_setup(ws, landscape=n >= WIDE_COLUMNS, title_rows=f"{top}:{first - 1}")
    ws.print_area = f"A1:{get_column_letter(n)}{max(last, first - 1)}"
    return SheetInfo(name, "table", table.key, first, id_col, n)


# --- form sheets --------------------------------------------------------------------------------


# Column widths of the form sheets: the label, then the indicator columns.
_PROJECT_FORM_WIDTHS = (30.0, 12.0, 14.0, 26.0, 16.0, 26.0, 16.0)
_OVERALL_FORM_WIDTHS = (30.0, 14.0, 16.0, 34.0, 30.0)


@dataclass
class _FormSheet:
    ctx: _Ctx
    ws: Worksheet
    name: str
    owner: str
    widths: tuple[float, ...]
    row: int = 1
    breaks: list[int] = field(default_factory=list)

    @property
    def last_col(self) -> int:
        return len(self.widths)

    @property
    def id_col(self) -> int:
        return len(self.widths) + 1

    def label_row(self, label: str, value: str, address: str) -> int:
        ws, st, r = self.ws, self.ctx.styles, self.row
        put_text(ws, r, 1, label, st, "label")
        put_text(ws, r, 2, value, st, "text")
        _merge(ws, r, 2, r, self.last_col)
        ws.cell(row=r, column=self.id_col, value=address)
        value_width = sum(self.widths[1:])
        lines = max(
            wrapped_lines(safe_text(value), value_width), wrapped_lines(label, self.widths[0])
        )
        fit_row_height(ws, r, lines)
        self.row += 1
        return r


def _write_forms(ctx: _Ctx, owner: str) -> SheetInfo:
    doc = ctx.doc
    project = owner == "form"
    name = FORMS_SHEET if project else OVERALL_SHEET
    forms: Sequence[PerformanceForm | OverallForm] = (
        doc.performance_forms if project else doc.overall_forms
    )
    widths = _PROJECT_FORM_WIDTHS if project else _OVERALL_FORM_WIDTHS
    ws = ctx.wb.create_sheet(name)
    sheet = _FormSheet(ctx, ws, name, owner, widths)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w

    kind = "项目支出绩效目标表" if project else "部门（单位）整体支出绩效目标表"
    _sheet_title(ctx, ws, f"{kind}（共 {len(forms)} 张）", sheet.last_col)
    put_text(ws, 2, 1, f"部门名称：{doc.department}", ctx.styles)
    _merge(ws, 2, 1, 2, sheet.last_col)
    ws.cell(row=2, column=sheet.id_col, value=ID_HEADER)
    sheet.row = 4
    first = sheet.row
    for index, form in enumerate(forms):
        if index:
            sheet.breaks.append(sheet.row - 1)
        _write_form_block(sheet, form, index)
        sheet.row += 1  # a blank line between forms

    for r in sheet.breaks:
        ws.row_breaks.append(Break(id=r))
    _hide_id_column(ws, sheet.id_col)
    ws.freeze_panes = ws.cell(row=3, column=1)
    _print_setup(ws, landscape=project)
    ws.print_area = f"A1:{get_column_letter(sheet.last_col)}{max(sheet.row - 1, 2)}"
    kind_key = "forms" if project else "overall"
    return SheetInfo(name, kind_key, "", first, sheet.id_col, sheet.last_col)


def _form_heading(form: PerformanceForm | OverallForm, index: int) -> str:
    if isinstance(form, PerformanceForm):
        name = form.value("project_name").strip()
        text = f"绩效目标表 {index + 1}" + (f"：{name}" if name else "")
        if form.confidence == "low":
            text += "（原文识别不清，请对照 PDF 核对）"
    else:
        text = f"整体绩效目标表 {index + 1}"
    pages = ", ".join(str(p) for p in (form.pages or ([form.page] if form.page else [])))
    return text + (f"　（PDF 第 {pages} 页）" if pages else "")


def _write_form_block(sheet: _FormSheet, form: PerformanceForm | OverallForm, index: int) -> None:
    ws, owner, anchors = sheet.ws, sheet.owner, sheet.ctx.anchors
    r = sheet.row
    put_text(ws, r, 1, _form_heading(form, index), sheet.ctx.styles, "subtitle")
    _merge(ws, r, 1, r, sheet.last_col)
    ws.cell(row=r, column=sheet.id_col, value="#form")
    ws.row_dimensions[r].height = 20
    anchors.put((owner, index, None), sheet.name, r, 1)
    sheet.row += 1

    labels = FORM_LABELS if owner == "form" else OVERALL_LABELS
    body = FORM_BODY if owner == "form" else tuple(OVERALL_LABELS)
    for name in body:
        row = sheet.label_row(labels[name], form.value(name), f"{owner}/{index}/{name}")
        anchors.put((owner, index, name), sheet.name, row, 2)

    _write_indicators(sheet, form.indicators, index)

    if owner == "form":
        for name in FORM_FOOTER:
            row = sheet.label_row(labels[name], form.value(name), f"{owner}/{index}/{name}")
            anchors.put((owner, index, name), sheet.name, row, 2)


def _write_indicators(sheet: _FormSheet, indicators: list[Indicator], index: int) -> None:
    ws, owner, st = sheet.ws, sheet.owner, sheet.ctx.styles
    columns = indicator_columns(owner)
    top = sheet.row
    put_text(ws, top, 1, "绩效指标", st, "label_center")
    for c, (_, text) in enumerate(columns, start=2):
        put_text(ws, top, c, text, st, "header")
    ws.cell(row=top, column=sheet.id_col, value="#indicators")
    sheet.row += 1
    for i, ind in enumerate(indicators):
        r = sheet.row
        lines = 1
        st.apply(ws.cell(row=r, column=1), "label_center")
        for c, (name, _) in enumerate(columns, start=2):
            text = ind.get(name).value
            recipe = "text_center" if name in MERGED_INDICATOR_FIELDS else "text"
            put_text(ws, r, c, text, st, recipe)
            lines = max(lines, wrapped_lines(safe_text(text), sheet.widths[c - 1]))
            sheet.ctx.anchors.put(("ind", owner, index, i, name), sheet.name, r, c)
        ws.cell(row=r, column=sheet.id_col, value=f"{owner}/{index}/ind/{i}")
        fit_row_height(ws, r, lines)
        sheet.row += 1
    if sheet.row - 1 > top:
        _merge(ws, top, 1, sheet.row - 1, 1)
    # 一级/二级 cells span the rows of equal neighbours, as printed.
    for c, (name, _) in enumerate(columns, start=2):
        if name not in MERGED_INDICATOR_FIELDS:
            continue
        start = 0
        for i in range(1, len(indicators) + 1):
            same = (
                i < len(indicators)
                and bool(indicators[i].get(name).value.strip())
                and indicators[i].get(name).value == indicators[start].get(name).value
                and (
                    name != "level2" or indicators[i].level1.value == indicators[start].level1.value
                )
            )
            if same:
                continue
            if i - start > 1:
                _merge(ws, top + 1 + start, c, top + i, c)
            start = i


# --- narrative --------------------------------------------------------------------------------


_NARRATIVE_WIDTHS = (14.0, 30.0, 90.0)


def _write_narrative(ctx: _Ctx) -> SheetInfo:
    doc, st = ctx.doc, ctx.styles
    ws = ctx.wb.create_sheet(NARRATIVE_SHEET)
    id_col = len(_NARRATIVE_WIDTHS) + 1
    for j, w in enumerate(_NARRATIVE_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    _sheet_title(ctx, ws, "情况说明与名词解释", 3)
    for c, text in enumerate(("部分", "标题", "内容"), start=1):
        put_text(ws, 2, c, text, st, "header")
    ws.cell(row=2, column=id_col, value=ID_HEADER)
    rows: list[tuple[str, str, str, str, tuple]] = []
    for i, section in enumerate(doc.narrative):
        rows.append(
            (section.part, section.heading, section.text.value, f"section/{i}", ("section", i))
        )
    for i, entry in enumerate(doc.glossary):
        rows.append(
            ("第四部分 名词解释", f"{i + 1}", entry.value, f"glossary/{i}", ("glossary", i))
        )
    r = 3
    for part, heading, text, address, key in rows:
        for c, value in enumerate((part, heading, text), start=1):
            put_text(ws, r, c, value, st, "text_top")
        ws.cell(row=r, column=id_col, value=address)
        ctx.anchors.put(key, NARRATIVE_SHEET, r, 3)
        lines = max(
            wrapped_lines(safe_text(text), _NARRATIVE_WIDTHS[2]),
            wrapped_lines(safe_text(heading), _NARRATIVE_WIDTHS[1]),
        )
        fit_row_height(ws, r, lines)
        r += 1
    _hide_id_column(ws, id_col)
    ws.freeze_panes = "A3"
    _print_setup(ws, landscape=False, title_rows="2:2")
    ws.print_area = f"A1:C{max(r - 1, 2)}"
    return SheetInfo(NARRATIVE_SHEET, "narrative", "", 3, id_col, 3)


# --- findings ---------------------------------------------------------------------------------

_FINDINGS_COLUMNS = (
    ("序号", 6),
    ("严重程度", 9),
    ("规则", 7),
    ("说明", 66),
    ("位置", 40),
    ("转到", 18),
)
_SHOWN_PLACES = 2


def _write_findings(ctx: _Ctx, ws: Worksheet, findings: Sequence[Finding]) -> None:
    doc, st = ctx.doc, ctx.styles
    for j, (_, w) in enumerate(_FINDINGS_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    n = len(_FINDINGS_COLUMNS)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_LABELS}
    _sheet_title(ctx, ws, "问题清单", n)
    year = f"{doc.year}年" if doc.year else ""
    summary = (
        f"{doc.department or '（未识别部门）'}　{year}　"
        f"错误 {counts['error']} 个，警告 {counts['warning']} 个，提示 {counts['info']} 个"
    )
    put_text(ws, 2, 1, summary, st)
    _merge(ws, 2, 1, 2, n)
    for j, (text, _) in enumerate(_FINDINGS_COLUMNS, start=1):
        put_text(ws, 3, j, text, st, "header")

    marks: dict[tuple[str, int, int], list[Finding]] = {}
    r = 4
    for k, f in enumerate(findings, start=1):
        places = [describe_location(doc, loc) for loc in f.locations]
        where = "；".join(places[:_SHOWN_PLACES])
        if len(places) > _SHOWN_PLACES:
            where += f" 等 {len(places)} 处"
        st.apply(ws.cell(row=r, column=1, value=k), "text_center")
        put_text(ws, r, 2, SEVERITY_LABELS.get(f.severity, f.severity), st, f.severity)
        put_text(ws, r, 3, f.rule, st, "text_center")
        put_text(ws, r, 4, f.message, st, "text")
        targets = [t for t in (ctx.anchors.of(loc) for loc in f.locations) if t is not None]
        put_text(ws, r, 5, where, st, "text")
        if targets:
            # A short link of its own: a cell with a hyperlink does not wrap in every
            # spreadsheet program, and the place in words may need several lines.
            sheet, row, col = targets[0]
            coord = f"{get_column_letter(col)}{row}"
            link = put_text(ws, r, 6, f"{sheet.split(' ')[0]}!{coord}", st, "link")
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=f"'{sheet}'!{coord}", tooltip=f"转到 {sheet}!{coord}"
            )
        else:
            put_text(ws, r, 6, "", st, "text")
        for t in targets:
            marks.setdefault(t, []).append(f)
        lines = max(
            wrapped_lines(safe_text(f.message), _FINDINGS_COLUMNS[3][1]),
            wrapped_lines(where, _FINDINGS_COLUMNS[4][1]),
        )
        fit_row_height(ws, r, lines)
        r += 1
    if not findings:
        put_text(ws, r, 1, "没有发现问题。", st)
        _merge(ws, r, 1, r, n)
        r += 1
    ws.freeze_panes = "A4"
    ws.auto_filter.ref = f"A3:{get_column_letter(n)}{max(r - 1, 3)}"
    _print_setup(ws, landscape=True, title_rows="3:3")
    _mark_cells(ctx.wb, marks)


_RANK = {"error": 0, "warning": 1, "info": 2}


def _mark_cells(wb: Workbook, marks: dict[tuple[str, int, int], list[Finding]]) -> None:
    """Fill the cells findings point at (red: error, amber: warning) and add a comment."""
    for (sheet, row, col), found in marks.items():
        worst = min(found, key=lambda f: _RANK.get(f.severity, 3)).severity
        if worst not in SEVERITY_FILLS:
            continue  # infos are listed, not painted
        cell = wb[sheet].cell(row=row, column=col)
        cell.fill = SEVERITY_FILLS[worst]
        shown = [f for f in found if f.severity in SEVERITY_FILLS]
        text = "\n".join(
            f"[{SEVERITY_LABELS[f.severity]} {f.rule}] {safe_text(f.message)}" for f in shown[:5]
        )
        if len(shown) > 5:
            text += f"\n… 另有 {len(shown) - 5} 条"
        comment = Comment(text, "预算公开工作台")
        comment.width = 320
        comment.height = min(300, 40 + 18 * wrapped_lines(text, 40))
        cell.comment = comment


# --- _meta ------------------------------------------------------------------------------------

META_KEYS = ("format", "department", "year", "source_file", "fingerprint", "shape")


def _write_meta(ctx: _Ctx, infos: list[SheetInfo]) -> None:
    doc, st = ctx.doc, ctx.styles
    ws = ctx.wb.create_sheet(META_SHEET)
    values = {
        "format": FORMAT,
        "department": doc.department,
        "year": "" if doc.year is None else str(doc.year),
        "source_file": doc.source_file,
        "fingerprint": document_fingerprint(doc),
        "shape": json.dumps(document_shape(doc), ensure_ascii=False, sort_keys=True),
    }
    r = 1
    for key in META_KEYS:
        put_text(ws, r, 1, key, st)
        put_text(ws, r, 2, values[key], st)
        r += 1
    r += 1
    for c, text in enumerate(("sheet", "kind", "target", "first_row", "id_column", "columns"), 1):
        ws.cell(row=r, column=c, value=text)
    for info in infos:
        r += 1
        put_text(ws, r, 1, info.name, st)
        put_text(ws, r, 2, info.kind, st)
        put_text(ws, r, 3, info.target, st)
        ws.cell(row=r, column=4, value=info.first_row)
        ws.cell(row=r, column=5, value=info.id_column)
        ws.cell(row=r, column=6, value=info.columns)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 60
    ws.sheet_state = "hidden"
