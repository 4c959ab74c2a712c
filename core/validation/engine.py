"""The rule engine (检查引擎): a registry of rules and :func:`run_checks`.

A rule is a function of the document's :class:`~core.validation.context.Context` (built
once per run from the :class:`~core.model.Disclosure`, with amounts parsed and tables
indexed) that yields :class:`Report` s. The engine turns them into
:class:`~core.validation.findings.Finding` s carrying the rule's stable id and severity.

Severity: a rule has the severity of a real violation. A difference that is within the
rounding tolerance (0.005 万元 × number of terms) is reported under the *same* rule id
with severity ``info`` and the words 舍入差异 in the message, so a clerk sees it next to
the check it belongs to and can ignore it.

Register a rule with::

    @rule("T04", "T", "error", "支出表：合计 = 基本支出 + 项目支出", "why it matters")
    def expense_row_total(ctx):
        yield Report("…", (Location(table=…, row=…, column=…),))
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.catalog import TABLE_KEYS
from core.model import Disclosure
from core.validation.findings import SEVERITIES, Finding, Location, Severity

if TYPE_CHECKING:
    from core.validation.context import Context

__all__ = [
    "FAMILIES",
    "Report",
    "Rule",
    "all_rules",
    "get_rule",
    "rule",
    "run_checks",
]

logger = logging.getLogger(__name__)

FAMILIES: dict[str, str] = {
    "T": "表内运算",
    "X": "表间核对",
    "N": "情况说明与报表",
    "P": "绩效目标表",
    "C": "完整性与格式",
}

_ID = re.compile(r"^[TXNPC]\d\d[a-z]?$")


@dataclass(frozen=True, slots=True)
class Report:
    """What a rule function yields; the engine adds the rule id."""

    message: str
    locations: tuple[Location, ...] = ()
    severity: Severity | None = None  # None: the rule's own severity


RuleFunc = Callable[["Context"], Iterable[Report]]


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: Severity
    title: str
    rationale: str
    func: RuleFunc

    def run(self, ctx: Context) -> Iterator[Finding]:
        for r in self.func(ctx):
            yield Finding(self.id, r.severity or self.severity, r.message, r.locations)


_REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str, family: str, severity: Severity, title: str, rationale: str
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under a stable id."""
    if not _ID.match(rule_id) or rule_id[0] != family:
        raise ValueError(f"bad rule id {rule_id!r} for family {family!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"bad severity {severity!r}")

    def deco(func: RuleFunc) -> RuleFunc:
        if rule_id in _REGISTRY:
            raise ValueError(f"rule {rule_id} registered twice")
        _REGISTRY[rule_id] = Rule(rule_id, family, severity, title, rationale, func)
        return func

    return deco


def _load_rule_modules() -> None:
    # Importing the modules registers their rules.
    from core.validation import (  # noqa: F401
        rules_completeness,
        rules_cross,
        rules_forms,
        rules_narrative,
        rules_tables,
    )


def rule_sort_key(rule_id: str) -> tuple[int, int, str]:
    return ("TXNPC".index(rule_id[0]), int(rule_id[1:3]), rule_id[3:])


def all_rules() -> list[Rule]:
    """Every registered rule, in catalog order (family, number)."""
    _load_rule_modules()
    return sorted(_REGISTRY.values(), key=lambda r: rule_sort_key(r.id))


def get_rule(rule_id: str) -> Rule:
    _load_rule_modules()
    return _REGISTRY[rule_id]


_SEV_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_TABLE_RANK = {k: i for i, k in enumerate(TABLE_KEYS)}


def _finding_key(f: Finding) -> tuple:
    loc = f.locations[0] if f.locations else Location()
    if loc.table is not None:
        where: tuple = (0, _TABLE_RANK.get(loc.table, 99), loc.row if loc.row is not None else -1)
    elif loc.form is not None:
        where = (1, int(loc.overall), loc.form)
    elif loc.section_index is not None:
        where = (2, loc.section_index, loc.start or 0)
    else:
        where = (3, 0, 0)
    return (_SEV_RANK[f.severity], rule_sort_key(f.rule), where, f.message)


def run_checks(
    doc: Disclosure, *, rules: Iterable[str] | None = None, strict: bool = False
) -> list[Finding]:
    """Run every rule (or the ids in *rules*) on *doc*; findings sorted by severity, rule
    and place. A rule that crashes is logged and skipped unless *strict* (tests)."""
    from core.validation.context import Context

    ctx = Context(doc)
    wanted = set(rules) if rules is not None else None
    out: list[Finding] = []
    for r in all_rules():
        if wanted is not None and r.id not in wanted:
            continue
        try:
            out.extend(r.run(ctx))
        except Exception:
            if strict:
                raise
            logger.exception("rule %s failed", r.id)
    out.sort(key=_finding_key)
    return out
