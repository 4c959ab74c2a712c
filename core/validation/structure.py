"""How the tables are laid out (表格结构): found by labels and codes, never by position.

- :class:`CodeTable` — tables keyed by 功能分类 code (收入总表, 支出总表, 一般公共预算支出表,
  政府性基金, 国有资本): the 合计 row and the 类 (3 digits) / 款 (5) / 项 (7) rows.
- :class:`SummaryLayout` — 收支总表 and 财政拨款收支总表: income rows by source, 本年收入合计,
  上年结转 block, 收入总计; the class rows, 本年支出合计, 年终结转, 支出总计.
- :class:`EconLayout` — 基本支出经济科目表: 合计, economic 类 rows with their 款 rows.
- :func:`three_public_rows`, :class:`AdminLayout`, :class:`ProjectLayout` — the other tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from core.validation.arithmetic import ZERO, Outcome, compare_sum
from core.validation.classification import Classification, norm_name
from core.validation.views import TableView, is_total_label

__all__ = [
    "AdminLayout",
    "CodeRow",
    "CodeTable",
    "EconCategory",
    "EconItem",
    "EconLayout",
    "ProjectLayout",
    "SummaryLayout",
    "income_source",
    "parse_admin",
    "parse_code_table",
    "parse_econ",
    "parse_projects",
    "parse_summary",
    "three_public_rows",
]

_SPACES = re.compile(r"\s+")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_ECON_CODE = re.compile(r"^(\d{3}|\d{5})(\D.*)$")
_ITEM_MARK = re.compile(r"^[①②③④⑤⑥1-9][、.．]?")
_CODE_IN_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*(\D.*)$")


def _clean(text: str) -> str:
    return _SPACES.sub("", text or "")


# -- code tables ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeRow:
    idx: int
    code: str
    name: str

    @property
    def level(self) -> int:
        return len(self.code)


@dataclass
class CodeTable:
    """One code-keyed block of a table (state_capital has two: income and expense)."""

    view: TableView
    code_col: str
    name_col: str
    amount_cols: tuple[str, ...]
    total_idx: int | None
    rows: list[CodeRow]
    odd_codes: list[tuple[int, str]] = field(default_factory=list)  # digits of a bad length
    by_code: dict[str, list[CodeRow]] = field(default_factory=dict)

    _kids: dict[int, list[CodeRow]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for r in self.rows:
            self.by_code.setdefault(r.code, []).append(r)
        for r in self.rows:
            n = len(r.code)
            if n == 5:
                parents = self.by_code.get(r.code[:3], [])
            elif n == 7:
                parents = self.by_code.get(r.code[:5]) or self.by_code.get(r.code[:3], [])
            else:
                continue
            for p in parents[:1]:
                self._kids.setdefault(p.idx, []).append(r)

    def has(self, code: str) -> bool:
        return code in self.by_code

    def first(self, code: str) -> CodeRow | None:
        rows = self.by_code.get(code)
        return rows[0] if rows else None

    def children(self, row: CodeRow) -> list[CodeRow]:
        """Direct children: 款 of a 类 (and 项 whose 款 is missing); 项 of a 款."""
        if self.by_code.get(row.code, [row])[0] is not row:
            return []  # a repeated code: its first row carries the children
        return self._kids.get(row.idx, [])

    def top_rows(self) -> list[CodeRow]:
        """Rows without a parent row in the table (normally the 类 rows)."""
        out = []
        for r in self.rows:
            if r.level == 3:
                out.append(r)
            elif r.level == 5 and not self.has(r.code[:3]):
                out.append(r)
            elif r.level == 7 and not self.has(r.code[:5]) and not self.has(r.code[:3]):
                out.append(r)
        return out


def parse_code_table(
    view: TableView, code_col: str, name_col: str, amount_cols: tuple[str, ...]
) -> CodeTable:
    total_idx: int | None = None
    rows: list[CodeRow] = []
    odd: list[tuple[int, str]] = []
    for r in range(view.nrows):
        code = _clean(view.t(r, code_col))
        name = view.t(r, name_col)
        if is_total_label(code) or (not code and is_total_label(name)):
            if total_idx is None:
                total_idx = r
            continue
        if not code:
            m = _CODE_IN_NAME.match(_clean(name))
            if m:
                code, name = m.group(1), m.group(2)
        if _CODE.match(code):
            rows.append(CodeRow(r, code, name))
        elif code.isdigit():
            odd.append((r, code))
    return CodeTable(view, code_col, name_col, amount_cols, total_idx, rows, odd)


# -- 收支总表 / 财政拨款收支总表 ----------------------------------------------------------

_INCOME_TOTAL = re.compile(r"^(?:本年|当年)?收入(?:合计|小计)$")
_INCOME_GRAND = re.compile(r"^收入(?:总计|总合计)$")
_EXPENSE_TOTAL = re.compile(r"^(?:本年|当年)?支出(?:合计|小计)$")
_EXPENSE_GRAND = re.compile(r"^支出(?:总计|总合计)$")
_UNIT_FUNDS = re.compile(r"单位资金|事业收入|经营收入|其他收入|上级补助|附属单位|自有资金|单位自筹")

SOURCES = ("gpb", "fund", "soe", "special", "unit", "carry")
SOURCE_NAMES = {
    "gpb": "一般公共预算",
    "fund": "政府性基金预算",
    "soe": "国有资本经营预算",
    "special": "财政专户管理资金",
    "unit": "单位资金",
    "carry": "上年结转",
}


def income_source(label: str) -> str | None:
    """Which source an income row names: gpb/fund/soe/special/unit/carry."""
    s = norm_name(label)
    if "财政专户" in s:
        return "special"
    if "结转" in s:
        return "carry"
    if "一般公共预算" in s:
        return "gpb"
    if "政府性基金" in s:
        return "fund"
    if "国有资本" in s:
        return "soe"
    if _UNIT_FUNDS.search(s):
        return "unit"
    return None


@dataclass
class SummaryLayout:
    view: TableView
    income_col: str
    expense_cols: tuple[str, ...]  # the first is the row total (支出合计 / 小计)
    income_rows: list[tuple[int, str, str | None]] = field(default_factory=list)
    income_total: int | None = None
    carry_rows: list[tuple[int, str]] = field(default_factory=list)  # between 合计 and 总计
    carry_children: list[tuple[int, str, str | None]] = field(default_factory=list)
    income_grand: int | None = None
    class_rows: list[tuple[int, str, str | None]] = field(default_factory=list)
    expense_total: int | None = None
    end_rows: list[tuple[int, str]] = field(default_factory=list)
    expense_grand: int | None = None

    def income_by_source(self, source: str) -> list[int]:
        return [r for r, _, s in self.income_rows if s == source]

    def carry_amount(self) -> tuple[Decimal, list[int]]:
        """The 上年结转 block's amount (its head row, or the sum of its sub-rows)."""
        v = self.view
        rows = [r for r, _ in self.carry_rows]
        total = sum((v.z(r, self.income_col) for r in rows), ZERO)
        if total == 0 and self.carry_children:
            kids = [r for r, _, _ in self.carry_children]
            return sum((v.z(r, self.income_col) for r in kids), ZERO), kids
        return total, rows

    def class_row(self, code: str) -> int | None:
        for r, _, c in self.class_rows:
            if c == code:
                return r
        return None


