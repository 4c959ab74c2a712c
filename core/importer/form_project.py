"""The project performance form (项目支出绩效目标表 / 申报表) from its grid rows.

The rows are walked top to bottom. A label cell (``项目名称``, ``项目资金（元）``,
``总体目标`` …, see :mod:`.form_labels`) opens a block made of the rows it spans; what is
to its right in those rows is its content:

- plain label/value rows: ``主管部门及代码 | 003-… | 实施单位 | …`` — each label takes the
  cells up to the next label (a label and its value may also share a cell:
  ``实施单位：某某``);
- the funds block (项目资金): label/amount pairs, the left pair of a row in the 实施期
  half and the right one in the 年度 half; its first row holds the totals, the others
  the funding sources (其中：中央/省级/市县 财政资金, 单位自筹, 其他资金 or whatever the
  template prints); or, in a columnar layout, a header row (实施期 | 年度) and one row per
  source;
- the goals block (总体目标): the 实施期/中期 and 年度 sub-labels with their texts below them
  (or beside them);
- the 项目分类 block: A/B/C classes with check boxes;
- the indicator block (:mod:`.form_indicators`).
"""

from __future__ import annotations

import re

from core.importer.form_indicators import IndicatorReader, is_header_row
from core.importer.form_labels import (
    GOAL_SUBLABELS,
    PROJECT_LABELS,
    funding_key,
    is_form_title,
    label_kind,
    norm,
    split_footer,
    split_inline_label,
    unit_of,
)
from core.importer.form_rows import (
    FormRow,
    cell_field,
    label_value_pairs,
    overlap,
    value_tokens,
)
from core.importer.grid import GridCell
from core.model import Field, FundingLine, PerformanceForm, SourceRef

__all__ = ["read_project_rows"]

_BLOCKS = ("funds", "goal", "category")
_TEXT_FIELDS = {
    "project_name",
    "department",
    "implementer",
    "attribute",
    "period",
    "overview",
    "basis",
    "necessity",
    "measures",
    "plan",
    "goal_period",
    "goal_annual",
}
_CHECKED = set("☑☒■▣√✓✔✗✘█◼◉●")
_UNCHECKED = set("□☐◻○")


def _kind(cell: GridCell) -> str | None:
    return label_kind(cell.text, PROJECT_LABELS)


def read_project_rows(form: PerformanceForm, rows: list[FormRow]) -> None:
    """Fill *form*'s fields and indicators from its grid rows."""
    ind = IndicatorReader(single_half="annual")
    goal_cols: list[tuple[str, GridCell]] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if row.blank:
            i += 1
            continue
        if _footer_row(form, row):
            ind.stop()
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
            _preamble_row(form, row)
            i += 1
            continue
        kind = _kind(label)
        if label.row != row.r:
            i += 1  # a row of a block already read
            continue
        if kind == "indicators":
            i += 1  # the block's label cell; its header row follows
            continue
        span = [rw for rw in rows[i : i + label.rowspan] if rw.grid is row.grid]
        if kind == "funds":
            _read_funds(form, label, span)
        elif kind == "goal":
            _read_goals(form, label, span, goal_cols)
            goal_cols = []
        elif kind == "category":
            _read_category(form, label, span)
        elif kind in GOAL_SUBLABELS and _all_sublabels(row, li):
            goal_cols = [(_kind(c) or "", c) for c in row.cells[li:] if _kind(c)]
        elif (
            kind in GOAL_SUBLABELS
            and goal_cols == []
            and i + 1 < len(rows)
            and _value_below(row, li, rows[i + 1])
        ):
            _read_goals(form, None, [row, rows[i + 1]], [])
            i += 2
            continue
        else:
            # Plain label/value cells; a label spanning rows takes the cells of all of them.
            cells = row.cells[li:] + [c for rw in span[1:] for c in rw.right_of(label) if rw.own(c)]
            _read_pairs(form, cells, row)
        i += max(1, len(span))
    form.indicators = ind.indicators


