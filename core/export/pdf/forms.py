"""Performance forms (绩效目标表) in one consistent merged-cell layout.

A project form (项目支出绩效目标表) is an 8-column ruled grid:

- 项目名称; 主管部门及代码 | 实施单位; 项目属性 | 项目期;
- 项目资金（元） spanning six rows: 实施期资金总额 / 年度资金总额, then 其中：中央财政资金,
  省级财政资金, 市县（区）财政资金, 单位自筹, 其他资金 for both;
- 项目分类 (when the form has one), 项目概况, 立项依据, 项目设立必要性,
  保证项目实施的制度、措施, 项目实施计划;
- 总体目标 spanning 实施期目标 | 年度目标 and their texts;
- the indicator block: 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 (实施期) |
  二级指标 | 三级指标 | 指标值 (年度), 一级 and 二级 cells spanning the rows they cover;
- 负责人 / 经办人 / 联系电话 / 填报日期 under the grid.

The overall form (部门整体支出绩效目标表) uses the same style with 部门名称, 部门基本信息,
部门职责, 年度预算情况, 核心职能/重点任务, 年度绩效目标 and a 年度指标值 indicator block.

The indicator block is an :class:`IndicatorBlock`: when it does not fit on the page it
splits between rows and repeats its header row, re-merging the 一级/二级 cells on each
part (reportlab cannot split a table inside a merged cell).
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.platypus import Flowable, PageBreak, Paragraph, Table, TableStyle

from core.model import OverallForm, PerformanceForm

from .linebreak import cell_text
from .pages import PORTRAIT_WIDTH
from .styles import Styles

__all__ = ["IndicatorBlock", "overall_form_flowables", "project_form_flowables"]

# Project form column widths as fractions of the frame width (sum 1).
_PROJECT_COLUMNS = (0.11, 0.10, 0.125, 0.17, 0.11, 0.125, 0.15, 0.11)
# Overall form: label | 一级 | 二级 | 三级 | 年度指标值.
_OVERALL_COLUMNS = (0.14, 0.14, 0.17, 0.32, 0.23)

FUND_ROWS = (
    ("实施期资金总额", "period_total", "年度资金总额", "annual_total"),
    ("其中：中央财政资金", "period_central", "其中：中央财政资金", "annual_central"),
    ("省级财政资金", "period_provincial", "省级财政资金", "annual_provincial"),
    ("市县（区）财政资金", "period_local", "市县（区）财政资金", "annual_local"),
    ("单位自筹", "period_self", "单位自筹", "annual_self"),
    ("其他资金", "period_other", "其他资金", "annual_other"),
)
TEXT_ROWS = (
    ("项目概况", "overview"),
    ("立项依据", "basis"),
    ("项目设立必要性", "necessity"),
    ("保证项目实施的制度、措施", "measures"),
    ("项目实施计划", "plan"),
)


def _grid_style(styles: Styles, extra: Sequence[tuple] = ()) -> TableStyle:
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), styles.font),
            ("FONTSIZE", (0, 0), (-1, -1), styles.cell_font_size),
            ("GRID", (0, 0), (-1, -1), styles.rule_width, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), styles.cell_padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), styles.cell_padding),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            *extra,
        ]
    )


def _merge_runs(values: Sequence[str]) -> list[tuple[int, int]]:
    """Runs ``(first, last)`` of equal non-blank consecutive values (length > 1)."""
    runs = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[i].strip() and values[j + 1] == values[i]:
            j += 1
        if j > i:
            runs.append((i, j))
        i = j + 1
    return runs


class IndicatorBlock(Flowable):
    """An indicator grid that splits between rows, re-merging cells on each page.

    *header* is the header row's labels; *rows* the body rows' texts; *merge* lists
    ``(column, key columns)``: a column's cells merge over consecutive rows whose key
    columns are equal (二级 merges within its 一级). A column merged within others (二级)
    never merges an empty row — one whose other cells are all blank, a 二级指标 printed
    without 三级指标 — so that row keeps its own label and reads back as a row. Column 0
    holds *side_label* (绩效指标) merged over the whole block.
    """

    def __init__(
        self,
        widths: Sequence[float],
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        merge: Sequence[tuple[int, tuple[int, ...]]],
        styles: Styles,
        side_label: str = "绩效指标",
    ) -> None:
        super().__init__()
        self.widths = list(widths)
        self.header = list(header)
        self.rows = [list(r) for r in rows]
        self.merge = list(merge)
        self.styles = styles
        self.side_label = side_label
        self._table: Table | None = None

    def _make(self, rows: Sequence[Sequence[str]]) -> Table:
        st = self.styles
        data: list[list[object]] = [
            [
                cell_text(self.side_label, st.form_label),
                *(cell_text(h, st.form_label) for h in self.header),
            ]
        ]
        for r in rows:
            data.append([""] + [cell_text(t, st.form_cell) for t in r])
        n = len(rows)
        extra: list[tuple] = [("SPAN", (0, 0), (0, n))] if n else []
        merged = {col for col, _ in self.merge}
        empty = [not any(t for j, t in enumerate(r) if j not in merged) for r in rows]
        for col, keys in self.merge:
            keyed = [
                "\x1f".join(r[k] for k in (*keys, col)) + (f"\x1e{i}" if keys and empty[i] else "")
                for i, r in enumerate(rows)
            ]
            for a, b in _merge_runs(keyed):
                if rows[a][col].strip():
                    extra.append(("SPAN", (col + 1, a + 1), (col + 1, b + 1)))
        return Table(data, colWidths=self.widths, style=_grid_style(st, extra), hAlign="CENTER")

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._table is None:
            self._table = self._make(self.rows)
        self.width, self.height = self._table.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        if len(self.rows) <= 1:
            return []
        full = self._make(self.rows)
        full.wrap(availWidth, availHeight)
        heights = full._rowHeights  # header first
        k, used = 0, heights[0]
        while k < len(self.rows) and used + heights[k + 1] <= availHeight:
            used += heights[k + 1]
            k += 1
        # Merged cells can make a part taller than the sum of its rows: check it.
        while k > 0:
            part = self._make(self.rows[:k])
            if part.wrap(availWidth, availHeight)[1] <= availHeight:
                break
            k -= 1
        if k == 0 or k >= len(self.rows):
            return []
        rest = IndicatorBlock(
            self.widths, self.header, self.rows[k:], self.merge, self.styles, self.side_label
        )
        return [self._make(self.rows[:k]), rest]

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


def _v(form: PerformanceForm | OverallForm, name: str) -> str:
    return form.value(name)


def _funds_label(unit: str) -> str:
    unit = unit.strip()
    return f"项目资金（{unit}）" if unit else "项目资金"


def project_form_flowables(
    form: PerformanceForm, year: int | None, styles: Styles
) -> list[Flowable]:
    """A project form, starting on a new page."""
    st = styles
    w = [PORTRAIT_WIDTH * f for f in _PROJECT_COLUMNS]
    lab = st.form_label
    txt = st.form_cell

    def L(text: str) -> Paragraph | list[Paragraph]:  # noqa: N802 - a label cell
        return cell_text(text, lab)

    def T(name: str) -> Paragraph | list[Paragraph]:  # noqa: N802 - a value cell
        return cell_text(_v(form, name), txt)

    def A(name: str) -> Paragraph | list[Paragraph]:  # noqa: N802 - an amount cell
        return cell_text(_v(form, name), st.form_amount)

    data: list[list[object]] = []
    spans: list[tuple] = []

    def add(row: list[object], *row_spans: tuple[int, int]) -> None:
        r = len(data)
        data.append(row + [""] * (8 - len(row)))
        for c0, c1 in row_spans:
            spans.append(("SPAN", (c0, r), (c1, r)))

    add([L("项目名称"), T("project_name")], (1, 7))
    add(
        [L("主管部门及代码"), T("department"), "", "", L("实施单位"), T("implementer")],
        (1, 3),
        (5, 7),
    )
    add([L("项目属性"), T("attribute"), "", "", L("项目期"), T("period")], (1, 3), (5, 7))
    first_fund = len(data)
    for k, (lp, fp, la, fa) in enumerate(FUND_ROWS):
        side = L(_funds_label(_v(form, "funds_unit"))) if k == 0 else ""
        add([side, L(lp), "", A(fp), L(la), "", A(fa), ""], (1, 2), (4, 5), (6, 7))
    spans.append(("SPAN", (0, first_fund), (0, first_fund + len(FUND_ROWS) - 1)))
    if _v(form, "category").strip():
        add([L("项目分类"), T("category")], (1, 7))
    for label, name in TEXT_ROWS:
        add([L(label), T(name)], (1, 7))
    goal = len(data)
    add([L("总体目标"), L("实施期目标"), "", "", "", L("年度目标")], (1, 4), (5, 7))
    add(["", T("goal_period"), "", "", "", T("goal_annual")], (1, 4), (5, 7))
    spans.append(("SPAN", (0, goal), (0, goal + 1)))
    top = Table(data, colWidths=w, style=_grid_style(st, spans), hAlign="CENTER")

    rows = [
        [
            i.level1.value,
            i.level2.value,
            i.level3.value,
            i.value_period.value,
            i.level2.value,
            i.level3_annual.value,
            i.value_annual.value,
        ]
        for i in form.indicators
    ]
    block = IndicatorBlock(
        w,
        ["一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
        rows,
        merge=[(0, ()), (1, (0,)), (4, (0,))],
        styles=st,
    )
    title = _v(form, "title").strip() or "项目支出绩效目标表"
    out: list[Flowable] = [
        PageBreak(),
        Paragraph(escape(title), st.form_title),
        Paragraph(f"（{year}年度）" if year else "", st.form_subtitle),
        top,
    ]
    if rows:
        out.append(block)
    out.append(_signature(form, st))
    return out


def _signature(form: PerformanceForm, st: Styles) -> Table:
    parts = [
        ("负责人", "leader"),
        ("经办人", "handler"),
        ("联系电话", "phone"),
        ("填报日期", "date"),
    ]
    cells = [cell_text(f"{label}：{_v(form, name)}", st.form_cell) for label, name in parts]
    return Table(
        [cells],
        colWidths=[PORTRAIT_WIDTH * f for f in (0.22, 0.22, 0.28, 0.28)],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), st.font),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
            ]
        ),
        hAlign="CENTER",
    )


OVERALL_TEXT_ROWS = (
    ("部门名称", "department"),
    ("部门基本信息", "basic_info"),
    ("部门职责", "duties"),
    ("部门战略目标", "strategy"),
)


def overall_form_flowables(form: OverallForm, year: int | None, styles: Styles) -> list[Flowable]:
    """The overall form (部门整体支出绩效目标表), starting on a new page."""
    st = styles
    width = PORTRAIT_WIDTH
    lw = width * 0.18
    w = [lw, (width - lw) * 0.5, (width - lw) * 0.5]
    data: list[list[object]] = []
    spans: list[tuple] = []

    def add_text(label: str, text: str) -> None:
        r = len(data)
        data.append([cell_text(label, st.form_label), cell_text(text, st.form_cell), ""])
        spans.append(("SPAN", (1, r), (2, r)))

    for label, name in OVERALL_TEXT_ROWS:
        if name in ("department", "basic_info", "duties") or _v(form, name).strip():
            add_text(label, _v(form, name))
    budget_start = len(data)
    lines = list(form.budget_lines.items())
    for k, (label, f) in enumerate(lines):
        data.append(
            [
                cell_text("年度预算情况（万元）", st.form_label) if k == 0 else "",
                cell_text(label, st.form_cell),
                cell_text(f.value, st.form_cell),
            ]
        )
    for extra_label, name in (
        ("按收入来源", "budget_by_source"),
        ("按支出方向", "budget_by_direction"),
    ):
        if _v(form, name).strip():
            data.append(
                [
                    "" if len(data) > budget_start else cell_text("年度预算情况", st.form_label),
                    cell_text(extra_label, st.form_cell),
                    cell_text(_v(form, name), st.form_cell),
                ]
            )
    if len(data) - budget_start > 1:
        spans.append(("SPAN", (0, budget_start), (0, len(data) - 1)))
    add_text("核心职能/重点任务", _v(form, "tasks"))
    add_text("年度绩效目标", _v(form, "goal_annual"))
    top = Table(data, colWidths=w, style=_grid_style(st, spans), hAlign="CENTER")
    iw = [width * f for f in _OVERALL_COLUMNS]
    rows = [
        [
            i.level1.value,
            i.level2.value,
            i.level3.value or i.level3_annual.value,
            i.value_annual.value,
        ]
        for i in form.indicators
    ]
    block = IndicatorBlock(
        iw,
        ["一级指标", "二级指标", "三级指标", "年度指标值"],
        rows,
        merge=[(0, ()), (1, (0,))],
        styles=st,
    )
    title = _v(form, "title").strip() or "部门（单位）整体支出绩效目标表"
    out: list[Flowable] = [
        PageBreak(),
        Paragraph(escape(title), st.form_title),
        Paragraph(f"（{year}年度）" if year else "", st.form_subtitle),
        top,
    ]
    if rows:
        out.append(block)
    return out