def parse_summary(
    view: TableView, cls: Classification, income_col: str, expense_cols: tuple[str, ...]
) -> SummaryLayout:
    lay = SummaryLayout(view, income_col, expense_cols)
    state = "income"
    for r in range(view.nrows):
        lab = norm_name(view.t(r, "收入项目"))
        if not lab:
            if state == "income" and view.a(r, income_col) is not None:
                lay.income_rows.append((r, "（无名称）", None))  # an amount without a label
            continue
        if state == "income":
            if _INCOME_TOTAL.match(lab):
                lay.income_total, state = r, "carry"
            elif _INCOME_GRAND.match(lab):
                lay.income_grand, state = r, "done"
            else:
                lay.income_rows.append((r, lab, income_source(lab)))
        elif state == "carry":
            if _INCOME_GRAND.match(lab):
                lay.income_grand, state = r, "done"
            elif "结转" in lab or "弥补" in lab or not lay.carry_rows:
                lay.carry_rows.append((r, lab))
            else:
                lay.carry_children.append((r, lab, income_source(lab)))
    state = "class"
    for r in range(view.nrows):
        raw = view.t(r, "支出项目")
        lab = norm_name(raw)
        if not lab:
            if state == "class" and any(view.a(r, c) is not None for c in expense_cols):
                lay.class_rows.append((r, "（无名称）", None))
            continue
        if state == "class":
            if _EXPENSE_TOTAL.match(lab):
                lay.expense_total, state = r, "end"
            elif _EXPENSE_GRAND.match(lab):
                lay.expense_grand, state = r, "done"
            else:
                m = _CODE_IN_NAME.match(lab)
                code = m.group(1)[:3] if m else cls.class_code(lab)
                if code is None:
                    code = cls.outdated.get(lab.replace("的", ""))
                lay.class_rows.append((r, lab, code))
        elif state == "end":
            if _EXPENSE_GRAND.match(lab):
                lay.expense_grand, state = r, "done"
            else:
                lay.end_rows.append((r, lab))
    return lay


