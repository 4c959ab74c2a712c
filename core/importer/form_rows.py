"""The rows of a performance form's grids, read as one sequence over its pages.

A form is printed as one ruled grid, or as several (a form running over two pages, or a
typesetter drawing the indicator block apart). :class:`FormRow` is one atomic row of one of
those grids with the merged cells covering it; the form parsers walk these rows in order
and never look at absolute positions: a cell belongs to a label by the grid's structure
(same row, to its right; the rows a label cell spans; the header cell above it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.importer.form_labels import is_value_text
from core.importer.grid import Grid, GridCell
from core.model import Field, SourceRef

__all__ = [
    "FormRow",
    "cell_field",
    "form_rows",
    "label_value_pairs",
    "overlap",
    "value_tokens",
]


@dataclass(slots=True)
class FormRow:
    grid: Grid
    r: int
    cells: list[GridCell]  # the distinct merged cells covering the row, left to right

    @property
    def page(self) -> int:
        return self.grid.page

    def own(self, cell: GridCell) -> bool:
        """Whether *cell* starts in this row (not carried down from a row above)."""
        return cell.row == self.r

    def right_of(self, cell: GridCell) -> list[GridCell]:
        return [c for c in self.cells if c.col >= cell.col + cell.colspan]

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def blank(self) -> bool:
        return all(not c.text.strip() for c in self.cells)


def form_rows(grids: list[Grid]) -> list[FormRow]:
    out = []
    for g in grids:
        for r in range(g.n_rows):
            out.append(FormRow(g, r, g.cells_in_row(r)))
    return out


def cell_field(cell: GridCell | None, page: int, text: str | None = None) -> Field:
    """A Field for a cell's text (or *text*), sourced at the printed glyphs."""
    if cell is None:
        return Field.of(text or "")
    box = cell.text_bbox() or cell.bbox
    return Field.of(cell.text if text is None else text, SourceRef(page, box))


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """How much of the shorter of two x ranges the other covers (0..1)."""
    inter = min(a1, b1) - max(a0, b0)
    short = min(a1 - a0, b1 - b0)
    if short <= 0:
        return 0.0
    return max(0.0, inter) / short


def value_tokens(cells: list[GridCell], page: int) -> list[tuple[str, Field, GridCell]]:
    """("label"|"value", field, cell) tokens of a funds row; ``年度资金总额：200,000`` in one
    cell gives both."""
    out: list[tuple[str, Field, GridCell]] = []
    for c in cells:
        t = c.text.strip()
        if is_value_text(t):
            out.append(("value", cell_field(c, page), c))
            continue
        m = re.match(r"^(.*?[^\d,.\s-])\s*[:：]?\s*([-+]?\d[\d,]*(?:\.\d+)?)$", t)
        if m and not re.search(r"\d$", m.group(1)):
            out.append(("label", cell_field(c, page, m.group(1).rstrip(":：").strip()), c))
            out.append(("value", cell_field(c, page, m.group(2)), c))
        else:
            out.append(("label", cell_field(c, page), c))
    return out


def label_value_pairs(
    tokens: list[tuple[str, Field, GridCell]],
) -> list[tuple[Field, Field, GridCell]]:
    """(label, value, label cell) pairs: a label takes the value token after it."""
    out: list[tuple[Field, Field, GridCell]] = []
    k = 0
    while k < len(tokens):
        kind, f, c = tokens[k]
        if kind == "label":
            if k + 1 < len(tokens) and tokens[k + 1][0] == "value":
                out.append((f, tokens[k + 1][1], c))
                k += 2
                continue
            out.append((f, Field.of(""), c))
        k += 1
    return out
