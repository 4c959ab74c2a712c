"""The two charts of the standardized PDF, drawn from the tables (reportlab.graphics).

- 一般公共预算当年拨款结构图: a pie of the function classes (类, 3-digit codes) of the
  一般公共预算支出表 with their 合计, legend with amount and share;
- “三公”经费分布图: a horizontal bar chart of 因公出国（境）费, 公务接待费, 公务用车购置费 and
  公务用车运行维护费 (a bar chart, because most of them are often zero).

Amounts are exact Decimals until they become drawing coordinates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph

from core.amounts import format_amount, parse_amount
from core.model import Disclosure

from .styles import Styles

__all__ = [
    "ChartItem",
    "function_class_items",
    "function_class_pie",
    "three_public_bars",
    "three_public_items",
]

PALETTE = (
    colors.HexColor("#3b6ea8"),
    colors.HexColor("#e08a3c"),
    colors.HexColor("#5aa469"),
    colors.HexColor("#c8504f"),
    colors.HexColor("#8a6bb8"),
    colors.HexColor("#8c6d4f"),
    colors.HexColor("#d67fb5"),
    colors.HexColor("#7f7f7f"),
    colors.HexColor("#b5b83b"),
    colors.HexColor("#3bb5c0"),
)
_CLASS_CODE = re.compile(r"^\d{3}$")
_CIRCLED = re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]\s*")


@dataclass(frozen=True)
class ChartItem:
    label: str
    amount: Decimal


def _amount(text: str) -> Decimal:
    try:
        return parse_amount(text) or Decimal(0)
    except ValueError:
        return Decimal(0)


def function_class_items(doc: Disclosure) -> list[ChartItem]:
    """The 类 rows (3-digit codes) of the 一般公共预算支出表 with their 合计."""
    table = doc.tables.get("general_budget_expense")
    if table is None:
        return []
    items = []
    for row in table.rows:
        code = row.cells[0].value.strip()
        if _CLASS_CODE.match(code):
            amount = _amount(row.cells[2].value)
            if amount > 0:
                items.append(ChartItem(row.cells[1].value.strip() or code, amount))
    return items


def three_public_items(doc: Disclosure) -> list[ChartItem]:
    """因公出国（境）费, 公务接待费, 公务用车购置费, 公务用车运行维护费 (合计 column)."""
    table = doc.tables.get("three_public")
    wanted = {
        "因公出国（境）费": "因公出国（境）费",
        "因公出国(境)费": "因公出国（境）费",
        "公务接待费": "公务接待费",
        "公务用车购置费": "公务用车购置费",
        "公务用车运行维护费": "公务用车运行维护费",
        "公务用车运行费": "公务用车运行维护费",
    }
    found: dict[str, Decimal] = {}
    vehicle_total: Decimal | None = None
    if table is not None:
        for row in table.rows:
            name = _CIRCLED.sub("", row.cells[0].value.strip()).removeprefix("其中：")
            if name in wanted:
                found[wanted[name]] = _amount(row.cells[1].value)
            elif name.startswith("公务用车购置及运行"):
                vehicle_total = _amount(row.cells[1].value)
    if vehicle_total is not None and not ({"公务用车购置费", "公务用车运行维护费"} & found.keys()):
        found["公务用车购置及运行费"] = vehicle_total
    order = ["因公出国（境）费", "公务接待费", "公务用车购置费", "公务用车运行维护费"]
    if "公务用车购置及运行费" in found:
        order = ["因公出国（境）费", "公务接待费", "公务用车购置及运行费"]
    return [ChartItem(label, found.get(label, Decimal(0))) for label in order]


def _share(part: Decimal, total: Decimal) -> str:
    if total <= 0:
        return "0.00%"
    return format_amount(part * 100 / total) + "%"


def function_class_pie(doc: Disclosure, styles: Styles, width: float) -> list[Flowable]:
    """The pie of the function classes, or a note when there is nothing to draw."""
    items = function_class_items(doc)
    if not items:
        return [Paragraph("本年度一般公共预算当年拨款为0，无结构图。", styles.chart_note)]
    total = sum((i.amount for i in items), Decimal(0))
    height = max(220.0, 40.0 + 18.0 * len(items))
    d = Drawing(width, height)
    pie = Pie()
    size = 180.0
    pie.x, pie.y = 20, (height - size) / 2
    pie.width = pie.height = size
    pie.data = [float(i.amount) for i in items]
    pie.labels = None
    pie.startAngle = 90
    pie.direction = "clockwise"
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 0.8
    for k in range(len(items)):
        pie.slices[k].fillColor = PALETTE[k % len(PALETTE)]
    d.add(pie)
    legend = Legend()
    legend.x, legend.y = 230, height - 20
    legend.alignment = "right"
    legend.fontName = styles.font
    legend.fontSize = 9.5
    legend.dx = legend.dy = 9
    legend.deltay = 18
    legend.columnMaximum = 30
    legend.colorNamePairs = [
        (
            PALETTE[k % len(PALETTE)],
            f"{i.label}  {format_amount(i.amount, thousands=True)}万元（{_share(i.amount, total)}）",
        )
        for k, i in enumerate(items)
    ]
    d.add(legend)
    d.add(
        String(
            legend.x + legend.dx + legend.dxTextSpace,
            legend.y - legend.deltay * len(items) - 6,
            f"合计  {format_amount(total, thousands=True)}万元",
            fontName=styles.font,
            fontSize=9.5,
        )
    )
    return [d]


def three_public_bars(doc: Disclosure, styles: Styles, width: float) -> list[Flowable]:
    """The “三公” bar chart (one bar per item, value at the end of each bar)."""
    items = three_public_items(doc)
    n = len(items)
    height = 50.0 + 34.0 * n
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 130, 30
    chart.width = width - 200
    chart.height = height - 45
    # Draw top-down in table order.
    chart.data = [[float(i.amount) for i in reversed(items)]]
    chart.categoryAxis.categoryNames = [i.label for i in reversed(items)]
    chart.categoryAxis.labels.fontName = styles.font
    chart.categoryAxis.labels.fontSize = 9.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -6
    chart.categoryAxis.visibleTicks = 0
    chart.valueAxis.labels.fontName = styles.font
    chart.valueAxis.labels.fontSize = 8.5
    chart.valueAxis.valueMin = 0
    top = max((i.amount for i in items), default=Decimal(0))
    if top <= 0:
        chart.valueAxis.valueMax = 1
        chart.valueAxis.valueStep = 0.25
    chart.valueAxis.labelTextFormat = "%.2f"
    chart.bars[0].fillColor = PALETTE[0]
    chart.bars[0].strokeColor = None
    chart.barWidth = 14
    chart.barLabelFormat = lambda v: format_amount(Decimal(str(v)), thousands=True)
    chart.barLabels.fontName = styles.font
    chart.barLabels.fontSize = 9
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 4
    d.add(chart)
    return [d]