# -- 基本支出经济科目表 -----------------------------------------------------------------


@dataclass
class EconItem:
    idx: int
    name: str
    gov: str
    code: str | None  # 部门经济分类 款 code when known
    category: EconCategory | None = None


@dataclass
class EconCategory:
    idx: int
    name: str
    code: str | None
    items: list[EconItem] = field(default_factory=list)


@dataclass
class EconLayout:
    view: TableView
    total_idx: int | None
    categories: list[EconCategory]
    items: list[EconItem]


def parse_econ(view: TableView, cls: Classification) -> EconLayout:
    name_col, gov_col = "部门预算支出经济科目名称", "政府预算支出经济科目名称"
    total_idx: int | None = None
    cats: list[EconCategory] = []
    items: list[EconItem] = []
    current: EconCategory | None = None
    for r in range(view.nrows):
        name = norm_name(view.t(r, name_col))
        gov = norm_name(view.t(r, gov_col))
        if is_total_label(name) or (not name and is_total_label(gov)):
            if total_idx is None:
                total_idx = r
            continue
        if not name and not gov:
            continue
        m = _ECON_CODE.match(name)
        code = m.group(1) if m else None
        if m:
            name = m.group(2)
        cat_code = code if code and len(code) == 3 else cls.dept_class_code(name)
        if cat_code is not None and (len(code or "") != 5):
            current = EconCategory(r, name, cat_code)
            cats.append(current)
            continue
        item_code = code if code and len(code) == 5 else cls.dept_item_code(name)
        item = EconItem(r, name, gov, item_code, current)
        items.append(item)
        if current is not None:
            current.items.append(item)
    return EconLayout(view, total_idx, cats, items)


# -- “三公” ----------------------------------------------------------------------------


def three_public_rows(view: TableView) -> dict[str, int]:
    """Row of each item: abroad, reception, car, car_buy, car_run, total."""
    out: dict[str, int] = {}
    for r in range(view.nrows):
        lab = norm_name(view.t(r, "项目"))
        lab = _ITEM_MARK.sub("", lab)
        if not lab:
            continue
        if is_total_label(lab) or lab.endswith("合计"):
            role = "total"
        elif "出国" in lab:
            role = "abroad"
        elif "接待" in lab:
            role = "reception"
        elif "公务用车" in lab or "车" in lab:
            buy, run = "购置" in lab, "运行" in lab or "运维" in lab
            role = "car" if buy and run else "car_buy" if buy else "car_run" if run else "car"
        else:
            continue
        out.setdefault(role, r)
    return out


# -- 机关运行经费 ------------------------------------------------------------------------


@dataclass
class AdminLayout:
    view: TableView
    total_idx: int | None
    units: list[int]


def parse_admin(view: TableView) -> AdminLayout:
    total_idx: int | None = None
    units: list[int] = []
    for r in range(view.nrows):
        name = _clean(view.t(r, "单位名称"))
        if total_idx is None and (is_total_label(name) or name.endswith("合计")):
            total_idx = r
        elif name or not view.row_blank(r):
            units.append(r)
    return AdminLayout(view, total_idx, units)


