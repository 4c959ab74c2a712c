"""X — the same figure printed in two tables must agree (表间核对)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from decimal import Decimal

from core.catalog import split_title
from core.validation.arithmetic import ZERO, Outcome, compare, fmt
from core.validation.checks import equal_check
from core.validation.classification import norm_name
from core.validation.context import Context
from core.validation.engine import Report, rule
from core.validation.findings import Location
from core.validation.labels import table_name, table_short
from core.validation.structure import SOURCE_NAMES, CodeTable, SummaryLayout

logger = logging.getLogger(__name__)

_INCOME_SUMMARY_COL = {
    "gpb": "一般公共预算",
    "fund": "政府性基金",
    "soe": "国有资本经营预算",
    "special": "财政专户管理资金",
    "unit": "单位资金",
    "carry": "上年结转",
}


def _source_amount(lay: SummaryLayout, source: str) -> tuple[Decimal, list[int]]:
    v = lay.view
    if source == "carry":
        return lay.carry_amount()
    rows = lay.income_by_source(source)
    return sum((v.z(r, lay.income_col) for r in rows), ZERO), rows


@rule(
    "X01",
    "X",
    "error",
    "收支总表收入 = 收入总表合计行",
    "收支总表各项收入及收入总计必须与收入总表合计行的对应来源一致。",
)
def summary_vs_income(ctx: Context) -> Iterator[Report]:
    lay = ctx.summary
    ct = ctx.code_table("income_summary")
    if lay is None or ct is None or ct.total_idx is None:
        return
    v, iv, t = lay.view, ct.view, ct.total_idx
    for source, col in _INCOME_SUMMARY_COL.items():
        a, rows = _source_amount(lay, source)
        b = iv.z(t, col)
        if not rows and b == 0:
            continue
        a_loc = v.loc(rows[0], lay.income_col) if rows else v.loc(None)
        rep = equal_check(
            "",
            f"收支总表 {SOURCE_NAMES[source]}",
            a,
            a_loc,
            f"收入总表 合计行 {col}",
            b,
            iv.loc(t, col),
        )
        if rep is not None:
            yield rep
    if lay.income_grand is not None:
        rep = equal_check(
            "",
            "收支总表 收入总计",
            v.z(lay.income_grand, lay.income_col),
            v.loc(lay.income_grand, lay.income_col),
            "收入总表 合计",
            iv.z(t, "合计"),
            iv.loc(t, "合计"),
        )
        if rep is not None:
            yield rep


def _class_rows(ct: CodeTable) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in ct.rows:
        if r.level == 3:
            out.setdefault(r.code, r.idx)
    return out


@rule(
    "X02",
    "X",
    "error",
    "收支总表各类支出 = 支出总表类级合计",
    "收支总表右侧每个功能分类的支出合计必须等于支出总表该类的合计；本年支出合计等于支出总表合计。",
)
def summary_vs_expense(ctx: Context) -> Iterator[Report]:
    lay = ctx.summary
    ct = ctx.code_table("expense_summary")
    if lay is None or ct is None:
        return
    v, ev = lay.view, ct.view
    col = lay.expense_cols[0]
    classes = _class_rows(ct)
    if not classes:
        return
    seen = set()
    for r, label, code in lay.class_rows:
        if code is None:
            continue
        seen.add(code)
        a = v.z(r, col)
        er = classes.get(code)
        b = ev.z(er, "合计") if er is not None else ZERO
        if a == 0 and er is None:
            continue
        rep = equal_check(
            "",
            f"收支总表 {label}",
            a,
            v.loc(r, col),
            f"支出总表 {code} 合计" if er is not None else f"支出总表（无 {code} 类）",
            b,
            ev.loc(er, "合计") if er is not None else None,
        )
        if rep is not None:
            yield rep
    known = {c for _, _, c in lay.class_rows if c}
    for code, er in classes.items():
        if code not in seen and known and ctx.cls.classes.get(code) and ev.z(er, "合计") != 0:
            yield Report(
                f"支出总表 {code} {first.name if (first := ct.first(code)) else ''} 合计 "
                f"{fmt(ev.z(er, '合计'))}，收支总表没有列出该类",
                (ev.loc(er, "合计"),),
            )
    if lay.expense_total is not None and ct.total_idx is not None:
        rep = equal_check(
            "",
            "收支总表 本年支出合计",
            v.z(lay.expense_total, col),
            v.loc(lay.expense_total, col),
            "支出总表 合计",
            ev.z(ct.total_idx, "合计"),
            ev.loc(ct.total_idx, "合计"),
        )
        if rep is not None:
            yield rep


def _codes_with_amount(ct: CodeTable, levels: set[int] | None = None) -> dict[str, int]:
    v = ct.view
    return {
        r.code: r.idx
        for r in ct.rows
        if v.z(r.idx, "合计") != 0 and (levels is None or r.level in levels)
    }


def common_levels(a: CodeTable, b: CodeTable) -> set[int]:
    """Code lengths printed in both tables: a table published only to 款 is compared with
    the other at 类 and 款 (the missing 项 are C04a's business)."""
    return {r.level for r in a.rows} & {r.level for r in b.rows}


@rule(
    "X03a",
    "X",
    "error",
    "收入总表与支出总表科目一致",
    "收入总表和支出总表按同一套功能科目编列：一张表有金额的科目，另一张表也必须有。",
)
def income_expense_same_codes(ctx: Context) -> Iterator[Report]:
    a, b = ctx.code_table("income_summary"), ctx.code_table("expense_summary")
    if a is None or b is None or not a.view.has_amounts or not b.view.has_amounts:
        return
    levels = common_levels(a, b)
    ca, cb = _codes_with_amount(a, levels), _codes_with_amount(b, levels)
    for code in sorted(set(ca) - set(cb)):
        row = a.first(code)
        yield Report(
            f"收入总表有科目 {code} {row.name if row else ''}（合计 {fmt(a.view.z(ca[code], '合计'))}），"
            "支出总表没有",
            (a.view.loc(ca[code], "合计"),),
        )
    for code in sorted(set(cb) - set(ca)):
        row = b.first(code)
        yield Report(
            f"支出总表有科目 {code} {row.name if row else ''}（合计 {fmt(b.view.z(cb[code], '合计'))}），"
            "收入总表没有",
            (b.view.loc(cb[code], "合计"),),
        )


@rule(
    "X03b",
    "X",
    "error",
    "收入总表与支出总表同一科目合计相等",
    "同一功能科目在收入总表和支出总表中的合计必须相等（合计行也一样）。",
)
def income_expense_same_totals(ctx: Context) -> Iterator[Report]:
    a, b = ctx.code_table("income_summary"), ctx.code_table("expense_summary")
    if a is None or b is None or not a.view.has_amounts or not b.view.has_amounts:
        return
    av, bv = a.view, b.view
    if a.total_idx is not None and b.total_idx is not None:
        rep = equal_check(
            "",
            "收入总表 合计",
            av.z(a.total_idx, "合计"),
            av.loc(a.total_idx, "合计"),
            "支出总表 合计",
            bv.z(b.total_idx, "合计"),
            bv.loc(b.total_idx, "合计"),
        )
        if rep is not None:
            yield rep
    for code, rows in a.by_code.items():
        other = b.first(code)
        if other is None:
            continue
        r = rows[0]
        rep = equal_check(
            "",
            f"收入总表 {code} {r.name} 合计",
            av.z(r.idx, "合计"),
            av.loc(r.idx, "合计"),
            "支出总表 合计",
            bv.z(other.idx, "合计"),
            bv.loc(other.idx, "合计"),
        )
        if rep is not None:
            yield rep


def _fiscal_has_carryover(lay: SummaryLayout) -> bool:
    carry, _ = lay.carry_amount()
    return carry != 0


_FISCAL_TABLES = (
    ("一般公共预算", "general_budget_expense"),
    ("政府性基金预算", "gov_fund_expense"),
    ("国有资本经营预算", "state_capital"),
)


@rule(
    "X04a",
    "X",
    "error",
    "财政拨款收支总表各类 = 一般公共预算/政府性基金/国有资本支出表",
    "无上年财政拨款结转时，财政拨款收支总表每类的一般公共预算、政府性基金、国有资本经营预算支出"
    "必须等于相应支出表该类的合计。",
)
def fiscal_vs_tables(ctx: Context) -> Iterator[Report]:
    lay = ctx.fiscal
    if lay is None or _fiscal_has_carryover(lay):
        return
    v = lay.view
    for col, key in _FISCAL_TABLES:
        ct = ctx.code_table(key)
        if ct is None:
            continue
        if col == "一般公共预算" and all(v.a(r, col) is None for r, _, _ in lay.class_rows):
            # Only 小计 printed: it is 一般公共预算 when the other two columns are empty too.
            others = ("政府性基金预算", "国有资本经营预算")
            if all(v.a(r, c) is None for r, _, _ in lay.class_rows for c in others):
                col = "小计"
        classes = _class_rows(ct)
        tv = ct.view
        for r, label, code in lay.class_rows:
            if code is None:
                continue
            a = v.z(r, col)
            tr = classes.get(code)
            if tr is None and (a == 0 or not classes):
                continue
            b = tv.z(tr, "合计") if tr is not None else ZERO
            rep = equal_check(
                "",
                f"财政拨款收支总表 {label} {col}",
                a,
                v.loc(r, col),
                f"{table_short(key)} {code} 合计"
                if tr is not None
                else f"{table_short(key)}（无 {code} 类）",
                b,
                tv.loc(tr, "合计") if tr is not None else None,
            )
            if rep is not None:
                yield rep


@rule(
    "X04b",
    "X",
    "error",
    "财政拨款收入 = 各支出表合计",
    "无上年财政拨款结转时，财政拨款收支总表的一般公共预算（政府性基金、国有资本经营预算）收入必须等于"
    "相应支出表的合计。",
)
def fiscal_income_vs_tables(ctx: Context) -> Iterator[Report]:
    lay = ctx.fiscal
    if lay is None or _fiscal_has_carryover(lay):
        return
    v = lay.view
    for source, (col, key) in zip(("gpb", "fund", "soe"), _FISCAL_TABLES, strict=True):
        ct = ctx.code_table(key)
        if ct is None or ct.total_idx is None:
            continue
        a, rows = _source_amount(lay, source)
        b = ct.view.z(ct.total_idx, "合计")
        if not rows and b == 0:
            continue
        rep = equal_check(
            "",
            f"财政拨款收支总表 {col}收入",
            a,
            v.loc(rows[0], lay.income_col) if rows else v.loc(None),
            f"{table_short(key)} 合计",
            b,
            ct.view.loc(ct.total_idx, "合计"),
        )
        if rep is not None:
            yield rep


@rule(
    "X05",
    "X",
    "error",
    "全部为一般公共预算时：一般公共预算支出表 = 支出总表",
    "当全部收入都是当年一般公共预算拨款时，一般公共预算支出表与支出总表逐科目、逐列相同。",
)
def general_budget_equals_expense(ctx: Context) -> Iterator[Report]:
    if not ctx.all_general_budget:
        return
    g, e = ctx.code_table("general_budget_expense"), ctx.code_table("expense_summary")
    if g is None or e is None:
        return
    gv, ev = g.view, e.view
    pairs: list[tuple[str, int | None, int | None]] = [("合计", g.total_idx, e.total_idx)]
    levels = common_levels(g, e)
    codes = list(dict.fromkeys([r.code for r in g.rows + e.rows if r.level in levels]))
    for code in codes:
        gr, er = g.first(code), e.first(code)
        pairs.append((code, gr.idx if gr else None, er.idx if er else None))
    for label, gi, ei in pairs:
        if gi is None and ei is None:
            continue
        name = ""
        if label != "合计":
            row = g.first(label) or e.first(label)
            name = f"{label} {row.name if row else ''}".strip()
        else:
            name = "合计"
        for col in ("合计", "基本支出", "项目支出"):
            a = gv.z(gi, col) if gi is not None else ZERO
            b = ev.z(ei, col) if ei is not None else ZERO
            if compare(a, b) is Outcome.EQUAL:
                continue
            rep = equal_check(
                "",
                f"一般公共预算支出表 {name} {col}" + ("" if gi is not None else "（无此科目）"),
                a,
                gv.loc(gi, col) if gi is not None else None,
                "支出总表" + ("" if ei is not None else "（无此科目）"),
                b,
                ev.loc(ei, col) if ei is not None else None,
            )
            if rep is not None:
                yield rep


@rule(
    "X06",
    "X",
    "error",
    "基本支出 = 经济科目表合计",
    "一般公共预算支出表合计行的基本支出必须等于基本支出经济科目表的合计。",
)
def basic_vs_econ(ctx: Context) -> Iterator[Report]:
    lay = ctx.econ
    if lay is None or lay.total_idx is None:
        return
    g = ctx.code_table("general_budget_expense")
    src = "一般公共预算支出表"
    if g is None or g.total_idx is None:
        g = ctx.code_table("expense_summary") if ctx.all_general_budget else None
        src = "支出总表"
    if g is None or g.total_idx is None:
        return
    rep = equal_check(
        "",
        "基本支出经济科目表 合计",
        lay.view.z(lay.total_idx, "合计"),
        lay.view.loc(lay.total_idx, "合计"),
        f"{src} 合计行 基本支出",
        g.view.z(g.total_idx, "基本支出"),
        g.view.loc(g.total_idx, "基本支出"),
    )
    if rep is not None:
        yield rep


@rule(
    "X07",
    "X",
    "error",
    "项目支出 = 项目支出表合计",
    "支出总表合计行的项目支出必须等于项目支出表（本年预算）与（上年结转）的合计之和。",
)
def project_vs_expense(ctx: Context) -> Iterator[Report]:
    e = ctx.code_table("expense_summary")
    cur = ctx.projects.get("project_expense_current")
    if e is None or e.total_idx is None or cur is None:
        return
    total = cur.total() or ZERO
    locs: list[Location] = (
        [cur.view.loc(cur.dept_idx, "合计")]
        if cur.dept_idx is not None
        else [cur.view.loc(None, "合计")]
    )
    carry = ctx.projects.get("project_expense_carryover")
    name = "项目支出表（本年）合计"
    if carry is not None and carry.total():
        total += carry.total() or ZERO
        name += " + 项目支出表（上年结转）合计"
        locs.append(
            carry.view.loc(carry.dept_idx, "合计")
            if carry.dept_idx is not None
            else carry.view.loc(None)
        )
    n = 1 if cur.dept_idx is not None else max(1, len(cur.projects))
    rep = equal_check(
        "",
        "支出总表 合计行 项目支出",
        e.view.z(e.total_idx, "项目支出"),
        e.view.loc(e.total_idx, "项目支出"),
        name,
        total,
        None,
        n_terms=n,
        extra_locs=locs,
    )
    if rep is not None:
        yield rep


@rule(
    "X08",
    "X",
    "warning",
    "机关运行经费 ≤ 公用经费",
    "机关运行经费是行政单位和参公事业单位基本支出中的公用经费，不能超过经济科目表的公用经费合计。",
)
def admin_vs_public(ctx: Context) -> Iterator[Report]:
    lay, econ = ctx.admin, ctx.econ
    if lay is None or lay.total_idx is None or econ is None or econ.total_idx is None:
        return
    a = lay.view.z(lay.total_idx, "合计")
    b = econ.view.z(econ.total_idx, "公用经费")
    if compare(a, b) is Outcome.DIFFERENT and a > b:
        yield Report(
            f"机关运行经费 部门合计 {fmt(a)} 超过经济科目表 公用经费合计 {fmt(b)}（差 {fmt(a - b)}）",
            (lay.view.loc(lay.total_idx, "合计"), econ.view.loc(econ.total_idx, "公用经费")),
        )


def _three_vs_econ(ctx: Context, role: str, pattern: str, label: str) -> Iterator[Report]:
    v = ctx.view("three_public")
    econ = ctx.econ
    if v is None or econ is None or role not in ctx.three_public:
        return
    r = ctx.three_public[role]
    a = v.z(r, "合计")
    rx = re.compile(pattern)
    for item in econ.items:
        if rx.search(item.name):
            b = econ.view.z(item.idx, "合计")
            if compare(a, b) is Outcome.DIFFERENT and b > a:
                yield Report(
                    f"“三公”经费表 {label} {fmt(a)} 小于经济科目表「{item.name}」{fmt(b)}"
                    f"（差 {fmt(b - a)}）：基本支出中的该项已超过“三公”预算",
                    (v.loc(r, "合计"), econ.view.loc(item.idx, "合计")),
                )


@rule(
    "X09a",
    "X",
    "warning",
    "“三公”公务用车运行维护费 ≥ 经济科目表同名款",
    "经济科目表中的公务用车运行维护费是“三公”经费的一部分，不能大于“三公”表的该项。",
)
def three_car_vs_econ(ctx: Context) -> Iterator[Report]:
    yield from _three_vs_econ(ctx, "car_run", r"公务用车运行维护", "公务用车运行维护费")


@rule(
    "X09b",
    "X",
    "warning",
    "“三公”公务接待费 ≥ 经济科目表公务接待费",
    "经济科目表中的公务接待费（30217）是“三公”经费的一部分，不能大于“三公”表的该项。",
)
def three_reception_vs_econ(ctx: Context) -> Iterator[Report]:
    yield from _three_vs_econ(ctx, "reception", r"公务接待", "公务接待费")


@rule(
    "X09c",
    "X",
    "warning",
    "“三公”因公出国（境）费 ≥ 经济科目表同名款",
    "经济科目表中的因公出国（境）费用（30212）是“三公”经费的一部分，不能大于“三公”表的该项。",
)
def three_abroad_vs_econ(ctx: Context) -> Iterator[Report]:
    yield from _three_vs_econ(ctx, "abroad", r"出国", "因公出国（境）费")


@rule(
    "X10a",
    "X",
    "error",
    "标注“本表无数据”的表不得有金额",
    "注明本表无数据的表格里出现了金额，二者必有一错。",
)
def no_data_but_amounts(ctx: Context) -> Iterator[Report]:
    for v in ctx.views.values():
        if v.table.no_data and v.has_amounts:
            yield Report(f"{table_name(v.key)} 注明“本表无数据”，但表内有金额", (v.loc(None),))


def _fund_check(ctx: Context, source: str, keys: tuple[str, ...], label: str) -> Iterator[Report]:
    lay = ctx.summary
    if lay is None:
        return
    amount, rows = _source_amount(lay, source)
    found = [ctx.view(k) for k in keys]
    views = [v for v in found if v is not None]
    if not views:
        return
    tables_have = any(v.has_amounts for v in views)
    loc = lay.view.loc(rows[0], lay.income_col) if rows else lay.view.loc(None)
    if amount != 0 and not tables_have:
        yield Report(
            f"收支总表 {label}收入 {fmt(amount)}，但"
            + "、".join(table_short(v.key) for v in views)
            + " 没有金额",
            (loc, *(v.loc(None) for v in views)),
        )
    elif amount == 0 and tables_have:
        yield Report(
            f"收支总表没有{label}收入，但"
            + "、".join(table_short(v.key) for v in views if v.has_amounts)
            + " 有金额",
            (loc, *(v.loc(None) for v in views if v.has_amounts)),
        )


@rule(
    "X10b",
    "X",
    "error",
    "政府性基金表有无数据与收支总表一致",
    "收支总表有政府性基金收入时，政府性基金收支表必须有数据；没有时二表应为空。",
)
def gov_fund_consistency(ctx: Context) -> Iterator[Report]:
    yield from _fund_check(ctx, "fund", ("gov_fund_income", "gov_fund_expense"), "政府性基金预算")


@rule(
    "X10c",
    "X",
    "error",
    "国有资本经营预算表有无数据与收支总表一致",
    "收支总表有国有资本经营预算收入时，国有资本经营预算表必须有数据；没有时应为空。",
)
def state_capital_consistency(ctx: Context) -> Iterator[Report]:
    yield from _fund_check(ctx, "soe", ("state_capital",), "国有资本经营预算")


_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


@rule(
    "X11a",
    "X",
    "error",
    "封面与各表年度一致",
    "封面和每张表标题上的预算年度必须相同。",
)
def year_consistency(ctx: Context) -> Iterator[Report]:
    doc = ctx.doc
    year = doc.year
    if year is None:
        return
    m = _YEAR.search(doc.cover_title or "")
    if m and int(m.group(1)) != year:
        yield Report(f"封面年度 {m.group(1)} 与预算年度 {year} 不一致", (Location(),))
    for key, t in doc.tables.items():
        if not t.title:
            continue
        _, ty, _, _ = split_title(t.title)
        if ty is not None and ty != year:
            yield Report(
                f"{table_name(key)} 标题「{t.title}」的年度 {ty} 与预算年度 {year} 不一致",
                (Location(table=key),),
            )


def _dept(text: str) -> str:
    return re.sub(r"^(?:部门|单位)(?:名称)?[:：]", "", norm_name(text))


@rule(
    "X11b",
    "X",
    "error",
    "各表部门名称一致",
    "每张表“部门名称”行的部门必须与封面一致。",
)
def department_consistency(ctx: Context) -> Iterator[Report]:
    doc = ctx.doc
    want = _dept(doc.department)
    if not want:
        return
    for key, t in doc.tables.items():
        got = _dept(t.department)
        if got and got != want:
            yield Report(
                f"{table_name(key)} 部门名称「{t.department}」与封面「{doc.department}」不一致",
                (Location(table=key),),
            )


@rule(
    "X12",
    "X",
    "error",
    "收支总表与财政拨款收支总表的财政拨款收入一致",
    "收支总表的一般公共预算、政府性基金预算、国有资本经营预算收入必须与财政拨款收支总表相同。",
)
def summary_vs_fiscal(ctx: Context) -> Iterator[Report]:
    a, b = ctx.summary, ctx.fiscal
    if a is None or b is None:
        return
    for source in ("gpb", "fund", "soe"):
        x, xr = _source_amount(a, source)
        y, yr = _source_amount(b, source)
        if not xr and not yr:
            continue
        rep = equal_check(
            "",
            f"收支总表 {SOURCE_NAMES[source]}",
            x,
            a.view.loc(xr[0], a.income_col) if xr else None,
            "财政拨款收支总表",
            y,
            b.view.loc(yr[0], b.income_col) if yr else None,
        )
        if rep is not None:
            yield rep
