"""Every rule fires on a document made wrong on purpose, and stays quiet on one that is not.

Each case starts from a corpus truth file (the extraction contract), edits it the way a
real mistake would look, runs that one rule and checks the finding's severity and place.
The quiet case runs the rule on a clean truth file (with a fix where the published
original itself has the defect the rule looks for); rounding differences (info) do not
count as noise for rules whose own severity is higher.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import corpus_truth

from core.catalog import spec
from core.contract import from_contract
from core.validation.engine import all_rules, get_rule, run_checks
from core.validation.findings import Finding

Doc = dict[str, Any]
Edit = Callable[[Doc], None]


@functools.cache
def _truth(seed: str) -> Doc:
    return corpus_truth("chrome", seed)


def truth(seed: str) -> Doc:
    return copy.deepcopy(_truth(seed))


# -- edit helpers ----------------------------------------------------------------------


def cell(table: str, row: int, column: str, value: str) -> Edit:
    def edit(d: Doc) -> None:
        col = spec(table).columns.index(column)
        d["tables"][table]["rows"][row]["cells"][col] = value

    return edit


def cells(table: str, row: int, columns: tuple[str, ...], value: str) -> Edit:
    def edit(d: Doc) -> None:
        for c in columns:
            cell(table, row, c, value)(d)

    return edit


def drop_rows(table: str, *rows: int) -> Edit:
    def edit(d: Doc) -> None:
        for r in sorted(rows, reverse=True):
            del d["tables"][table]["rows"][r]

    return edit


def table_attr(table: str, name: str, value: Any) -> Edit:
    def edit(d: Doc) -> None:
        d["tables"][table][name] = value

    return edit


def text(heading_start: str, old: str, new: str) -> Edit:
    """Replace the first *old* in the first narrative section whose heading starts so."""

    def edit(d: Doc) -> None:
        for sec in d["narrative"]:
            if sec["heading"].startswith(heading_start) and old in sec["text"]:
                sec["text"] = sec["text"].replace(old, new, 1)
                return
        raise AssertionError(f"no {old!r} under {heading_start!r}")

    return edit


def form(i: int, **fields: str) -> Edit:
    def edit(d: Doc) -> None:
        d["performance_forms"][i].update(fields)

    return edit


def indicator(i: int, k: int, **fields: str) -> Edit:
    def edit(d: Doc) -> None:
        d["performance_forms"][i]["indicators"][k].update(fields)

    return edit


def drop_indicators(i: int, predicate: Callable[[dict], bool]) -> Edit:
    def edit(d: Doc) -> None:
        inds = d["performance_forms"][i]["indicators"]
        d["performance_forms"][i]["indicators"] = [x for x in inds if not predicate(x)]

    return edit


def top(**fields: Any) -> Edit:
    def edit(d: Doc) -> None:
        d.update(fields)

    return edit


def both(*edits: Edit) -> Edit:
    def edit(d: Doc) -> None:
        for e in edits:
            e(d)

    return edit


def no_narrative_part(part_word: str) -> Edit:
    def edit(d: Doc) -> None:
        d["narrative"] = [s for s in d["narrative"] if part_word not in s["part"]]

    return edit


def no_section(heading_start: str) -> Edit:
    def edit(d: Doc) -> None:
        d["narrative"] = [s for s in d["narrative"] if not s["heading"].startswith(heading_start)]

    return edit


def blank_section(heading_start: str) -> Edit:
    def edit(d: Doc) -> None:
        for sec in d["narrative"]:
            if sec["heading"].startswith(heading_start):
                sec["text"] = ""

    return edit


def extra_form_for(name: str, annual: str) -> Edit:
    """A copy of form 0 for project *name* (the published 000 lacks it)."""

    def edit(d: Doc) -> None:
        f = copy.deepcopy(d["performance_forms"][0])
        f.update(project_name=name, annual_total=annual, period_total=annual)
        d["performance_forms"].append(f)

    return edit


def reorder(d: Doc) -> None:
    keys = list(d["tables"])
    d["table_order"] = [keys[2], keys[0], keys[1], *keys[3:]]


def econ_rename(row: int, name: str) -> Edit:
    return cell("basic_expense_economic", row, "部门预算支出经济科目名称", name)


def overall(lines: dict[str, str]) -> Edit:
    def edit(d: Doc) -> None:
        d["overall_forms"] = [
            {
                "kind": "overall",
                "department": d["department"],
                "budget_lines": lines,
                "indicators": [],
            }
        ]

    return edit


# -- where a finding must point ----------------------------------------------------------


def at_table(table: str, row: int | None = None) -> Callable[[Finding], bool]:
    def ok(f: Finding) -> bool:
        return any(loc.table == table and (row is None or loc.row == row) for loc in f.locations)

    return ok


def at_form(i: int, field: str | None = None) -> Callable[[Finding], bool]:
    def ok(f: Finding) -> bool:
        return any(
            loc.form == i
            and not loc.overall
            and (field is None or (loc.field or "").startswith(field))
            for loc in f.locations
        )

    return ok


def at_section(heading_start: str) -> Callable[[Finding], bool]:
    def ok(f: Finding) -> bool:
        return any((loc.section or "").startswith(heading_start) for loc in f.locations)

    return ok


def anywhere(f: Finding) -> bool:
    return True


@dataclass(frozen=True)
class Case:
    seed: str
    edit: Edit
    where: Callable[[Finding], bool]
    quiet_seed: str = "003"
    quiet_fix: Edit | None = None
    severity: str | None = None  # expected severity when not the rule's own


ES, GB, IS, IES = (
    "expense_summary",
    "general_budget_expense",
    "income_summary",
    "income_expense_summary",
)
FG, EC, TP, AO, PC = (
    "fiscal_grant_summary",
    "basic_expense_economic",
    "three_public",
    "admin_operating",
    "project_expense_current",
)
S1, S2, S3, S4 = "一、", "二、", "三、", "四、"
S5A, S5B, S6, S7, S8, S9 = "(一)", "(二)", "六、", "七、", "八、", "九、"

# Fixes for the quiet cases where the published original has the defect itself.
FIX_000_FORMS = extra_form_for("文件资料印制费", "200,000")
FIX_003_MEASURABLE = both(
    indicator(1, 7, value_period="≥90%", value_annual="≥90%"),
    indicator(2, 5, value_period="≥98%", value_annual="≥98%"),
)

CASES: dict[str, Case] = {
    # T — arithmetic inside one table
    "T01a": Case("003", cell(ES, 2, "合计", "4620.17"), at_table(ES, 1)),
    "T01b": Case("003", cell(ES, 3, "合计", "1278.05"), at_table(ES, 2)),
    "T02": Case("003", cell(IS, 0, "合计", "4991.70"), at_table(IS, 0)),
    "T03": Case("003", cell(IS, 3, "一般公共预算", "1270.00"), at_table(IS, 3)),
    "T04": Case("003", cell(ES, 5, "基本支出", "90.00"), at_table(ES, 5)),
    "T05a": Case("003", cell(IES, 30, "收入金额", "4990.00"), at_table(IES, 30)),
    "T05b": Case("003", cell(IES, 30, "支出合计", "4990.00"), at_table(IES, 30)),
    "T05c": Case("003", cell(IES, 31, "收入金额", "10.00"), at_table(IES, 32)),
    "T05d": Case("003", cell(IES, 32, "支出合计", "4985.00"), at_table(IES, 32)),
    "T05e": Case("003", cell(IES, 0, "当年预算安排", "4600.00"), at_table(IES, 0)),
    "T05f": Case("003", cell(FG, 31, "收入金额", "5.00"), at_table(FG, 31)),
    "T06a": Case("003", cell(EC, 2, "人员经费", "419.62"), at_table(EC, 2)),
    "T06b": Case("003", cells(EC, 17, ("合计", "公用经费"), "95.70"), at_table(EC, 16)),
    "T06c": Case("003", cells(EC, 1, ("合计", "人员经费"), "1330.00"), at_table(EC, 0)),
    "T07": Case(
        "003",
        both(cell(EC, 17, "人员经费", "90.70"), cell(EC, 17, "公用经费", "")),
        at_table(EC, 17),
    ),
    "T08a": Case("003", cells(TP, 4, ("合计", "一般公共预算"), "8.00"), at_table(TP, 2)),
    "T08b": Case("003", cells(TP, 1, ("合计", "一般公共预算"), "1.00"), at_table(TP, 5)),
    "T08c": Case("003", cell(TP, 2, "一般公共预算", "8.00"), at_table(TP, 2)),
    "T09a": Case("003", cells(AO, 1, ("合计", "一般公共预算"), "310.00"), at_table(AO, 0)),
    "T09b": Case("003", cell(AO, 2, "一般公共预算", "4.00"), at_table(AO, 2)),
    "T10a": Case("000", cells(PC, 0, ("合计", "一般公共预算"), "600.00"), at_table(PC, 0), "000"),
    "T10b": Case("000", cells(PC, 3, ("合计", "一般公共预算"), "9.00"), at_table(PC, 1), "000"),
    "T10c": Case("003", cell(PC, 0, "一般公共预算", "40.00"), at_table(PC, 0)),
    "T11a": Case("003", cell(ES, 3, "合计", "12x7.05"), at_table(ES, 3)),
    "T11b": Case("003", cells(AO, 2, ("合计", "一般公共预算"), "4.215"), at_table(AO, 2)),
    "T11c": Case("003", cells(TP, 0, ("合计", "一般公共预算"), "-1.00"), at_table(TP, 0)),
    # X — between tables
    "X01": Case("003", cells(IS, 0, ("单位资金",), "5.00"), at_table(IS, 0)),
    "X02": Case("003", cells(IES, 7, ("支出合计", "当年预算安排"), "150.00"), at_table(IES, 7)),
    "X03a": Case("003", cell(IS, 18, "科目编码", "2210203"), at_table(IS, 18)),
    "X03b": Case("003", cells(IS, 8, ("合计", "一般公共预算"), "146.00"), at_table(IS, 8)),
    "X04a": Case("003", cells(FG, 9, ("小计", "一般公共预算"), "60.00"), at_table(FG, 9)),
    "X04b": Case("003", cell(FG, 0, "收入金额", "4980.00"), at_table(FG, 0)),
    "X05": Case("003", cells(GB, 11, ("合计", "基本支出"), "57.00"), at_table(GB, 11)),
    "X06": Case("003", cells(EC, 0, ("合计",), "1720.00"), at_table(EC, 0)),
    "X07": Case("003", cells(PC, 0, ("合计", "一般公共预算"), "50.00"), at_table(ES, 0)),
    "X08": Case("003", cell(EC, 0, "公用经费", "300.00"), at_table(AO, 0)),
    "X09a": Case("000", cells(EC, 20, ("合计", "公用经费"), "6.00"), at_table(TP, 4), "000"),
    "X09b": Case("000", econ_rename(17, "公务接待费"), at_table(TP, 1), "000"),
    "X09c": Case("000", econ_rename(17, "因公出国（境）费用"), at_table(TP, 0), "000"),
    "X10a": Case(
        "003", cell("gov_fund_income", 0, "政府性基金收入预算", "5.00"), at_table("gov_fund_income")
    ),
    "X10b": Case("003", cell(IES, 1, "收入金额", "5.00"), at_table(IES, 1)),
    "X10c": Case("003", cell(IES, 2, "收入金额", "5.00"), at_table(IES, 2)),
    "X11a": Case("003", table_attr(ES, "title", "2022年预算支出总表"), at_table(ES)),
    "X11b": Case("003", table_attr(ES, "department", "某某县财政局"), at_table(ES)),
    "X12": Case("003", cell(FG, 0, "收入金额", "4980.00"), at_table(FG, 0)),
    # N — narrative against tables
    "N01a": Case(
        "003", text(S1, "预算收入总计4,981.70万元", "预算收入总计4,991.70万元"), at_table(IES, 32)
    ),
    "N01b": Case(
        "003", text(S4, "收支总预算4,981.70万元", "收支总预算4,900.00万元"), at_table(FG, 35)
    ),
    "N02a": Case("003", text(S1, "增加53.68%", "下降53.68%"), at_section(S1)),
    "N02b": Case("003", text(S1, "增加53.68%", "增加50.68%"), at_section(S1)),
    "N02d": Case(
        "003",
        text(S5A, "增加1740.17万元,增加53.68%", "增加1700.17万元,增加52.45%"),
        at_section(S5A),
        quiet_seed="000",
    ),
    "N03a": Case("003", text(S2, "拨款收入4,981.70万元", "拨款收入4,900.00万元"), at_table(IS, 0)),
    "N03b": Case("003", text(S2, "占100.00%", "占90.00%"), at_section(S2)),
    "N04a": Case("003", text(S3, "基本支出1722.9万元", "基本支出1700.9万元"), at_table(ES, 0)),
    "N04b": Case("003", text(S3, "占34.58%", "占35.58%"), at_section(S3)),
    "N05a": Case(
        "003", text(S5B, "卫生健康支出63.90万元", "卫生健康支出66.90万元"), at_table(GB, 9)
    ),
    "N05b": Case("003", text(S5B, "占1.28%", "占1.88%"), at_section(S5B)),
    "N05c": Case(
        "000",
        text(S5B, "卫生健康支出16.56", "卫生健康事业支出16.56"),
        at_section(S5B),
        quiet_seed="000",
    ),
    "N05d": Case("003", text(S5A, "当年拨款4,981.70万元", "当年拨款4,900.70万元"), at_table(GB, 0)),
    "N06a": Case("003", text(S6, "人员经费1,405.04万元", "人员经费1,400.04万元"), at_table(EC, 0)),
    "N06b": Case(
        "003",
        text(S6, "主要包括:其他社会保障缴费、", "主要包括:其他社会保障缴费、取暖费、"),
        at_section(S6),
    ),
    "N07a": Case("003", text(S7, "经费预算9.00万元", "经费预算19.00万元"), at_table(TP, 5)),
    "N07b": Case(
        "003", text(S7, "公务用车运行维护费9.00万元", "公务用车运行维护费8.00万元"), at_table(TP, 4)
    ),
    "N07c": Case("003", text(S7, "与2022年预算数相同", "比2022年增加1.00万元"), at_section(S7)),
    "N08a": Case(
        "003", text(S8, "财政拨款预算317.87万元", "财政拨款预算327.87万元"), at_table(AO, 0)
    ),
    "N08b": Case("000", text(S8, "下降14.96%", "下降10.96%"), at_table(AO, 0), quiet_seed="000"),
    "N09": Case("003", text(S9, "货物预算2122.39万元", "货物预算2100.39万元"), at_section(S9)),
    "N10a": Case("003", text("1、绩效管理情况", "项目18个", "项目17个"), at_table(PC)),
    "N10b": Case(
        "003", text("1、绩效管理情况", "当年拨款3258.79万元", "当年拨款3200.79万元"), at_table(PC)
    ),
    "N10c": Case(
        "003",
        text(
            "1、绩效管理情况",
            "3258.79万元。",
            "3258.79万元。公开项目绩效目标5个，涉及项目金额100.00万元。",
        ),
        at_section("1、绩效管理情况"),
    ),
    "N10d": Case(
        "000", text("2、项目绩效目标", "总额的100%", "总额的90%"), at_table(ES, 0), quiet_seed="000"
    ),
    "N11": Case("003", text(S3, "2023年度支出预算", "2020年度支出预算"), at_section(S3)),
    "N12": Case("003", text(S3, "其中：基本支出", "其中：：基本支出"), at_section(S3)),
    # P — performance forms
    "P01a": Case(
        "000", form(0, project_name="完全不同的项目"), at_table(PC, 13), "000", FIX_000_FORMS
    ),
    "P01b": Case("000", form(0, project_name="完全不同的项目"), at_form(0, "project_name"), "000"),
    "P01c": Case(
        "003",
        form(1, project_name="领导调研经费"),
        at_form(1, "project_name"),
        "003",
        form(2, project_name="重点工作督查及机关运行保障经费"),
    ),
    "P02": Case("003", form(1, annual_total="408,000"), at_table(PC, 0)),
    "P03a": Case(
        "003", form(0, annual_local="150,000", annual_central="0"), at_form(0, "annual_total")
    ),
    "P03b": Case("003", form(0, period_total="100,000"), at_form(0, "period_total")),
    "P04a": Case("003", form(1, annual_total=""), at_form(1, "annual_total")),
    "P04b": Case("003", form(1, implementer=""), at_form(1, "implementer")),
    "P05a": Case("003", form(1, attribute="一次性项目（1年结束）"), at_form(1, "attribute")),
    "P05b": Case("003", form(1, period="1年"), at_form(1, "goal")),
    "P06a": Case(
        "003", drop_indicators(1, lambda x: x["level1"] == "效益指标"), at_form(1, "indicators")
    ),
    "P06b": Case(
        "003", drop_indicators(1, lambda x: x["level2"] == "时效指标"), at_form(1, "indicators")
    ),
    "P06c": Case(
        "003", drop_indicators(1, lambda x: x["level1"] == "满意度指标"), at_form(1, "indicators")
    ),
    "P07a": Case(
        "003", drop_indicators(1, lambda x: x["level2"] == "成本指标"), at_form(1, "indicators")
    ),
    "P07b": Case("003", indicator(1, 3, value_annual="≥95%"), at_form(1, "indicators[3]")),
    "P07c": Case(
        "003",
        indicator(1, 3, level3="总成本", value_annual="≤600000元"),
        at_form(1, "indicators[3]"),
    ),
    "P08": Case(
        "003",
        indicator(1, 0, value_period="较多", value_annual="较多"),
        at_form(1, "indicators[0]"),
        "003",
        FIX_003_MEASURABLE,
    ),
    "P09a": Case("003", indicator(1, 0, value_annual="6人6人"), at_form(1, "indicators[0]"), "001"),
    "P09b": Case(
        "003", indicator(1, 2, value_annual="XX月XX日前完成"), at_form(1, "indicators[2]")
    ),
    "P09c": Case("003", indicator(1, 0, value_annual="：6人"), at_form(1, "indicators[0]")),
    "P09d": Case(
        "000", indicator(0, 0, value_annual="≥10/万元"), at_form(0, "indicators[0]"), "000"
    ),
    "P10a": Case("003", indicator(1, 1, value_annual="120%"), at_form(1, "indicators[1]")),
    "P10b": Case("003", indicator(1, 0, value_annual="≤6人"), at_form(1, "indicators[0]")),
    "P10c": Case("003", indicator(1, 8, value_annual="60%"), at_form(1, "indicators[8]")),
    "P11": Case("003", indicator(1, 0, level3_annual="调研考察"), at_form(1, "indicators[0]")),
    "P12": Case("003", form(1, overview="保障工作", basis="保障工作"), at_form(1, "basis")),
    "P13": Case(
        "003",
        overall({"财政拨款": "4900.00", "基本支出": "1722.90"}),
        at_table(IS, 0),
        "003",
        overall({"财政拨款": "4981.70", "基本支出": "1722.90", "项目支出": "32,587,900"}),
    ),
    "P14": Case(
        "000",
        text("2、项目绩效目标", "其他运转类项目16个", "其他运转类项目15个"),
        at_section("2、项目绩效目标"),
        "000",
    ),
    # C — completeness and format
    "C01a": Case("003", lambda d: d["tables"].pop(TP), at_table(TP)),
    "C01b": Case("003", reorder, at_table(IES)),
    "C01c": Case("003", table_attr(ES, "title", "预算支出总表"), at_table(ES)),
    "C02a": Case("003", table_attr(ES, "unit", "元"), at_table(ES)),
    "C02b": Case(
        "003",
        lambda d: [
            t.__setitem__("department", d["department"]) for k, t in d["tables"].items() if k != ES
        ],
        at_table(ES),
    ),
    "C03": Case(
        "003", table_attr("gov_fund_income", "no_data", False), at_table("gov_fund_income")
    ),
    "C04a": Case("003", drop_rows(ES, 11, 12), at_table(ES, 10)),
    "C04b": Case("003", drop_rows(ES, 10), at_table(ES, 10)),
    "C05a": Case("003", cell(ES, 3, "科目名称", "行政管理"), at_table(ES, 3)),
    "C05b": Case("003", cell(ES, 9, "科目名称", "医疗卫生与计划生育支出"), at_table(ES, 9)),
    "C05c": Case(
        "003",
        both(cell(ES, 18, "科目编码", "2210288"), cell(ES, 18, "科目名称", "自定住房科目")),
        at_table(ES, 18),
    ),
    "C06a": Case("003", drop_rows(EC, 33), at_table(EC, 32)),
    "C06b": Case("003", cell(EC, 17, "政府预算支出经济科目名称", "会议费"), at_table(EC, 17)),
    "C06c": Case("003", econ_rename(17, "办公杂费"), at_table(EC, 17)),
    "C07a": Case("003", no_narrative_part("第一部分"), anywhere),
    "C07b": Case("003", no_section(S9), anywhere),
    "C07c": Case("003", blank_section(S7), at_section(S7)),
    "C08": Case("003", top(glossary=[]), anywhere),
    "C09": Case("003", top(artifacts=["仅供内部审核"]), anywhere),
    "C10": Case("000", cell(ES, 3, "项目支出", "1.00"), at_table(ES, 3), "000"),
}


def _run(d: Doc, rule_id: str) -> list[Finding]:
    return run_checks(from_contract(d), rules=[rule_id], strict=True)


def test_every_rule_has_a_case() -> None:
    assert sorted(CASES) == sorted(r.id for r in all_rules())


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires(rule_id: str) -> None:
    case = CASES[rule_id]
    d = truth(case.seed)
    case.edit(d)
    want = case.severity or get_rule(rule_id).severity
    found = [f for f in _run(d, rule_id) if f.severity == want]
    assert found, f"{rule_id} did not fire"
    assert any(case.where(f) for f in found), [f.to_dict() for f in found]
    for f in found:
        assert f.message and f.locations


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_quiet(rule_id: str) -> None:
    case = CASES[rule_id]
    d = truth(case.quiet_seed)
    if case.quiet_fix is not None:
        case.quiet_fix(d)
    rule = get_rule(rule_id)
    noise = [
        f.to_dict() for f in _run(d, rule_id) if rule.severity == "info" or f.severity != "info"
    ]
    assert noise == []
