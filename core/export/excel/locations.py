"""Where a finding points, in words and as a workbook cell.

:func:`describe_location` says it the way a clerk reads the document
(``表三 预算支出总表 第5行（20103 政府办公厅…）合计``); :class:`Anchors` maps a
:class:`~core.validation.findings.Location` to the sheet and cell the writer put it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.catalog import spec
from core.model import Disclosure
from core.validation.findings import Location

from .layout import FORM_LABELS, INDICATOR_LABELS, OVERALL_LABELS

__all__ = ["Anchors", "describe_location", "parse_indicator_field"]

_INDICATOR_FIELD = re.compile(r"^indicators\[(\d+)\](?:\.(\w+))?$")
_ROW_LABEL_MAX = 16


def parse_indicator_field(name: str | None) -> tuple[int, str | None] | None:
    """``indicators[3].value_annual`` → (3, "value_annual"); None for a plain field."""
    m = _INDICATOR_FIELD.match(name or "")
    if not m:
        return None
    return int(m.group(1)), m.group(2)


@dataclass
class Anchors:
    """Location keys → (sheet, row, column), filled by the writer as it writes."""

    cells: dict[tuple, tuple[str, int, int]] = field(default_factory=dict)

    def put(self, key: tuple, sheet: str, row: int, column: int) -> None:
        self.cells.setdefault(key, (sheet, row, column))

    def of(self, loc: Location) -> tuple[str, int, int] | None:
        if loc.table is not None:
            column = None
            if loc.column is not None:
                try:
                    column = spec(loc.table).columns.index(loc.column)
                except (KeyError, ValueError):
                    column = None
            for key in (
                ("table", loc.table, loc.row, column),
                ("table", loc.table, loc.row, None),
                ("table", loc.table, None, None),
            ):
                if key in self.cells:
                    return self.cells[key]
            return None
        if loc.form is not None:
            owner = "overall" if loc.overall else "form"
            ind = parse_indicator_field(loc.field)
            keys: list[tuple] = []
            if ind is not None:
                i, name = ind
                keys += [
                    ("ind", owner, loc.form, i, name or "level3"),
                    ("ind", owner, loc.form, i, "level3"),
                ]
            elif loc.field:
                keys.append((owner, loc.form, loc.field))
            keys.append((owner, loc.form, None))
            for key in keys:
                if key in self.cells:
                    return self.cells[key]
            return None
        if loc.section_index is not None:
            return self.cells.get(("section", loc.section_index))
        return None


def _row_label(doc: Disclosure, table: str, row: int) -> str:
    t = doc.tables.get(table)
    if t is None or not 0 <= row < len(t.rows):
        return ""
    s = spec(table)
    words = [
        t.rows[row].cells[i].value.strip() for i in s.text_indices() if i < len(t.rows[row].cells)
    ]
    text = " ".join(w for w in words if w)
    return text if len(text) <= _ROW_LABEL_MAX else text[:_ROW_LABEL_MAX] + "…"


def describe_location(doc: Disclosure, loc: Location) -> str:
    """A location in words."""
    if loc.table is not None:
        try:
            s = spec(loc.table)
            where = f"{s.label} {s.name}"
        except KeyError:
            where = loc.table
        if loc.row is not None:
            label = _row_label(doc, loc.table, loc.row)
            where += f" 第{loc.row + 1}行" + (f"（{label}）" if label else "")
        if loc.column:
            where += f" {loc.column}"
        return where
    if loc.form is not None:
        if loc.overall:
            where = f"整体绩效目标表{loc.form + 1}"
            labels = OVERALL_LABELS
        else:
            where = f"绩效目标表{loc.form + 1}"
            labels = FORM_LABELS
            if 0 <= loc.form < len(doc.performance_forms):
                name = doc.performance_forms[loc.form].value("project_name").strip()
                if name:
                    where += f"（{name[:_ROW_LABEL_MAX]}）"
        ind = parse_indicator_field(loc.field)
        if ind is not None:
            i, ind_name = ind
            where += f" 第{i + 1}个指标"
            if ind_name:
                where += f" {INDICATOR_LABELS.get(ind_name, ind_name)}"
        elif loc.field:
            where += f" {labels.get(loc.field, loc.field)}"
        return where
    if loc.section is not None or loc.section_index is not None:
        heading = loc.section
        if (
            heading is None
            and loc.section_index is not None
            and 0 <= loc.section_index < len(doc.narrative)
        ):
            heading = doc.narrative[loc.section_index].heading
        return f"情况说明 {heading or ''}".strip()
    return "整个文件"
