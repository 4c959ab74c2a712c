"""How places are named in messages and in the command line's text output (位置描述)."""

from __future__ import annotations

from core.catalog import TABLE_KEYS, spec
from core.validation.findings import Location

__all__ = ["FORM_FIELD_NAMES", "describe_location", "table_name", "table_short"]

# Short names used inside messages (表三 预算支出总表 is long when repeated).
_SHORT = {
    "income_expense_summary": "收支总表",
    "income_summary": "收入总表",
    "expense_summary": "支出总表",
    "fiscal_grant_summary": "财政拨款收支总表",
    "general_budget_expense": "一般公共预算支出表",
    "basic_expense_economic": "基本支出经济科目表",
    "gov_fund_income": "政府性基金收入表",
    "gov_fund_expense": "政府性基金支出表",
    "state_capital": "国有资本经营预算表",
    "three_public": "“三公”经费表",
    "admin_operating": "机关运行经费表",
    "project_expense_current": "项目支出表（本年）",
    "project_expense_carryover": "项目支出表（上年结转）",
}

FORM_FIELD_NAMES = {
    "title": "表名",
    "project_name": "项目名称",
    "department": "主管部门及代码",
    "implementer": "实施单位",
    "attribute": "项目属性",
    "period": "项目期",
    "funds_unit": "资金单位",
    "period_total": "实施期资金总额",
    "annual_total": "年度资金总额",
    "goal_period": "实施期总体目标",
    "goal_annual": "年度总体目标",
    "category": "项目分类",
    "period_central": "实施期 中央财政资金",
    "period_provincial": "实施期 省级财政资金",
    "period_local": "实施期 市县财政资金",
    "period_self": "实施期 单位自筹",
    "period_other": "实施期 其他资金",
    "annual_central": "年度 中央财政资金",
    "annual_provincial": "年度 省级财政资金",
    "annual_local": "年度 市县财政资金",
    "annual_self": "年度 单位自筹",
    "annual_other": "年度 其他资金",
    "overview": "项目概况",
    "basis": "立项依据",
    "necessity": "项目设立必要性",
    "measures": "保证项目实施的制度、措施",
    "plan": "项目实施计划",
    "budget_lines": "年度预算情况",
    "indicators": "绩效指标",
}

_INDICATOR_FIELDS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "value_period": "实施期指标值",
    "value_annual": "年度指标值",
    "level3_annual": "年度三级指标",
}


def table_short(key: str) -> str:
    return _SHORT.get(key, key)


def table_name(key: str) -> str:
    """表三 预算支出总表."""
    if key not in TABLE_KEYS:
        return "绩效目标表" if key.startswith("performance") else key
    s = spec(key)
    return f"{s.label} {s.name}"


def _field_words(name: str) -> str:
    if name.startswith("indicators["):
        idx, _, sub = name[len("indicators[") :].partition("]")
        sub = sub.lstrip(".")
        words = f"第{int(idx) + 1}条指标" if idx.isdigit() else "指标"
        return f"{words} {_INDICATOR_FIELDS.get(sub, sub)}".strip()
    if name.startswith("budget_lines["):
        return "年度预算情况 " + name[len("budget_lines[") :].rstrip("]")
    return FORM_FIELD_NAMES.get(name, name)


def describe_location(loc: Location, *, form_names: list[str] | None = None) -> str:
    """A location in words: 表三 预算支出总表 第5行 合计 / 绩效目标表 #2 年度资金总额 / …"""
    if loc.table is not None:
        parts = [table_name(loc.table)]
        if loc.row is not None:
            parts.append(f"第{loc.row + 1}行")
        if loc.column:
            parts.append(loc.column)
        return " ".join(parts)
    if loc.form is not None:
        kind = "部门整体支出绩效目标表" if loc.overall else "项目支出绩效目标表"
        name = ""
        if form_names and not loc.overall and 0 <= loc.form < len(form_names):
            name = f"「{form_names[loc.form]}」" if form_names[loc.form] else ""
        where = f"{kind} #{loc.form + 1}{name}"
        return f"{where} {_field_words(loc.field)}" if loc.field else where
    if loc.section is not None or loc.section_index is not None:
        span = ""
        if loc.start is not None and loc.end is not None:
            span = f" 第{loc.start + 1}–{loc.end}字"
        return f"情况说明「{loc.section or ''}」{span}"
    return "全文"
