"""T — arithmetic inside one table (表内运算).

Sums are compared with the rounding tolerance of :mod:`core.validation.arithmetic`; a
blank cell is read as zero only where its row proves it (:meth:`TableView.eff`), and a
check whose terms are unknown is skipped rather than guessed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from core.validation.arithmetic import ZERO, Outcome, compare_sum, fmt
from core.validation.checks import Term, equal_check, sum_check
from core.validation.context import CODE_TABLES, EXPENSE_TABLES, Context
from core.validation.engine import Report, rule
from core.validation.labels import table_short
from core.validation.structure import CodeRow, CodeTable, SummaryLayout
from core.validation.views import ROW_EQUATIONS, TableView

logger = logging.getLogger(__name__)


def _row_name(ct: CodeTable, row: CodeRow) -> str:
    return f"{row.code} {row.name}".strip()


def _hierarchy(ctx: Context, level: int) -> Iterator[Report]:
    for key in CODE_TABLES:
        for ct in ctx.code_tables.get(key, []):
            v = ct.view
            if not v.has_amounts:
                continue
            for parent in ct.rows:
                if parent.level != level:
                    continue
                kids = ct.children(parent)
                if not kids:
                    continue
                for col in ct.amount_cols:
                    total = v.eff(parent.idx, col)
                    values = [v.eff(k.idx, col) for k in kids]
                    if total is None or any(x is None for x in values):
                        continue
                    if compare_sum(total, values) is Outcome.EQUAL:  # type: ignore[arg-type]
                        continue
                    terms: list[Term] = [
                        (k.code, x, v.loc(k.idx, col)) for k, x in zip(kids, values, strict=True)
                    ]
                    r = sum_check(
                        f"{table_short(key)} {_row_name(ct, parent)}",
                        col,
                        total,
                        v.loc(parent.idx, col),
                        terms,
                    )
                    if r is not None:
                        yield r


@rule(
    "T01a",
    "T",
    "error",
    "功能科目：类 = 其下各款之和",
    "每个类（3位编码）的金额必须等于其下各款（5位）金额之和，按每个金额列核对。",
)
def class_equals_sum_of_kuan(ctx: Context) -> Iterator[Report]:
    yield from _hierarchy(ctx, 3)


@rule(
    "T01b",
    "T",
    "error",
    "功能科目：款 = 其下各项之和",
    "每个款（5位编码）的金额必须等于其下各项（7位）金额之和，按每个金额列核对。",
)
def kuan_equals_sum_of_xiang(ctx: Context) -> Iterator[Report]:
    yield from _hierarchy(ctx, 5)


@rule(
    "T02",
    "T",
    "error",
    "合计行 = 各类之和",
    "按功能科目编列的表，合计行每列必须等于各类（顶层科目）之和。",
)
def total_row_equals_classes(ctx: Context) -> Iterator[Report]:
    for key in CODE_TABLES:
        for ct in ctx.code_tables.get(key, []):
            v = ct.view
            if ct.total_idx is None or not v.has_amounts:
                continue
            tops = ct.top_rows()
            if not tops:
                continue
            for col in ct.amount_cols:
                total = v.eff(ct.total_idx, col)
                values = [v.eff(t.idx, col) for t in tops]
                if total is None or any(x is None for x in values):
                    continue
                if compare_sum(total, values) is Outcome.EQUAL:  # type: ignore[arg-type]
                    continue
                terms: list[Term] = [
                    (t.code, x, v.loc(t.idx, col)) for t, x in zip(tops, values, strict=True)
                ]
                r = sum_check(
                    f"{table_short(key)} 合计行", col, total, v.loc(ct.total_idx, col), terms
                )
                if r is not None:
                    yield r


def _row_label(v: TableView, r: int) -> str:
    for c in v.columns:
        if c not in v.spec.amount_columns and v.t(r, c):
            if c in ("科目编码", "收入科目编码", "支出科目编码"):
                name_col = {"科目编码": "科目名称", "收入科目编码": "科目名称"}.get(c)
                name = v.t(r, name_col) if name_col and name_col in v.col else ""
                return f"{v.t(r, c)} {name}".strip()
            return v.t(r, c)
    return f"第{r + 1}行"


def _row_equations(v: TableView, total_col: str, parts: tuple[str, ...]) -> Iterator[Report]:
    for r in range(v.nrows):
        cells = [v.a(r, total_col)] + [v.a(r, p) for p in parts]
        if all(x is None for x in cells):
            continue
        if any((r, v.col[c]) in v._bad_set for c in (total_col, *parts)):
            continue
        total = cells[0] if cells[0] is not None else ZERO
        if (
            cells[0] is not None
            and compare_sum(total, [x or ZERO for x in cells[1:]]) is Outcome.EQUAL
        ):
            continue
        terms: list[Term] = [
            (p, x, v.loc(r, p)) for p, x in zip(parts, cells[1:], strict=True) if x is not None
        ]
        if not terms:
            terms = [(parts[0], ZERO, None)]
        rep = sum_check(
            f"{table_short(v.key)} {_row_label(v, r)}",
            total_col if cells[0] is not None else f"{total_col}（空白）",
            total,
            v.loc(r, total_col),
            terms,
        )
        if rep is not None:
            yield rep


@rule(
    "T03",
    "T",
    "error",
    "收入总表：合计 = 各来源之和",
    "收入总表每行的合计必须等于一般公共预算、政府性基金、国有资本经营、财政专户、单位资金"
    "及上年结转各列之和。",
)
def income_row_total(ctx: Context) -> Iterator[Report]:
    v = ctx.view("income_summary")
    if v is None:
        return
    total_col, parts = ROW_EQUATIONS["income_summary"][0]
    yield from _row_equations(v, total_col, parts)


@rule(
    "T04",
    "T",
    "error",
    "支出表：合计 = 基本支出 + 项目支出",
    "支出总表、一般公共预算支出表、政府性基金支出表和国有资本经营支出每行的合计必须等于基本支出"
    "与项目支出之和。",
)
def expense_row_total(ctx: Context) -> Iterator[Report]:
    for key in EXPENSE_TABLES:
        v = ctx.view(key)
        if v is not None:
            yield from _row_equations(v, "合计", ("基本支出", "项目支出"))


def _summaries(ctx: Context) -> Iterator[SummaryLayout]:
    for lay in (ctx.summary, ctx.fiscal):
        if lay is not None and lay.view.has_amounts:
            yield lay


@rule(
    "T05a",
    "T",
    "error",
    "收支总表：本年收入合计 = 各项收入之和",
    "收支总表和财政拨款收支总表的本年收入合计必须等于其上各收入项目之和。",
)
def summary_income_total(ctx: Context) -> Iterator[Report]:
    for lay in _summaries(ctx):
        v, col = lay.view, lay.income_col
        if lay.income_total is None or not lay.income_rows:
            continue
        total = v.z(lay.income_total, col)
        terms: list[Term] = [(lab, v.z(r, col), v.loc(r, col)) for r, lab, _ in lay.income_rows]
        rep = sum_check(
            table_short(v.key), "本年收入合计", total, v.loc(lay.income_total, col), terms
        )
        if rep is not None:
            yield rep


@rule(
    "T05b",
    "T",
    "error",
    "收支总表：本年支出合计 = 各功能分类之和",
    "收支总表和财政拨款收支总表的本年支出合计（每个金额列）必须等于各功能分类（类）支出之和。",
)
def summary_expense_total(ctx: Context) -> Iterator[Report]:
    for lay in _summaries(ctx):
        v = lay.view
        if lay.expense_total is None or not lay.class_rows:
            continue
        for col in lay.expense_cols:
            total = v.z(lay.expense_total, col)
            terms: list[Term] = [
                (lab, v.z(r, col), v.loc(r, col))
                for r, lab, _ in lay.class_rows
                if v.a(r, col) is not None
            ]
            rep = sum_check(
                table_short(v.key),
                f"本年支出合计 {col}",
                total,
                v.loc(lay.expense_total, col),
                terms or [("各类支出", ZERO, None)],
            )
            if rep is not None:
                yield rep


@rule(
    "T05c",
    "T",
    "error",
    "收支总表：总计 = 本年合计 + 结转",
    "收入总计必须等于本年收入合计加上年结转；支出总计必须等于本年支出合计加年终结转。",
)
def summary_grand_totals(ctx: Context) -> Iterator[Report]:
    for lay in _summaries(ctx):
        v, col = lay.view, lay.income_col
        if lay.income_grand is not None and lay.income_total is not None:
            carry, carry_rows = lay.carry_amount()
            terms: list[Term] = [
                ("本年收入合计", v.z(lay.income_total, col), v.loc(lay.income_total, col))
            ]
            if carry_rows:
                terms.append(("上年结转", carry, v.loc(carry_rows[0], col)))
            rep = sum_check(
                table_short(v.key),
                "收入总计",
                v.z(lay.income_grand, col),
                v.loc(lay.income_grand, col),
                terms,
            )
            if rep is not None:
                yield rep
        if lay.expense_grand is not None and lay.expense_total is not None:
            for ecol in lay.expense_cols:
                terms = [
                    ("本年支出合计", v.z(lay.expense_total, ecol), v.loc(lay.expense_total, ecol))
                ]
                terms += [
                    (lab, v.z(r, ecol), v.loc(r, ecol))
                    for r, lab in lay.end_rows
                    if v.a(r, ecol) is not None
                ]
                rep = sum_check(
                    table_short(v.key),
                    f"支出总计 {ecol}",
                    v.z(lay.expense_grand, ecol),
                    v.loc(lay.expense_grand, ecol),
                    terms,
                )
                if rep is not None:
                    yield rep


@rule(
    "T05d",
    "T",
    "error",
    "收支总表：收入总计 = 支出总计",
    "收支平衡：收入总计必须等于支出总计。",
)
def summary_balance(ctx: Context) -> Iterator[Report]:
    for lay in _summaries(ctx):
        v = lay.view
        if lay.income_grand is None or lay.expense_grand is None:
            continue
        ecol = lay.expense_cols[0]
        rep = equal_check(
            table_short(v.key),
            "收入总计",
            v.z(lay.income_grand, lay.income_col),
            v.loc(lay.income_grand, lay.income_col),
            "支出总计",
            v.z(lay.expense_grand, ecol),
            v.loc(lay.expense_grand, ecol),
        )
        if rep is not None:
            yield rep


@rule(
    "T05e",
    "T",
    "error",
    "收支总表：支出行合计 = 分列之和",
    "收支总表每行的支出合计必须等于当年预算安排加上年结转安排；财政拨款收支总表每行的小计必须等于"
    "一般公共预算、政府性基金预算、国有资本经营预算之和。",
)
def summary_row_totals(ctx: Context) -> Iterator[Report]:
    for lay in _summaries(ctx):
        v = lay.view
        total_col, parts = ROW_EQUATIONS[v.key][0]
        for r in range(v.nrows):
            cells = [v.a(r, total_col)] + [v.a(r, p) for p in parts]
            if all(x is None for x in cells):
                continue
            label = v.t(r, "支出项目") or _row_label(v, r)
            total = cells[0] if cells[0] is not None else ZERO
            terms: list[Term] = [
                (p, x, v.loc(r, p)) for p, x in zip(parts, cells[1:], strict=True) if x is not None
            ]
            rep = sum_check(
                f"{table_short(v.key)} {label}",
                total_col,
                total,
                v.loc(r, total_col),
                terms or [(parts[0], ZERO, None)],
            )
            if rep is not None:
                yield rep


@rule(
    "T05f",
    "T",
    "error",
    "财政拨款收支总表：上年结转 = 其分项之和",
    "上年财政拨款结转必须等于其下一般公共预算、政府性基金预算、国有资本经营预算结转之和。",
)
def fiscal_carryover_block(ctx: Context) -> Iterator[Report]:
    for lay in _summaries(ctx):
        v, col = lay.view, lay.income_col
        if not lay.carry_rows or not lay.carry_children:
            continue
        head = lay.carry_rows[0][0]
        if v.a(head, col) is None and all(v.a(r, col) is None for r, _, _ in lay.carry_children):
            continue
        terms: list[Term] = [(lab, v.z(r, col), v.loc(r, col)) for r, lab, _ in lay.carry_children]
        rep = sum_check(
            table_short(v.key), lay.carry_rows[0][1], v.z(head, col), v.loc(head, col), terms
        )
        if rep is not None:
            yield rep


@rule(
    "T06a",
    "T",
    "error",
    "经济科目表：合计 = 人员经费 + 公用经费",
    "基本支出经济科目表每行的合计必须等于人员经费与公用经费之和。",
)
def econ_row_total(ctx: Context) -> Iterator[Report]:
    v = ctx.view("basic_expense_economic")
    if v is not None:
        yield from _row_equations(v, "合计", ("人员经费", "公用经费"))


def _econ_label(v: TableView, r: int) -> str:
    a = v.t(r, "部门预算支出经济科目名称")
    b = v.t(r, "政府预算支出经济科目名称")
    return f"{a}（{b}）" if a and b else a or b


@rule(
    "T06b",
    "T",
    "error",
    "经济科目表：类 = 其下各款之和",
    "每个经济分类类（工资福利支出、商品和服务支出、对个人和家庭的补助、资本性支出）必须等于其下各款之和。",
)
def econ_class_sum(ctx: Context) -> Iterator[Report]:
    lay = ctx.econ
    if lay is None or not lay.view.has_amounts:
        return
    v = lay.view
    for cat in lay.categories:
        if not cat.items:
            continue
        for col in ("合计", "人员经费", "公用经费"):
            total = v.eff(cat.idx, col)
            values = [v.eff(i.idx, col) for i in cat.items]
            if total is None or any(x is None for x in values):
                continue
            if compare_sum(total, values) is Outcome.EQUAL:  # type: ignore[arg-type]
                continue
            terms: list[Term] = [
                (_econ_label(v, i.idx), x, v.loc(i.idx, col))
                for i, x in zip(cat.items, values, strict=True)
            ]
            rep = sum_check(
                f"{table_short(v.key)} {cat.name}", col, total, v.loc(cat.idx, col), terms
            )
            if rep is not None:
                yield rep


@rule(
    "T06c",
    "T",
    "error",
    "经济科目表：合计行 = 各类之和",
    "基本支出经济科目表的合计行必须等于各经济分类类之和（没有类行时等于各款之和）。",
)
def econ_total_sum(ctx: Context) -> Iterator[Report]:
    lay = ctx.econ
    if lay is None or lay.total_idx is None or not lay.view.has_amounts:
        return
    v = lay.view
    rows = [c.idx for c in lay.categories] or [i.idx for i in lay.items]
    orphans = [i.idx for i in lay.items if i.category is None] if lay.categories else []
    rows = sorted(rows + orphans)
    if not rows:
        return
    for col in ("合计", "人员经费", "公用经费"):
        total = v.eff(lay.total_idx, col)
        values = [v.eff(r, col) for r in rows]
        if total is None or any(x is None for x in values):
            continue
        terms: list[Term] = [
            (_econ_label(v, r), x, v.loc(r, col)) for r, x in zip(rows, values, strict=True)
        ]
        rep = sum_check(
            f"{table_short(v.key)} 合计行", col, total, v.loc(lay.total_idx, col), terms
        )
        if rep is not None:
            yield rep


@rule(
    "T07",
    "T",
    "warning",
    "经济科目表：人员经费与公用经费的归属",
    "工资福利支出和对个人和家庭的补助各款属人员经费，商品和服务支出和资本性支出各款属公用经费；"
    "列错栏会使人员经费、公用经费和机关运行经费失真。",
)
def econ_placement(ctx: Context) -> Iterator[Report]:
    lay = ctx.econ
    if lay is None:
        return
    v = lay.view
    cls = ctx.cls
    for item in lay.items:
        cat = item.category
        code = (cat.code if cat else None) or (item.code[:3] if item.code else None)
        if code is None:
            continue
        if code in cls.personnel_classes and v.z(item.idx, "公用经费") != 0:
            yield Report(
                f"{table_short(v.key)} {_econ_label(v, item.idx)}：属{cls.dept_classes.get(code, code)}，"
                f"应列人员经费，却在公用经费列 {fmt(v.z(item.idx, '公用经费'))}",
                (v.loc(item.idx, "公用经费"),),
            )
        elif code in cls.public_classes and v.z(item.idx, "人员经费") != 0:
            yield Report(
                f"{table_short(v.key)} {_econ_label(v, item.idx)}：属{cls.dept_classes.get(code, code)}，"
                f"应列公用经费，却在人员经费列 {fmt(v.z(item.idx, '人员经费'))}",
                (v.loc(item.idx, "人员经费"),),
            )


_THREE_COLS = ("合计", "一般公共预算", "政府性基金预算", "国有资本经营预算")
_THREE_NAMES = {
    "abroad": "因公出国（境）费",
    "reception": "公务接待费",
    "car": "公务用车购置及运行费",
    "car_buy": "公务用车购置费",
    "car_run": "公务用车运行维护费",
    "total": "合计",
}


def _three_sum(ctx: Context, total_role: str, roles: list[str]) -> Iterator[Report]:
    v = ctx.view("three_public")
    rows = ctx.three_public
    if v is None or total_role not in rows or not v.has_amounts:
        return
    present = [r for r in roles if r in rows]
    if not present:
        return
    for col in _THREE_COLS:
        total = v.eff(rows[total_role], col)
        values = [v.eff(rows[r], col) for r in present]
        if total is None or any(x is None for x in values):
            continue
        terms: list[Term] = [
            (_THREE_NAMES[r], x, v.loc(rows[r], col)) for r, x in zip(present, values, strict=True)
        ]
        rep = sum_check(
            table_short(v.key),
            f"{_THREE_NAMES[total_role]} {col}",
            total,
            v.loc(rows[total_role], col),
            terms,
        )
        if rep is not None:
            yield rep


@rule(
    "T08a",
    "T",
    "error",
    "“三公”：公务用车购置及运行费 = 购置费 + 运行维护费",
    "公务用车购置及运行费必须等于①公务用车购置费与②公务用车运行维护费之和。",
)
def three_public_car(ctx: Context) -> Iterator[Report]:
    yield from _three_sum(ctx, "car", ["car_buy", "car_run"])


@rule(
    "T08b",
    "T",
    "error",
    "“三公”：合计 = 出国 + 接待 + 公务用车",
    "“三公”经费合计必须等于因公出国（境）费、公务接待费、公务用车购置及运行费之和。",
)
def three_public_total(ctx: Context) -> Iterator[Report]:
    roles = (
        ["abroad", "reception", "car"]
        if "car" in ctx.three_public
        else [
            "abroad",
            "reception",
            "car_buy",
            "car_run",
        ]
    )
    yield from _three_sum(ctx, "total", roles)


@rule(
    "T08c",
    "T",
    "error",
    "“三公”：行合计 = 各资金来源之和",
    "“三公”经费表每行的合计必须等于一般公共预算、政府性基金预算、国有资本经营预算之和。",
)
def three_public_rows_total(ctx: Context) -> Iterator[Report]:
    v = ctx.view("three_public")
    if v is not None:
        total_col, parts = ROW_EQUATIONS["three_public"][0]
        yield from _row_equations(v, total_col, parts)


@rule(
    "T09a",
    "T",
    "error",
    "机关运行经费：部门合计 = 各单位之和",
    "机关运行经费表的部门合计必须等于各单位金额之和。",
)
def admin_total(ctx: Context) -> Iterator[Report]:
    lay = ctx.admin
    if lay is None or lay.total_idx is None or not lay.units or not lay.view.has_amounts:
        return
    v = lay.view
    for col in _THREE_COLS:
        total = v.eff(lay.total_idx, col)
        values = [v.eff(r, col) for r in lay.units]
        if total is None or any(x is None for x in values):
            continue
        terms: list[Term] = [
            (v.t(r, "单位名称"), x, v.loc(r, col)) for r, x in zip(lay.units, values, strict=True)
        ]
        rep = sum_check(
            table_short(v.key), f"部门合计 {col}", total, v.loc(lay.total_idx, col), terms
        )
        if rep is not None:
            yield rep


@rule(
    "T09b",
    "T",
    "error",
    "机关运行经费：行合计 = 各资金来源之和",
    "机关运行经费表每行的合计必须等于各资金来源之和。",
)
def admin_rows_total(ctx: Context) -> Iterator[Report]:
    v = ctx.view("admin_operating")
    if v is not None:
        total_col, parts = ROW_EQUATIONS["admin_operating"][0]
        yield from _row_equations(v, total_col, parts)


def _project_cols(v: TableView) -> list[str]:
    return list(v.amount_cols)


@rule(
    "T10a",
    "T",
    "error",
    "项目支出表：部门合计 = 各单位小计（或各项目）之和",
    "项目支出表的部门合计行必须等于各单位小计之和；没有单位小计时等于全部项目之和。",
)
def project_department_total(ctx: Context) -> Iterator[Report]:
    for lay in ctx.projects.values():
        v = lay.view
        if lay.dept_idx is None or not v.has_amounts:
            continue
        rows = [u.idx for u in lay.units] if lay.units else lay.projects
        if not rows:
            continue
        what = "各单位小计" if lay.units else "各项目"
        for col in _project_cols(v):
            total = v.eff(lay.dept_idx, col)
            values = [v.eff(r, col) for r in rows]
            if total is None or any(x is None for x in values):
                continue
            if compare_sum(total, values) is Outcome.EQUAL:  # type: ignore[arg-type]
                continue
            terms: list[Term] = [
                (v.t(r, "项目名称"), x, v.loc(r, col)) for r, x in zip(rows, values, strict=True)
            ]
            rep = sum_check(
                f"{table_short(v.key)} 部门合计（{what}）",
                f"{v.t(lay.dept_idx, '项目名称') or '合计'} {col}",
                total,
                v.loc(lay.dept_idx, col),
                terms,
            )
            if rep is not None:
                yield rep


@rule(
    "T10b",
    "T",
    "error",
    "项目支出表：单位小计 = 其下各项目之和",
    "项目支出表中每个单位的小计行必须等于该单位下各项目之和。",
)
def project_unit_total(ctx: Context) -> Iterator[Report]:
    for lay in ctx.projects.values():
        v = lay.view
        for unit in lay.units:
            if not unit.projects:
                continue
            for col in _project_cols(v):
                total = v.eff(unit.idx, col)
                values = [v.eff(r, col) for r in unit.projects]
                if total is None or any(x is None for x in values):
                    continue
                if compare_sum(total, values) is Outcome.EQUAL:  # type: ignore[arg-type]
                    continue
                terms: list[Term] = [
                    (v.t(r, "项目名称"), x, v.loc(r, col))
                    for r, x in zip(unit.projects, values, strict=True)
                ]
                rep = sum_check(
                    f"{table_short(v.key)} 单位小计「{v.t(unit.idx, '项目名称')}」",
                    col,
                    total,
                    v.loc(unit.idx, col),
                    terms,
                )
                if rep is not None:
                    yield rep


@rule(
    "T10c",
    "T",
    "error",
    "项目支出表：行合计 = 各资金来源之和",
    "项目支出表每行的合计必须等于各资金来源列之和。",
)
def project_rows_total(ctx: Context) -> Iterator[Report]:
    for key in ("project_expense_current", "project_expense_carryover"):
        v = ctx.view(key)
        if v is not None:
            total_col, parts = ROW_EQUATIONS[key][0]
            yield from _row_equations(v, total_col, parts)


@rule(
    "T11a",
    "T",
    "error",
    "金额栏必须是数字",
    "金额栏里出现文字或乱码，说明数字印错或被水印、批注覆盖；所有核对都依赖它。",
)
def amounts_are_numbers(ctx: Context) -> Iterator[Report]:
    for v in ctx.views.values():
        for r, j in v.bad:
            col = v.columns[j]
            yield Report(
                f"{table_short(v.key)} {_row_label(v, r)} {col}：「{v.text[r][j]}」不是金额",
                (v.loc(r, col),),
            )


@rule(
    "T11b",
    "T",
    "warning",
    "金额保留两位小数",
    "报表金额以万元为单位保留两位小数；位数更多说明单位或格式有误。",
)
def amounts_two_decimals(ctx: Context) -> Iterator[Report]:
    for v in ctx.views.values():
        for r, row in enumerate(v.amt):
            for j, x in enumerate(row):
                if x is not None and x.as_tuple().exponent < -2:  # type: ignore[operator]
                    col = v.columns[j]
                    yield Report(
                        f"{table_short(v.key)} {_row_label(v, r)} {col}：{v.text[r][j]} 超过两位小数",
                        (v.loc(r, col),),
                    )


@rule(
    "T11c",
    "T",
    "error",
    "金额不得为负数",
    "预算报表中的金额不应为负数。",
)
def amounts_not_negative(ctx: Context) -> Iterator[Report]:
    for v in ctx.views.values():
        for r, row in enumerate(v.amt):
            for j, x in enumerate(row):
                if x is not None and x < 0:
                    col = v.columns[j]
                    yield Report(
                        f"{table_short(v.key)} {_row_label(v, r)} {col}：{v.text[r][j]} 为负数",
                        (v.loc(r, col),),
                    )
