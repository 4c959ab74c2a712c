"""N — the figures of 第三部分 情况说明 against the tables (说明与报表核对).

Each quoted figure is attributed to a table cell by the topic of its section and the
label printed before it (:mod:`core.validation.narrative`). A figure that cannot be
attributed is left alone: no finding is better than a wrong one. Findings point at the
character span in the section and, where the figure was attributed, at the table cell.

Amounts: a figure printed with two decimals must equal the table within 0.01 (a
difference of 0.01 is a rounding info); printed with fewer decimals it must equal the
table rounded (or cut) to that precision. Percentages are recomputed from the table
figures; the stated percentage may differ by one unit of its last printed digit.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from core.validation.arithmetic import ZERO, fmt
from core.validation.classification import norm_name
from core.validation.context import Context
from core.validation.engine import Report, rule
from core.validation.findings import Location
from core.validation.narrative import (
    DECREASE,
    INCREASE,
    SAME,
    Change,
    Figure,
    NSection,
    half_unit,
)
from core.validation.project_forms import similarity
from core.validation.structure import income_source

logger = logging.getLogger(__name__)

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class TableFig:
    value: Decimal
    loc: Location
    desc: str


@dataclass(frozen=True, slots=True)
class Attribution:
    kind: str  # the rule id that compares the amount
    fig: Figure
    target: TableFig
    share_rule: str | None = None  # the rule id that checks its share
    base: TableFig | None = None  # what the share is of
    name_differs: str | None = None  # a class name printed differently (N05c)


def _nloc(ctx: Context, section: int, start: int, end: int) -> Location:
    heading = ctx.doc.narrative[section].heading
    return Location(section=heading, section_index=section, start=start, end=end)


def _fig_loc(ctx: Context, fig: Figure) -> Location:
    return _nloc(ctx, fig.section, fig.start, fig.end)


def _tf(ctx: Context, key: str, row: int | None, col: str, desc: str) -> TableFig | None:
    v = ctx.view(key)
    if v is None or row is None:
        return None
    return TableFig(v.z(row, col), v.loc(row, col), desc)


def amount_outcome(value: Decimal, places: int, table: Decimal) -> str:
    """equal / rounding / different for a narrative figure against a table figure."""
    diff = abs(value - table)
    if diff == 0:
        return "equal"
    if places >= 2:
        return "rounding" if diff <= _CENT else "different"
    tol = Decimal(1).scaleb(-places) if places >= 1 else Decimal("0.5")
    return "equal" if diff <= tol else "different"


def pct_ok(
    stated: Decimal, places: int, num: Decimal, num_e: Decimal, den: Decimal, den_e: Decimal
) -> bool:
    """Does *stated* % fit num/den, given the rounding of each (interval arithmetic)?"""
    if den - den_e <= 0:
        return True
    lo = max(num - num_e, ZERO) / (den + den_e) * _HUNDRED
    hi = (num + num_e) / (den - den_e) * _HUNDRED
    unit = Decimal(1).scaleb(-places)
    return lo - unit <= stated <= hi + unit


# -- attribution ---------------------------------------------------------------------

_CLASS_TAIL = re.compile(r"\((?:类|类级科目)\)$|共计$|合计$|为$")
_CLASS_LEAD = re.compile(
    r"^(?:其中|主要用于|主要包括|包括|用于|主要是|主要为|分别为|以下方面|支出包括)+"
)


def _class_candidates(ctx: Context, key: str) -> dict[str, tuple[int, str]]:
    if key == "fiscal_grant_summary":
        lay = ctx.fiscal
        return {c: (r, lab) for r, lab, c in lay.class_rows if c} if lay else {}
    ct = ctx.code_table(key)
    if ct is None:
        return {}
    return {r.code: (r.idx, r.name) for r in ct.rows if r.level == 3}


def _match_class(
    ctx: Context, label: str, value: Decimal, places: int, key: str, col: str
) -> tuple[str, bool] | None:
    name = _CLASS_TAIL.sub("", _CLASS_LEAD.sub("", norm_name(label)))
    if not name.endswith("支出") or name in ("基本支出", "项目支出") or len(name) < 4:
        return None
    if re.search(r"当年|本年|合计|总计|预算支出|财政拨款", name):
        return None
    cands = _class_candidates(ctx, key)
    code = ctx.cls.class_code(name)
    if code is not None:
        return code, True
    v = ctx.view(key)
    if v is None:
        return None
    best: tuple[float, str] | None = None
    for c, (row, cname) in cands.items():
        ratio = similarity(name, norm_name(cname))
        if ratio >= 0.6 and amount_outcome(value, places, v.z(row, col)) != "different":
            if best is None or ratio > best[0]:
                best = (ratio, c)
    return (best[1], False) if best else None


_PAST = re.compile(r"上年(?!结转|财政拨款结转)|去年|上一年|同口径|以前年度")
_YEAR_IN_LABEL = re.compile(r"((?:19|20)\d\d)年")


def _about_another_year(label: str, year: int | None) -> bool:
    """A figure of last year (上年预算…, 2023年…) is not this year's table figure."""
    if _PAST.search(label):
        return True
    return year is not None and any(int(y) != year for y in _YEAR_IN_LABEL.findall(label))


