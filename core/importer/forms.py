"""Performance forms (项目支出绩效目标表 / 部门整体支出绩效目标表) in the pages of a disclosure.

A form is a ruled grid recognised by its labels: a project form has a ``项目名称`` label
cell and other form labels (主管部门及代码, 项目属性, 项目资金, 绩效指标 …); an overall form
has the 部门 labels (部门职责, 年度预算, 年度绩效目标 …) or a title naming 整体支出. The grids
that follow a form's first grid belong to it while nothing else is printed between them:
the rest of the form on the same page, or the grid at the top of the next page (a form
running over two pages, with or without a repeated header). A new form's grid, a line of
narrative text or the form's footer line (负责人/经办人/联系电话/填报日期) ends it.

Around the grid: the title is the nearest line above it that reads like a form title
(none is fine: some forms have no title line); a ``单位：元`` line gives the money unit
when the 项目资金 label does not; the footer is the line below.

Only the glyphs and grids already read are used (no per-page PDF calls); nothing depends
on positions, fonts or page numbers of a particular typesetter.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from core.importer.form_indicators import is_header_row
from core.importer.form_labels import (
    OVERALL_LABELS,
    PROJECT_LABELS,
    is_form_title,
    label_kind,
    norm,
    split_footer,
    split_inline_label,
    unit_of,
)
from core.importer.form_overall import read_overall_rows
from core.importer.form_project import read_footer, read_project_rows
from core.importer.form_rows import form_rows
from core.importer.grid import Grid, TextLine, text_lines
from core.importer.pages import PageContent
from core.importer.tables import PageLayout, layout_pages
from core.model import Field, OverallForm, PerformanceForm, SourceRef

logger = logging.getLogger(__name__)

__all__ = ["parse_forms"]

_CONTINUED = re.compile(r"^[(（]?续(?:表)?[)）]?$|（续）|\(续\)|续表")
_SUBTITLE = re.compile(r"^[(（]?\d{4}年度?[)）]?$|^[(（].{0,12}[)）]$")
_OVERALL_KINDS = {"basic_info", "duties", "strategy", "budget", "tasks", "goal_annual"}


@dataclass
class _Part:
    lay: PageLayout
    grid: Grid


@dataclass
class _Block:
    kind: str  # project | overall
    parts: list[_Part] = field(default_factory=list)
    closed: bool = False
    title: TextLine | None = None
    title_page: int = 0
    unit: TextLine | None = None
    footer: TextLine | None = None
    footer_page: int = 0
    extra: list[tuple[int, TextLine]] = field(default_factory=list)  # lines that belong to it


def parse_forms(
    pages: list[PageContent], layouts: list[PageLayout] | None = None
) -> tuple[list[PerformanceForm], list[OverallForm]]:
    """The project forms and the overall forms, in print order.

    *layouts*: the pages' grids and free lines (:func:`core.importer.tables.layout_pages`),
    when the caller has them already.
    """
    if layouts is None:
        layouts = layout_pages(pages)
    blocks = _find_blocks(layouts)
    projects: list[PerformanceForm] = []
    overall: list[OverallForm] = []
    for b in blocks:
        try:
            if b.kind == "project":
                projects.append(_project(b))
            else:
                overall.append(_overall(b))
        except Exception:  # one unreadable form must not lose the others
            logger.exception("form on page %d could not be read", b.parts[0].grid.page)
    return projects, overall


# --- finding the forms ------------------------------------------------------------------


def _kinds(grid: Grid, vocabulary) -> set[str]:
    """The kinds of the labels printed in a grid's cells (``label：value`` cells too)."""
    out = set()
    for c in grid.cells:
        if c.text.strip():
            k = label_kind(c.text, vocabulary)
            if k is None and ("：" in c.text or ":" in c.text):
                inline = split_inline_label(c.text, vocabulary)
                k = inline[0] if inline else None
            if k:
                out.add(k)
    return out


def _has_indicator_header(grid: Grid) -> bool:
    return any(is_header_row(row) for row in form_rows([grid]))


def _grid_kind(grid: Grid, title: Callable[[], str]) -> str | None:
    """``project``/``overall`` for a grid that starts a form, ``form`` for a grid with form
    labels, None otherwise (*title*: the title line above the grid, read when needed)."""
    pk = _kinds(grid, PROJECT_LABELS)
    if "project_name" in pk and (
        len(pk - {"project_name", "measures"}) >= 2
        or (len(pk) >= 2 and _has_indicator_header(grid))
    ):
        return "project"
    ok = _kinds(grid, OVERALL_LABELS)
    overall_title = bool(ok) and "整体" in norm(title())
    if "project_name" not in pk and (
        len(ok & _OVERALL_KINDS) >= 3 or (overall_title and ok & (_OVERALL_KINDS | {"department"}))
    ):
        return "overall"
    if len(pk - {"measures"}) >= 2 or _has_indicator_header(grid):
        return "form"
    return None


