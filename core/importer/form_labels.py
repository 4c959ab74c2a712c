"""The printed labels of the performance forms (绩效目标表), and how to recognise them.

Forms are parsed by their labels, never by where a typesetter put them: a cell whose whole
text is ``项目名称`` (with or without a colon, spaces or a unit in brackets) is the label of
the project name, wherever it stands. This module holds that vocabulary and the small text
helpers the form parsers share: normalising a cell's text for matching, telling an amount
from a label, reading the unit out of ``项目资金（万元）`` and splitting the footer line
``负责人：… 经办人：… 联系电话：… 填报日期：…``.
"""

from __future__ import annotations

import re

from core.amounts import DASHES, is_amount_text

__all__ = [
    "FOOTER_LABELS",
    "GOAL_SUBLABELS",
    "INDICATOR_HEADER",
    "OVERALL_LABELS",
    "PROJECT_LABELS",
    "funding_key",
    "half_of",
    "is_form_title",
    "is_value_text",
    "label_kind",
    "norm",
    "split_footer",
    "split_inline_label",
    "unit_of",
]

_SPACES = re.compile(r"\s+")
_TRANS = str.maketrans(
    {"（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "﹙": "(", "﹚": ")"}
)


def norm(text: str) -> str:
    """The text for matching: no whitespace, half-width brackets and colons."""
    return _SPACES.sub("", text or "").translate(_TRANS)


def _bare(text: str) -> str:
    """Normalised label text without a trailing colon and a bracketed unit/remark."""
    t = norm(text).rstrip(":")
    t = re.sub(r"\((?:单位[:]?)?(?:万元|元|千元|亿元)\)$", "", t)
    return t.rstrip(":")


# Project form (项目支出绩效目标表/申报表) labels: kind -> pattern over the bare label.
PROJECT_LABELS: dict[str, re.Pattern[str]] = {
    k: re.compile(p)
    for k, p in {
        "project_name": r"项目名称",
        "project_code": r"项目(?:编码|代码|编号)",
        "department": r"(?:主管|预算)?部门(?:名称)?(?:及|和|与)?(?:代码|编码)|主管(?:部门|单位)(?:名称)?",
        "implementer": r"(?:项目)?(?:实施|执行)(?:单位|主体|部门)(?:名称)?",
        "attribute": r"项目(?:属性|性质|类型)",
        "period": r"项目(?:期|期限|周期|实施期)|实施(?:期|期限|周期)",
        "funds": r"(?:项目)?资金(?:情况|来源|安排|构成)?(?:总额)?|项目预算(?:资金)?",
        "category": r"项目(?:分类|类别)",
        "overview": r"项目(?:概况|简介|基本情况|内容)",
        "basis": r"(?:项目)?立项依据",
        "necessity": r"(?:项目)?(?:设立|立项)(?:的)?必要性.*",
        "measures": r"(?:保证|保障)?(?:项目)?(?:实施|执行)?(?:的)?(?:保障)?(?:制度|措施)"
        r"(?:[、和及与]?(?:制度|措施))?",
        "plan": r"(?:项目)?实施(?:计划|进度|方案)",
        "goal": r"(?:项目)?(?:总体?|绩效)目标|总体绩效目标",
        "goal_period": r"(?:实施期|中期|长期|中长期)(?:总体?)?(?:绩效)?目标",
        "goal_annual": r"年度(?:总体?)?(?:绩效)?目标",
        "indicators": r"(?:年度|实施期|中期)?绩效指标",
    }.items()
}

# Overall form (部门整体支出绩效目标表) labels.
OVERALL_LABELS: dict[str, re.Pattern[str]] = {
    k: re.compile(p)
    for k, p in {
        "department": r"(?:部门|单位|部门\(单位\)|预算单位)(?:名称)?(?:及代码)?|主管部门(?:及代码)?",
        "basic_info": r"部门(?:\(单位\))?基本(?:信息|情况)|基本信息|人员(?:编制)?情况",
        "duties": r"(?:部门|单位)?(?:\(单位\))?(?:主要)?(?:职责|职能)(?:概述)?",
        "strategy": r"(?:部门)?(?:中长期|战略)(?:战略)?目标|部门战略目标|中长期目标",
        "budget": r"(?:年度)?(?:部门)?(?:预算|资金)(?:情况|安排)?|年度预算(?:安排)?(?:情况)?|(?:部门)?总体资金情况",
        "tasks": r"核心职能.*|重点任务.*|年度(?:主要|重点)?(?:工作)?任务|年度履职目标|主要任务",
        "goal_annual": r"(?:年度)?(?:整体)?(?:总体)?绩效目标|年度(?:总体)?目标|整体绩效目标",
        "indicators": r"(?:年度)?(?:绩效)?指标",
    }.items()
}

GOAL_SUBLABELS = ("goal_period", "goal_annual")

# Indicator block header cells.
INDICATOR_HEADER: dict[str, re.Pattern[str]] = {
    "level1": re.compile(r"一级(?:指标)?(?:名称)?"),
    "level2": re.compile(r"二级(?:指标)?(?:名称)?"),
    "level3": re.compile(r"三级(?:指标)?(?:名称)?|(?:绩效)?指标名称"),
    "value": re.compile(
        r"(?:年度|当年|实施期|中期|总体|绩效|预期)?(?:指标|目标)值(?:\((?:年度|当年|实施期|中期)\))?"
    ),
}

FOOTER_LABELS: dict[str, re.Pattern[str]] = {
    "leader": re.compile(r"(?:项目|单位)?负责人"),
    "handler": re.compile(r"经办人|填报人|填表人"),
    "phone": re.compile(r"联系电话|电话"),
    "date": re.compile(r"填报日期|填表日期|日期"),
}

_TITLE = re.compile(r"(?:绩效|目标).*(?:表)|申报表")
_UNIT = re.compile(r"(?:单位[:]?|\()\s*(万元|元|千元|亿元)")
_PLACEHOLDER_VALUE = re.compile(r"^[-+]?[\d,.]+$")


_KIND_CACHE: dict[tuple[int, str], str | None] = {}


def label_kind(text: str, vocabulary: dict[str, re.Pattern[str]]) -> str | None:
    """The kind of label *text* is in *vocabulary*, or None when it is not a label."""
    if len(text) > 40:
        return None
    key = (id(vocabulary), text)
    if key in _KIND_CACHE:
        return _KIND_CACHE[key]
    t = _bare(text)
    kind = None
    if t and len(t) <= 24 and t[-1] not in "。；;，,":
        kind = next((k for k, pat in vocabulary.items() if pat.fullmatch(t)), None)
    if len(_KIND_CACHE) > 20000:
        _KIND_CACHE.clear()
    _KIND_CACHE[key] = kind
    return kind


def split_inline_label(text: str, vocabulary: dict[str, re.Pattern[str]]) -> tuple[str, str] | None:
    """``实施单位：某某办公室`` printed in one cell: (kind, value), or None."""
    t = norm(text)
    m = re.match(r"^([^:]{2,16}):(.+)$", t)
    if not m:
        return None
    kind = label_kind(m.group(1), vocabulary)
    if kind is None:
        return None
    # The value as printed (whitespace kept): everything after the first colon.
    raw = re.split(r"[:：]", text, maxsplit=1)[1].strip()
    return kind, raw


def is_value_text(text: str) -> bool:
    """An amount cell's text: a number (``100.00``, ``￥100.00``, ``100.00万元``), a dash, or
    nothing."""
    t = norm(text)
    if not t or t in DASHES:
        return True
    t = re.sub(r"^[￥¥]|(?:万元|元)$", "", t)
    return bool(t) and (is_amount_text(t) or bool(_PLACEHOLDER_VALUE.match(t)))


def unit_of(text: str) -> str:
    """The money unit a label or line names: ``项目资金（万元）`` -> ``万元``."""
    m = _UNIT.search(norm(text))
    return m.group(1) if m else ""


def is_form_title(text: str) -> bool:
    t = norm(text)
    return 6 <= len(t) <= 60 and bool(_TITLE.search(t)) and "部分" not in t


def half_of(text: str) -> str:
    """Which half a header names: ``period`` (实施期/中期), ``annual`` (年度) or ``""``."""
    t = norm(text)
    if re.search(r"实施期|中期|长期|申报期|总体", t):
        return "period"
    if "年度" in t or "当年" in t:
        return "annual"
    return ""


def funding_key(label: str) -> str:
    """The FORM_FIELDS suffix for a funding-source line label ("" when none fits)."""
    t = norm(label)
    t = re.sub(r"^其中[:]?", "", t)
    if "自筹" in t:
        return "self"
    if t.startswith("其他") or t.startswith("其它"):
        return "other"
    if "中央" in t:
        return "central"
    if t.startswith("省"):
        return "provincial"
    if re.match(r"^(?:市|县|区|市县|市委|本级)", t):
        return "local"
    return ""


def split_footer(text: str) -> dict[str, str]:
    """``负责人：经办人：郭凌联系电话：139…填报日期：2022…`` -> {leader, handler, phone, date}.

    Each label's value is the text up to the next label; a label without a value gets "".
    """
    t = norm(text)
    hits: list[tuple[int, int, str]] = []
    for kind, pat in FOOTER_LABELS.items():
        for m in pat.finditer(t):
            hits.append((m.start(), m.end(), kind))
    hits.sort()
    # Drop overlapping hits (e.g. 电话 inside 联系电话, 日期 inside 填报日期).
    kept: list[tuple[int, int, str]] = []
    for h in hits:
        if kept and h[0] < kept[-1][1]:
            if h[1] - h[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = h
            continue
        kept.append(h)
    out: dict[str, str] = {}
    for i, (_a, b, kind) in enumerate(kept):
        end = kept[i + 1][0] if i + 1 < len(kept) else len(t)
        value = t[b:end].lstrip(":").strip()
        if kind not in out:
            out[kind] = value
    return out