# -- 项目支出表 --------------------------------------------------------------------------

_ORG_SUFFIX = re.compile(
    r"(?:办公室|委员会|研究室|中心|局|馆|室|所|站|院|队|部|处|会|社|厅|委|办|学校|医院|园|镇|乡|街道"
    r"|公司|集团|台|场|团|署|宫)(?:本级|机关)?$"
)
_PROJECT_WORDS = re.compile(
    r"费|经费|项目|补助|补贴|工资|购置|建设|资金|专项|维护|运维|工程|采购|设备|系统|活动|会议|培训"
    r"|宣传|保障|运转|租金|印制|出版|编纂|改造|大会|\d{4}年"
)


@dataclass
class ProjectUnit:
    idx: int
    name: str
    projects: list[int]


@dataclass
class ProjectLayout:
    view: TableView
    dept_idx: int | None
    units: list[ProjectUnit]
    projects: list[int]  # every leaf project row, in order

    def unit_of(self, row: int) -> ProjectUnit | None:
        for u in self.units:
            if row in u.projects:
                return u
        return None

    def total(self, column: str = "合计") -> Decimal | None:
        """The department total: printed on its row, or the sum of the projects."""
        v = self.view
        if self.dept_idx is not None:
            return v.a(self.dept_idx, column) if v.a(self.dept_idx, column) is not None else ZERO
        if not self.projects:
            return None
        return sum((v.z(r, column) for r in self.projects), ZERO)


def _unit_like(name: str, known: set[str]) -> tuple[bool, bool]:
    """(looks like a unit, known unit name)."""
    if name in known:
        return True, True
    if _ORG_SUFFIX.search(name) and not _PROJECT_WORDS.search(name):
        return True, False
    return False, False


def parse_projects(view: TableView, known_units: set[str]) -> ProjectLayout:
    rows = [r for r in range(view.nrows) if _clean(view.t(r, "项目名称")) or not view.row_blank(r)]
    if not rows:
        return ProjectLayout(view, None, [], [])
    names = {r: norm_name(view.t(r, "项目名称")) for r in rows}
    cand: list[int] = []
    known: dict[int, bool] = {}
    for r in rows:
        name = names[r]
        if is_total_label(name) or name.endswith("合计"):
            cand.append(r)
            known[r] = True
            continue
        like, is_known = _unit_like(name, known_units)
        if like:
            cand.append(r)
            known[r] = is_known
    dept: int | None = None
    first = rows[0]
    if cand and cand[0] == first:
        if is_total_label(names[first]) or names[first].endswith("合计") or len(cand) == 1:
            dept = first
        elif len(cand) > 1 and (cand[1] == rows[1] or _sums_to(view, first, cand[1:])):
            dept = first
    unit_rows = [r for r in cand if r != dept]
    # An org-looking name that is not a known unit must prove it is a subtotal.
    confirmed: list[int] = []
    for r in unit_rows:
        if known[r]:
            confirmed.append(r)
            continue
        nxt = [c for c in unit_rows if c > r]
        end = nxt[0] if nxt else view.nrows
        kids = [x for x in rows if r < x < end]
        if kids and _sums_to(view, r, kids):
            confirmed.append(r)
        elif dept is not None and _sums_to(view, dept, unit_rows):
            confirmed.append(r)
    units: list[ProjectUnit] = []
    for i, r in enumerate(confirmed):
        end = confirmed[i + 1] if i + 1 < len(confirmed) else view.nrows
        kids = [x for x in rows if r < x < end and x != dept]
        units.append(ProjectUnit(r, names[r], kids))
    skip = set(confirmed) | ({dept} if dept is not None else set())
    projects = [r for r in rows if r not in skip]
    return ProjectLayout(view, dept, units, projects)


def _sums_to(view: TableView, total_row: int, rows: list[int]) -> bool:
    total = view.a(total_row, "合计")
    if total is None or not rows:
        return False
    terms = [view.z(r, "合计") for r in rows]
    return compare_sum(total, terms) is not Outcome.DIFFERENT