def _attributions(ctx: Context) -> list[Attribution]:
    out: list[Attribution] = []
    model = ctx.narrative
    year = ctx.doc.year
    for sec in model.part3():
        figs = [
            f
            for f in model.figures.get(sec.index, [])
            if not f.in_change and not _about_another_year(f.label, year)
        ]
        if not figs:
            continue
        handler = _HANDLERS.get(sec.topic or "")
        if handler is not None:
            out.extend(handler(ctx, sec, figs))
    return out


def attributions(ctx: Context) -> list[Attribution]:
    return ctx.memo("narrative.attributions", _attributions)


# The total of 二、收入 / 三、支出 sections ("预算收入957.23万元", "支出预算957.23万元").
_INCOME_TOTAL = re.compile(r"^(?!.*拨款).*(?:预算收入|收入预算|收入总|收入合计|总收入)")
_EXPENSE_TOTAL = re.compile(r"^(?!.*(?:基本|项目)).*(?:支出预算|预算支出|支出总|支出合计|总支出)")
_INCOME_GRAND = re.compile(r"收入(?:预算)?总(?:计|额)")
_EXPENSE_GRAND = re.compile(r"支出(?:预算)?总(?:计|额)")


def _overview(ctx: Context, sec: NSection, figs: list[Figure]) -> Iterator[Attribution]:
    lay = ctx.summary
    if lay is None:
        return
    key, last = "income_expense_summary", ""
    for f in figs:
        lab = f.label
        t: TableFig | None = None
        if _INCOME_GRAND.search(lab):
            t, last = _tf(ctx, key, lay.income_grand, lay.income_col, "收支总表 收入总计"), "income"
        elif _EXPENSE_GRAND.search(lab):
            t, last = _tf(ctx, key, lay.expense_grand, "支出合计", "收支总表 支出总计"), "expense"
        elif re.search(r"(?:本年|当年)收入", lab):
            t = _tf(ctx, key, lay.income_total, lay.income_col, "收支总表 本年收入合计")
        elif re.search(r"(?:本年|当年)(?:预算安排|支出)", lab):
            row = lay.expense_grand if lay.expense_grand is not None else lay.expense_total
            t = _tf(ctx, key, row, "当年预算安排", "收支总表 支出总计 当年预算安排")
        elif "上年结转" in lab:
            if last == "expense":
                t = _tf(
                    ctx, key, lay.expense_grand, "上年结转安排", "收支总表 支出总计 上年结转安排"
                )
            else:
                amount, rows = lay.carry_amount()
                loc = lay.view.loc(rows[0] if rows else None, lay.income_col)
                t = TableFig(amount, loc, "收支总表 上年结转")
        if t is not None:
            yield Attribution("N01a", f, t)


def _income(ctx: Context, sec: NSection, figs: list[Figure]) -> Iterator[Attribution]:
    ct = ctx.code_table("income_summary")
    if ct is None or ct.total_idx is None:
        return
    key, row = "income_summary", ct.total_idx
    total = _tf(ctx, key, row, "合计", "收入总表 合计")
    cols = {
        "gpb": "一般公共预算",
        "fund": "政府性基金",
        "soe": "国有资本经营预算",
        "special": "财政专户管理资金",
        "unit": "单位资金",
        "carry": "上年结转",
    }
    seen_total = False
    for f in figs:
        src = income_source(f.label)
        if src is None:
            if not seen_total and _INCOME_TOTAL.search(f.label) and total is not None:
                seen_total = True
                yield Attribution("N03a", f, total)
            continue
        t = _tf(ctx, key, row, cols[src], f"收入总表 合计行 {cols[src]}")
        if t is not None:
            yield Attribution("N03a", f, t, "N03b", total)


def _expense(ctx: Context, sec: NSection, figs: list[Figure]) -> Iterator[Attribution]:
    ct = ctx.code_table("expense_summary")
    if ct is None or ct.total_idx is None:
        return
    key, row = "expense_summary", ct.total_idx
    total = _tf(ctx, key, row, "合计", "支出总表 合计")
    seen_total = False
    for f in figs:
        lab = f.label
        if "基本支出" in lab:
            t = _tf(ctx, key, row, "基本支出", "支出总表 合计行 基本支出")
        elif "项目支出" in lab:
            t = _tf(ctx, key, row, "项目支出", "支出总表 合计行 项目支出")
        elif not seen_total and _EXPENSE_TOTAL.search(lab) and total is not None:
            seen_total = True
            yield Attribution("N04a", f, total)
            continue
        else:
            continue
        if t is not None:
            yield Attribution("N04a", f, t, "N04b", total)


def _classes(
    ctx: Context, f: Figure, key: str, col: str, base: TableFig | None
) -> Attribution | None:
    m = _match_class(ctx, f.label, f.value, f.places, key, col)
    if m is None:
        return None
    code, exact = m
    rows = _class_candidates(ctx, key)
    v = ctx.view(key)
    if v is None:
        return None
    if code in rows:
        row, cname = rows[code]
        t = TableFig(v.z(row, col), v.loc(row, col), f"{_short(key)} {cname}")
    else:
        t = TableFig(ZERO, v.loc(None), f"{_short(key)}（无 {code} 类）")
    differs = None if exact else (rows[code][1] if code in rows else code)
    return Attribution("N05a", f, t, "N05b", base, differs)


def _short(key: str) -> str:
    from core.validation.labels import table_short

    return table_short(key)


