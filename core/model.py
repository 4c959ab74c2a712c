"""The document model (文档模型): what a 部门预算公开 disclosure contains.

A :class:`Disclosure` holds the 13 tables (:class:`Table` › :class:`Row` › :class:`Cell`),
the project performance forms (:class:`PerformanceForm` with :class:`Indicator` rows),
the overall performance forms, the narrative sections (:class:`Section`), the cover title
and the glossary (名词解释).

Every printed value is a :class:`Cell` (tables) or :class:`Field` (forms, narrative): it
keeps the text as printed, its current value (after the clerk's corrections) and where it
was printed (:class:`SourceRef`: page number and bounding box in PDF points). The GUI draws
rectangles from the source; exports use the current value.

Plain dataclasses and :class:`decimal.Decimal`; nothing here knows about Qt or PDF
libraries. Changes go through :mod:`core.edits`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.amounts import parse_amount
from core.catalog import TABLES, spec

__all__ = [
    "FORM_FIELDS",
    "INDICATOR_FIELDS",
    "OVERALL_FIELDS",
    "Cell",
    "Disclosure",
    "Field",
    "FundingLine",
    "Indicator",
    "OverallForm",
    "PerformanceForm",
    "Row",
    "Section",
    "SourceRef",
    "Table",
]


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a value was printed: 1-based physical page and its box in PDF points.

    The box is ``(x0, top, x1, bottom)`` in the page's displayed orientation with the
    origin at the top-left (pdfplumber's convention), so ``page.crop(bbox)`` finds it.
    """

    page: int
    bbox: tuple[float, float, float, float]

    def union(self, other: SourceRef | None) -> SourceRef:
        if other is None or other.page != self.page:
            return self
        a, b = self.bbox, other.bbox
        return SourceRef(
            self.page, (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
        )


@dataclass(slots=True)
class Cell:
    """One table cell: the printed text, the current text, and its source."""

    printed: str
    value: str
    source: SourceRef | None = None

    @classmethod
    def of(cls, text: str, source: SourceRef | None = None) -> Cell:
        return cls(printed=text, value=text, source=source)

    @property
    def edited(self) -> bool:
        return self.value != self.printed

    @property
    def amount(self) -> Decimal | None:
        """The current value as an amount; ``None`` when blank or not a number."""
        try:
            return parse_amount(self.value)
        except ValueError:
            return None

    @property
    def is_blank(self) -> bool:
        return not self.value.strip()


@dataclass(slots=True)
class Row:
    """A body row of a table (header rows are not rows)."""

    cells: list[Cell]
    page: int | None = None

    def texts(self) -> list[str]:
        return [c.value for c in self.cells]


@dataclass(slots=True)
class Table:
    """One of the 13 tables, with canonical columns (``core.catalog``)."""

    key: str
    title: str = ""
    pages: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    no_data: bool = False
    # What the table's own lines printed: 部门名称：…, 单位：…, the 预算公开表N label.
    department: str = ""
    unit: str = ""
    label: str = ""
    note: str = ""  # e.g. 注：本表无数据
    title_source: SourceRef | None = None
    department_source: SourceRef | None = None
    unit_source: SourceRef | None = None
    # Printed header labels, one path per canonical column ("" when the column was missing).
    header: list[str] = field(default_factory=list)

    @property
    def columns(self) -> tuple[str, ...]:
        return spec(self.key).columns

    def column_index(self, column: int | str) -> int:
        if isinstance(column, int):
            if not 0 <= column < len(self.columns):
                raise IndexError(f"{self.key}: no column {column}")
            return column
        return self.columns.index(column)

    def cell(self, row: int, column: int | str) -> Cell:
        return self.rows[row].cells[self.column_index(column)]

    def blank_row(self, page: int | None = None) -> Row:
        return Row([Cell.of("") for _ in self.columns], page)


@dataclass(slots=True)
class Field:
    """A form or narrative value: printed text, current text, source."""

    printed: str = ""
    value: str = ""
    source: SourceRef | None = None

    @classmethod
    def of(cls, text: str, source: SourceRef | None = None) -> Field:
        return cls(printed=text, value=text, source=source)

    @property
    def edited(self) -> bool:
        return self.value != self.printed


# Project form fields (项目支出绩效目标表). The first block are the contract's names
# (SCHEMA.md); the rest are the other printed fields.
FORM_FIELDS: tuple[str, ...] = (
    "title",
    "project_name",  # 项目名称
    "department",  # 主管部门及代码
    "implementer",  # 实施单位
    "attribute",  # 项目属性
    "period",  # 项目期
    "funds_unit",  # 元 / 万元
    "period_total",  # 实施期资金总额 / 中期资金总额
    "annual_total",  # 年度资金总额
    "goal_period",  # 总体目标 实施期/中期
    "goal_annual",  # 总体目标 年度
    "category",  # 项目分类 (A/B/C)
    "period_central",  # 其中：中央财政资金 (实施期)
    "period_provincial",  # 省级财政资金
    "period_local",  # 市县(区)财政资金
    "period_self",  # 单位自筹
    "period_other",  # 其他资金
    "annual_central",
    "annual_provincial",
    "annual_local",
    "annual_self",
    "annual_other",
    "overview",  # 项目概况
    "basis",  # 立项依据
    "necessity",  # 项目设立必要性
    "measures",  # 保证项目实施的制度、措施
    "plan",  # 项目实施计划
    "leader",  # 负责人
    "handler",  # 经办人
    "phone",  # 联系电话
    "date",  # 填报日期
)

# Contract fields of the overall form (部门整体支出绩效目标表) and its other parts.
OVERALL_FIELDS: tuple[str, ...] = (
    "title",
    "department",
    "basic_info",  # 部门基本信息 (编制数, 在职人数 …) as printed
    "duties",  # 部门职责
    "strategy",  # 部门战略目标
    "budget_by_source",  # 年度预算情况 by source, as printed
    "budget_by_direction",  # 年度预算情况 by direction, as printed
    "tasks",  # 核心职能/重点任务
    "goal_annual",  # 年度绩效目标
)

INDICATOR_FIELDS: tuple[str, ...] = (
    "level1",
    "level2",
    "level3",
    "value_period",
    "value_annual",
    "level3_annual",  # the 年度 half's own 三级指标 name, as printed (often truncated)
)


@dataclass(slots=True)
class Indicator:
    """One printed row of an indicator block: 一级 › 二级 › 三级 with its values."""

    level1: Field = field(default_factory=Field)
    level2: Field = field(default_factory=Field)
    level3: Field = field(default_factory=Field)
    value_period: Field = field(default_factory=Field)
    value_annual: Field = field(default_factory=Field)
    level3_annual: Field = field(default_factory=Field)

    def get(self, name: str) -> Field:
        if name not in INDICATOR_FIELDS:
            raise KeyError(name)
        return getattr(self, name)


@dataclass(slots=True)
class FundingLine:
    """One line of a project form's 项目资金 block: its printed label and the 实施期 and
    年度 amounts (e.g. ``其中：中央财政资金 | 0 | 其中：中央财政资金 | 0``)."""

    label: Field = field(default_factory=Field)
    period: Field = field(default_factory=Field)
    annual: Field = field(default_factory=Field)
    total: bool = False  # the 资金总额 line


@dataclass(slots=True)
class PerformanceForm:
    """A 项目支出绩效目标表 (or 申报表): fields keyed by FORM_FIELDS, and indicators."""

    page: int | None = None
    pages: list[int] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    confidence: str = ""  # "low" when rebuilt from garbled text
    kind: str = "project"
    # Every line of the 项目资金 block as printed, the totals line first.
    funding: list[FundingLine] = field(default_factory=list)
    # Where the form was printed: one box per page (title, grid and footer).
    boxes: list[SourceRef] = field(default_factory=list)

    def get(self, name: str) -> Field:
        if name not in self.fields:
            if name not in FORM_FIELDS:
                raise KeyError(name)
            self.fields[name] = Field()
        return self.fields[name]

    def value(self, name: str) -> str:
        f = self.fields.get(name)
        return f.value if f else ""


@dataclass(slots=True)
class OverallForm:
    """A 部门（单位）整体支出绩效目标表."""

    page: int | None = None
    pages: list[int] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)
    # Structured budget lines: label -> amount text, as printed ("财政拨款": "957.23").
    budget_lines: dict[str, Field] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    kind: str = "overall"
    # Where the form was printed: one box per page (title, grid and footer).
    boxes: list[SourceRef] = field(default_factory=list)

    def get(self, name: str) -> Field:
        if name not in self.fields:
            if name not in OVERALL_FIELDS:
                raise KeyError(name)
            self.fields[name] = Field()
        return self.fields[name]

    def value(self, name: str) -> str:
        f = self.fields.get(name)
        return f.value if f else ""


