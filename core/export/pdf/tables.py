"""第二部分 部门预算报表: the 13 tables as ruled reportlab tables.

Each table is printed as ``表N  <standard title>``, a ``部门名称：…`` / ``单位：万元`` line, a
fully ruled grid (every cell border drawn) whose merged multi-row header repeats at the top
of every continuation page, and ``注：本表无数据`` under an empty table.

One cell holds one value. Amount columns print the cell's current value normalised to two
decimals with thousands separators (``format_amount(parse_amount(v), thousands=True)``),
right-aligned, as one unbreakable line — the column is made wide enough for the widest
amount. A value that is not an amount is printed as it is. Text columns wrap inside their
cell (Chinese line breaking, :mod:`.linebreak`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from core.amounts import format_amount, parse_amount
from core.catalog import TableSpec, spec, standard_title
from core.model import Table as ModelTable

from .linebreak import cell_text
from .pages import LANDSCAPE_WIDTH, PORTRAIT_WIDTH
from .styles import Styles

__all__ = [
    "NO_DATA_NOTE",
    "header_rows",
    "is_empty",
    "print_amount",
    "table_flowables",
    "table_is_wide",
    "table_title",
]

logger = logging.getLogger(__name__)

NO_DATA_NOTE = "注：本表无数据"

# Header cell markers: merged with the cell on the left / above.
LEFT = "<"
UP = "^"

# Columns printed as one unbreakable line (besides the amount columns).
_CODE_COLUMNS = frozenset({"科目编码", "收入科目编码", "支出科目编码"})
# A table with at least this many columns goes on a landscape page.
WIDE_COLUMNS = 6
_MIN_AMOUNT_WIDTH = 54.0
_MIN_TEXT_WIDTH = 48.0
_MAX_LABEL_CHARS = 7
# A text column that would wrap into more lines than this sends its table to landscape.
_MAX_WRAPPED_LINES = 3


def header_rows(key: str, year: int | None) -> list[list[str]]:
    """The printed header of a table: rows of labels, ``<``/``^`` for merged cells.

    The last header row names every canonical column (or sits under a label that does),
    which is how the importer maps printed columns onto canonical ones.
    """
    y = f"{year}年" if year else "本年"
    budget = f"{y}预算数"
    kinds = {
        "income_expense_summary": [
            ["收入", LEFT, "支出", LEFT, LEFT, LEFT],
            ["项目", budget, "项目", f"{y}合计", "当年预算安排", "上年结转安排"],
        ],
        "income_summary": [
            ["项目", LEFT, "本年收入", LEFT, LEFT, LEFT, LEFT, LEFT, "上年结转"],
            [
                "科目编码",
                "科目名称",
                "合计",
                "一般公共预算",
                "政府性基金",
                "国有资本经营预算",
                "财政专户管理资金",
                "单位资金",
                UP,
            ],
        ],
        "expense_summary": [
            ["项目", LEFT, budget, LEFT, LEFT],
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ],
        "fiscal_grant_summary": [
            ["收入", LEFT, "支出", LEFT, LEFT, LEFT, LEFT],
            ["项目", "金额", "项目", "金额", LEFT, LEFT, LEFT],
            [UP, UP, UP, "小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
        ],
        "general_budget_expense": [
            ["项目", LEFT, budget, LEFT, LEFT],
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ],
        "basic_expense_economic": [
            ["部门预算支出经济科目名称", "政府预算支出经济科目名称", budget, LEFT, LEFT],
            [UP, UP, "合计", "人员经费", "公用经费"],
        ],
        "gov_fund_income": [
            ["项目", LEFT, "政府性基金收入预算"],
            ["收入科目编码", "科目名称", UP],
        ],
        "gov_fund_expense": [
            ["项目", LEFT, budget, LEFT, LEFT],
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ],
        "state_capital": [
            ["国有资本经营预算收入", LEFT, LEFT, "国有资本经营预算支出", LEFT, LEFT, LEFT, LEFT],
            [
                "收入科目编码",
                "收入科目名称",
                "国有资本经营收入预算",
                "支出科目编码",
                "支出科目名称",
                "合计",
                "基本支出",
                "项目支出",
            ],
        ],
        "three_public": [
            ["项目", budget, LEFT, LEFT, LEFT],
            [UP, "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
        ],
        "admin_operating": [
            ["单位名称", budget, LEFT, LEFT, LEFT],
            [UP, "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
        ],
        "project_expense_current": [
            ["项目名称", "合计", f"{y}财政拨款", LEFT, LEFT, "财政专户管理资金", "单位资金"],
            [UP, UP, "一般公共预算", "政府性基金预算", "国有资本经营预算", UP, UP],
            ["1", "2", "3", "4", "5", "6", "7"],
        ],
        "project_expense_carryover": [
            ["项目名称", "合计", f"{y}财政拨款", LEFT, LEFT],
            [UP, UP, "一般公共预算", "政府性基金预算", "国有资本经营预算"],
            ["1", "2", "3", "4", "5"],
        ],
    }
    rows = kinds[key]
    assert all(len(r) == len(spec(key).columns) for r in rows), key
    return [list(r) for r in rows]


def header_spans(rows: Sequence[Sequence[str]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """SPAN ranges ``((c0, r0), (c1, r1))`` of a header with ``<``/``^`` markers."""
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
            if (c1, r1) != (c, r):
                spans.append(((c, r), (c1, r1)))
    return spans


def table_title(key: str, year: int | None) -> str:
    """``表一  2024年预算收支总表`` (the standard title with its number)."""
    s = spec(key)
    return f"{s.label}  {standard_title(key, year) if year else s.name}"


def print_amount(text: str) -> str:
    """How an amount cell is printed: two decimals with thousands separators, blank
    stays blank, anything that is not an amount is printed unchanged."""
    try:
        value = parse_amount(text)
    except ValueError:
        return text
    return format_amount(value, thousands=True)


def is_empty(table: ModelTable | None) -> bool:
    """An empty table (``注：本表无数据``): no rows, or no amount in any amount column."""
    if table is None or not table.rows:
        return True
    amount_idx = spec(table.key).amount_indices()
    for row in table.rows:
        for i in amount_idx:
            if i < len(row.cells):
                try:
                    value = parse_amount(row.cells[i].value)
                except ValueError:
                    return False  # something is printed there
                if value is not None and (value != 0 or not table.no_data):
                    return False
    return True


@dataclass(frozen=True)
class _Column:
    name: str
    fixed: bool  # one unbreakable line (amounts, codes)
    amount: bool


def _columns(s: TableSpec) -> list[_Column]:
    return [
        _Column(c, c in s.amount_columns or c in _CODE_COLUMNS, c in s.amount_columns)
        for c in s.columns
    ]


def _body_texts(table: ModelTable | None, cols: list[_Column]) -> list[list[str]]:
    if table is None:
        return []
    out = []
    for row in table.rows:
        texts = []
        for i, col in enumerate(cols):
            v = row.cells[i].value if i < len(row.cells) else ""
            texts.append(print_amount(v) if col.amount else v)
        out.append(texts)
    return out


def _column_widths(
    cols: list[_Column],
    header: list[list[str]],
    body: list[list[str]],
    width: float,
    styles: Styles,
) -> list[float]:
    font, size, pad = styles.font, styles.cell_font_size, styles.cell_padding
    natural: list[float] = []
    for i, col in enumerate(cols):
        texts = [r[i] for r in body if r[i]]
        w = max((stringWidth(t, font, size) for t in texts if "\n" not in t), default=0.0)
        w += 2 * pad + 2
        if col.fixed:
            # The column's own header label (the lowest one) fits on one line up to seven
            # characters; longer ones ("国有资本经营预算") wrap in two.
            label = next(
                (r[i] for r in reversed(header) if r[i] not in (LEFT, UP) and not r[i].isdigit()),
                "",
            )
            floor = min(stringWidth(label, font, size), _MAX_LABEL_CHARS * size) + 2 * pad + 2
            natural.append(max(w, floor, _MIN_AMOUNT_WIDTH if col.amount else 0.0))
        else:
            natural.append(max(w, _MIN_TEXT_WIDTH))
    fixed_total = sum(w for w, c in zip(natural, cols, strict=True) if c.fixed)
    text_idx = [i for i, c in enumerate(cols) if not c.fixed]
    rest = width - fixed_total
    text_natural = sum(natural[i] for i in text_idx)
    widths = list(natural)
    if text_idx and text_natural > rest:
        # Text columns share what the fixed ones leave, in proportion to their content.
        share = max(rest, _MIN_TEXT_WIDTH * len(text_idx))
        for i in text_idx:
            widths[i] = max(_MIN_TEXT_WIDTH, share * natural[i] / text_natural)
        if sum(widths) > width + 0.5:
            logger.warning("表格过宽 (table wider than the page): %.0f > %.0f", sum(widths), width)
    else:
        # Spread the spare width over all columns so the table spans the page.
        spare = width - sum(widths)
        total = sum(widths)
        widths = [w + spare * w / total for w in widths]
    return widths


def table_is_wide(key: str, table: ModelTable | None, styles: Styles) -> bool:
    """Whether a table goes on a landscape page: six or more columns, or text so long
    that on a portrait page some text column would wrap into more than three lines."""
    if len(spec(key).columns) >= WIDE_COLUMNS:
        return True
    cols = _columns(spec(key))
    body = _body_texts(table, cols)
    if not body:
        return False
    header = header_rows(key, None)
    widths = _column_widths(cols, header, body, PORTRAIT_WIDTH, styles)
    room = [w - 2 * styles.cell_padding for w in widths]
    for i, col in enumerate(cols):
        if not col.fixed:
            longest = max(stringWidth(r[i], styles.font, styles.cell_font_size) for r in body)
            if longest > _MAX_WRAPPED_LINES * room[i]:
                return True
    return False


def build_grid(
    key: str,
    table: ModelTable | None,
    year: int | None,
    styles: Styles,
    width: float,
) -> Table:
    """The ruled grid of one table (header rows repeat on continuation pages)."""
    s = spec(key)
    cols = _columns(s)
    header = header_rows(key, year)
    body = _body_texts(table, cols)
    widths = _column_widths(cols, header, body, width, styles)
    data: list[list[object]] = []
    for hr in header:
        data.append(["" if t in (LEFT, UP) else cell_text(t, styles.cell_center) for t in hr])
    for texts in body:
        cells: list[object] = []
        for col, text in zip(cols, texts, strict=True):
            if (
                col.fixed
                and "\n" not in text
                and stringWidth(text, styles.font, styles.cell_font_size)
                <= (widths[len(cells)] - 2 * styles.cell_padding)
            ):
                cells.append(text)
            else:
                cells.append(cell_text(text, styles.cell))
        data.append(cells)
    nh = len(header)
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), styles.font),
        ("FONTSIZE", (0, 0), (-1, -1), styles.cell_font_size),
        ("LEADING", (0, 0), (-1, -1), styles.cell_font_size + 2.5),
        ("GRID", (0, 0), (-1, -1), styles.rule_width, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), styles.cell_padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), styles.cell_padding),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for c0r0, c1r1 in header_spans(header):
        commands.append(("SPAN", c0r0, c1r1))
    for i, col in enumerate(cols):
        if col.amount:
            commands.append(("ALIGN", (i, nh), (i, -1), "RIGHT"))
    grid = Table(
        data,
        colWidths=widths,
        repeatRows=nh,
        style=TableStyle(commands),
        hAlign="CENTER",
    )
    return grid


def table_flowables(
    key: str,
    table: ModelTable | None,
    department: str,
    unit: str,
    year: int | None,
    styles: Styles,
) -> list[Flowable]:
    """Title, 部门名称/单位 line, ruled grid and (when empty) the no-data note."""
    width = LANDSCAPE_WIDTH if table_is_wide(key, table, styles) else PORTRAIT_WIDTH
    title = Paragraph(table_title(key, year), styles.table_title)
    title.toc_entry = (1, table_title(key, year), f"table-{key}")  # type: ignore[attr-defined]
    meta = Table(
        [
            [
                cell_text(f"部门名称：{department}", styles.table_meta),
                cell_text(f"单位：{unit or '万元'}", styles.table_meta_right),
            ]
        ],
        colWidths=[width * 0.75, width * 0.25],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), styles.font),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        ),
    )
    out: list[Flowable] = [title, meta, build_grid(key, table, year, styles, width)]
    if is_empty(table):
        out.append(Paragraph(NO_DATA_NOTE, styles.note))
    out.append(Spacer(1, 6))
    return out
