"""The per-run context (检查上下文): the document indexed once for all rules.

Built at the start of :func:`~core.validation.engine.run_checks`: every table's amounts
are parsed once (:class:`~core.validation.views.TableView`); the layouts (code hierarchy,
summary blocks, economic classes, project subtotals), the narrative figures and the
form-to-project matching are computed on first use and shared by the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from core.model import Disclosure
from core.validation.arithmetic import ZERO
from core.validation.classification import Classification, load_classification, norm_name
from core.validation.narrative import NarrativeModel, parse_narrative
from core.validation.project_forms import FormMatch, match_forms
from core.validation.structure import (
    AdminLayout,
    CodeTable,
    EconLayout,
    ProjectLayout,
    SummaryLayout,
    parse_admin,
    parse_code_table,
    parse_econ,
    parse_projects,
    parse_summary,
    three_public_rows,
)
from core.validation.views import TableView

__all__ = ["CODE_TABLES", "EXPENSE_TABLES", "Context"]

T = TypeVar("T")

# Code-keyed tables: key → [(code column, name column, amount columns)].
CODE_TABLES: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "income_summary": [
        (
            "科目编码",
            "科目名称",
            (
                "合计",
                "一般公共预算",
                "政府性基金",
                "国有资本经营预算",
                "财政专户管理资金",
                "单位资金",
                "上年结转",
            ),
        )
    ],
    "expense_summary": [("科目编码", "科目名称", ("合计", "基本支出", "项目支出"))],
    "general_budget_expense": [("科目编码", "科目名称", ("合计", "基本支出", "项目支出"))],
    "gov_fund_income": [("收入科目编码", "科目名称", ("政府性基金收入预算",))],
    "gov_fund_expense": [("科目编码", "科目名称", ("合计", "基本支出", "项目支出"))],
    "state_capital": [
        ("收入科目编码", "收入科目名称", ("国有资本经营收入预算",)),
        ("支出科目编码", "支出科目名称", ("合计", "基本支出", "项目支出")),
    ],
}
# Tables whose rows satisfy 合计 = 基本支出 + 项目支出 (and their code columns).
EXPENSE_TABLES = ("expense_summary", "general_budget_expense", "gov_fund_expense", "state_capital")


class Context:
    """The document with everything the rules share, computed at most once."""

    def __init__(self, doc: Disclosure) -> None:
        self.doc = doc
        self.cls: Classification = load_classification()
        self.views: dict[str, TableView] = {k: TableView(t) for k, t in doc.tables.items()}
        self._memo: dict[str, Any] = {}

    def view(self, key: str) -> TableView | None:
        return self.views.get(key)

    def memo(self, key: str, compute: Callable[[Context], T]) -> T:
        """A value shared by several rules, computed once per run."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        return self._memo[key]

    # -- layouts -------------------------------------------------------------------

    @cached_property
    def code_tables(self) -> dict[str, list[CodeTable]]:
        out: dict[str, list[CodeTable]] = {}
        for key, blocks in CODE_TABLES.items():
            v = self.views.get(key)
            if v is None:
                continue
            tables = [parse_code_table(v, c, n, a) for c, n, a in blocks]
            if key == "state_capital" and len(tables) == 2 and tables[1].total_idx is None:
                tables[1].total_idx = tables[0].total_idx
            out[key] = tables
        return out

    def code_table(self, key: str) -> CodeTable | None:
        """The (expense-side) code block of a table."""
        blocks = self.code_tables.get(key)
        return blocks[-1] if blocks else None

    @cached_property
    def summary(self) -> SummaryLayout | None:
        v = self.views.get("income_expense_summary")
        if v is None:
            return None
        return parse_summary(v, self.cls, "收入金额", ("支出合计", "当年预算安排", "上年结转安排"))

    @cached_property
    def fiscal(self) -> SummaryLayout | None:
        v = self.views.get("fiscal_grant_summary")
        if v is None:
            return None
        return parse_summary(
            v, self.cls, "收入金额", ("小计", "一般公共预算", "政府性基金预算", "国有资本经营预算")
        )

    @cached_property
    def econ(self) -> EconLayout | None:
        v = self.views.get("basic_expense_economic")
        return parse_econ(v, self.cls) if v is not None else None

    @cached_property
    def three_public(self) -> dict[str, int]:
        v = self.views.get("three_public")
        return three_public_rows(v) if v is not None else {}

    @cached_property
    def admin(self) -> AdminLayout | None:
        v = self.views.get("admin_operating")
        return parse_admin(v) if v is not None else None

    @cached_property
    def unit_names(self) -> set[str]:
        names = {norm_name(self.doc.department)} if self.doc.department else set()
        if self.admin is not None:
            v = self.admin.view
            names.update(norm_name(v.t(r, "单位名称")) for r in self.admin.units)
        names.discard("")
        return names

    @cached_property
    def projects(self) -> dict[str, ProjectLayout]:
        out = {}
        for key in ("project_expense_current", "project_expense_carryover"):
            v = self.views.get(key)
            if v is not None:
                out[key] = parse_projects(v, self.unit_names)
        return out

    @cached_property
    def narrative(self) -> NarrativeModel:
        return parse_narrative(self.doc)

    @cached_property
    def form_match(self) -> FormMatch:
        return match_forms(self.doc.performance_forms, list(self.projects.values()))

    # -- facts ---------------------------------------------------------------------

    @cached_property
    def sources_in_use(self) -> dict[str, Decimal]:
        """收入总表 合计 row by source column (blank read as zero)."""
        ct = self.code_table("income_summary")
        if ct is None or ct.total_idx is None:
            return {}
        v = ct.view
        return {c: v.z(ct.total_idx, c) for c in ct.amount_cols}

    @cached_property
    def all_general_budget(self) -> bool:
        """True when every yuan of the budget is 一般公共预算 of this year (no 基金, 国资,
        专户, 单位资金 or 上年结转): then the 一般公共预算 tables must equal the totals."""
        s = self.sources_in_use
        if not s:
            return False
        others = [v for c, v in s.items() if c not in ("合计", "一般公共预算")]
        return s.get("一般公共预算", ZERO) > 0 and all(v == 0 for v in others)