def _first_label(row: FormRow) -> tuple[GridCell | None, int]:
    for k, c in enumerate(row.cells):
        if _kind(c) is not None:
            return c, k
        inline = split_inline_label(c.text, PROJECT_LABELS)
        if inline is not None:
            return c, k
        if c.text.strip() and row.own(c) and c.rowspan == 1:
            return None, k  # content before any label: not a label row
    return None, -1


def _all_sublabels(row: FormRow, li: int) -> bool:
    cells = [c for c in row.cells[li:] if c.text.strip()]
    return len(cells) >= 1 and all(_kind(c) in GOAL_SUBLABELS for c in cells)


def _value_below(row: FormRow, li: int, below: FormRow) -> bool:
    """A 年度目标 label whose text is in the row below it (no 总体目标 label around, nothing
    to its right)."""
    lab = row.cells[li]
    if any(c.text.strip() and _kind(c) is None for c in row.cells[li + 1 :]):
        return False
    return (
        below.grid is row.grid
        and not is_header_row(below)
        and any(
            overlap(c.x0, c.x1, lab.x0, lab.x1) > 0.5 and c.text.strip() and _kind(c) is None
            for c in below.cells
        )
    )


def _set(form: PerformanceForm, name: str, f: Field) -> None:
    cur = form.fields.get(name)
    if cur is not None and cur.value.strip():
        return  # the first printed value wins (a repeated label does not overwrite)
    form.fields[name] = f


def _join(cells: list[GridCell], page: int) -> Field:
    cells = [c for c in cells if c.text.strip()]
    if not cells:
        return Field.of("")
    text = "".join(c.text for c in cells)
    src = SourceRef(page, cells[0].text_bbox() or cells[0].bbox)
    for c in cells[1:]:
        src = src.union(SourceRef(page, c.text_bbox() or c.bbox))
    return Field.of(text, src)


def _read_pairs(form: PerformanceForm, cells: list[GridCell], row: FormRow) -> None:
    """``label | value | label | value`` (a label's value: the cells up to the next label)."""
    current: str | None = None
    values: list[GridCell] = []

    def flush() -> None:
        if current in _TEXT_FIELDS:
            _set(form, current, _join(values, row.page))

    for c in cells:
        kind = _kind(c)
        if kind is not None:
            flush()
            current, values = kind, []
            if kind == "funds":
                _set_unit(form, c, row.page)
            continue
        inline = split_inline_label(c.text, PROJECT_LABELS)
        if inline is not None:
            flush()
            current, values = None, []
            k, text = inline
            if k in _TEXT_FIELDS:
                _set(form, k, cell_field(c, row.page, text))
            continue
        if current is not None:
            values.append(c)
    flush()


def _set_unit(form: PerformanceForm, label: GridCell, page: int) -> None:
    unit = unit_of(label.text)
    if unit:
        _set(form, "funds_unit", cell_field(label, page, unit))


def _preamble_row(form: PerformanceForm, row: FormRow) -> None:
    """Rows before the labels: a title or unit printed inside the grid (Excel exports)."""
    texts = [c for c in row.cells if c.text.strip()]
    if len(texts) != 1:
        return
    c = texts[0]
    if is_form_title(c.text) and not form.value("title"):
        form.fields["title"] = cell_field(c, row.page)
    elif unit_of(c.text) and not form.value("funds_unit"):
        form.fields["funds_unit"] = cell_field(c, row.page, unit_of(c.text))


def _footer_row(form: PerformanceForm, row: FormRow) -> bool:
    text = "".join(row.texts())
    if "人" not in text and "电话" not in text and "日期" not in text:
        return False
    parts = split_footer(text)
    if len(parts) < 2:
        return False
    read_footer(
        form,
        parts,
        SourceRef(
            row.page,
            row.grid.bbox[:1] + (row.grid.ys[row.r],) + (row.grid.xs[-1], row.grid.ys[row.r + 1]),
        ),
    )
    return True


