"""Finding the 13 budget tables (第二部分 部门预算报表) in the pages of a disclosure.

A table is found by its **title** (``2024年预算收支总表``; with or without a
``预算公开表1``/``表一`` label; garbled glyphs tolerated), confirmed by what follows it:
its ``部门名称``/``单位`` lines and a grid (or the note ``注：本表无数据``). Its grid's header
rows are mapped onto the catalog's canonical columns by their printed labels; the grid may
continue on the following pages, with or without repeated header rows, with or without a
``（续）`` title. Lines that repeat at the same place on most pages (running headers,
page numbers) are ignored.

Nothing here depends on page positions or fonts of a particular typesetter: only on the
order of things on the page and their labels.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from core.amounts import is_amount_text
from core.catalog import TABLES, TableSpec, match_title, strip_label
from core.importer.grid import (
    Grid,
    GridCell,
    TextLine,
    cluster,
    find_grids,
    grid_from_text,
    text_lines,
)
from core.importer.pages import PageContent
from core.model import Cell, Row, SourceRef, Table

logger = logging.getLogger(__name__)

__all__ = ["TABLES", "FoundTables", "PageLayout", "find_tables", "layout_pages"]

_SPACES = re.compile(r"\s+")
_DEPT = re.compile(
    r"(?:(?:预算|编制)?部门(?:名称)?|(?:预算|编制)?单位名称|(?:预算|编制)单位)\s*[:：]\s*(.*?)\s*"
    r"(?=(?:金额)?单位\s*[:：]|$)"
)
_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*([万千百]?元|万|千)?")
_NO_DATA = re.compile(
    r"(本表|此表|本部门|本单位)?[^，。]{0,8}无(数据|此项|相关|该项|收支|支出|收入)"
)
_NO_DATA_STRICT = re.compile(
    r"无数据|无此项|无相关数据|无该项|没有.{0,6}数据|无.{0,4}(收支|支出|收入)"
)
_LABEL_LINE = re.compile(
    r"^(?:预算公开表|部门预算公开表|公开表|附表|表)\s*(?:\d+|[一二三四五六七八九十]+)(?:-\d+)?$"
)
_BODY_START = re.compile(
    r"^(?:合计|总计|小计|部门合计|单位合计|本年收入合计|本年支出合计|收入总计|支出总计|"
    r"\d{3}(?:\d{2}){0,2}|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|[①②③④⑤⑥]|"
    r"因公出国|公务接待|公务用车|上年结转|上年财政拨款结转|年终结转|结转下年|年末结转)"
)
_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(?:第\s*)?\d+\s*(?:页)?(?:\s*/\s*\d+|\s*共\s*\d+\s*页)?[-—–\s]*$"
)


@dataclass
class FoundTables:
    tables: dict[str, Table] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    department: str = ""
    year: int | None = None
    unit: str = ""
    # Pages that belong to the tables part (for the narrative parser to skip).
    table_pages: set[int] = field(default_factory=set)
    # Every page's grids and free lines, for the form and narrative parsers.
    layouts: list[PageLayout] = field(default_factory=list)


@dataclass
class PageLayout:
    """A page's grids and the text lines outside them, running headers removed."""

    page: PageContent
    grids: list[Grid]
    lines: list[TextLine]  # free lines, top to bottom (running headers/footers removed)


@dataclass
class _Title:
    spec: TableSpec
    year: int | None
    label: str
    continued: bool
    page: int  # index into layouts
    line: TextLine
    text: str
    fuzzy: bool = False  # matched by similarity: the header row must confirm it


# --- page layout ---------------------------------------------------------------------


