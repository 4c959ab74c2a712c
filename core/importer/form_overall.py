"""The overall performance form (部门（单位）整体支出绩效目标表) from its grid rows.

Like the project form it is read by its labels: 部门名称, 部门基本信息 (编制数, 在职人数 …),
部门职责, 部门战略目标, 年度预算情况 (by source and by direction), 核心职能/重点任务, 年度绩效
目标 and the indicator block, which has a single (年度) value column. Each label's content is
what is printed to its right in the rows its cell spans; multi-row blocks keep their rows
as printed, one line each. The budget block also yields its label/amount pairs
(``财政拨款 | 957.23``, or a row of labels over a row of amounts) as ``budget_lines``.
"""

from __future__ import annotations

import re

from core.importer.form_indicators import IndicatorReader, is_header_row
from core.importer.form_labels import OVERALL_LABELS, is_form_title, label_kind, norm
from core.importer.form_rows import (
    FormRow,
    cell_field,
    label_value_pairs,
    overlap,
    value_tokens,
)
from core.importer.grid import GridCell
from core.model import Field, OverallForm, SourceRef

__all__ = ["read_overall_rows"]

_SOURCE = re.compile(r"(?:按)?(?:资金)?来源|收入(?:构成|来源)?|按来源(?:分)?")
_DIRECTION = re.compile(
    r"(?:按)?(?:支出)?(?:方向|用途|投向)(?:分)?|资金投向|支出(?:构成|方向)?|按用途(?:分)?"
)
_DIRECTION_LINE = re.compile(r"基本支出|项目支出|人员经费|公用经费|人员支出|公用支出|支出")


def _kind(cell: GridCell) -> str | None:
    return label_kind(cell.text, OVERALL_LABELS)


def read_overall_rows(form: OverallForm, rows: list[FormRow]) -> None:
    ind = IndicatorReader(single_half="annual")
    i = 0
    while i < len(rows):
        row = rows[i]
        if row.blank:
            i += 1
            continue
        if is_header_row(row):
            ind.start(row, rows[i - 1] if i > 0 and rows[i - 1].grid is row.grid else None)
            i += 1
            continue
        label, li = _first_label(row)
        if ind.active:
            if label is None or label.row != row.r or _kind(label) in ("indicators", None):
                ind.read(row)
                i += 1
                continue
            ind.stop()
        if label is None:
            texts = [c for c in row.cells if c.text.strip()]
            if len(texts) == 1 and is_form_title(texts[0].text) and not form.value("title"):
                form.fields["title"] = cell_field(texts[0], row.page)
            i += 1
            continue
        if label.row != row.r:
            i += 1
            continue
        kind = _kind(label)
        if kind == "indicators":
            i += 1  # the block's label cell; its header row follows
            continue
        span = [rw for rw in rows[i : i + label.rowspan] if rw.grid is row.grid]
        if kind == "budget":
            _read_budget(form, label, span)
        elif kind in ("basic_info", "tasks"):
            _set(form, kind, _block_text(label, span))
        else:
            _read_pairs(form, span, label, li)
        i += max(1, len(span))
    form.indicators = ind.indicators


def _first_label(row: FormRow) -> tuple[GridCell | None, int]:
    for k, c in enumerate(row.cells):
        if _kind(c) is not None:
            return c, k
        if c.text.strip() and row.own(c) and c.rowspan == 1:
            return None, k  # content before any label: not a label row
    return None, -1


def _set(form: OverallForm, name: str, f: Field) -> None:
    cur = form.fields.get(name)
    if cur is None or not cur.value.strip():
        form.fields[name] = f


def _block_text(label: GridCell, span: list[FormRow]) -> Field:
    """The rows right of a label, as printed: cells joined by a space, rows by a newline."""
    lines = []
    src: SourceRef | None = None
    for rw in span:
        cells = [c for c in rw.right_of(label) if rw.own(c) and c.text.strip()]
        if not cells:
            continue
        lines.append(" ".join(c.text for c in cells))
        for c in cells:
            box = SourceRef(rw.page, c.text_bbox() or c.bbox)
            src = box if src is None else src.union(box)
    return Field.of("\n".join(lines), src)


def _read_pairs(form: OverallForm, span: list[FormRow], label: GridCell, li: int) -> None:
    for rw in span:
        cells = rw.cells[li:] if rw.r == label.row else rw.right_of(label)
        current: str | None = None
        values: list[GridCell] = []
        for c in cells + [None]:  # type: ignore[list-item]
            kind = _kind(c) if c is not None else "__end__"
            if kind is not None:
                if current is not None and current not in ("budget", "indicators"):
                    vals = [v for v in values if v.text.strip()]
                    if vals:
                        f = cell_field(vals[0], rw.page, "".join(v.text for v in vals))
                        _set(form, current, f)
                    else:
                        form.fields.setdefault(current, Field.of(""))
                current, values = kind, []
            elif current is not None:
                assert c is not None  # the None end marker always has a kind
                values.append(c)


def _group_of(text: str) -> str | None:
    t = norm(text).rstrip(":")
    if _SOURCE.fullmatch(t):
        return "source"
    if _DIRECTION.fullmatch(t):
        return "direction"
    return None


def _read_budget(form: OverallForm, label: GridCell, span: list[FormRow]) -> None:
    texts: dict[str, list[str]] = {"source": [], "direction": []}
    srcs: dict[str, SourceRef | None] = {"source": None, "direction": None}
    pending_labels: list[tuple[Field, GridCell]] = []
    for rw in span:
        cells = [c for c in rw.right_of(label)]
        group = None
        if cells and _group_of(cells[0].text):
            group = _group_of(cells[0].text)
            cells = cells[1:]
        own = [c for c in cells if rw.own(c)]
        toks = value_tokens(own, rw.page)
        printed = " ".join(c.text for c in own if c.text.strip())
        labels = [(f, c) for kind, f, c in toks if kind == "label"]
        values = [(f, c) for kind, f, c in toks if kind == "value" and f.value.strip()]
        pairs: list[tuple[Field, Field, GridCell]] = []
        if labels and not values:
            pending_labels = labels  # a row of labels over a row of amounts
        elif values and not labels and pending_labels:
            for f, c in values:
                for lf, lc in pending_labels:
                    if overlap(c.x0, c.x1, lc.x0, lc.x1) > 0.5:
                        pairs.append((lf, f, lc))
                        break
            pending_labels = []
        else:
            pairs = label_value_pairs(toks)
        for lab, val, _c in pairs:
            g = group or ("direction" if _DIRECTION_LINE.search(norm(lab.value)) else "source")
            key = norm(lab.value).rstrip(":")
            if key in form.budget_lines:
                key = f"{key}（{'投向' if g == 'direction' else '来源'}）"
            form.budget_lines[key] = val
        if printed:
            g = group or (
                "direction"
                if pairs and all(_DIRECTION_LINE.search(norm(p[0].value)) for p in pairs)
                else "source"
            )
            texts[g].append(printed)
            for c in own:
                box = SourceRef(rw.page, c.text_bbox() or c.bbox)
                srcs[g] = box if srcs[g] is None else box.union(srcs[g])
    _set(form, "budget_by_source", Field.of("\n".join(texts["source"]), srcs["source"]))
    _set(form, "budget_by_direction", Field.of("\n".join(texts["direction"]), srcs["direction"]))