def _fiscal(ctx: Context, sec: NSection, figs: list[Figure]) -> Iterator[Attribution]:
    lay = ctx.fiscal
    if lay is None:
        return
    key = "fiscal_grant_summary"
    for f in figs:
        lab = f.label
        a = _classes(ctx, f, key, "小计", None)
        if a is not None:
            yield a
            continue
        t: TableFig | None = None
        src = income_source(lab)
        if re.search(r"总预算|预算总额|收支总额|收支预算总", lab):
            t = _tf(ctx, key, lay.income_grand, lay.income_col, "财政拨款收支总表 收入总计")
        elif re.search(r"(?:当年|本年)拨款|(?:当年|本年)收入", lab):
            t = _tf(ctx, key, lay.income_total, lay.income_col, "财政拨款收支总表 本年收入合计")
        elif src == "carry":
            amount, rows = lay.carry_amount()
            t = TableFig(
                amount,
                lay.view.loc(rows[0] if rows else None, lay.income_col),
                "财政拨款收支总表 上年结转",
            )
        elif src in ("gpb", "fund", "soe"):
            rows = lay.income_by_source(src)
            if rows:
                t = _tf(
                    ctx,
                    key,
                    rows[0],
                    lay.income_col,
                    f"财政拨款收支总表 {lay.view.t(rows[0], '收入项目')}",
                )
        if t is not None:
            yield Attribution("N01b", f, t)


def _gpb(ctx: Context, sec: NSection, figs: list[Figure]) -> Iterator[Attribution]:
    ct = ctx.code_table("general_budget_expense")
    if ct is None or ct.total_idx is None:
        return
    key = "general_budget_expense"
    total = _tf(ctx, key, ct.total_idx, "合计", "一般公共预算支出表 合计")
    for f in figs:
        a = _classes(ctx, f, key, "合计", total)
        if a is not None:
            yield a
            continue
        lab = f.label
        if "基本支出" in lab:
            t = _tf(ctx, key, ct.total_idx, "基本支出", "一般公共预算支出表 合计行 基本支出")
        elif "项目支出" in lab:
            t = _tf(ctx, key, ct.total_idx, "项目支出", "一般公共预算支出表 合计行 项目支出")
        elif re.search(r"当年拨款|当年支出|一般公共预算", lab):
            t = total
        else:
            continue
        if t is not None:
            yield Attribution("N05d", f, t)


def _basic(ctx: Context, sec: NSection, figs: list[Figure]) -> Iterator[Attribution]:
    lay = ctx.econ
    if lay is None or lay.total_idx is None:
        return
    key, row = "basic_expense_economic", lay.total_idx
    for f in figs:
        lab = f.label
        if "人员经费" in lab:
            t = _tf(ctx, key, row, "人员经费", "经济科目表 合计行 人员经费")
        elif "公用经费" in lab:
            t = _tf(ctx, key, row, "公用经费", "经济科目表 合计行 公用经费")
        elif "基本支出" in lab:
            t = _tf(ctx, key, row, "合计", "经济科目表 合计")
        else:
            continue
        if t is not None:
            yield Attribution("N06a", f, t)


_THREE_LABELS = (
    ("car", re.compile(r"购置及运行|购置及运维")),
    ("car_run", re.compile(r"运行维护|运维费|运行费")),
    ("car_buy", re.compile(r"购置费|车购置")),
    ("abroad", re.compile(r"出国")),
    ("reception", re.compile(r"接待")),
    ("total", re.compile(r"三公")),
)
_THREE_DESC = {
    "car": "公务用车购置及运行费",
    "car_run": "公务用车运行维护费",
    "car_buy": "公务用车购置费",
    "abroad": "因公出国（境）费",
    "reception": "公务接待费",
    "total": "合计",
}


def _three(ctx: Context, sec: NSection, figs: list[Figure]) -> Iterator[Attribution]:
    rows = ctx.three_public
    if not rows:
        return
    for f in figs:
        role = next((r for r, pat in _THREE_LABELS if pat.search(f.label)), None)
        if role is None:
            continue
        t = _tf(ctx, "three_public", rows.get(role), "合计", f"“三公”经费表 {_THREE_DESC[role]}")
        if t is None and role == "car" and "car_buy" in rows and "car_run" in rows:
            continue
        if t is not None:
            yield Attribution("N07a" if role == "total" else "N07b", f, t)


def _admin(ctx: Context, sec: NSection, figs: list[Figure]) -> Iterator[Attribution]:
    lay = ctx.admin
    if lay is None or lay.total_idx is None:
        return
    v = lay.view
    total = TableFig(
        v.z(lay.total_idx, "合计"), v.loc(lay.total_idx, "合计"), "机关运行经费表 部门合计"
    )
    seen: set[tuple[int, int]] = set()
    for f in figs:
        if f.sentence in seen:
            continue
        if "机关运行" not in f.label and "预算" not in f.label:
            continue
        seen.add(f.sentence)
        if amount_outcome(f.value, f.places, total.value) == "different":
            unit = next(
                (
                    r
                    for r in lay.units
                    if amount_outcome(f.value, f.places, v.z(r, "合计")) != "different"
                ),
                None,
            )
            if unit is not None:
                yield Attribution(
                    "N08a",
                    f,
                    TableFig(
                        v.z(unit, "合计"),
                        v.loc(unit, "合计"),
                        f"机关运行经费表 {v.t(unit, '单位名称')}",
                    ),
                )
                continue
        yield Attribution("N08a", f, total)


