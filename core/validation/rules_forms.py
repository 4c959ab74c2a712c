"""P — the performance forms (绩效目标表).

Forms rebuilt from garbled scans (``confidence == "low"``) are checked like the others,
but what would be an error on them is reported as a warning: their text may be the
scan's fault, not the department's.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from decimal import Decimal

from core.model import Indicator, PerformanceForm
from core.validation.arithmetic import ZERO, Outcome, amount, compare, fmt
from core.validation.classification import norm_name
from core.validation.context import Context
from core.validation.engine import Report, rule
from core.validation.findings import Location, Severity
from core.validation.labels import FORM_FIELD_NAMES
from core.validation.project_forms import ProjectRef, form_amount
from core.validation.rules_narrative import amount_outcome, perf_statements

logger = logging.getLogger(__name__)

_TEN_THOUSAND = Decimal(10000)


def _low(form: PerformanceForm) -> bool:
    return form.confidence == "low"


def _sev(form: PerformanceForm) -> Severity | None:
    return "warning" if _low(form) else None


def _floc(i: int, field: str) -> Location:
    return Location(form=i, field=field)


def _iloc(i: int, k: int, field: str) -> Location:
    return Location(form=i, field=f"indicators[{k}].{field}")


def _ploc(p: ProjectRef, column: str = "项目名称") -> Location:
    return Location(table=p.table, row=p.row, column=column)


def _fname(form: PerformanceForm, i: int) -> str:
    return f"绩效目标表#{i + 1}「{form.value('project_name') or '（无项目名称）'}」"


# -- P01 / P02: forms ↔ projects -------------------------------------------------------


@rule(
    "P01a",
    "P",
    "error",
    "每个项目都有绩效目标表",
    "项目支出表中的每个项目都应公开项目支出绩效目标表（按项目名称对应）。",
)
def project_without_form(ctx: Context) -> Iterator[Report]:
    m = ctx.form_match
    forms = ctx.doc.performance_forms
    for p in m.unmatched_projects:
        if p.table != "project_expense_current" or not p.name:
            continue
        hint = ""
        severity: Severity | None = None
        for i in m.unmatched_forms:
            if m.suggestions.get(i) == p:
                hint = f"（名称相近的表：{_fname(forms[i], i)}）"
                if _low(forms[i]):
                    severity = "warning"
                break
        amount = f"（{fmt(p.amount)} 万元）" if p.amount is not None else ""
        yield Report(
            f"项目「{p.name}」{amount}没有对应的项目支出绩效目标表{hint}",
            (_ploc(p),),
            severity,
        )


@rule(
    "P01b",
    "P",
    "warning",
    "每张绩效目标表对应项目支出表中的项目",
    "绩效目标表的项目名称应能在项目支出表中找到；找不到的多是名称写错或项目未列入预算。",
)
def form_without_project(ctx: Context) -> Iterator[Report]:
    m = ctx.form_match
    forms = ctx.doc.performance_forms
    for i in m.unmatched_forms:
        s = m.suggestions.get(i)
        locs = [_floc(i, "project_name")]
        hint = ""
        if s is not None:
            hint = f"，最接近的项目是「{s.name}」"
            locs.append(_ploc(s))
        yield Report(f"{_fname(forms[i], i)} 在项目支出表中找不到同名项目{hint}", tuple(locs))


@rule(
    "P01c",
    "P",
    "warning",
    "绩效目标表项目名称与项目支出表一致",
    "绩效目标表与项目支出表的项目名称应一字不差，否则无法对应核对。",
)
def form_name_differs(ctx: Context) -> Iterator[Report]:
    m = ctx.form_match
    forms = ctx.doc.performance_forms
    for i in sorted(m.fuzzy):
        p = m.pairs[i]
        yield Report(
            f"{_fname(forms[i], i)} 的项目名称与项目支出表「{p.name}」不一致",
            (_floc(i, "project_name"), _ploc(p)),
        )


@rule(
    "P02",
    "P",
    "error",
    "年度资金总额 = 项目支出表金额",
    "绩效目标表的年度资金总额（元 ÷ 10000）必须等于该项目在项目支出表中的金额，允许 0.005 万元的舍入。",
)
def form_amount_matches(ctx: Context) -> Iterator[Report]:
    m = ctx.form_match
    forms = ctx.doc.performance_forms
    for i, p in sorted(m.pairs.items()):
        form = forms[i]
        if p.amount is None:
            continue
        wan, unit = form_amount(form)
        printed = form.value("annual_total")
        locs = (_floc(i, "annual_total"), _ploc(p, "合计"))
        if wan is None:
            try:
                raw = amount(printed)
            except ValueError:
                raw = None
            if raw is None:
                continue
            if abs(raw - p.amount) <= Decimal("0.005") or abs(
                raw / _TEN_THOUSAND - p.amount
            ) <= Decimal("0.005"):
                continue
            yield Report(
                f"{_fname(form, i)} 年度资金总额 {printed}（未注明元或万元）与项目支出表 {fmt(p.amount)} 万元不符",
                locs,
                "warning",
            )
            continue
        diff = abs(wan - p.amount)
        if diff <= Decimal("0.005"):
            continue
        shown = f"{printed} {unit}" + (
            f"（= {fmt(wan, 4).rstrip('0').rstrip('.')} 万元）" if unit == "元" else ""
        )
        yield Report(
            f"{_fname(form, i)} 年度资金总额 {shown} 与项目支出表「{p.name}」{fmt(p.amount)} 万元不符"
            f"（差 {fmt(diff, 4).rstrip('0').rstrip('.')} 万元）",
            locs,
            _sev(form),
        )


# -- P03 / P04 / P05: fields -------------------------------------------------------------

_SOURCES = ("central", "provincial", "local", "self", "other")


def _amount(form: PerformanceForm, name: str) -> Decimal | None:
    try:
        return amount(form.value(name))
    except ValueError:
        return None


@rule(
    "P03a",
    "P",
    "error",
    "资金来源之和 = 资金总额",
    "绩效目标表中中央、省级、市县财政资金、单位自筹、其他资金之和必须等于实施期（年度）资金总额。",
)
def form_sources_sum(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for half, total_name, word in (
            ("period", "period_total", "实施期"),
            ("annual", "annual_total", "年度"),
        ):
            total = _amount(form, total_name)
            given = _source_lines(form, i, half)
            if total is None or not given:
                continue
            s = sum((v for _, v, _ in given), ZERO)
            if s == 0:
                continue  # the breakdown was left unfilled (P04b's business, not a sum error)
            n = max(1, sum(1 for _, v, _ in given if v))
            scale = Decimal(1) if "万" in form.value("funds_unit") else Decimal("0.0001")
            if compare(total * scale, s * scale, n) is not Outcome.DIFFERENT:
                continue
            names = " + ".join(f"{lab} {v}" for lab, v, _ in given)
            yield Report(
                f"{_fname(form, i)} {word}资金总额 {form.value(total_name)} ≠ {names} = {s}",
                (_floc(i, total_name), *(loc for _, _, loc in given if loc is not None)),
                _sev(form),
            )


def _source_lines(
    form: PerformanceForm, i: int, half: str
) -> list[tuple[str, Decimal, Location | None]]:
    """The funding-source amounts of one half: from the printed 项目资金 lines when the
    importer kept them, else from the period_*/annual_* fields."""
    out: list[tuple[str, Decimal, Location | None]] = []
    lines = [ln for ln in getattr(form, "funding", []) if not ln.total]
    if lines:
        for ln in lines:
            try:
                v = amount(getattr(ln, half).value)
            except ValueError:
                continue
            if v is not None:
                label = re.sub(r"^其中[:：]?", "", norm_name(ln.label.value)) or "其他"
                out.append((label, v, None))
        return out
    for s in _SOURCES:
        v = _amount(form, f"{half}_{s}")
        if v is not None:
            name = FORM_FIELD_NAMES[f"{half}_{s}"].split(" ")[-1]
            out.append((name, v, _floc(i, f"{half}_{s}")))
    return out


@rule(
    "P03b",
    "P",
    "error",
    "实施期资金总额 ≥ 年度资金总额",
    "实施期（中期）资金总额包含本年度资金，不能小于年度资金总额。",
)
def form_period_not_less(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        p, a = _amount(form, "period_total"), _amount(form, "annual_total")
        if p is None or a is None or p == 0:
            continue
        if p < a:
            yield Report(
                f"{_fname(form, i)} 实施期资金总额 {form.value('period_total')} 小于年度资金总额 "
                f"{form.value('annual_total')}",
                (_floc(i, "period_total"), _floc(i, "annual_total")),
                _sev(form),
            )


@rule(
    "P04a",
    "P",
    "error",
    "项目名称和年度资金总额必填",
    "没有项目名称或年度资金总额的绩效目标表无法与预算对应。",
)
def form_key_fields(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for name in ("project_name", "annual_total"):
            if not form.value(name).strip():
                yield Report(
                    f"绩效目标表#{i + 1} 缺少{FORM_FIELD_NAMES[name]}",
                    (_floc(i, name),),
                    _sev(form),
                )


_REQUIRED = ("department", "implementer", "attribute", "period")


@rule(
    "P04b",
    "P",
    "warning",
    "主管部门、实施单位、项目属性、项目期、总体目标必填",
    "绩效目标表的基本信息和总体目标是公开的必备内容（财预〔2021〕101号）。",
)
def form_required_fields(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        missing = [n for n in _REQUIRED if not form.value(n).strip()]
        if not form.value("goal_annual").strip() and not form.value("goal_period").strip():
            missing.append("goal_annual")
        if missing:
            yield Report(
                f"{_fname(form, i)} 缺少" + "、".join(FORM_FIELD_NAMES[n] for n in missing),
                tuple(_floc(i, n) for n in missing),
            )


_YEARS = re.compile(r"(\d+)\s*年")


def _period_years(text: str) -> int | None:
    m = _YEARS.search(text.replace(" ", ""))
    return int(m.group(1)) if m else None


@rule(
    "P05a",
    "P",
    "warning",
    "项目属性与项目期一致",
    "一次性项目的项目期应为1年；经常性（持续性）项目的项目期应长于1年。",
)
def form_attribute_period(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        attr = form.value("attribute")
        years = _period_years(form.value("period"))
        if years is None or not attr:
            continue
        if "一次性" in attr and years != 1:
            msg = f"项目属性为一次性项目，项目期却是 {form.value('period')}"
        elif re.search(r"经常性|持续性|延续", attr) and years == 1:
            msg = f"项目属性为{attr}，项目期却是 1 年"
        else:
            continue
        yield Report(f"{_fname(form, i)} {msg}", (_floc(i, "attribute"), _floc(i, "period")))


@rule(
    "P05b",
    "P",
    "warning",
    "一年期项目两栏相同",
    "项目期为1年时，实施期与年度的总体目标和指标值应相同；不同往往是只改了一栏。",
)
def form_one_year_halves(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        if _period_years(form.value("period")) != 1:
            continue
        locs: list[Location] = []
        gp, ga = norm_name(form.value("goal_period")), norm_name(form.value("goal_annual"))
        if gp and ga and gp != ga:
            locs += [_floc(i, "goal_period"), _floc(i, "goal_annual")]
        for k, ind in enumerate(form.indicators):
            vp, va = norm_name(ind.value_period.value), norm_name(ind.value_annual.value)
            if vp and va and vp != va:
                locs += [_iloc(i, k, "value_period"), _iloc(i, k, "value_annual")]
        if locs:
            yield Report(
                f"{_fname(form, i)} 项目期为1年，但实施期与年度有 {len(locs) // 2} 处不同",
                tuple(locs),
            )


# -- P06 – P11: indicators ---------------------------------------------------------------


def _l1(ind: Indicator) -> str:
    return _level1_kind(ind.level1.value)


@functools.lru_cache(maxsize=1024)
def _level1_kind(text: str) -> str:
    s = norm_name(text)
    if "产出" in s:
        return "产出"
    if "效益" in s or "效果" in s:
        return "效益"
    if "满意" in s:
        return "满意度"
    return s


def _l2(ind: Indicator) -> str:
    return _level2_kind(ind.level2.value)


@functools.lru_cache(maxsize=1024)
def _level2_kind(text: str) -> str:
    s = norm_name(text)
    for word in ("数量", "质量", "时效", "成本", "经济", "社会", "生态", "可持续", "满意"):
        if word in s:
            return word
    return s


def _has3(ind: Indicator) -> bool:
    return bool(ind.level3.value.strip() or ind.level3_annual.value.strip())


def _values(ind: Indicator) -> tuple[tuple[str, str], ...]:
    """The non-blank values of an indicator: (field name, text)."""
    return _values_of(ind.value_period.value, ind.value_annual.value)


@functools.lru_cache(maxsize=4096)
def _values_of(period: str, annual: str) -> tuple[tuple[str, str], ...]:
    out = []
    if period.strip():
        out.append(("value_period", period.strip()))
    if annual.strip():
        out.append(("value_annual", annual.strip()))
    return tuple(out)


@rule(
    "P06a",
    "P",
    "warning",
    "产出、效益、满意度三个一级指标都有三级指标",
    "指标体系应包括产出、效益、满意度三个一级指标，每个至少有一个三级指标。",
)
def form_level1_filled(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        if not form.indicators:
            yield Report(f"{_fname(form, i)} 没有绩效指标", (_floc(i, "indicators"),))
            continue
        have = {_l1(ind) for ind in form.indicators if _has3(ind)}
        missing = [x for x in ("产出", "效益") if x not in have]
        if missing:
            yield Report(
                f"{_fname(form, i)} 一级指标「"
                + "、".join(f"{x}指标" for x in missing)
                + "」下没有三级指标",
                (_floc(i, "indicators"),),
            )


@rule(
    "P06b",
    "P",
    "warning",
    "产出指标含数量、质量、时效",
    "产出指标应包括数量、质量、时效指标（成本指标见 P07a）。",
)
def form_output_kinds(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        if not form.indicators:
            continue
        have = {_l2(ind) for ind in form.indicators if _l1(ind) == "产出" and _has3(ind)}
        missing = [x for x in ("数量", "质量", "时效") if x not in have]
        if missing and any(_l1(ind) == "产出" for ind in form.indicators):
            yield Report(
                f"{_fname(form, i)} 产出指标缺少" + "、".join(f"{x}指标" for x in missing),
                (_floc(i, "indicators"),),
            )


@rule(
    "P06c",
    "P",
    "warning",
    "满意度指标不缺",
    "应设置服务对象满意度指标。",
)
def form_satisfaction(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        if form.indicators and not any(
            _l1(ind) == "满意度" and _has3(ind) for ind in form.indicators
        ):
            yield Report(f"{_fname(form, i)} 没有满意度指标", (_floc(i, "indicators"),))


_MONEY = re.compile(r"(\d[\d,，]*(?:\.\d+)?)\s*(万元|元)")
_PER_UNIT = re.compile(r"/|每|人均|单价|平均|、人|、年|元/|万元/")


@rule(
    "P07a",
    "P",
    "warning",
    "设置成本指标",
    "财预〔2021〕101号要求设置成本指标，反映项目的经济成本。",
)
def form_cost_present(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        if not form.indicators:
            continue
        costs = [ind for ind in form.indicators if _l2(ind) == "成本"]
        if not any(_has3(ind) for ind in costs):
            yield Report(
                f"{_fname(form, i)} 没有成本指标（或成本指标为空）", (_floc(i, "indicators"),)
            )


@rule(
    "P07b",
    "P",
    "warning",
    "成本指标以金额表示",
    "成本指标应以金额或单位成本（元、万元、元/人等）表示，不宜用百分比。",
)
def form_cost_money(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for k, ind in enumerate(form.indicators):
            if _l2(ind) != "成本" or not _has3(ind):
                continue
            for name, v in _values(ind):
                if re.search(r"[%％]", v) and not _MONEY.search(v):
                    yield Report(
                        f"{_fname(form, i)} 成本指标「{ind.level3.value}」的指标值 {v} 是百分比，不是金额",
                        (_iloc(i, k, name),),
                    )
                    break


@rule(
    "P07c",
    "P",
    "warning",
    "总成本不超过资金总额",
    "以总额表示的成本指标不应超过相应的资金总额（年度值对年度资金，实施期值对实施期资金）。",
)
def form_cost_within_fund(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for k, ind in enumerate(form.indicators):
            if _l2(ind) != "成本":
                continue
            for name, v in _values(ind):
                m = _MONEY.search(v)
                if m is None or _PER_UNIT.search(v) or _PER_UNIT.search(ind.level3.value):
                    continue
                value = Decimal(m.group(1).replace(",", "").replace("，", ""))
                wan = value if m.group(2) == "万元" else value / _TEN_THOUSAND
                fund_field = "period_total" if name == "value_period" else "annual_total"
                fund, _ = form_amount(form, fund_field)
                if fund is None or fund == 0:
                    continue
                if wan > fund + Decimal("0.005"):
                    yield Report(
                        f"{_fname(form, i)} 成本指标「{ind.level3.value}」{v} 超过"
                        f"{FORM_FIELD_NAMES[fund_field]} {form.value(fund_field)} {form.value('funds_unit')}",
                        (_iloc(i, k, name), _floc(i, fund_field)),
                    )


_QUALITATIVE = re.compile(
    r"优|良|合格|达标|及时|有效|显著|明显|提高|提升|改善|增强|完成|满足|保障|稳定|持续|长期|正常|安全|符合"
    r"|规范|好|高|无|是|否|到位|畅通|降低|减少|增加|增长|促进|推动|达到|实现|准确|齐全|完整|落实|按时|按期"
)


@functools.lru_cache(maxsize=4096)
def _measurable(value: str) -> bool:
    return bool(_DIGIT.search(value) or _QUALITATIVE.search(value))


_DIGIT = re.compile(r"\d")


@rule(
    "P08",
    "P",
    "warning",
    "指标值已填写且可衡量",
    "每个三级指标都应有指标值：比较符号 + 数值 + 单位，或明确的定性等级（如达标、及时、显著提升）。",
)
def form_values_measurable(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for k, ind in enumerate(form.indicators):
            if not _has3(ind):
                continue
            vals = _values(ind)
            if not vals:
                yield Report(
                    f"{_fname(form, i)} 指标「{ind.level3.value or ind.level3_annual.value}」没有指标值",
                    (_iloc(i, k, "value_annual"),),
                )
                continue
            for name, v in vals:
                if not _measurable(v):
                    yield Report(
                        f"{_fname(form, i)} 指标「{ind.level3.value}」的指标值「{v}」无法衡量"
                        "（应为数值加单位或明确的定性等级）",
                        (_iloc(i, k, name),),
                    )
                    break


_WS = re.compile(r"\s+")
_DOUBLED_WHOLE = re.compile(r"^(.{2,}?)[/、\s]?\1$")
_DOUBLED_CJK = re.compile(r"([\u4e00-\u9fff]{2,})\1")


@functools.lru_cache(maxsize=4096)
def _doubled(text: str) -> bool:
    t = _WS.sub("", text)
    return bool(_DOUBLED_WHOLE.match(t) or _DOUBLED_CJK.search(t))


@rule(
    "P09a",
    "P",
    "warning",
    "指标文字重复",
    "“保障保障”“7月1日前7月1日前”一类重复文字是录入或排版错误。",
)
def form_doubled_text(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for k, ind in enumerate(form.indicators):
            hits = [
                n for n in ("level3", "value_period", "value_annual") if _doubled(ind.get(n).value)
            ]
            if hits:
                texts = "、".join(dict.fromkeys(f"「{ind.get(n).value}」" for n in hits))
                yield Report(
                    f"{_fname(form, i)} {texts}文字重复", tuple(_iloc(i, k, n) for n in hits)
                )


_PLACEHOLDER = re.compile(r"[XＸxｘ]{2,}|××|X月|X日|待填|待定|＊＊|\*\*|0000年")


@functools.lru_cache(maxsize=4096)
def _has_placeholder(text: str) -> bool:
    return bool(text and _PLACEHOLDER.search(text))


@rule(
    "P09b",
    "P",
    "warning",
    "没有占位符",
    "XX月XX日、待填之类的占位符说明表格没有填完。",
)
def form_placeholders(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for name in ("project_name", "goal_period", "goal_annual", "period", "implementer"):
            v = form.value(name)
            if v and _PLACEHOLDER.search(v):
                yield Report(
                    f"{_fname(form, i)} {FORM_FIELD_NAMES[name]}含占位符「{v}」", (_floc(i, name),)
                )
        for k, ind in enumerate(form.indicators):
            hits = [
                n
                for n in ("level3", "value_period", "value_annual")
                if _has_placeholder(ind.get(n).value)
            ]
            if hits:
                texts = "、".join(dict.fromkeys(f"「{ind.get(n).value}」" for n in hits))
                yield Report(
                    f"{_fname(form, i)} 指标含占位符{texts}", tuple(_iloc(i, k, n) for n in hits)
                )


@rule(
    "P09c",
    "P",
    "warning",
    "指标值不是冒号开头或照抄指标名",
    "以冒号开头、或与三级指标名称相同的指标值，是错位或漏填。",
)
def form_value_misplaced(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for k, ind in enumerate(form.indicators):
            name3 = norm_name(ind.level3.value)
            for name, v in _values(ind):
                if re.match(r"^[:：]", v) or (name3 and norm_name(v) == name3):
                    yield Report(
                        f"{_fname(form, i)} 指标「{ind.level3.value}」的指标值「{v}」错位或照抄指标名",
                        (_iloc(i, k, name),),
                    )
                    break


_BAD_UNIT = re.compile(r"\d\s*/\s*(?:万元|元)|(?:万元|元)、|≥≥|≤≤|>>|<<")


@rule(
    "P09d",
    "P",
    "warning",
    "指标值单位书写规范",
    "“≤200/万元”“8万元、人、年”这类单位写法含义不清，应写作“≤200万元”“8万元/人·年”。",
)
def form_malformed_units(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for k, ind in enumerate(form.indicators):
            for name, v in _values(ind):
                if _BAD_UNIT.search(v):
                    yield Report(
                        f"{_fname(form, i)} 指标值「{v}」单位写法不规范", (_iloc(i, k, name),)
                    )
                    break


_PCT = re.compile(r"([≥≤><=＝]*)\s*(\d+(?:\.\d+)?)\s*[%％]")


@rule(
    "P10a",
    "P",
    "warning",
    "百分比在 0–100% 之间",
    "百分比指标值不应超过100%；“≥100%”实为“=100%”。",
)
def form_pct_range(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for k, ind in enumerate(form.indicators):
            for name, v in _values(ind):
                m = _PCT.search(v)
                if not m:
                    continue
                x = Decimal(m.group(2))
                if x > 100 or (x == 100 and m.group(1) in ("≥", ">")):
                    yield Report(f"{_fname(form, i)} 指标值「{v}」超出 100%", (_iloc(i, k, name),))
                    break


@rule(
    "P10b",
    "P",
    "warning",
    "数量指标不用“≤”",
    "数量指标表示要完成的量，应写“≥”或“=”；“≤”只适合成本等上限。",
)
def form_quantity_upper(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for k, ind in enumerate(form.indicators):
            if _l2(ind) != "数量":
                continue
            for name, v in _values(ind):
                if re.match(r"^\s*[≤<]", v):
                    yield Report(
                        f"{_fname(form, i)} 数量指标「{ind.level3.value}」写作「{v}」（上限）",
                        (_iloc(i, k, name),),
                    )
                    break


@rule(
    "P10c",
    "P",
    "warning",
    "满意度不低于 80%",
    "满意度指标值一般不低于80%，过低说明填写有误。",
)
def form_satisfaction_low(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for k, ind in enumerate(form.indicators):
            if _l1(ind) != "满意度":
                continue
            for name, v in _values(ind):
                m = _PCT.search(v)
                if m and Decimal(m.group(2)) < 80 and m.group(1) not in ("≤", "<"):
                    yield Report(
                        f"{_fname(form, i)} 满意度指标值「{v}」低于 80%", (_iloc(i, k, name),)
                    )
                    break


@rule(
    "P11",
    "P",
    "info",
    "年度栏三级指标名称与实施期栏一致",
    "两栏的三级指标名称不同，多是一栏被截断或改过。",
)
def form_halves_names(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        for k, ind in enumerate(form.indicators):
            a, b = norm_name(ind.level3.value), norm_name(ind.level3_annual.value)
            if a and b and a != b:
                yield Report(
                    f"{_fname(form, i)} 三级指标实施期栏为「{ind.level3.value}」，年度栏为「{ind.level3_annual.value}」",
                    (_iloc(i, k, "level3"), _iloc(i, k, "level3_annual")),
                )


_TEXT_FIELDS = ("overview", "basis", "necessity", "measures", "plan", "goal_period", "goal_annual")


@rule(
    "P12",
    "P",
    "info",
    "说明栏目不互相照抄",
    "项目概况、立项依据、必要性、措施、计划、总体目标各有内容，不应彼此相同或只写项目名称。",
)
def form_text_copied(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.performance_forms):
        name = norm_name(form.value("project_name"))
        texts = {f: norm_name(form.value(f)) for f in _TEXT_FIELDS if form.value(f).strip()}
        same_as_name = [f for f, t in texts.items() if name and t == name]
        if same_as_name:
            yield Report(
                f"{_fname(form, i)} "
                + "、".join(FORM_FIELD_NAMES[f] for f in same_as_name)
                + " 只写了项目名称",
                tuple(_floc(i, f) for f in same_as_name),
            )
        seen: dict[str, str] = {}
        for f, t in texts.items():
            if f == "goal_annual" or f in same_as_name:
                continue
            if t in seen:
                yield Report(
                    f"{_fname(form, i)} {FORM_FIELD_NAMES[f]}与{FORM_FIELD_NAMES[seen[t]]}内容相同",
                    (_floc(i, f), _floc(i, seen[t])),
                )
            else:
                seen[t] = f


# -- P13 / P14: overall form and 十、绩效管理情况 --------------------------------------------

_BUDGET_LINES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^(?:年度)?(?:预算)?(?:资金)?(?:总额|合计|总计|总量)$|^收入(?:总计|合计)$"),
        "total",
    ),
    (re.compile(r"财政拨款"), "fiscal"),
    (re.compile(r"一般公共预算"), "gpb"),
    (re.compile(r"政府性基金"), "fund"),
    (re.compile(r"国有资本"), "soe"),
    (re.compile(r"基本支出"), "basic"),
    (re.compile(r"项目支出"), "project"),
    (re.compile(r"人员经费"), "personnel"),
    (re.compile(r"公用经费"), "public"),
)


_LINE_NOISE = re.compile(r"^其中[:：]?|[:：]$|\((?:投向|来源)\)$")


def _current_year_total(ctx: Context) -> list[Decimal]:
    lay = ctx.summary
    if lay is None or lay.income_total is None:
        return []
    return [lay.view.z(lay.income_total, lay.income_col)]


def _budget_target(ctx: Context, kind: str) -> tuple[Decimal, Location] | None:
    lay = ctx.summary
    inc = ctx.code_table("income_summary")
    exp = ctx.code_table("expense_summary")
    econ = ctx.econ
    if kind == "total" and lay is not None and lay.income_grand is not None:
        return lay.view.z(lay.income_grand, lay.income_col), lay.view.loc(
            lay.income_grand, lay.income_col
        )
    if kind in ("gpb", "fund", "soe", "fiscal") and inc is not None and inc.total_idx is not None:
        v, r = inc.view, inc.total_idx
        cols = {"gpb": ["一般公共预算"], "fund": ["政府性基金"], "soe": ["国有资本经营预算"]}
        cols["fiscal"] = cols["gpb"] + cols["fund"] + cols["soe"]
        return sum((v.z(r, c) for c in cols[kind]), ZERO), v.loc(r, cols[kind][0])
    if kind in ("basic", "project") and exp is not None and exp.total_idx is not None:
        col = "基本支出" if kind == "basic" else "项目支出"
        return exp.view.z(exp.total_idx, col), exp.view.loc(exp.total_idx, col)
    if kind in ("personnel", "public") and econ is not None and econ.total_idx is not None:
        col = "人员经费" if kind == "personnel" else "公用经费"
        return econ.view.z(econ.total_idx, col), econ.view.loc(econ.total_idx, col)
    return None


@rule(
    "P13",
    "P",
    "error",
    "部门整体绩效目标表的预算数 = 报表",
    "部门整体支出绩效目标表的年度预算（按来源、按用途）必须与收支总表、收入总表、支出总表、经济科目表一致。",
)
def overall_budget_lines(ctx: Context) -> Iterator[Report]:
    for i, form in enumerate(ctx.doc.overall_forms):
        for label, fld in form.budget_lines.items():
            key = _LINE_NOISE.sub("", norm_name(label))
            kind = next((k for pat, k in _BUDGET_LINES if pat.search(key)), None)
            if kind is None:
                continue
            try:
                value = amount(fld.value)
            except ValueError:
                continue
            target = _budget_target(ctx, kind)
            if value is None or target is None:
                continue
            t, loc = target
            # Overall forms print 万元 or 元; read 元 when that is what makes it agree. A
            # total may be with or without 上年结转.
            candidates = [value, value / _TEN_THOUSAND]
            targets = [t]
            if kind == "total":
                targets += _current_year_total(ctx)
            if any(amount_outcome(c, 2, x) != "different" for c in candidates for x in targets):
                continue
            yield Report(
                f"部门整体支出绩效目标表「{label}」{fld.value} 与报表 {fmt(t)} 万元不符",
                (Location(form=i, field=f"budget_lines[{label}]", overall=True), loc),
            )


@rule(
    "P14",
    "P",
    "error",
    "绩效管理情况：分类项目数与金额相加等于合计",
    "第三部分十所述其他运转类与特定目标类项目的个数、金额之和必须等于纳入绩效目标管理的项目总数、总金额。",
)
def perf_types_add_up(ctx: Context) -> Iterator[Report]:
    pat = re.compile(
        r"(其他运转类|特定目标类)项目\s*(\d+)\s*个[^。；;]*?(\d[\d,，]*(?:\.\d+)?)\s*万元"
    )
    for st in perf_statements(ctx):
        text = ctx.doc.narrative[st.section].text.value
        start = st.count_span[1] if st.count_span else 0
        stop = st.published_span[0] if st.published_span else len(text)
        found: dict[str, tuple[int, Decimal, tuple[int, int]]] = {}
        for m in pat.finditer(text, start, stop):
            found.setdefault(
                m.group(1),
                (int(m.group(2)), Decimal(m.group(3).replace(",", "").replace("，", "")), m.span()),
            )
        if len(found) != 2 or st.count is None:
            continue
        n = sum(x[0] for x in found.values())
        s = sum((x[1] for x in found.values()), ZERO)
        span = (min(x[2][0] for x in found.values()), max(x[2][1] for x in found.values()))
        heading = ctx.doc.narrative[st.section].heading
        loc = Location(section=heading, section_index=st.section, start=span[0], end=span[1])
        problems = []
        if n != st.count:
            problems.append(f"项目个数 {n} ≠ 合计 {st.count}")
        if st.amount is not None and abs(s - st.amount.value) > Decimal("0.015"):
            problems.append(f"金额 {fmt(s)} ≠ 合计 {fmt(st.amount.value)}")
        if problems:
            yield Report("情况说明十 其他运转类 + 特定目标类：" + "；".join(problems), (loc,))
