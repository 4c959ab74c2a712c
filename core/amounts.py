"""Amounts (金额): exact decimal parsing and formatting of printed money strings.

Published tables print 万元 with two decimals, sometimes with thousands separators
(``1,457.38``), sometimes with one decimal (``340,061.1``), sometimes ``-`` or nothing for
zero/blank. Money is always :class:`decimal.Decimal`, never float.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "AMOUNT_RE",
    "DASHES",
    "format_amount",
    "is_amount_text",
    "parse_amount",
]

# A printed amount: optional sign, digits with optional thousands separators, optional
# decimals. Full-width digits and separators are normalised before matching.
AMOUNT_RE = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
DASHES = frozenset({"-", "—", "–", "－", "--", "——"})

_FULLWIDTH = str.maketrans("０１２３４５６７８９，．－＋", "0123456789,.-+")
_SPACES = re.compile(r"\s+")


def normalize_amount_text(text: str) -> str:
    """Remove whitespace and map full-width digits/punctuation to ASCII."""
    return _SPACES.sub("", text or "").translate(_FULLWIDTH)


def is_amount_text(text: str) -> bool:
    """True when *text* is a printed number (``4,981.70``, ``340,061.1``, ``12``)."""
    return bool(AMOUNT_RE.match(normalize_amount_text(text)))


def parse_amount(text: str | None) -> Decimal | None:
    """Parse a printed amount.

    Returns ``None`` for a blank cell, ``Decimal(0)`` for a dash, and raises
    :class:`ValueError` for anything that is not a number.
    """
    if text is None:
        return None
    s = normalize_amount_text(text)
    if not s:
        return None
    if s in DASHES:
        return Decimal(0)
    if not AMOUNT_RE.match(s):
        raise ValueError(f"不是金额 (not an amount): {text!r}")
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid numbers
        raise ValueError(f"不是金额 (not an amount): {text!r}") from exc


def format_amount(value: Decimal | None, *, thousands: bool = False, places: int = 2) -> str:
    """Format an amount with *places* decimals (ROUND_HALF_UP); blank for ``None``."""
    if value is None:
        return ""
    q = Decimal(1).scaleb(-places)
    v = value.quantize(q, rounding=ROUND_HALF_UP)
    return f"{v:,.{places}f}" if thousands else f"{v:.{places}f}"