_HANDLERS = {
    "overview": _overview,
    "income": _income,
    "expense": _expense,
    "fiscal": _fiscal,
    "gpb": _gpb,
    "basic": _basic,
    "three_public": _three,
    "admin": _admin,
}


# -- amount and share rules ------------------------------------------------------------


def _amount_reports(ctx: Context, kind: str) -> Iterator[Report]:
    for a in attributions(ctx):
        if a.kind != kind:
            continue
        f, t = a.fig, a.target
        out = amount_outcome(f.value, f.places, t.value)
        if out == "equal":
            continue
        text = ctx.doc.narrative[f.section].text.value[f.start : f.end]
        lab = f.label or "金额"
        msg = f"情况说明「{lab}{text}」与{t.desc} {fmt(t.value)} 不符（差 {fmt(abs(f.value - t.value))}）"
        if out == "rounding":
            yield Report(
                msg.replace("不符", "相差一分") + "（舍入差异）", (_fig_loc(ctx, f), t.loc), "info"
            )
        else:
            yield Report(msg, (_fig_loc(ctx, f), t.loc))


# A share said to be of something else than the base we would divide by is not checked
# (占基本支出的…, 占一般公共预算支出的… where the base is the whole budget).
_OTHER_BASE = {
    "N03b": re.compile(r"支出|拨款"),
    "N04b": re.compile(r"基本|项目|一般公共预算|财政拨款|收入"),
    "N05b": re.compile(r"基本|项目|财政拨款|收入|部门"),
}


def _share_reports(ctx: Context, share_rule: str) -> Iterator[Report]:
    e = half_unit(2)
    for a in attributions(ctx):
        if a.share_rule != share_rule or a.base is None or a.fig.pct is None:
            continue
        if a.fig.pct_base and _OTHER_BASE[share_rule].search(a.fig.pct_base):
            continue
        f, t, base = a.fig, a.target, a.base
        assert f.pct is not None  # a.fig.pct checked above
        if pct_ok(f.pct, f.pct_places, t.value, e, base.value, e):
            continue
        true = t.value / base.value * _HUNDRED if base.value else ZERO
        span = f.pct_span or (f.start, f.end)
        yield Report(
            f"情况说明「{f.label}」占比 {f.pct}%，按{t.desc} {fmt(t.value)} ÷ {base.desc} {fmt(base.value)} "
            f"计算应为 {fmt(true)}%",
            (_nloc(ctx, f.section, span[0], span[1]), t.loc, base.loc),
        )


@rule(
    "N01a",
    "N",
    "error",
    "说明：收入总计、支出总计、本年收入、上年结转 = 收支总表",
    "第三部分一、所述收支总计及其构成必须与预算收支总表一致。",
)
def narrative_totals(ctx: Context) -> Iterator[Report]:
    yield from _amount_reports(ctx, "N01a")


@rule(
    "N01b",
    "N",
    "error",
    "说明：财政拨款收支总体情况 = 财政拨款收支总表",
    "第三部分四、所述财政拨款收支总预算、各项拨款和当年拨款、上年结转必须与财政拨款收支总表一致。",
)
def narrative_fiscal(ctx: Context) -> Iterator[Report]:
    yield from _amount_reports(ctx, "N01b")


@rule(
    "N03a",
    "N",
    "error",
    "说明：收入预算及各来源金额 = 收入总表",
    "第三部分二、所述预算收入及各来源金额必须等于收入总表合计行。",
)
def narrative_income(ctx: Context) -> Iterator[Report]:
    yield from _amount_reports(ctx, "N03a")


@rule(
    "N03b",
    "N",
    "error",
    "说明：各收入来源占比",
    "第三部分二、所述各收入来源的占比必须等于该来源 ÷ 收入合计（重新计算）。",
)
def narrative_income_share(ctx: Context) -> Iterator[Report]:
    yield from _share_reports(ctx, "N03b")


@rule(
    "N04a",
    "N",
    "error",
    "说明：支出预算、基本支出、项目支出 = 支出总表",
    "第三部分三、所述支出预算及基本支出、项目支出必须等于支出总表合计行。",
)
def narrative_expense(ctx: Context) -> Iterator[Report]:
    yield from _amount_reports(ctx, "N04a")


@rule(
    "N04b",
    "N",
    "error",
    "说明：基本支出、项目支出占比",
    "第三部分三、所述基本支出、项目支出的占比必须等于其 ÷ 支出合计（重新计算）。",
)
def narrative_expense_share(ctx: Context) -> Iterator[Report]:
    yield from _share_reports(ctx, "N04b")


@rule(
    "N05a",
    "N",
    "error",
    "说明：各功能分类支出 = 财政拨款收支总表 / 一般公共预算支出表",
    "第三部分四、五所列各功能分类（类）支出金额必须与财政拨款收支总表、一般公共预算支出表一致。",
)
def narrative_classes(ctx: Context) -> Iterator[Report]:
    yield from _amount_reports(ctx, "N05a")


@rule(
    "N05b",
    "N",
    "error",
    "说明：各功能分类支出占比",
    "第三部分五所列各功能分类支出的占比必须等于其 ÷ 一般公共预算支出合计（重新计算）。",
)
def narrative_class_share(ctx: Context) -> Iterator[Report]:
    yield from _share_reports(ctx, "N05b")


