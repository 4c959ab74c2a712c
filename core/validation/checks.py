"""Shared shapes of a check (核对): a total against its terms, one figure against another.

Each returns a :class:`~core.validation.engine.Report` (or None when the figures agree):
the rule's severity for a real difference, ``info`` for a rounding difference, with the
figures of both sides and the difference in the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from core.validation.arithmetic import HALF_CENT, ZERO, Outcome, compare, fmt, fmt_diff, sum_text
from core.validation.engine import Report
from core.validation.findings import Location

__all__ = ["Term", "equal_check", "sum_check"]

Term = tuple[str, Decimal | None, Location | None]


def sum_check(
    where: str,
    total_name: str,
    total: Decimal,
    total_loc: Location,
    terms: Sequence[Term],
    *,
    extra_locs: Sequence[Location] = (),
) -> Report | None:
    """``where：total_name T ≠ a A + b B = S（差 d）`` when T differs from the sum."""
    values = [v if v is not None else ZERO for _, v, _ in terms]
    n = max(1, sum(1 for v in values if v != 0))
    s = sum(values, ZERO)
    outcome = compare(total, s, n)
    if outcome is Outcome.EQUAL:
        return None
    locs = [total_loc, *(loc for _, _, loc in terms if loc is not None), *extra_locs]
    rhs = sum_text([(name, v) for name, v, _ in terms])
    if outcome is Outcome.ROUNDING:
        msg = (
            f"{where}：{total_name} {fmt(total)} 与 {rhs} 相差 {fmt(abs(total - s))}，"
            f"在 {n} 项的舍入允许范围 {fmt(HALF_CENT * n, 3)} 内（舍入差异）"
        )
        return Report(msg, tuple(_dedupe(locs)), "info")
    msg = f"{where}：{total_name} {fmt(total)} ≠ {rhs}{fmt_diff(total, s)}"
    return Report(msg, tuple(_dedupe(locs)))


def equal_check(
    where: str,
    a_name: str,
    a: Decimal,
    a_loc: Location | None,
    b_name: str,
    b: Decimal,
    b_loc: Location | None,
    *,
    n_terms: int = 1,
    extra_locs: Sequence[Location] = (),
) -> Report | None:
    """``where：a_name A ≠ b_name B（差 d）`` when the two figures differ."""
    outcome = compare(a, b, n_terms)
    if outcome is Outcome.EQUAL:
        return None
    locs = [x for x in (a_loc, b_loc, *extra_locs) if x is not None]
    if outcome is Outcome.ROUNDING:
        msg = (
            f"{where}：{a_name} {fmt(a)} 与 {b_name} {fmt(b)} 相差 {fmt(abs(a - b))}，"
            f"在舍入允许范围内（舍入差异）"
        )
        return Report(msg, tuple(_dedupe(locs)), "info")
    prefix = f"{where}：" if where else ""
    return Report(
        f"{prefix}{a_name} {fmt(a)} ≠ {b_name} {fmt(b)}{fmt_diff(a, b)}", tuple(_dedupe(locs))
    )


def _dedupe(locs: Sequence[Location]) -> list[Location]:
    seen: set[Location] = set()
    out = []
    for loc in locs:
        if loc not in seen:
            seen.add(loc)
            out.append(loc)
    return out