def layout_pages(pages: list[PageContent]) -> list[PageLayout]:
    """Grids and free text lines of every page, with running headers/footers removed."""
    layouts = []
    for p in pages:
        grids = find_grids(p)
        grids = [_refine_grid(p, g) for g in grids]
        free = [g for g in p.glyphs if not any(_inside(g.cx, g.cy, gr.bbox) for gr in grids)]
        lines = text_lines(free)
        peeled = []
        for g in grids:
            g, title_lines = _peel_title_rows(g)
            peeled.append(g)
            lines.extend(title_lines)
        lines.sort(key=lambda ln: (ln.top, ln.x0))
        layouts.append(PageLayout(p, peeled, lines))
    _drop_running_lines(layouts)
    return layouts


def _inside(x: float, y: float, bbox: tuple[float, float, float, float]) -> bool:
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _refine_grid(page: PageContent, grid: Grid) -> Grid:
    """A ruled box with too few inner rules for its text (only an outer border, or only
    horizontal rules) gets its missing boundaries from the text."""
    if grid.n_cols >= 2 and grid.n_rows >= 2:
        return grid
    inner = [g for g in page.glyphs if _inside(g.cx, g.cy, grid.bbox) and not g.text.isspace()]
    if len(inner) < 4:
        return grid
    xs = grid.xs if grid.n_cols >= 2 else None
    ys = grid.ys if grid.n_rows >= 2 else None
    refined = grid_from_text(page, grid.bbox, ys=ys, xs=xs, is_body_line=_is_body_line)
    return refined if refined is not None and refined.n_cols >= 2 else grid


def _peel_title_rows(grid: Grid) -> tuple[Grid, list[TextLine]]:
    """A spreadsheet printed with borders round its title and 部门名称/单位 rows: take those
    rows off the top of the grid and return them as text lines."""
    k = 0
    lines: list[TextLine] = []
    while k < min(grid.n_rows - 1, 4):
        cells = [c for c in grid.cells_in_row(k) if c.text.strip() and c.row == k]
        if not cells or len(cells) > 2:
            break
        if not all(match_title(c.text) is not None or _is_meta(c.text) for c in cells):
            break
        for c in cells:
            lines.extend(text_lines(c.glyphs))
        k += 1
    if k == 0:
        return grid, []
    return _drop_top_rows(grid, k), lines


def _drop_top_rows(grid: Grid, k: int) -> Grid:
    copies: dict[int, GridCell] = {}
    matrix = []
    for r in range(k, grid.n_rows):
        row = []
        for c in range(grid.n_cols):
            cell = grid.matrix[r][c]
            if id(cell) not in copies:
                top = max(cell.row, k)
                copies[id(cell)] = GridCell(
                    top - k,
                    cell.col,
                    cell.row + cell.rowspan - top,
                    cell.colspan,
                    cell.x0,
                    grid.ys[top],
                    cell.x1,
                    cell.bottom,
                    cell.glyphs,
                )
            row.append(copies[id(cell)])
        matrix.append(row)
    cells = sorted(copies.values(), key=lambda c: (c.row, c.col))
    return Grid(grid.page, grid.xs, grid.ys[k:], cells, matrix, grid.ruled)


def _norm_running(text: str) -> str:
    return re.sub(r"\d+", "#", _SPACES.sub("", text))