@rule(
    "N05c",
    "N",
    "warning",
    "说明：功能分类名称与报表一致",
    "说明中的功能分类名称应与报表中的类名称一致，写错名称会让读者对不上表。",
)
def narrative_class_names(ctx: Context) -> Iterator[Report]:
    for a in attributions(ctx):
        if a.name_differs:
            f = a.fig
            yield Report(
                f"情况说明写作「{_CLASS_LEAD.sub('', norm_name(f.label))}」，报表中为「{a.name_differs}」",
                (_fig_loc(ctx, f), a.target.loc),
            )


@rule(
    "N05d",
    "N",
    "error",
    "说明：一般公共预算当年拨款总额 = 一般公共预算支出表",
    "第三部分五所述一般公共预算当年拨款（支出）总额及基本、项目支出必须等于一般公共预算支出表合计行。",
)
def narrative_gpb_total(ctx: Context) -> Iterator[Report]:
    yield from _amount_reports(ctx, "N05d")


@rule(
    "N06a",
    "N",
    "error",
    "说明：基本支出、人员经费、公用经费 = 经济科目表",
    "第三部分六所述基本支出及人员经费、公用经费必须等于基本支出经济科目表合计行。",
)
def narrative_basic(ctx: Context) -> Iterator[Report]:
    yield from _amount_reports(ctx, "N06a")


_LIST = re.compile(r"(人员经费|公用经费)[^。；;]*?主要包括[:：]([^。；;]*)")


@rule(
    "N06b",
    "N",
    "warning",
    "说明：人员经费、公用经费所列科目见于经济科目表",
    "第三部分六“主要包括”列出的经济科目应是基本支出经济科目表中实际有金额的款。",
)
def narrative_basic_items(ctx: Context) -> Iterator[Report]:
    lay = ctx.econ
    if lay is None:
        return
    v = lay.view
    present: dict[str, set[str]] = {"人员经费": set(), "公用经费": set()}
    for item in lay.items:
        for col in present:
            if v.z(item.idx, col) != 0:
                present[col].add(norm_name(item.name).replace("的", ""))
                present[col].add(norm_name(item.gov).replace("的", ""))
    for sec in ctx.narrative.by_topic("basic"):
        for m in _LIST.finditer(sec.text):
            col = m.group(1)
            start = m.start(2)
            for part in re.split(r"[、，,]", m.group(2)):
                name = re.sub(r"等$", "", norm_name(part))
                if name and name.replace("的", "") not in present[col]:
                    i = sec.text.find(part, start)
                    yield Report(
                        f"情况说明六 {col}“主要包括”的「{name}」在经济科目表的{col}中没有金额",
                        (_nloc(ctx, sec.index, i, i + len(part)), v.loc(None, col)),
                    )


@rule(
    "N07a",
    "N",
    "error",
    "说明：“三公”经费总额 = “三公”经费表",
    "第三部分七所述“三公”经费预算总额必须等于“三公”经费表合计。",
)
def narrative_three_total(ctx: Context) -> Iterator[Report]:
    yield from _amount_reports(ctx, "N07a")


@rule(
    "N07b",
    "N",
    "error",
    "说明：“三公”各项 = “三公”经费表",
    "第三部分七所述因公出国（境）费、公务接待费、公务用车购置及运行费（购置费、运行维护费）必须等于“三公”经费表。",
)
def narrative_three_items(ctx: Context) -> Iterator[Report]:
    yield from _amount_reports(ctx, "N07b")


_REASON = re.compile(r"原因|由于|因为|主要是|主要用于|系因|是因|缘于")


@rule(
    "N07c",
    "N",
    "warning",
    "说明：“三公”经费增减须说明原因",
    "“三公”经费比上年增加或减少时，情况说明应写明原因（财预〔2016〕143号）。",
)
def narrative_three_reason(ctx: Context) -> Iterator[Report]:
    for sec in ctx.narrative.by_topic("three_public"):
        for c in ctx.narrative.changes.get(sec.index, []):
            if c.direction in SAME or not c.amount:
                continue
            if not _REASON.search(sec.text):
                yield Report(
                    f"“三公”经费{c.direction}{fmt(c.amount)}万元，但没有说明原因",
                    (_nloc(ctx, sec.index, c.start, c.end),),
                )


@rule(
    "N08a",
    "N",
    "error",
    "说明：机关运行经费 = 机关运行经费表",
    "第三部分八所述机关运行经费预算必须等于机关运行经费表的部门合计（或所述单位的金额）。",
)
def narrative_admin(ctx: Context) -> Iterator[Report]:
    yield from _amount_reports(ctx, "N08a")


# -- year-on-year changes --------------------------------------------------------------


def _subject_loc(ctx: Context, c: Change) -> list[Location]:
    if c.subject is None:
        return []
    for a in attributions(ctx):
        if a.fig is c.subject:
            return [a.target.loc]
    return []