def read_footer(form: PerformanceForm, parts: dict[str, str], source: SourceRef | None) -> None:
    for name in ("leader", "handler", "phone", "date"):
        if name in parts and not form.value(name):
            form.fields[name] = Field.of(parts[name], source)


# --- 项目资金 ---------------------------------------------------------------------------


def _read_funds(form: PerformanceForm, label: GridCell, span: list[FormRow]) -> None:
    page = span[0].page
    _set_unit(form, label, page)
    rows = [(rw, value_tokens(rw.right_of(label), rw.page)) for rw in span]
    rows = [(rw, t) for rw, t in rows if any(f.value.strip() for _, f, _ in t)]
    if not rows:
        return
    first_row, first = rows[0]
    labels_only = [f for kind, f, _ in first if kind == "label"]
    values_first = [f for kind, f, _ in first if kind == "value" and f.value.strip()]
    if len(labels_only) >= 2 and not values_first and _columnar(labels_only):
        _read_funds_columnar(form, first, rows[1:])
        return
    pairs = label_value_pairs(first)
    if not pairs:
        return
    if not unit_of(label.text):
        for lab, _v, c in pairs:
            if unit_of(lab.value):
                _set(form, "funds_unit", cell_field(c, first_row.page, unit_of(lab.value)))
                break
    # The totals row: the left pair is the 实施期 half, the right pair the 年度 half; a
    # lone pair goes by its label.
    boundary: float | None = None
    total = FundingLine(pairs[0][0], total=True)
    if len(pairs) >= 2:
        boundary = pairs[1][2].x0 - 0.5
        total.period, total.annual = pairs[0][1], pairs[1][1]
        single = ""
    else:
        single = "period" if _period_label(pairs[0][0].value) else "annual"
        setattr(total, single, pairs[0][1])
    form.funding.append(total)
    _set(form, "period_total", total.period)
    _set(form, "annual_total", total.annual)
    for _rw, toks in rows[1:]:
        line: FundingLine | None = None
        filled: set[str] = set()
        for lab, val, c in label_value_pairs(toks):
            half = single or ("annual" if boundary is not None and c.x0 >= boundary else "period")
            if line is None or half in filled:
                line = FundingLine(lab)
                filled = set()
                form.funding.append(line)
            setattr(line, half, val)
            filled.add(half)
            key = funding_key(lab.value)
            if key:
                _set(form, f"{half}_{key}", val)


def _period_label(text: str) -> bool:
    return bool(re.search(r"实施期|中期|申报期|项目期|总额", norm(text))) and "年度" not in norm(
        text
    )


def _columnar(labels: list[Field]) -> bool:
    texts = [norm(f.value) for f in labels]
    return any("年度" in t for t in texts) and any(
        re.search(r"实施期|中期|申报期", t) for t in texts
    )


def _read_funds_columnar(
    form: PerformanceForm,
    header: list[tuple[str, Field, GridCell]],
    rows: list[tuple[FormRow, list[tuple[str, Field, GridCell]]]],
) -> None:
    cols = []
    for _, f, c in header:
        t = norm(f.value)
        if "年度" in t:
            cols.append(("annual", c))
        elif re.search(r"实施期|中期|申报期", t):
            cols.append(("period", c))
    for k, (_rw, toks) in enumerate(rows):
        labels = [(f, c) for kind, f, c in toks if kind == "label"]
        if not labels:
            continue
        line = FundingLine(labels[0][0], total=(k == 0))
        for kind, f, c in toks:
            if kind != "value":
                continue
            for half, hc in cols:
                if overlap(c.x0, c.x1, hc.x0, hc.x1) > 0.5:
                    if half == "period":
                        line.period = f
                    else:
                        line.annual = f
        form.funding.append(line)
        if k == 0:
            _set(form, "period_total", line.period)
            _set(form, "annual_total", line.annual)
            continue
        key = funding_key(line.label.value)
        if key:
            _set(form, f"period_{key}", line.period)
            _set(form, f"annual_{key}", line.annual)


