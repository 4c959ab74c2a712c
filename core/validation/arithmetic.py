"""Tolerant money comparisons (容差比较) and the way figures are written in messages.

Published totals are computed from unrounded amounts and then rounded, so a total of *n*
rounded terms may differ from the sum of the printed terms by up to 0.005 × n 万元
(RULES.md). :func:`compare_sum` classifies a comparison as equal, a rounding difference
(reported as *info* under the same rule id) or a real difference (the rule's severity).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum

from core.amounts import parse_amount

__all__ = [
    "HALF_CENT",
    "Outcome",
    "compare",
    "compare_sum",
    "fmt",
    "fmt_diff",
    "sum_text",
]

HALF_CENT = Decimal("0.005")
ZERO = Decimal(0)
_CENT = Decimal("0.01")


class Outcome(Enum):
    EQUAL = "equal"
    ROUNDING = "rounding"  # within 0.005 × n: info
    DIFFERENT = "different"  # beyond the rounding tolerance: the rule's severity


def compare(a: Decimal, b: Decimal, n_terms: int = 1) -> Outcome:
    """Compare two amounts, allowing 0.005 × *n_terms* for rounding."""
    diff = abs(a - b)
    if diff == 0:
        return Outcome.EQUAL
    if diff <= HALF_CENT * max(n_terms, 1):
        return Outcome.ROUNDING
    return Outcome.DIFFERENT


def compare_sum(total: Decimal, terms: Sequence[Decimal]) -> Outcome:
    """Compare a printed total with the sum of its printed terms."""
    n = sum(1 for t in terms if t != 0)
    return compare(total, sum(terms, ZERO), max(n, 1))


def fmt(value: Decimal | None, places: int = 2) -> str:
    """An amount as a clerk reads it: two decimals, no thousands separators; 空白 for None."""
    if value is None:
        return "空白"
    q = Decimal(1).scaleb(-places)
    return f"{value.quantize(q):.{places}f}"


def fmt_diff(a: Decimal, b: Decimal) -> str:
    """（差 0.01） — the absolute difference."""
    return f"（差 {fmt(abs(a - b))}）"


def sum_text(terms: Sequence[tuple[str, Decimal | None]], *, limit: int = 5) -> str:
    """``基本支出 262.00 + 项目支出 602.17 = 864.17``; long sums are abbreviated."""
    total = sum((v or ZERO for _, v in terms), ZERO)
    if len(terms) == 1:
        name, v = terms[0]
        return f"{name} {fmt(v)}".strip()
    if len(terms) <= limit:
        body = " + ".join(f"{name} {fmt(v)}".strip() for name, v in terms) or "0"
    else:
        head = " + ".join(f"{name} {fmt(v)}".strip() for name, v in terms[:3])
        body = f"{head} + …（共 {len(terms)} 项）"
    return f"{body} = {fmt(total)}"


@functools.lru_cache(maxsize=16384)
def parse_cached(text: str) -> tuple[bool, Decimal | None]:
    try:
        return True, parse_amount(text)
    except ValueError:
        return False, None


def amount(text: str | None) -> Decimal | None:
    """:func:`core.amounts.parse_amount`, cached (the same strings recur on every run);
    raises ValueError for text that is not a number."""
    if not text:
        return None
    ok, value = parse_cached(text)
    if not ok:
        raise ValueError(f"不是金额 (not an amount): {text!r}")
    return value


def cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT)