def _change_problems(c: Change, subject: Figure | None) -> tuple[list[str], list[str]]:
    """(arithmetic problems, percentage problems) of one change statement, taking
    *subject* as the amount that changed."""
    amount_issues: list[str] = []
    pct_issues: list[str] = []
    cur = subject.value if subject else None
    cur_e = half_unit(subject.places) if subject else ZERO
    sign = 1 if c.direction in INCREASE else -1 if c.direction in DECREASE else 0
    if c.pct_direction and sign:
        psign = 1 if c.pct_direction in INCREASE else -1 if c.pct_direction in DECREASE else 0
        if psign and psign != sign:
            amount_issues.append(f"先说{c.direction}又说{c.pct_direction}，方向矛盾")
    if cur is None:
        return amount_issues, pct_issues
    chg = c.amount
    chg_e = half_unit(c.amount_places)
    if c.last is not None:
        last_e = half_unit(c.last_places)
        actual = cur - c.last
        if sign == 0:
            if abs(actual) > cur_e + last_e:
                amount_issues.append(
                    f"说与上年（{fmt(c.last)}）相同，但本年为 {fmt(cur)}，相差 {fmt(abs(actual))}"
                )
        elif chg is not None:
            if abs(abs(actual) - chg) > cur_e + last_e + chg_e + Decimal("0.000001"):
                amount_issues.append(
                    f"上年 {fmt(c.last)}、本年 {fmt(cur)}，实际{'增加' if actual > 0 else '减少'} "
                    f"{fmt(abs(actual))}，不是{c.direction} {fmt(chg)}（差 {fmt(abs(abs(actual) - chg))}）"
                )
            elif actual != 0 and (1 if actual > 0 else -1) != sign:
                amount_issues.append(
                    f"上年 {fmt(c.last)}、本年 {fmt(cur)}，方向应为{'增加' if actual > 0 else '减少'}"
                )
        if chg is None:
            chg, chg_e = abs(actual), cur_e + last_e
        last, last_e2 = c.last, last_e
    else:
        if chg is None or sign == 0:
            return amount_issues, pct_issues
        last = cur - sign * chg
        last_e2 = cur_e + chg_e
    if c.pct is not None and chg is not None and sign != 0 and last > 0:
        ok = pct_ok(c.pct, c.pct_places, chg, chg_e, last, last_e2)
        if not ok and c.last is not None:
            # The percentage may be right even where the stated change is not.
            actual = abs(cur - c.last)
            ok = pct_ok(c.pct, c.pct_places, actual, cur_e + last_e2, last, last_e2)
        if not ok:
            true = chg / last * _HUNDRED
            pct_issues.append(
                f"{c.pct_direction or c.direction}{c.pct}%，按{c.direction} {fmt(chg)} ÷ 上年 {fmt(last)} 计算应为 {fmt(true)}%"
            )
    return amount_issues, pct_issues


def _fits(c: Change, subject: Figure, which: int) -> bool:
    """Does the statement check out with *subject* as the amount that changed? Only a
    check that could be made counts (a zero subject explains nothing)."""
    if subject.value <= 0:
        return False
    sign = 1 if c.direction in INCREASE else -1 if c.direction in DECREASE else 0
    if which == 0:
        performed = c.last is not None
    else:
        if c.pct is None or sign == 0:
            return False
        if c.last is not None:
            last = c.last
        elif c.amount is not None:
            last = subject.value - sign * c.amount
        else:
            return False
        performed = last > 0
    return performed and not _change_problems(c, subject)[which]


def _change_reports(
    ctx: Context, topics: set[str] | None, exclude: set[str], which: int
) -> Iterator[Report]:
    for sec in ctx.narrative.part3():
        if (topics is not None and sec.topic not in topics) or sec.topic in exclude:
            continue
        for c in ctx.narrative.changes.get(sec.index, []):
            issues = _change_problems(c, c.subject)[which]
            if not issues:
                continue
            # The sentence may name several amounts before the change; if the statement
            # fits any of them, it is not certainly wrong.
            others = [f for f in c.candidates if f is not c.subject and not f.in_change]
            if any(_fits(c, f, which) for f in others):
                continue
            subj = ""
            if c.subject is not None:
                subj = f"「{c.subject.label}{fmt(c.subject.value)}万元」"
            text = ctx.doc.narrative[c.section].text.value[c.start : c.end]
            yield Report(
                f"情况说明{subj}「{text}」：" + "；".join(issues),
                (_nloc(ctx, c.section, c.start, c.end), *_subject_loc(ctx, c)),
            )


@rule(
    "N02a",
    "N",
    "error",
    "说明：增减额 = 本年 − 上年，方向一致",
    "说明写出上年数时，增减额必须等于本年数减上年数；增加/减少与增长/下降的用词必须与正负一致。",
)
def narrative_change_amount(ctx: Context) -> Iterator[Report]:
    yield from _change_reports(ctx, None, {"admin"}, 0)


@rule(
    "N02b",
    "N",
    "error",
    "说明：增减幅度 = 增减额 ÷ 上年数",
    "说明中的增长（下降）百分比必须等于增减额除以上年数（上年数 = 本年数 ∓ 增减额），重新计算核对。",
)
def narrative_change_pct(ctx: Context) -> Iterator[Report]:
    yield from _change_reports(ctx, None, {"admin"}, 1)


@rule(
    "N08b",
    "N",
    "error",
    "说明：机关运行经费增减额与幅度",
    "第三部分八所述机关运行经费的增减额必须等于本年减上年，增减幅度必须等于增减额除以上年数。",
)
def narrative_admin_change(ctx: Context) -> Iterator[Report]:
    yield from _change_reports(ctx, {"admin"}, set(), 0)
    yield from _change_reports(ctx, {"admin"}, set(), 1)