# --- 总体目标 ---------------------------------------------------------------------------


def _read_goals(
    form: PerformanceForm,
    label: GridCell | None,
    span: list[FormRow],
    goal_cols: list[tuple[str, GridCell]],
) -> None:
    cols = list(goal_cols)
    texts: list[tuple[GridCell, FormRow]] = []
    for rw in span:
        cells = rw.right_of(label) if label is not None else rw.cells
        for c in cells:
            if not rw.own(c):
                continue
            k = _kind(c)
            if k in GOAL_SUBLABELS:
                cols.append((k, c))
                continue
            inline = split_inline_label(c.text, PROJECT_LABELS)
            if inline is not None and inline[0] in GOAL_SUBLABELS:
                _set(form, inline[0], cell_field(c, rw.page, inline[1]))
                continue
            texts.append((c, rw))
    if cols:
        for c, rw in texts:
            best, best_ov = None, 0.3
            for k, hc in cols:
                ov = overlap(c.x0, c.x1, hc.x0, hc.x1)
                if ov > best_ov:
                    best, best_ov = k, ov
            if best is not None:
                _set(form, best, cell_field(c, rw.page))
        for k, _hc in cols:
            form.fields.setdefault(k, Field.of(""))
        return
    filled = [(c, rw) for c, rw in texts]
    if len(filled) >= 2:
        _set(form, "goal_period", cell_field(filled[0][0], filled[0][1].page))
        _set(form, "goal_annual", cell_field(filled[1][0], filled[1][1].page))
    elif filled:
        name = "goal_annual" if label is not None and "年度" in norm(label.text) else "goal_period"
        _set(form, name, cell_field(filled[0][0], filled[0][1].page))


# --- 项目分类 ---------------------------------------------------------------------------


def _read_category(form: PerformanceForm, label: GridCell, span: list[FormRow]) -> None:
    """The A/B/C classes: the checked options (``C类项目：部门围绕…``), "" when none is."""
    chosen: list[str] = []
    src: SourceRef | None = None
    for rw in span:
        cls = ""
        for c in rw.right_of(label):
            if not rw.own(c) or not c.text.strip():
                continue
            t = norm(c.text)
            if re.fullmatch(r"[☑☒■▣√✓✔□☐◻]?[A-Da-d一二三]类(?:项目)?", t):
                cls = t.lstrip("".join(_CHECKED | _UNCHECKED))
                if t[0] in _CHECKED:
                    chosen.append(cls)
                    src = _grow(src, c, rw.page)
                continue
            for option in _checked_options(c):
                chosen.append(f"{cls}：{option}" if cls else option)
                src = _grow(src, c, rw.page)
    if src is None:  # nothing ticked: the block's options are still where it was printed
        for rw in span:
            for c in rw.right_of(label):
                if rw.own(c) and c.text.strip():
                    src = _grow(src, c, rw.page)
    form.fields["category"] = Field.of("；".join(chosen), src)


def _grow(src: SourceRef | None, c: GridCell, page: int) -> SourceRef:
    box = SourceRef(page, c.text_bbox() or c.bbox)
    return box if src is None else src.union(box)


def _checked_options(cell: GridCell) -> list[str]:
    """Options of a check-box cell whose box is ticked (□ option ☑ option …)."""
    text = "".join(g.text for g in sorted(cell.glyphs, key=lambda g: (round(g.cy / 3), g.x0)))
    marks = _CHECKED | _UNCHECKED
    out = []
    parts = re.split(f"([{''.join(sorted(marks))}])", text)
    k = 1
    while k < len(parts):
        mark, option = parts[k], parts[k + 1].strip() if k + 1 < len(parts) else ""
        if mark in _CHECKED and option:
            out.append(option)
        k += 2
    return out
