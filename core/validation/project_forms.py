"""Which performance form (绩效目标表) belongs to which project of 项目支出表.

Names are compared exactly (after removing spaces and unifying brackets) first; where a
name appears several times (the same project printed twice) the amounts decide. What is
left is paired fuzzily — similar names with the same amount, or very similar names — so
that a form whose name was mistyped is reported as a naming difference (P01c) rather
than as a missing form.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from core.model import PerformanceForm
from core.validation.arithmetic import amount
from core.validation.classification import norm_name
from core.validation.structure import ProjectLayout

__all__ = ["FormMatch", "form_amount", "match_forms"]

_TEN_THOUSAND = Decimal(10000)
_TRAIL = re.compile(r"[。.，,；;：:]+$")
_TOL = Decimal("0.005")


@functools.lru_cache(maxsize=4096)
def _grams(text: str) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(text), frozenset(text[i : i + 2] for i in range(len(text) - 1))


def similarity(a: str, b: str) -> float:
    """How alike two names are, 0–1: the mean of the Dice coefficients of their
    characters and of their character pairs (order matters through the pairs)."""
    if not a or not b:
        return 0.0
    (ua, ba), (ub, bb) = _grams(a), _grams(b)
    uni = 2 * len(ua & ub) / (len(ua) + len(ub))
    bi = 2 * len(ba & bb) / (len(ba) + len(bb)) if ba and bb else uni
    return (uni + bi) / 2


def _name(text: str) -> str:
    return _TRAIL.sub("", norm_name(text))


def form_amount(
    form: PerformanceForm, field_name: str = "annual_total"
) -> tuple[Decimal | None, str]:
    """The form's amount in 万元 and how its unit was known: 元 / 万元 / "" (unknown: read
    as 元 when it has no decimals and is large, else as printed)."""
    try:
        v = amount(form.value(field_name))
    except ValueError:
        return None, ""
    if v is None:
        return None, ""
    unit = re.sub(r"\s+", "", form.value("funds_unit"))
    if "万" in unit:
        return v, "万元"
    if "元" in unit:
        return v / _TEN_THOUSAND, "元"
    return None, ""


def _raw_amount(form: PerformanceForm) -> Decimal | None:
    try:
        return amount(form.value("annual_total"))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ProjectRef:
    table: str
    row: int
    name: str
    amount: Decimal | None


@dataclass
class FormMatch:
    pairs: dict[int, ProjectRef] = field(default_factory=dict)  # form index → project
    fuzzy: set[int] = field(default_factory=set)  # forms paired by a similar name
    by_project: dict[tuple[str, int], int] = field(default_factory=dict)
    unmatched_projects: list[ProjectRef] = field(default_factory=list)
    unmatched_forms: list[int] = field(default_factory=list)
    suggestions: dict[int, ProjectRef] = field(default_factory=dict)  # form → closest project


def _form_readings(form: PerformanceForm) -> tuple[Decimal, ...]:
    """The form's annual total in 万元 — both readings when the unit is not printed."""
    wan, _unit = form_amount(form)
    if wan is not None:
        return (wan,)
    raw = _raw_amount(form)
    return () if raw is None else (raw, raw / _TEN_THOUSAND)


def match_forms(forms: list[PerformanceForm], layouts: list[ProjectLayout]) -> FormMatch:
    projects: list[ProjectRef] = []
    for lay in layouts:
        v = lay.view
        for r in lay.projects:
            projects.append(ProjectRef(v.key, r, _name(v.t(r, "项目名称")), v.a(r, "合计")))
    result = FormMatch()
    free_forms = list(range(len(forms)))
    free_projects = list(projects)
    fnames = {i: _name(forms[i].value("project_name")) for i in free_forms}
    readings = {i: _form_readings(forms[i]) for i in free_forms}

    def same_amount(i: int, p: ProjectRef) -> bool:
        return p.amount is not None and any(abs(x - p.amount) <= _TOL for x in readings[i])

    def pair(i: int, p: ProjectRef, fuzzy: bool) -> None:
        result.pairs[i] = p
        result.by_project[(p.table, p.row)] = i
        if fuzzy:
            result.fuzzy.add(i)
        free_forms.remove(i)
        free_projects.remove(p)

    # 1. exact names, same amount first
    for need_amount in (True, False):
        for i in list(free_forms):
            for p in free_projects:
                if p.name and p.name == fnames[i] and (not need_amount or same_amount(i, p)):
                    pair(i, p, False)
                    break
    # 2. similar names
    if free_forms and free_projects:
        scored = []
        best_ratio: dict[int, float] = {}
        for i in free_forms:
            if not fnames[i]:
                continue
            for p in free_projects:
                if not p.name:
                    continue
                ratio = similarity(fnames[i], p.name)
                same = same_amount(i, p)
                if (same and ratio >= 0.5) or ratio >= 0.75:
                    scored.append((same, ratio, i, p))
                if ratio >= 0.4 and ratio > best_ratio.get(i, 0.0):
                    best_ratio[i] = ratio
                    result.suggestions[i] = p
        scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
        for _same, _ratio, i, p in scored:
            if i in free_forms and p in free_projects:
                pair(i, p, True)
    result.unmatched_forms = list(free_forms)
    result.unmatched_projects = list(free_projects)
    return result