@rule(
    "N02d",
    "N",
    "warning",
    "说明：同一基数的增减额各处一致",
    "本年数相同的两处（如收入总计与一般公共预算当年拨款全部相同时）所述比上年增减额应相同。",
)
def narrative_change_consistent(ctx: Context) -> Iterator[Report]:
    seen: dict[Decimal, tuple[Change, Decimal]] = {}
    for sec in ctx.narrative.part3():
        if sec.topic not in ("overview", "gpb"):
            continue
        for c in ctx.narrative.changes.get(sec.index, []):
            if c.subject is None or c.amount is None:
                continue
            sign = 1 if c.direction in INCREASE else -1 if c.direction in DECREASE else 0
            delta = sign * c.amount
            prev = seen.get(c.subject.value)
            if prev is None:
                seen[c.subject.value] = (c, delta)
            elif prev[1] != delta:
                p = prev[0]
                yield Report(
                    f"本年同为 {fmt(c.subject.value)} 万元，「{ctx.doc.narrative[p.section].heading}」说比上年"
                    f"{p.direction}{fmt(p.amount)}，「{ctx.doc.narrative[c.section].heading}」说"
                    f"{c.direction}{fmt(c.amount)}",
                    (_nloc(ctx, c.section, c.start, c.end), _nloc(ctx, p.section, p.start, p.end)),
                )


# -- 政府采购, 绩效 -----------------------------------------------------------------------


@rule(
    "N09",
    "N",
    "error",
    "说明：政府采购总额 = 货物 + 工程 + 服务",
    "第三部分九所述政府采购预算总额必须等于货物、工程、服务三类之和。",
)
def narrative_procurement(ctx: Context) -> Iterator[Report]:
    for sec in ctx.narrative.by_topic("procurement"):
        figs = ctx.narrative.figures.get(sec.index, [])
        total = next((f for f in figs if re.search(r"总额|合计|总计", f.label)), None)
        parts = {}
        for f in figs:
            for word in ("货物", "工程", "服务"):
                if word in f.label and word not in parts:
                    parts[word] = f
        if total is None or len(parts) != 3:
            continue
        s = sum((f.value for f in parts.values()), ZERO)
        e = sum((half_unit(f.places) for f in parts.values()), half_unit(total.places))
        if abs(total.value - s) > e:
            yield Report(
                f"政府采购预算总额 {fmt(total.value)} ≠ 货物 {fmt(parts['货物'].value)} + 工程 "
                f"{fmt(parts['工程'].value)} + 服务 {fmt(parts['服务'].value)} = {fmt(s)}（差 {fmt(abs(total.value - s))}）",
                (_fig_loc(ctx, total), *(_fig_loc(ctx, f) for f in parts.values())),
            )


_COUNT_TOTAL = re.compile(r"绩效目标管理的(?:二级|一级)?项目\s*(?:共计|共|合计)?\s*(\d+)\s*个")
_COUNT_PUBLISHED = re.compile(r"公开(?:项目)?绩效目标(?:表)?\s*(?:共计|共|合计)?\s*(\d+)\s*个")


@dataclass
class PerfStatement:
    section: int
    count: int | None = None
    count_span: tuple[int, int] | None = None
    amount: Figure | None = None
    published: int | None = None
    published_span: tuple[int, int] | None = None
    published_amount: Figure | None = None


def _perf(ctx: Context) -> list[PerfStatement]:
    out = []
    for sec in ctx.narrative.by_topic("performance"):
        figs = ctx.narrative.figures.get(sec.index, [])
        m = _COUNT_TOTAL.search(sec.text)
        if not m:
            continue
        st = PerfStatement(sec.index, int(m.group(1)), m.span(1))
        st.amount = next(
            (
                f
                for f in figs
                if f.start > m.end() and f.sentence[0] <= m.start() < f.sentence[1] + 1
            ),
            None,
        )
        if st.amount is None:
            st.amount = next((f for f in figs if f.start > m.end()), None)
        p = _COUNT_PUBLISHED.search(sec.text)
        if p:
            st.published, st.published_span = int(p.group(1)), p.span(1)
            st.published_amount = next((f for f in figs if f.start > p.end()), None)
        out.append(st)
    return out


def perf_statements(ctx: Context) -> list[PerfStatement]:
    return ctx.memo("narrative.perf", _perf)


def _project_count_and_total(
    ctx: Context,
) -> tuple[list[int], list[Decimal], list[Location]] | None:
    """What the project tables say: the counts and totals of 本年 projects, and of 本年 +
    上年结转 projects (a narrative may count either), and where they are."""
    cur = ctx.projects.get("project_expense_current")
    if cur is None:
        return None
    counts = [len(cur.projects)]
    totals = [cur.total() or ZERO]
    locs = [cur.view.loc(cur.dept_idx, "合计") if cur.dept_idx is not None else cur.view.loc(None)]
    carry = ctx.projects.get("project_expense_carryover")
    if carry is not None and carry.projects:
        counts.append(counts[0] + len(carry.projects))
        totals.append(totals[0] + (carry.total() or ZERO))
        locs.append(carry.view.loc(None))
    return counts, totals, locs


