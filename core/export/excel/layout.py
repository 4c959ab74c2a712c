"""The workbook's layout (工作簿布局), shared by the writer and the reader.

One sheet per table (``表一 预算收支总表`` …), one long sheet for the project performance
forms (``项目绩效目标表``), one for the overall forms (``整体绩效目标表``) when the document
has any, ``情况说明`` (narrative and glossary), ``问题清单`` (findings) and a hidden ``_meta``
sheet that names the document and maps each sheet to what it holds.

Every editable row carries a stable address in a hidden column (``行号（勿改）``) at the
right of its sheet: a table's 1-based body row number, or a path such as
``form/3/project_name``, ``form/3/ind/2``, ``overall/0/duties``, ``section/4``,
``glossary/1``. The reader finds values by that address, so a clerk may sort or filter
the rows in Excel; an inserted row has no address and is reported as an extra row.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.catalog import TABLE_KEYS, TableSpec, spec
from core.model import FORM_FIELDS, OVERALL_FIELDS, Disclosure

__all__ = [
    "FORMAT",
    "FORMS_SHEET",
    "FINDINGS_SHEET",
    "ID_HEADER",
    "META_SHEET",
    "NARRATIVE_SHEET",
    "OVERALL_SHEET",
    "display_width",
    "document_fingerprint",
    "document_shape",
    "form_addresses",
    "safe_text",
    "table_sheet_name",
]

# The workbook format this module writes and reads; stored in _meta.
FORMAT = "budget-workbench-excel/1"

META_SHEET = "_meta"
FORMS_SHEET = "项目绩效目标表"
OVERALL_SHEET = "整体绩效目标表"
NARRATIVE_SHEET = "情况说明"
FINDINGS_SHEET = "问题清单"

# The header of the hidden address column; the reader checks it is still in place
# (a column inserted or deleted in Excel moves it).
ID_HEADER = "行号（勿改）"
# The address of the 注：本表无数据 line under an empty table.
NOTE_ID = "note"

NUMBER_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"

# Excel's limits on sheet names.
_SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_NO_CARRYOVER = "（不含上年结转）"


def table_sheet_name(s: TableSpec) -> str:
    """``表三 预算支出总表``: the label and the standard name, within Excel's 31 characters.

    Shortened deterministically: first the ``（不含上年结转）`` suffix goes, then the tail.
    """
    name = _SHEET_FORBIDDEN.sub("", f"{s.label} {s.name}")
    if len(name) > _SHEET_NAME_MAX:
        name = name.replace(_NO_CARRYOVER, "")
    return name[:_SHEET_NAME_MAX]


# --- form layout ------------------------------------------------------------------------

# Project form fields in the order the sheet shows them, with their labels. Every field
# is shown for every form (empty ones too), so a clerk can fill in what is missing and
# the addresses depend only on the number of forms.
FORM_LABELS: dict[str, str] = {
    "title": "表名",
    "project_name": "项目名称",
    "department": "主管部门及代码",
    "implementer": "实施单位",
    "attribute": "项目属性",
    "period": "项目期",
    "category": "项目分类",
    "funds_unit": "资金单位（元/万元）",
    "period_total": "实施期资金总额",
    "period_central": "实施期：中央财政资金",
    "period_provincial": "实施期：省级财政资金",
    "period_local": "实施期：市县（区）财政资金",
    "period_self": "实施期：单位自筹",
    "period_other": "实施期：其他资金",
    "annual_total": "年度资金总额",
    "annual_central": "年度：中央财政资金",
    "annual_provincial": "年度：省级财政资金",
    "annual_local": "年度：市县（区）财政资金",
    "annual_self": "年度：单位自筹",
    "annual_other": "年度：其他资金",
    "overview": "项目概况",
    "basis": "立项依据",
    "necessity": "项目设立必要性",
    "measures": "保证项目实施的制度、措施",
    "plan": "项目实施计划",
    "goal_period": "总体目标（实施期）",
    "goal_annual": "总体目标（年度）",
    "leader": "负责人",
    "handler": "经办人",
    "phone": "联系电话",
    "date": "填报日期",
}
assert set(FORM_LABELS) == set(FORM_FIELDS)
# Fields shown after the indicator block (the form's footer).
FORM_FOOTER = ("leader", "handler", "phone", "date")
FORM_BODY = tuple(f for f in FORM_LABELS if f not in FORM_FOOTER)

OVERALL_LABELS: dict[str, str] = {
    "title": "表名",
    "department": "部门（单位）名称",
    "basic_info": "部门基本信息",
    "duties": "部门职责",
    "strategy": "部门战略目标",
    "budget_by_source": "年度预算情况（按来源）",
    "budget_by_direction": "年度预算情况（按用途）",
    "tasks": "核心职能/重点任务",
    "goal_annual": "年度绩效目标",
}
assert set(OVERALL_LABELS) == set(OVERALL_FIELDS)

# Indicator columns (sheet columns B…) of each kind of form.
PROJECT_INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("level3", "三级指标"),
    ("value_period", "实施期指标值"),
    ("level3_annual", "年度三级指标"),
    ("value_annual", "年度指标值"),
)
OVERALL_INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("level3", "三级指标"),
    ("value_annual", "年度指标值"),
)
# Indicator fields whose equal neighbours are merged into one cell, as printed.
MERGED_INDICATOR_FIELDS = frozenset({"level1", "level2"})

INDICATOR_LABELS = {name: label for name, label in PROJECT_INDICATOR_COLUMNS}


def indicator_columns(owner: str) -> tuple[tuple[str, str], ...]:
    return PROJECT_INDICATOR_COLUMNS if owner == "form" else OVERALL_INDICATOR_COLUMNS


def form_addresses(owner: str, index: int, n_indicators: int) -> list[str]:
    """The row addresses of one form block, in sheet order."""
    if owner == "form":
        body = [f"form/{index}/{name}" for name in FORM_BODY]
        footer = [f"form/{index}/{name}" for name in FORM_FOOTER]
    else:
        body = [f"overall/{index}/{name}" for name in OVERALL_LABELS]
        footer = []
    indicators = [f"{owner}/{index}/ind/{i}" for i in range(n_indicators)]
    return body + indicators + footer


# --- identity -----------------------------------------------------------------------------


def document_shape(doc: Disclosure) -> dict[str, object]:
    """The counts the workbook's addresses depend on: rows per table, forms and their
    indicators, sections, glossary entries. A workbook is read back only into a document
    of the same shape."""
    return {
        "tables": {k: len(doc.tables[k].rows) for k in TABLE_KEYS if k in doc.tables},
        "forms": [len(f.indicators) for f in doc.performance_forms],
        "overall": [len(f.indicators) for f in doc.overall_forms],
        "sections": len(doc.narrative),
        "glossary": len(doc.glossary),
    }


def document_fingerprint(doc: Disclosure) -> str:
    """A hash of what the PDF printed (not the current values): the same for a document
    before and after any number of edits, different for another document."""
    h = hashlib.sha256()

    def put(text: str) -> None:
        h.update(text.encode("utf-8"))
        h.update(b"\x1f")

    put(doc.department)
    put(str(doc.year))
    for key in TABLE_KEYS:
        t = doc.tables.get(key)
        if t is None:
            continue
        put(key)
        for row in t.rows:
            if not any(c.printed for c in row.cells):
                continue  # a row the clerk inserted
            for c in row.cells:
                put(c.printed)
            h.update(b"\x1e")
    for form in doc.performance_forms:
        put("form")
        for name in FORM_FIELDS:
            f = form.fields.get(name)
            put(f.printed if f else "")
        for ind in form.indicators:
            for name, _ in PROJECT_INDICATOR_COLUMNS:
                put(ind.get(name).printed)
    for overall in doc.overall_forms:
        put("overall")
        for name in OVERALL_FIELDS:
            f = overall.fields.get(name)
            put(f.printed if f else "")
    for section in doc.narrative:
        put(section.heading)
        put(section.text.printed)
    for g in doc.glossary:
        put(g.printed)
    return h.hexdigest()[:32]


# --- text -----------------------------------------------------------------------------------

# Excel's limit on the characters in one cell.
CELL_MAX = 32767
# A cell whose text starts with one of these is a formula to Excel (and to WPS):
# such text is written as a string with a quote prefix, never as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")


def safe_text(text: str) -> str:
    """Text as an xlsx cell can hold it: control characters removed (a garbled PDF can
    carry them), line ends normalised, at most 32767 characters."""
    s = ILLEGAL_CHARACTERS_RE.sub("", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return s[:CELL_MAX]


def display_width(text: str) -> int:
    """Width in Excel's character units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """One row of the _meta sheet map."""

    name: str
    kind: str  # table | forms | overall | narrative
    target: str  # table key, or "" for the others
    first_row: int  # first body row (1-based)
    id_column: int  # the hidden address column (1-based)
    columns: int  # data columns (1 … columns)


def table_spec_of_sheet(info: SheetInfo) -> TableSpec:
    return spec(info.target)
