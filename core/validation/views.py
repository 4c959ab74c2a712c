"""A table as the rules see it (表格视图): texts and parsed amounts, computed once per run.

:class:`TableView` parses every amount cell once (``Decimal`` or ``None`` for a blank) and
knows which rows satisfy their own row equation (合计 = Σ parts), which is what decides
whether a blank cell may be read as zero: *a blank cell is not zero unless the row's own
totals prove it* (RULES.md). :meth:`TableView.eff` gives that effective value.
"""

from __future__ import annotations

import re
from decimal import Decimal

from core.catalog import spec
from core.model import Table
from core.validation.arithmetic import ZERO, Outcome, compare_sum, parse_cached
from core.validation.findings import Location

__all__ = ["ROW_EQUATIONS", "TableView", "is_total_label"]

_TOTAL = re.compile(r"^(?:部门)?(?:合计|总计)$|^合\s*计$")
_SPACES = re.compile(r"\s+")

# Row equations per table: (total column, part columns). A row is "proved" when each
# equation holds with its blank cells read as zero.
ROW_EQUATIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "income_summary": (
        (
            "合计",
            (
                "一般公共预算",
                "政府性基金",
                "国有资本经营预算",
                "财政专户管理资金",
                "单位资金",
                "上年结转",
            ),
        ),
    ),
    "expense_summary": (("合计", ("基本支出", "项目支出")),),
    "general_budget_expense": (("合计", ("基本支出", "项目支出")),),
    "gov_fund_expense": (("合计", ("基本支出", "项目支出")),),
    "state_capital": (("合计", ("基本支出", "项目支出")),),
    "basic_expense_economic": (("合计", ("人员经费", "公用经费")),),
    "income_expense_summary": (("支出合计", ("当年预算安排", "上年结转安排")),),
    "fiscal_grant_summary": (("小计", ("一般公共预算", "政府性基金预算", "国有资本经营预算")),),
    "three_public": (("合计", ("一般公共预算", "政府性基金预算", "国有资本经营预算")),),
    "admin_operating": (("合计", ("一般公共预算", "政府性基金预算", "国有资本经营预算")),),
    "project_expense_current": (
        (
            "合计",
            (
                "一般公共预算",
                "政府性基金预算",
                "国有资本经营预算",
                "财政专户管理资金",
                "单位资金",
            ),
        ),
    ),
    "project_expense_carryover": (
        ("合计", ("一般公共预算", "政府性基金预算", "国有资本经营预算")),
    ),
}


def is_total_label(text: str) -> bool:
    """合计 / 总计 / 部门合计 (spaces ignored)."""
    return bool(_TOTAL.match(_SPACES.sub("", text or "")))


class TableView:
    """Texts and amounts of one table, parsed once."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.key = table.key
        self.spec = spec(table.key)
        self.columns = self.spec.columns
        self.col = {c: i for i, c in enumerate(self.columns)}
        self.amount_cols = [c for c in self.columns if c in self.spec.amount_columns]
        n = len(self.columns)
        amount_idx = [self.col[c] for c in self.amount_cols]
        self.text: list[list[str]] = []
        self.amt: list[list[Decimal | None]] = []
        self.bad: list[tuple[int, int]] = []  # (row, column index) not a number
        for r, row in enumerate(table.rows):
            texts = [(c.value or "").strip() for c in row.cells[:n]]
            texts += [""] * (n - len(texts))
            amounts: list[Decimal | None] = [None] * n
            for j in amount_idx:
                t = texts[j]
                if not t:
                    continue
                ok, value = parse_cached(t)
                if ok:
                    amounts[j] = value
                else:
                    self.bad.append((r, j))
            self.text.append(texts)
            self.amt.append(amounts)
        self.nrows = len(self.text)
        self.has_amounts = any(v is not None and v != 0 for row in self.amt for v in row)
        self._bad_set = set(self.bad)
        self._unproved = self._find_unproved()
        # Effective amounts: a blank is zero unless its row is unproved or it was garbage.
        self._eff: list[list[Decimal | None]] = []
        for r, amts in enumerate(self.amt):
            blank_is_zero = r not in self._unproved
            eff_row: list[Decimal | None] = []
            for j, v in enumerate(amts):
                if v is not None:
                    eff_row.append(v)
                elif blank_is_zero and (r, j) not in self._bad_set:
                    eff_row.append(ZERO)
                else:
                    eff_row.append(None)
            self._eff.append(eff_row)

    # -- access --------------------------------------------------------------------

    def a(self, row: int, column: str) -> Decimal | None:
        """The printed amount, None when blank (or not a number)."""
        return self.amt[row][self.col[column]]

    def t(self, row: int, column: str) -> str:
        return self.text[row][self.col[column]]

    def eff(self, row: int, column: str) -> Decimal | None:
        """The amount with a blank read as zero when the row proves it; None otherwise."""
        return self._eff[row][self.col[column]]

    def z(self, row: int, column: str) -> Decimal:
        """The amount with blank as zero (for rows that are wholly blank or proved)."""
        v = self.amt[row][self.col[column]]
        return ZERO if v is None else v

    def row_blank(self, row: int) -> bool:
        return all(self.amt[row][self.col[c]] is None for c in self.amount_cols)

    def loc(self, row: int | None = None, column: str | None = None) -> Location:
        return Location(table=self.key, row=row, column=column)

    # -- proofs --------------------------------------------------------------------

    def _find_unproved(self) -> set[int]:
        eqs = ROW_EQUATIONS.get(self.key, ())
        out: set[int] = set()
        for r in range(len(self.amt)):
            row = self.amt[r]
            for total_col, parts in eqs:
                cells = [row[self.col[total_col]]] + [row[self.col[p]] for p in parts]
                if all(v is None for v in cells) or None not in cells:
                    continue  # nothing blank in this equation, or everything blank
                total = cells[0] if cells[0] is not None else ZERO
                terms = [v if v is not None else ZERO for v in cells[1:]]
                if compare_sum(total, terms) is Outcome.DIFFERENT:
                    out.add(r)
        return out

    def unproved(self, row: int) -> bool:
        return row in self._unproved