@rule(
    "N10a",
    "N",
    "error",
    "说明：绩效目标管理项目个数 = 项目支出表项目数",
    "第三部分十所述纳入绩效目标管理的项目个数应等于项目支出表列出的项目数。",
)
def narrative_project_count(ctx: Context) -> Iterator[Report]:
    info = _project_count_and_total(ctx)
    if info is None:
        return
    counts, _, _ = info
    cur = ctx.projects["project_expense_current"]
    for st in perf_statements(ctx):
        if st.count is not None and st.count not in counts and st.count_span:
            yield Report(
                f"情况说明十称纳入绩效目标管理的项目 {st.count} 个，项目支出表列出 {counts[0]} 个项目",
                (_nloc(ctx, st.section, *st.count_span), cur.view.loc(None)),
            )


@rule(
    "N10b",
    "N",
    "error",
    "说明：绩效目标管理项目金额 = 项目支出表合计",
    "第三部分十所述纳入绩效目标管理的项目金额应等于项目支出表的合计。",
)
def narrative_project_amount(ctx: Context) -> Iterator[Report]:
    info = _project_count_and_total(ctx)
    if info is None:
        return
    _, totals, locs = info
    for st in perf_statements(ctx):
        f = st.amount
        if f is None:
            continue
        outcomes = [amount_outcome(f.value, f.places, t) for t in totals]
        if "equal" in outcomes:
            continue
        total = totals[0]
        yield Report(
            f"情况说明十所述项目金额 {fmt(f.value)} 万元 与项目支出表合计 {fmt(total)} 不符"
            f"（差 {fmt(abs(f.value - total))}）",
            (_fig_loc(ctx, f), *locs),
            "info" if "rounding" in outcomes else None,
        )


@rule(
    "N10c",
    "N",
    "warning",
    "说明：公开的绩效目标表个数 = 所附绩效目标表",
    "第三部分十所述公开项目绩效目标个数应等于文件所附项目支出绩效目标表的张数（未附的表可能在另行公开的附件中）。",
)
def narrative_forms_count(ctx: Context) -> Iterator[Report]:
    n = len(ctx.doc.performance_forms)
    for st in perf_statements(ctx):
        if st.published is not None and st.published != n and st.published_span:
            yield Report(
                f"情况说明十称公开项目绩效目标 {st.published} 个，文件所附项目支出绩效目标表 {n} 张",
                (_nloc(ctx, st.section, *st.published_span),),
            )


@rule(
    "N10d",
    "N",
    "error",
    "说明：公开绩效目标金额占项目支出比例",
    "第三部分十所述公开项目金额占项目支出总额的比例必须等于该金额 ÷ 支出总表项目支出（重新计算）。",
)
def narrative_forms_share(ctx: Context) -> Iterator[Report]:
    e = ctx.code_table("expense_summary")
    if e is None or e.total_idx is None:
        return
    base = e.view.z(e.total_idx, "项目支出")
    for st in perf_statements(ctx):
        f = st.published_amount
        if f is None or f.pct is None or base == 0:
            continue
        if not pct_ok(f.pct, f.pct_places, f.value, half_unit(f.places), base, half_unit(2)):
            span = f.pct_span or (f.start, f.end)
            yield Report(
                f"情况说明十称公开项目金额 {fmt(f.value)} 万元占项目支出总额的 {f.pct}%，"
                f"按支出总表项目支出 {fmt(base)} 计算应为 {fmt(f.value / base * _HUNDRED)}%",
                (_nloc(ctx, st.section, *span), e.view.loc(e.total_idx, "项目支出")),
            )


# -- wording ---------------------------------------------------------------------------

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


@rule(
    "N11",
    "N",
    "warning",
    "说明：年份是本预算年度或上年",
    "情况说明中出现的年份应是预算年度（比较时为上年）；更早或更晚的年份多是套用旧模板未改。",
)
def narrative_years(ctx: Context) -> Iterator[Report]:
    year = ctx.doc.year
    if year is None:
        return
    for sec in ctx.narrative.part3():
        for m in _YEAR.finditer(sec.text):
            y = int(m.group(1))
            if y < year - 1 or y > year + 2:
                yield Report(
                    f"情况说明「{sec.heading}」出现 {y} 年，预算年度为 {year} 年",
                    (_nloc(ctx, sec.index, m.start(1), m.end()),),
                )


_RESIDUE = re.compile(
    r"[XＸ]{2,}|[xｘ]{2,}|×{2,}|＊{2,}|\*{2,}|○{2,}|待填|待补|此处填写|【[^】]{0,20}】"
    r"|([，。；、：！？,;])\1|[。；][，。；]|[，、][。；]"
)


def _residue_matches(text: str) -> Iterator[re.Match[str]]:
    yield from _RESIDUE.finditer(text)


@rule(
    "N12",
    "N",
    "warning",
    "说明：模板残留与占位符",
    "XX、××、待填、【】、重复的标点等是模板未填完或编辑残留，公开前应清理。",
)
def narrative_residue(ctx: Context) -> Iterator[Report]:
    for sec in ctx.narrative.part3():
        for m in _residue_matches(sec.text):
            yield Report(
                f"情况说明「{sec.heading}」有模板残留或重复标点「{m.group(0)}」",
                (_nloc(ctx, sec.index, m.start(), m.end()),),
            )