@dataclass(slots=True)
class Paragraph:
    text: str
    source: SourceRef | None = None


@dataclass(slots=True)
class Section:
    """A numbered heading of 第一部分/第三部分 with the text under it.

    ``text`` is the current text (paragraphs joined by "\\n"); ``paragraphs`` keep the
    printed paragraphs with their sources.
    """

    part: str
    heading: str
    text: Field = field(default_factory=Field)
    paragraphs: list[Paragraph] = field(default_factory=list)
    heading_source: SourceRef | None = None


@dataclass(slots=True)
class Disclosure:
    """A whole 部门预算公开 document."""

    department: str = ""
    year: int | None = None
    unit: str = "万元"
    source_file: str = ""
    page_count: int = 0
    cover_title: str = ""
    cover_title_source: SourceRef | None = None
    tables: dict[str, Table] = field(default_factory=dict)
    performance_forms: list[PerformanceForm] = field(default_factory=list)
    overall_forms: list[OverallForm] = field(default_factory=list)
    narrative: list[Section] = field(default_factory=list)
    glossary: list[Field] = field(default_factory=list)
    # Things seen on the pages that are not content: watermark text, etc. (for rule C09).
    artifacts: list[str] = field(default_factory=list)
    # Page numbers whose text layer was missing (scanned pages).
    scanned_pages: list[int] = field(default_factory=list)
    # The table keys in the order they were printed.
    table_order: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return self.tables.get(key)

    def table_or_empty(self, key: str) -> Table:
        """The table, or an empty one (not attached) when the document lacks it."""
        return self.tables.get(key) or Table(key=key)

    @property
    def missing_tables(self) -> list[str]:
        return [t.key for t in TABLES if t.key not in self.tables]
