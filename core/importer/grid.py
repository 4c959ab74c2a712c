"""Rebuilding tables' cell grids from drawn rules (and, failing rules, from text).

A :class:`Grid` is a lattice of atomic cells between the distinct rule positions ``xs``
and ``ys``; atomic cells not separated by a drawn rule are merged into one
:class:`GridCell` (merged header cells, 一级/二级 indicator cells spanning rows). Glyphs are
assigned to the cell under their centre and joined into the cell's text line by line,
without inserted spaces or newlines.

:func:`find_grids` finds the ruled grids of a page: connected groups of horizontal and
vertical rules. :func:`grid_from_text` builds a grid where a table has only horizontal
rules, or only an outer border, by inferring the missing boundaries from the text.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from core.importer.pages import Glyph, PageContent, Segment

__all__ = [
    "Grid",
    "GridCell",
    "TextLine",
    "cluster",
    "find_grids",
    "grid_from_text",
    "join_lines",
    "text_lines",
]

SNAP = 1.6  # rules closer than this (points) are the same rule
COVER = 0.75  # a boundary counts as drawn when rules cover this share of it


@dataclass(slots=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    x0: float
    top: float
    x1: float
    bottom: float
    glyphs: list[Glyph] = field(default_factory=list)
    _text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = join_lines(self.glyphs)
        return self._text

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    def text_bbox(self) -> tuple[float, float, float, float] | None:
        """The box around the printed glyphs (None for an empty cell)."""
        gs = [g for g in self.glyphs if not g.text.isspace()]
        if not gs:
            return None
        return (
            min(g.x0 for g in gs),
            min(g.top for g in gs),
            max(g.x1 for g in gs),
            max(g.bottom for g in gs),
        )


@dataclass(slots=True)
class Grid:
    page: int
    xs: list[float]
    ys: list[float]
    cells: list[GridCell]
    # matrix[r][c] is the merged cell covering atomic cell (r, c)
    matrix: list[list[GridCell]]
    ruled: bool = True  # False when boundaries were inferred from text

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]

    def row_texts(self, r: int) -> list[str]:
        """Texts of atomic row *r*, one per atomic column (a merged cell's text appears
        in the first column it covers and in the first row it covers only)."""
        out = []
        for c in range(self.n_cols):
            cell = self.matrix[r][c]
            out.append(cell.text if cell.row == r and cell.col == c else "")
        return out

    def cells_in_row(self, r: int) -> list[GridCell]:
        """The distinct merged cells that cover atomic row *r*, left to right."""
        seen: list[GridCell] = []
        for c in range(self.n_cols):
            cell = self.matrix[r][c]
            if not seen or seen[-1] is not cell:
                seen.append(cell)
        return seen


@dataclass(slots=True)
class TextLine:
    glyphs: list[Glyph]
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    @property
    def size(self) -> float:
        sizes = sorted(g.size for g in self.glyphs)
        return sizes[len(sizes) // 2] if sizes else 0.0

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    def chunks(self, gap: float = 2.5) -> list[TextLine]:
        """Split where the space between glyphs exceeds *gap* × the font size."""
        out: list[list[Glyph]] = [[]]
        prev = None
        for g in self.glyphs:
            if prev is not None and g.x0 - prev.x1 > gap * max(prev.size, g.size, 1.0):
                out.append([])
            out[-1].append(g)
            prev = g
        return [_line_of(gs) for gs in out if gs]


def _line_of(glyphs: list[Glyph]) -> TextLine:
    return TextLine(
        glyphs,
        min(g.x0 for g in glyphs),
        min(g.top for g in glyphs),
        max(g.x1 for g in glyphs),
        max(g.bottom for g in glyphs),
    )


def cluster(values: Iterable[float], tol: float = SNAP) -> list[float]:
    """Sorted representatives (means) of values closer than *tol* to their neighbour."""
    vs = sorted(values)
    if not vs:
        return []
    groups = [[vs[0]]]
    for v in vs[1:]:
        if v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _line_groups(glyphs: Sequence[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into lines (by vertical overlap), each sorted left to right."""
    gs = sorted((g for g in glyphs), key=lambda g: (g.cy, g.x0))
    lines: list[list[Glyph]] = []
    spans: list[tuple[float, float]] = []
    for g in gs:
        placed = False
        h = max(g.height, 0.1)
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom = spans[i]
            overlap = min(bottom, g.bottom) - max(top, g.top)
            if overlap >= 0.5 * min(h, bottom - top):
                lines[i].append(g)
                spans[i] = (min(top, g.top), max(bottom, g.bottom))
                placed = True
                break
        if not placed:
            lines.append([g])
            spans.append((g.top, g.bottom))
    order = sorted(range(len(lines)), key=lambda i: spans[i][0])
    return [sorted(lines[i], key=lambda g: g.x0) for i in order]