class _RawLines:
    """Free lines of a page including running lines (a form title repeated on every page
    looks like a running header to the table finder)."""

    def __init__(self) -> None:
        self._cache: dict[int, list[TextLine]] = {}

    def of(self, lay: PageLayout) -> list[TextLine]:
        n = lay.page.number
        if n not in self._cache:
            boxes = [g.bbox for g in lay.grids]
            free = []
            for g in lay.page.glyphs:
                cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
                for x0, y0, x1, y1 in boxes:
                    if x0 <= cx <= x1 and y0 <= cy <= y1:
                        break
                else:
                    free.append(g)
            self._cache[n] = text_lines(free)
        return self._cache[n]


def _outer_grids(lay: PageLayout) -> list[Grid]:
    """The page's grids without those drawn inside another (a check box's square)."""
    out = []
    for g in lay.grids:
        inside = any(
            h is not g
            and h.xs[0] - 1 <= g.xs[0]
            and g.xs[-1] <= h.xs[-1] + 1
            and h.top - 1 <= g.top
            and g.bottom <= h.bottom + 1
            for h in lay.grids
        )
        if not inside:
            out.append(g)
    return out


def _find_blocks(layouts: list[PageLayout]) -> list[_Block]:
    raw = _RawLines()
    layouts = [
        lay if len(lay.grids) < 2 else PageLayout(lay.page, _outer_grids(lay), lay.lines)
        for lay in layouts
    ]
    blocks: list[_Block] = []
    current: _Block | None = None
    prev_part: _Part | None = None
    for pi, lay in enumerate(layouts):
        for gi, grid in enumerate(lay.grids):

            def title(lay: PageLayout = lay, gi: int = gi) -> str:
                above = _lines_above(raw.of(lay), lay, gi)
                ln = next((ln for ln in reversed(above) if is_form_title(ln.text)), None)
                return ln.text if ln is not None else ""

            kind = _grid_kind(grid, title)
            if kind in ("project", "overall"):
                current = _Block(kind)
                current.parts.append(_Part(lay, grid))
                _take_above(current, _lines_above(raw.of(lay), lay, gi), lay)
                blocks.append(current)
                prev_part = current.parts[-1]
                _take_footer(current, raw, layouts, pi, gi)
                continue
            if (
                current is not None
                and not current.closed
                and prev_part is not None
                and _continues(prev_part, lay, gi, layouts, kind == "form")
            ):
                current.parts.append(_Part(lay, grid))
                prev_part = current.parts[-1]
                _take_footer(current, raw, layouts, pi, gi)
                continue
            current = None
            prev_part = None
    return blocks


def _lines_above(lines: list[TextLine], lay: PageLayout, gi: int) -> list[TextLine]:
    grid = lay.grids[gi]
    floor = lay.grids[gi - 1].bottom if gi > 0 else -1.0
    return [ln for ln in lines if ln.top >= floor - 0.5 and ln.bottom <= grid.top + 2.0]


def _take_above(block: _Block, above: list[TextLine], lay: PageLayout) -> None:
    """The title, subtitle and unit lines right above a form's first grid."""
    page = lay.page.number
    for k in range(len(above) - 1, -1, -1):
        ln = above[k]
        t = norm(ln.text)
        if block.title is None and is_form_title(ln.text):
            block.title, block.title_page = ln, page
            block.extra.append((page, ln))
            # A title wrapped onto two lines: the line just above, in the same size.
            if k > 0:
                up = above[k - 1]
                if (
                    ln.top - up.bottom < 0.8 * ln.size
                    and abs(up.size - ln.size) < 0.6
                    and not _SUBTITLE.match(norm(up.text))
                    and not up.text.rstrip().endswith("。")
                ):
                    block.title = TextLine(
                        up.glyphs + ln.glyphs,
                        min(up.x0, ln.x0),
                        up.top,
                        max(up.x1, ln.x1),
                        ln.bottom,
                    )
                    block.extra.append((page, up))
            break
        if unit_of(ln.text) and len(t) <= 16:
            block.unit = block.unit or ln
            block.extra.append((page, ln))
        elif _SUBTITLE.match(t) or _CONTINUED.search(t):
            block.extra.append((page, ln))
        else:
            break  # something else: the title is not above this line