def _drop_running_lines(layouts: list[PageLayout]) -> None:
    """Remove page numbers and lines repeated near the same place on many pages."""
    n = len(layouts)
    counts: Counter[tuple[str, int]] = Counter()
    for lay in layouts:
        seen = set()
        for ln in lay.lines:
            band = _band(ln, lay.page.height)
            if band is None:
                continue
            key = (_norm_running(ln.text), band)
            if key not in seen:
                seen.add(key)
                counts[key] += 1
    threshold = max(3, int(n * 0.15))
    # A repeated line in larger type than the body is a title (form titles repeat on
    # every form page), not a running header.
    sizes = sorted(g.size for lay in layouts for g in lay.page.glyphs[:400])
    body = sizes[len(sizes) // 2] if sizes else 10.0
    for lay in layouts:
        kept = []
        for ln in lay.lines:
            band = _band(ln, lay.page.height)
            text = ln.text.strip()
            if band is not None and (
                _PAGE_NUMBER.match(text)
                or (
                    counts[(_norm_running(text), band)] >= threshold
                    and ln.size < 1.2 * body
                    and not _is_meta(text)
                    and match_title(text) is None
                )
            ):
                continue
            kept.append(ln)
        lay.lines = kept


def _band(line: TextLine, height: float) -> int | None:
    """0 for the top margin, 1 for the bottom margin, None elsewhere."""
    if line.bottom < height * 0.12:
        return 0
    if line.top > height * 0.88:
        return 1
    return None


# --- titles --------------------------------------------------------------------------


def _find_titles(layouts: list[PageLayout]) -> list[_Title]:
    titles: list[_Title] = []
    for pi, lay in enumerate(layouts):
        lines = lay.lines
        skip = set()
        for li, ln in enumerate(lines):
            if li in skip:
                continue
            cand = _title_candidates(ln, lines[li + 1] if li + 1 < len(lines) else None)
            for text, used_next, title_line in cand:
                m = match_title(text)
                if m is None:
                    continue
                titles.append(
                    _Title(m.spec, m.year, m.label, m.continued, pi, title_line, text, m.fuzzy)
                )
                if used_next:
                    skip.add(li + 1)
                break
    return titles


def _title_candidates(line: TextLine, nxt: TextLine | None):
    """Texts that may be a title: the line, each of its chunks, the line joined with a
    wrapped continuation line."""
    out = [(line.text.strip(), False, line)]
    chunks = line.chunks()
    if len(chunks) > 1:
        out += [(c.text.strip(), False, c) for c in chunks]
    if nxt is not None and nxt.top - line.bottom < max(line.size, 1.0) * 1.2 and len(nxt.text) < 30:
        joined = TextLine(
            line.glyphs + nxt.glyphs,
            min(line.x0, nxt.x0),
            line.top,
            max(line.x1, nxt.x1),
            nxt.bottom,
        )
        out.append((line.text.strip() + nxt.text.strip(), True, joined))
    return out


# --- meta lines: 部门名称, 单位, labels, notes ---------------------------------------------


def _is_meta(text: str) -> bool:
    t = _SPACES.sub("", text)
    if not t:
        return True
    if _LABEL_LINE.match(t) or _DEPT.search(t) or _UNIT.search(t):
        return True
    if t in ("元", "万元") or re.fullmatch(r"\d{4}年(\d{1,2}月(\d{1,2}日)?)?", t):
        return True
    return False


@dataclass
class _Meta:
    department: str = ""
    department_source: SourceRef | None = None
    unit: str = ""
    unit_source: SourceRef | None = None
    label: str = ""


def _read_meta(lines: list[TextLine], page: int, meta: _Meta) -> None:
    for i, ln in enumerate(lines):
        t = _SPACES.sub("", ln.text)
        m = _DEPT.search(t)
        if m and not meta.department:
            name = re.sub(r"(金额)?单位[:：].*$", "", m.group(1)).strip()
            if name:
                meta.department = name
                meta.department_source = SourceRef(page, ln.bbox)
        m = _UNIT.search(t)
        if m and not meta.unit:
            unit = m.group(1) or ""
            if unit in ("万", "") and i + 1 < len(lines):
                nxt = _SPACES.sub("", lines[i + 1].text)
                if nxt.startswith("元"):
                    unit = unit + "元" if unit else "元"
            meta.unit = "万元" if unit == "万" else unit
            meta.unit_source = SourceRef(page, ln.bbox)
        if _LABEL_LINE.match(t) and not meta.label:
            meta.label = t


# --- header rows and columns -----------------------------------------------------------


def _is_column_number_row(texts: list[str]) -> bool:
    vals = [_SPACES.sub("", t) for t in texts if t.strip()]
    if len(vals) < 2:
        return False
    if any(v in ("栏次", "栏号", "行次") for v in vals):
        return True
    nums = [int(v) for v in vals if v.isdigit() and len(v) <= 2]
    return len(nums) == len(vals) and nums == sorted(nums) and nums[0] <= 2


def _is_body_row(texts: list[str]) -> bool:
    if _is_column_number_row(texts):
        return False
    for t in texts:
        s = _SPACES.sub("", t)
        if is_amount_text(s) and ("." in s or "," in s or s == "0"):
            return True
        if s in ("-", "—"):
            return True
    # A row label (合计, a code, 一、…) in the first or second column, alone or with amounts.
    filled = [(i, _SPACES.sub("", t)) for i, t in enumerate(texts) if t.strip()]
    if not filled:
        return False
    pos, first = filled[0]
    if pos > 1 or not _BODY_START.match(first):
        return False
    return pos == 0 or len(filled) == 1


def _is_body_line(text: str) -> bool:
    """A free text line that is a table body row (an amount, or a row label first)."""
    t = text.strip()
    if "。" in t or len(t) > 80:
        return False  # a sentence of the narrative, not a table row
    if any(_is_amount_like(w) and ("." in w or "," in w) for w in t.split()):
        return True
    return bool(re.search(r"\d[\d,]*\.\d{1,2}(?!\d)", t)) or bool(
        _BODY_START.match(_SPACES.sub("", t))
    )


def _unruled_grid(lay: PageLayout, top: float, end: float) -> Grid | None:
    """A table drawn without vertical rules (horizontal rules only, a three-line table,
    or no rules): its rows and columns rebuilt from the text between *top* and *end*."""
    page = lay.page
    lines = [ln for ln in lay.lines if ln.top >= top - 0.5 and ln.bottom <= end + 0.5]
    cut = end
    for ln in lines:
        t = _SPACES.sub("", ln.text)
        if _NO_DATA_STRICT.search(t) or re.match(r"^第[一二三四五六七八九十]+部分", t):
            cut = ln.top
            break
    lines = [ln for ln in lines if ln.bottom <= cut + 0.5 and not _is_meta(ln.text)]
    if len(lines) < 2 or not any(_is_body_line(ln.text) for ln in lines):
        return None
    wide = [
        sg
        for sg in page.segments
        if sg.orientation == "h"
        and top - 1 <= sg.pos <= cut + 1
        and sg.end - sg.start >= 0.3 * page.width
    ]
    x0 = min([ln.x0 for ln in lines] + [sg.start for sg in wide]) - 2
    x1 = max([ln.x1 for ln in lines] + [sg.end for sg in wide]) + 2
    ys = cluster([sg.pos for sg in wide]) if len(wide) >= 2 else None
    if ys:
        y0, y1 = ys[0], ys[-1]
        inside = [ln for ln in lines if y0 - 1 <= (ln.top + ln.bottom) / 2 <= y1 + 1]
        if not inside:
            return None
    else:
        y0, y1 = lines[0].top - 1, lines[-1].bottom + 1
    grid = grid_from_text(page, (x0, y0, x1, y1), ys=ys, xs=None, is_body_line=_is_body_line)
    if grid is None or grid.n_cols < 2:
        return None
    return grid


def _is_note_row(grid: Grid, r: int) -> bool:
    cells = [c for c in grid.cells_in_row(r) if c.text.strip()]
    return len(cells) == 1 and bool(_NO_DATA_STRICT.search(cells[0].text))


def _logical_columns(grid: Grid, rows: list[int]) -> list[tuple[int, int]]:
    """Atomic column ranges (first, last) that act as one column in the given rows."""
    active = [False] * (grid.n_cols + 1)
    active[0] = active[grid.n_cols] = True
    for r in rows:
        for c in range(1, grid.n_cols):
            if grid.matrix[r][c - 1] is not grid.matrix[r][c]:
                active[c] = True
    cols, start = [], 0
    for c in range(1, grid.n_cols + 1):
        if active[c]:
            cols.append((start, c - 1))
            start = c
    return cols


def _header_paths(grid: Grid, header_rows: list[int], cols: list[tuple[int, int]]) -> list[str]:
    paths = []
    for a, _b in cols:
        parts: list[str] = []
        for r in header_rows:
            t = _SPACES.sub("", grid.matrix[r][a].text)
            if t and (not parts or parts[-1] != t) and not (t.isdigit() and len(t) <= 2):
                parts.append(t)
        paths.append("/".join(parts))
    return paths


def _map_columns(spec: TableSpec, paths: list[str]) -> list[int | None]:
    """For each canonical column, the index of the source column that holds it (or None):
    an order-preserving alignment that maximises the strength of label matches."""
    n, m = len(spec.columns), len(paths)

    def score(i: int, j: int) -> int:
        col, path = spec.columns[i], paths[j]
        if not path:
            return 0
        last = path.split("/")[-1]
        if col == last or (len(col) > 2 and col in last):
            return 4
        pat = spec.header_patterns[col]
        if re.search(pat, last):
            return 3
        if re.search(pat, path):
            return 2
        return 0

    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            s = score(i, j)
            take = best[i + 1][j + 1] + s if s else -1
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    out: list[int | None] = [None] * n
    i = j = 0
    while i < n and j < m:
        s = score(i, j)
        if s and best[i][j] == best[i + 1][j + 1] + s:
            out[i] = j
            i += 1
            j += 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    # Columns printed in another order than the catalog's: pair what is left by label.
    used = {v for v in out if v is not None}
    left = sorted(
        (
            (score(i, j), i, j)
            for i in range(n)
            if out[i] is None
            for j in range(m)
            if j not in used
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for sc, i, j in left:
        if sc >= 3 and out[i] is None and j not in used:
            out[i] = j
            used.add(j)
    return out


# --- assembling a table --------------------------------------------------------------


@dataclass
class _Part:
    """A grid that belongs to a table, with the rows that are body rows."""

    grid: Grid
    header_rows: list[int]
    body_rows: list[int]
    cols: list[tuple[int, int]]
    mapping: list[int | None]  # canonical column -> index into cols


def _split_header(grid: Grid, previous: _Part | None = None) -> tuple[list[int], list[int]]:
    rows = [r for r in range(grid.n_rows) if not _is_note_row(grid, r)]
    if previous is not None:
        # A continuation: leading rows that repeat the header printed before (or the
        # column-number row) are header; everything else is body.
        known = [_row_words(previous.grid, r) for r in previous.header_rows]
        k = 0
        while k < len(rows):
            texts = grid.row_texts(rows[k])
            words = _row_words(grid, rows[k])
            if _is_column_number_row(texts) or (words and any(_similar(words, w) for w in known)):
                k += 1
                continue
            break
        return rows[:k], rows[k:]
    for k, r in enumerate(rows):
        if _is_body_row(grid.row_texts(r)):
            return rows[:k], rows[k:]
    # No body-looking row: header only (an empty table), or a headerless continuation.
    if len(rows) <= 4 and all(
        _is_column_number_row(grid.row_texts(r))
        or not any(_is_amount_like(t) for t in grid.row_texts(r))
        for r in rows
    ):
        return rows, []
    return [], rows


def _row_words(grid: Grid, r: int) -> set[str]:
    return {_SPACES.sub("", c.text) for c in grid.cells_in_row(r) if c.text.strip()}


def _similar(a: set[str], b: set[str]) -> bool:
    return len(a & b) / max(len(a | b), 1) >= 0.6


def _is_amount_like(t: str) -> bool:
    return is_amount_text(_SPACES.sub("", t))


def _make_part(spec: TableSpec, grid: Grid, previous: _Part | None) -> _Part:
    header, body = _split_header(grid, previous)
    cols = _logical_columns(grid, body + header[-1:])
    if header:
        paths = _header_paths(grid, header, cols)
        mapping = _map_columns(spec, paths)
        if (
            previous is not None
            and sum(v is not None for v in mapping) < sum(v is not None for v in previous.mapping)
            and len(cols) == len(previous.cols)
        ):
            mapping = previous.mapping
        return _Part(grid, header, body, cols, mapping)
    if previous is not None:
        if len(cols) == len(previous.cols):
            return _Part(grid, [], body, cols, previous.mapping)
        return _Part(grid, [], body, cols, _map_by_position(previous, cols, grid))
    # No header at all: assume the canonical order.
    mapping = [i if i < len(cols) else None for i in range(len(spec.columns))]
    return _Part(grid, [], body, cols, mapping)


def _map_by_position(prev: _Part, cols: list[tuple[int, int]], grid: Grid) -> list[int | None]:
    """Map a continuation's columns onto the previous part's by horizontal overlap."""

    def span(g: Grid, c: tuple[int, int]) -> tuple[float, float]:
        return g.xs[c[0]], g.xs[c[1] + 1]

    out: list[int | None] = []
    for src in prev.mapping:
        if src is None:
            out.append(None)
            continue
        a0, a1 = span(prev.grid, prev.cols[src])
        best, best_ov = None, 0.0
        for k, c in enumerate(cols):
            b0, b1 = span(grid, c)
            ov = min(a1, b1) - max(a0, b0)
            if ov > best_ov:
                best, best_ov = k, ov
        out.append(best)
    return out


def _rows_of(spec: TableSpec, part: _Part) -> list[Row]:
    grid = part.grid
    rows: list[Row] = []
    amount_idx = set(spec.amount_indices())
    for r in part.body_rows:
        cells = []
        for i, src in enumerate(part.mapping):
            if src is None:
                cells.append(Cell.of(""))
                continue
            a, _b = part.cols[src]
            gc = grid.matrix[r][a]
            starts_here = gc.row == r and gc.col == a
            if not starts_here and (i in amount_idx or gc.col != a):
                # a cell spanning from the left or an amount spanning from above
                cells.append(
                    Cell.of("", SourceRef(grid.page, _atomic_bbox(grid, r, part.cols[src])))
                )
                continue
            text = gc.text
            box = gc.text_bbox() or gc.bbox
            cells.append(Cell.of(text, SourceRef(grid.page, box)))
        if not any(c.value.strip() for c in cells):
            continue
        if not grid.ruled and rows:
            # An unruled table: a line with text in one text column only and no amount
            # is the wrapped rest of the row above.
            merged = _join_split_row(spec, rows, [Row(cells, grid.page)])
            if not merged:
                continue
        rows.append(Row(cells, grid.page))
    return rows


def _atomic_bbox(grid: Grid, r: int, col: tuple[int, int]) -> tuple[float, float, float, float]:
    return (grid.xs[col[0]], grid.ys[r], grid.xs[col[1] + 1], grid.ys[r + 1])


def _join_split_row(spec: TableSpec, rows: list[Row], new: list[Row]) -> list[Row]:
    """A row broken over a page break: the continuation's first row has only text, and
    that text does not start a row of its own."""
    if not rows or not new:
        return new
    first = new[0]
    amount_idx = spec.amount_indices()
    if any(first.cells[i].value.strip() for i in amount_idx):
        return new
    texts = [c.value for c in first.cells]
    if _BODY_START.match(_SPACES.sub("", next((t for t in texts if t.strip()), ""))):
        return new
    filled = [i for i in spec.text_indices() if first.cells[i].value.strip()]
    prev = rows[-1]
    if len(filled) != 1 or not prev.cells[filled[0]].value.strip():
        return new  # the halves do not line up: keep both rows
    i = filled[0]
    c = prev.cells[i]
    prev.cells[i] = Cell.of(c.value + first.cells[i].value, c.source)
    return new[1:]


# --- the whole document --------------------------------------------------------------


def find_tables(pages: list[PageContent]) -> FoundTables:
    layouts = layout_pages(pages)
    titles = _find_titles(layouts)
    found = FoundTables(layouts=layouts)
    events = sorted(titles, key=lambda t: (t.page, t.line.top))
    depts: Counter[str] = Counter()
    years: Counter[int] = Counter()
    units: Counter[str] = Counter()
    used_grids: set[int] = set()
    for k, title in enumerate(events):
        if title.continued and title.spec.key in found.tables:
            continue  # handled as part of the table it continues
        nxt = events[k + 1] if k + 1 < len(events) else None
        table = _assemble(title, nxt, layouts, events, used_grids)
        if table is None:
            continue
        key = title.spec.key
        if key in found.tables:
            # The same table twice (e.g. a distractor copy): keep the first with rows.
            if found.tables[key].rows or not table.rows:
                continue
        found.tables[key] = table
        if key not in found.order:
            found.order.append(key)
        found.table_pages.update(table.pages)
        if table.department:
            depts[table.department] += 1
        if title.year:
            years[title.year] += 1
        if table.unit:
            units[table.unit] += 1
    found.department = depts.most_common(1)[0][0] if depts else ""
    found.year = years.most_common(1)[0][0] if years else None
    found.unit = units.most_common(1)[0][0] if units else ""
    return found


def _region_lines(lay: PageLayout, top: float, bottom: float) -> list[TextLine]:
    return [ln for ln in lay.lines if ln.top >= top - 0.5 and ln.bottom <= bottom + 0.5]


def _assemble(
    title: _Title,
    nxt: _Title | None,
    layouts: list[PageLayout],
    events: list[_Title],
    used_grids: set[int],
) -> Table | None:
    spec = title.spec
    lay = layouts[title.page]
    page_no = lay.page.number
    end = nxt.line.top if nxt is not None and nxt.page == title.page else lay.page.height + 1
    meta = _Meta()
    # The label may stand on its own line just above the title.
    above = [ln for ln in lay.lines if ln.bottom <= title.line.top + 0.5]
    if above and _LABEL_LINE.match(_SPACES.sub("", above[-1].text)):
        meta.label = _SPACES.sub("", above[-1].text)
    if title.label:
        meta.label = title.label
    grids = [
        g
        for g in lay.grids
        if g.top >= title.line.bottom - 2 and g.top < end and id(g) not in used_grids
    ]
    first_grid = grids[0] if grids else None
    gap_end = first_grid.top if first_grid is not None else end
    between = _region_lines(lay, title.line.bottom, gap_end)
    between = [ln for ln in between if ln is not title.line and ln.top >= title.line.bottom - 0.5]
    _read_meta(between, page_no, meta)
    # Lines between the title and its grid must be the table's own lines.
    if first_grid is not None and not all(_is_meta(ln.text) for ln in between):
        first_grid = None
        grids = []
    if first_grid is None:
        meta_lines = [ln for ln in between if _is_meta(ln.text)]
        start = max(
            [title.line.bottom]
            + [ln.bottom for ln in meta_lines if ln.top < title.line.bottom + 80]
        )
        unruled = _unruled_grid(lay, start, end)
        if unruled is not None:
            first_grid = unruled
            grids = [unruled]
    after = _region_lines(lay, first_grid.bottom if first_grid else title.line.bottom, end)
    note = next((ln for ln in after if _NO_DATA_STRICT.search(ln.text) and len(ln.text) < 60), None)
    if first_grid is None and note is None and not (meta.unit or meta.department):
        return None
    table = Table(
        key=spec.key,
        title=strip_label(title.text),
        pages=[page_no],
        label=meta.label,
        title_source=SourceRef(page_no, title.line.bbox),
    )
    parts: list[_Part] = []
    prev: _Part | None = None
    if first_grid is not None:
        # Grids stacked under the title on the same page (a table drawn in pieces).
        for g in grids:
            if g is not first_grid and not _continues(first_grid, g, lay):
                break
            part = _make_part(spec, g, prev)
            parts.append(part)
            used_grids.add(id(g))
            prev = part
        # Continuation pages.
        if nxt is None or nxt.page > title.page or (nxt.continued and nxt.spec is spec):
            pi = title.page + 1
            while pi < len(layouts) and prev is not None:
                cont = _continuation(spec, layouts[pi], events, pi, prev.grid.ruled)
                if cont is None:
                    break
                g, cont_note = cont
                part = _make_part(spec, g, prev)
                parts.append(part)
                used_grids.add(id(g))
                prev = part
                table.pages.append(layouts[pi].page.number)
                note = note or cont_note
                pi += 1
    for part in parts:
        new_rows = _rows_of(spec, part)
        if part is not parts[0] and part.grid.page != parts[0].grid.page:
            new_rows = _join_split_row(spec, table.rows, new_rows)
        table.rows.extend(new_rows)
    if title.fuzzy and not (parts and _header_confirms(spec, parts[0])):
        return None
    if parts:
        table.header = [
            _header_paths(parts[0].grid, parts[0].header_rows, parts[0].cols)[src]
            if src is not None
            else ""
            for src in parts[0].mapping
        ]
    if note is not None or any(
        _is_note_row(p.grid, r) for p in parts for r in range(p.grid.n_rows)
    ):
        table.no_data = True
        table.note = _SPACES.sub("", note.text) if note is not None else "本表无数据"
    table.department = meta.department
    table.department_source = meta.department_source
    table.unit = meta.unit
    table.unit_source = meta.unit_source
    return table


def _header_confirms(spec: TableSpec, part: _Part) -> bool:
    """Whether a table's printed header has the words typical of *spec*'s header."""
    text = "".join(_header_paths(part.grid, part.header_rows, part.cols))
    hits = sum(1 for w in spec.header_words if w in text)
    return hits >= min(2, len(spec.header_words))


def _continues(first: Grid, g: Grid, lay: PageLayout) -> bool:
    """Whether grid *g*, below *first* on the same page, is more of the same table."""
    if g.top - first.bottom > 40:
        return False
    between = _region_lines(lay, first.bottom, g.top)
    return not between and abs(g.xs[0] - first.xs[0]) < 3 and abs(g.xs[-1] - first.xs[-1]) < 3


def _continuation(
    spec: TableSpec, lay: PageLayout, events: list[_Title], pi: int, prev_ruled: bool = True
) -> tuple[Grid, TextLine | None] | None:
    """The grid at the top of page *pi* when it continues the table, with a note line."""
    g = lay.grids[0] if lay.grids else None
    if g is None or (not prev_ruled and g.top > min((ln.top for ln in lay.lines), default=1e9)):
        if prev_ruled:
            return None
        own = [t for t in events if t.page == pi and t.continued and t.spec is spec]
        others = [t.line.top for t in events if t.page == pi and t not in own]
        top = max(
            [t.line.bottom for t in own], default=min((ln.top for ln in lay.lines), default=0.0)
        )
        g = _unruled_grid(lay, top, min(others, default=lay.page.height + 1))
        if g is None:
            return None
    page_titles = [t for t in events if t.page == pi and t.line.top < g.top]
    if page_titles and not all(t.continued and t.spec is spec for t in page_titles):
        return None
    before = [ln for ln in lay.lines if ln.bottom <= g.top + 0.5]
    titles_lines = {id(t.line) for t in page_titles}
    for ln in before:
        if id(ln) in titles_lines or _is_meta(ln.text):
            continue
        if any(t.line.top <= ln.top and ln.bottom <= t.line.bottom for t in page_titles):
            continue
        return None
    nxt_top = min((t.line.top for t in events if t.page == pi and t.line.top > g.top), default=1e9)
    note = next(
        (
            ln
            for ln in lay.lines
            if g.bottom <= ln.top < nxt_top and _NO_DATA_STRICT.search(ln.text)
        ),
        None,
    )
    return g, note