def join_lines(glyphs: Sequence[Glyph]) -> str:
    """A cell's text: its lines top to bottom joined with nothing between them."""
    if not glyphs:
        return ""
    parts = []
    for line in _line_groups(glyphs):
        parts.append("".join(g.text for g in line).strip())
    return "".join(parts)


def text_lines(glyphs: Sequence[Glyph]) -> list[TextLine]:
    """Lines of text (top to bottom) from free glyphs."""
    return [_line_of(gs) for gs in _line_groups([g for g in glyphs if not g.text.isspace()] or [])]


# --- ruled grids ----------------------------------------------------------------------


def _merge_collinear(segs: list[Segment]) -> list[Segment]:
    """Snap segments of one orientation to common positions and join overlapping ones."""
    if not segs:
        return []
    segs = sorted(segs, key=lambda s: s.pos)
    groups: list[list[Segment]] = [[segs[0]]]
    for s in segs[1:]:
        if s.pos - groups[-1][-1].pos <= SNAP:
            groups[-1].append(s)
        else:
            groups.append([s])
    out: list[Segment] = []
    for g in groups:
        pos = sum(s.pos for s in g) / len(g)
        for start, end in _union_intervals([(s.start, s.end) for s in g], gap=SNAP):
            out.append(Segment(g[0].orientation, pos, start, end))
    return out