def _take_footer(
    block: _Block, raw: _RawLines, layouts: list[PageLayout], pi: int, gi: int
) -> None:
    """The footer line below the grid closes the form."""
    lay = layouts[pi]
    grid = lay.grids[gi]
    ceiling = lay.grids[gi + 1].top if gi + 1 < len(lay.grids) else lay.page.height + 1
    below = [ln for ln in raw.of(lay) if ln.top >= grid.bottom - 2.0 and ln.bottom <= ceiling]
    candidates = [(lay.page.number, ln) for ln in below[:3]]
    if not below and gi + 1 == len(lay.grids) and pi + 1 < len(layouts):
        # The footer pushed to the top of the next page.
        nxt = layouts[pi + 1]
        first_grid_top = nxt.grids[0].top if nxt.grids else nxt.page.height + 1
        top_lines = [ln for ln in nxt.lines if ln.bottom <= first_grid_top]
        candidates = [(nxt.page.number, ln) for ln in top_lines[:1]]
    for k, (page, ln) in enumerate(candidates):
        if len(split_footer(ln.text)) >= 2:
            footer = ln
            block.extra.append((page, ln))
            # The footer wrapped onto a second line (联系电话/填报日期 below 负责人/经办人).
            for page2, more in candidates[k + 1 :]:
                if page2 != page or not split_footer(more.text) or len(norm(more.text)) > 60:
                    break
                footer = TextLine(
                    footer.glyphs + more.glyphs,
                    min(footer.x0, more.x0),
                    footer.top,
                    max(footer.x1, more.x1),
                    more.bottom,
                )
                block.extra.append((page, more))
            block.footer, block.footer_page = footer, page
            block.closed = True
            return
    if any(
        _is_narrative(ln)
        for ln in lay.lines
        if ln.top >= grid.bottom - 2.0 and ln.bottom <= ceiling
    ):
        block.closed = True


def _is_narrative(ln: TextLine) -> bool:
    t = norm(ln.text)
    return bool(t) and not _CONTINUED.search(t) and not unit_of(t)


def _continues(
    prev: _Part, lay: PageLayout, gi: int, layouts: list[PageLayout], labelled: bool
) -> bool:
    """Whether grid *gi* of *lay* continues the form whose last grid is *prev*."""
    grid = lay.grids[gi]
    pw, gw = prev.grid.xs[-1] - prev.grid.xs[0], grid.xs[-1] - grid.xs[0]
    if not labelled and abs(pw - gw) > 0.05 * max(pw, gw):
        return False
    if prev.lay is lay:
        between = [
            ln for ln in lay.lines if ln.top >= prev.grid.bottom - 1 and ln.bottom <= grid.top + 1
        ]
        return not any(_is_narrative(ln) for ln in between)
    # Next page: prev was the last grid of its page, this is the first of this page, and
    # nothing but running lines (already removed), a （续） line or a repeated title between.
    if lay.page.number != prev.lay.page.number + 1 or gi != 0:
        return False
    if prev.lay.grids and prev.lay.grids[-1] is not prev.grid:
        return False
    after = [ln for ln in prev.lay.lines if ln.top >= prev.grid.bottom - 1]
    before = [ln for ln in lay.lines if ln.bottom <= grid.top + 1]
    return not any(_is_narrative(ln) and not is_form_title(ln.text) for ln in after + before)


# --- building the forms -----------------------------------------------------------------


def _boxes(block: _Block) -> list[SourceRef]:
    out: dict[int, SourceRef] = {}
    for part in block.parts:
        ref = SourceRef(part.grid.page, part.grid.bbox)
        out[ref.page] = ref.union(out.get(ref.page))
    for page, ln in block.extra:
        ref = SourceRef(page, ln.bbox)
        out[page] = ref.union(out.get(page))
    return [out[p] for p in sorted(out)]


def _pages(block: _Block) -> list[int]:
    return sorted({p.grid.page for p in block.parts})


def _project(block: _Block) -> PerformanceForm:
    form = PerformanceForm(page=block.parts[0].grid.page, pages=_pages(block))
    if block.title is not None:
        form.fields["title"] = Field.of(
            block.title.text.strip(), SourceRef(block.title_page, block.title.bbox)
        )
    read_project_rows(form, form_rows([p.grid for p in block.parts]))
    if not form.value("funds_unit") and block.unit is not None:
        form.fields["funds_unit"] = Field.of(
            unit_of(block.unit.text), SourceRef(block.parts[0].grid.page, block.unit.bbox)
        )
    if block.footer is not None:
        read_footer(
            form, split_footer(block.footer.text), SourceRef(block.footer_page, block.footer.bbox)
        )
    for name in (
        "title",
        "project_name",
        "department",
        "implementer",
        "attribute",
        "period",
        "funds_unit",
        "period_total",
        "annual_total",
        "goal_period",
        "goal_annual",
    ):
        form.get(name)
    form.boxes = _boxes(block)
    return form


def _overall(block: _Block) -> OverallForm:
    form = OverallForm(page=block.parts[0].grid.page, pages=_pages(block))
    if block.title is not None:
        form.fields["title"] = Field.of(
            block.title.text.strip(), SourceRef(block.title_page, block.title.bbox)
        )
    read_overall_rows(form, form_rows([p.grid for p in block.parts]))
    form.get("department")
    form.boxes = _boxes(block)
    return form