def _union_intervals(iv: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    iv = sorted(iv)
    out = [list(iv[0])]
    for a, b in iv[1:]:
        if a <= out[-1][1] + gap:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


class _DSU:
    def __init__(self, n: int) -> None:
        self.p = list(range(n))

    def find(self, a: int) -> int:
        while self.p[a] != a:
            self.p[a] = self.p[self.p[a]]
            a = self.p[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def find_grids(page: PageContent, min_size: float = 8.0) -> list[Grid]:
    """The ruled grids of a page, top to bottom."""
    hs = _merge_collinear([s for s in page.segments if s.orientation == "h"])
    vs = _merge_collinear([s for s in page.segments if s.orientation == "v"])
    if not hs or not vs:
        return []
    segs = hs + vs
    dsu = _DSU(len(segs))
    tol = SNAP * 1.5
    # Sweep: a horizontal and a vertical rule are connected when they touch.
    vs_sorted = sorted(range(len(hs), len(segs)), key=lambda i: segs[i].pos)
    v_pos = [segs[i].pos for i in vs_sorted]
    for hi, h in enumerate(hs):
        lo = bisect.bisect_left(v_pos, h.start - tol)
        up = bisect.bisect_right(v_pos, h.end + tol)
        for k in range(lo, up):
            vi = vs_sorted[k]
            v = segs[vi]
            if v.start - tol <= h.pos <= v.end + tol:
                dsu.union(hi, vi)
    comps: dict[int, list[int]] = {}
    for i in range(len(segs)):
        comps.setdefault(dsu.find(i), []).append(i)
    grids = []
    for members in comps.values():
        ch = [segs[i] for i in members if segs[i].orientation == "h"]
        cv = [segs[i] for i in members if segs[i].orientation == "v"]
        if len(ch) < 2 or len(cv) < 2:
            continue
        xs = cluster([s.pos for s in cv])
        ys = cluster([s.pos for s in ch])
        if len(xs) < 2 or len(ys) < 2:
            continue
        if xs[-1] - xs[0] < min_size or ys[-1] - ys[0] < min_size:
            continue
        grids.append(_build(page, xs, ys, ch, cv))
    grids.sort(key=lambda g: (g.top, g.xs[0]))
    return grids


def _covered(segs: list[Segment], pos: float, a: float, b: float) -> bool:
    """Whether rules at *pos* cover at least COVER of the interval [a, b]."""
    need = (b - a) * COVER
    total = 0.0
    for s in segs:
        if abs(s.pos - pos) <= SNAP * 1.5:
            total += max(0.0, min(b, s.end) - max(a, s.start))
            if total >= need:
                return True
    return False


def _build(
    page: PageContent,
    xs: list[float],
    ys: list[float],
    hsegs: list[Segment],
    vsegs: list[Segment],
    ruled: bool = True,
) -> Grid:
    nr, nc = len(ys) - 1, len(xs) - 1
    # Index rules by position once: boundary tests below only look at nearby rules.
    v_at = {i: [s for s in vsegs if abs(s.pos - x) <= SNAP * 1.5] for i, x in enumerate(xs)}
    h_at = {j: [s for s in hsegs if abs(s.pos - y) <= SNAP * 1.5] for j, y in enumerate(ys)}
    dsu = _DSU(nr * nc)
    for r in range(nr):
        for c in range(nc - 1):
            if not _covered(v_at[c + 1], xs[c + 1], ys[r], ys[r + 1]):
                dsu.union(r * nc + c, r * nc + c + 1)
    for r in range(nr - 1):
        for c in range(nc):
            if not _covered(h_at[r + 1], ys[r + 1], xs[c], xs[c + 1]):
                dsu.union(r * nc + c, (r + 1) * nc + c)
    regions: dict[int, list[int]] = {}
    for i in range(nr * nc):
        regions.setdefault(dsu.find(i), []).append(i)
    matrix: list[list[GridCell | None]] = [[None] * nc for _ in range(nr)]
    cells: list[GridCell] = []
    for members in regions.values():
        rows = [i // nc for i in members]
        cols = [i % nc for i in members]
        r0, r1, c0, c1 = min(rows), max(rows), min(cols), max(cols)
        cell = GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])
        cells.append(cell)
        for i in members:
            matrix[i // nc][i % nc] = cell
    # Non-rectangular unions: fill holes of the bounding box with the same cell.
    for cell in cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                if matrix[r][c] is None:
                    matrix[r][c] = cell
    x0, x1, y0, y1 = xs[0], xs[-1], ys[0], ys[-1]
    for g in page.glyphs:
        cx, cy = g.cx, g.cy
        if not (x0 <= cx <= x1 and y0 <= cy <= y1):
            continue
        c = min(max(bisect.bisect_right(xs, cx) - 1, 0), nc - 1)
        r = min(max(bisect.bisect_right(ys, cy) - 1, 0), nr - 1)
        hit = matrix[r][c]
        if hit is not None:
            hit.glyphs.append(g)
    cells.sort(key=lambda k: (k.row, k.col))
    return Grid(page.number, xs, ys, cells, matrix, ruled)  # type: ignore[arg-type]


# --- grids inferred from text -----------------------------------------------------------


def grid_from_text(
    page: PageContent,
    region: tuple[float, float, float, float],
    ys: list[float] | None = None,
    xs: list[float] | None = None,
    is_body_line=None,
) -> Grid | None:
    """A grid for the glyphs in *region* (x0, top, x1, bottom) whose rules are partly
    missing.

    *ys*: the drawn horizontal rules (row bands); a band holding several text lines while
    most bands hold one is a run of unruled rows and is split between its lines. *xs*: the
    drawn vertical rules, or None to infer columns from the white gaps of the body lines
    (*is_body_line(text)* tells body lines from header lines). Inferred boundaries are
    only "drawn" where no word crosses them, so a header label centred over two columns
    becomes a merged cell.
    """
    x0, top, x1, bottom = region
    glyphs = [
        g
        for g in page.glyphs
        if x0 - 1 <= g.cx <= x1 + 1 and top - 1 <= g.cy <= bottom + 1 and not g.text.isspace()
    ]
    if not glyphs:
        return None
    lines = text_lines(glyphs)
    ys = _row_bounds(lines, ys, top, bottom)
    inferred_x = xs is None or len(xs) < 2
    if inferred_x:
        body = [ln for ln in lines if is_body_line is None or is_body_line(ln.text)]
        xs = _col_bounds_from_gaps(body or lines, lines, x0, x1)
    assert xs is not None  # inferred above when it was None
    if len(xs) < 2 or len(ys) < 2:
        return None
    h = [Segment("h", y, xs[0], xs[-1]) for y in ys]
    if inferred_x:
        v = _virtual_verticals(lines, xs, ys)
    else:
        v = [Segment("v", x, ys[0], ys[-1]) for x in xs]
    sub = PageContent(page.number, page.width, page.height, page.rotation, glyphs)
    return _build(sub, xs, ys, h, v, ruled=False)


def _row_bounds(
    lines: list[TextLine], ys: list[float] | None, top: float, bottom: float
) -> list[float]:
    if not lines:
        return []
    if not ys or len(ys) < 2:
        ys = [min(top, lines[0].top - 1), max(bottom, lines[-1].bottom + 1)]
    ys = sorted(ys)
    bands = [
        [ln for ln in lines if a <= (ln.top + ln.bottom) / 2 < b]
        for a, b in zip(ys, ys[1:], strict=False)
    ]
    filled = [b for b in bands if b]
    sparse = len(filled) < 0.6 * len(lines)
    out = [ys[0]]
    for (_a, b), band in zip(zip(ys, ys[1:], strict=False), bands, strict=True):
        if sparse and len(band) > 1:
            for u, w in zip(band, band[1:], strict=False):
                out.append((u.bottom + w.top) / 2)
        out.append(b)
    return out


def _col_bounds_from_gaps(
    body: list[TextLine], lines: list[TextLine], x0: float, x1: float
) -> list[float]:
    """Column boundaries at x positions no word of a body line crosses; header words
    that stand alone in such a gap (a column empty in every body row) add a column."""
    words: list[tuple[float, float]] = []
    for line in body:
        for ch in line.chunks(gap=0.5):
            words.append((ch.x0, ch.x1))
    if not words:
        return [x0, x1]
    covered = _union_intervals(words, gap=0.0)
    extra = []
    for line in lines:
        if line in body:
            continue
        for ch in line.chunks(gap=0.5):
            if all(ch.x1 < a or ch.x0 > b for a, b in covered):
                extra.append((ch.x0, ch.x1))
    if extra:
        covered = _union_intervals(covered + extra, gap=0.0)
    bounds = [min(x0, covered[0][0] - 1)]
    for (_, b), (a, _) in zip(covered, covered[1:], strict=False):
        bounds.append((a + b) / 2)
    bounds.append(max(x1, covered[-1][1] + 1))
    return bounds


def _virtual_verticals(lines: list[TextLine], xs: list[float], ys: list[float]) -> list[Segment]:
    """Vertical boundaries for each row band, left out where a word crosses them."""
    out = []
    for a, b in zip(ys, ys[1:], strict=False):
        band = [ln for ln in lines if a <= (ln.top + ln.bottom) / 2 < b]
        chunks = [ch for ln in band for ch in ln.chunks(gap=0.5)]
        for k, x in enumerate(xs):
            inner = 0 < k < len(xs) - 1
            if inner and any(ch.x0 < x - 1 and ch.x1 > x + 1 for ch in chunks):
                continue
            out.append(Segment("v", x, a, b))
    return out
