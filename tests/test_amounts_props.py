"""Property tests (hypothesis) for amount parsing and formatting (core.amounts)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.amounts import AMOUNT_RE, format_amount, is_amount_text, parse_amount

# No deadline: CI machines are shared and a slow example is not a failure.
settings.register_profile("amounts", deadline=None, max_examples=300)
PROFILE = settings.get_profile("amounts")

CENT = Decimal("0.01")
# 万元 with two decimals, up to a trillion — far beyond any county budget.
money = st.decimals(
    min_value=Decimal("-1e12"),
    max_value=Decimal("1e12"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
any_places = st.decimals(
    min_value=Decimal("-1e12"),
    max_value=Decimal("1e12"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)
FULLWIDTH = str.maketrans("0123456789,.-+", "０１２３４５６７８９，．－＋")


@PROFILE
@given(money, st.booleans())
@example(Decimal("0.00"), True)
@example(Decimal("-0.01"), True)
@example(Decimal("1457.38"), True)
@example(Decimal("340061.1"), True)
@example(Decimal("999.995").quantize(CENT), True)
def test_format_then_parse_round_trips(value: Decimal, thousands: bool) -> None:
    text = format_amount(value, thousands=thousands)
    assert parse_amount(text) == value
    assert is_amount_text(text)
    assert len(text.rsplit(".", 1)[1]) == 2  # always two decimals


@PROFILE
@given(money)
def test_thousands_separators_only_group_the_integer_part(value: Decimal) -> None:
    plain = format_amount(value)
    grouped = format_amount(value, thousands=True)
    assert grouped.replace(",", "") == plain
    integer = grouped.lstrip("-").split(".")[0]
    groups = integer.split(",")
    assert 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    assert AMOUNT_RE.match(grouped)


@PROFILE
@given(any_places, st.booleans())
def test_formatting_rounds_half_up_to_cents(value: Decimal, thousands: bool) -> None:
    expected = value.quantize(CENT, rounding=ROUND_HALF_UP)
    assert parse_amount(format_amount(value, thousands=thousands)) == expected


@PROFILE
@given(money, st.booleans())
def test_fullwidth_digits_and_separators_parse_the_same(value: Decimal, thousands: bool) -> None:
    text = format_amount(value, thousands=thousands)
    assert parse_amount(text.translate(FULLWIDTH)) == value


@PROFILE
@given(money, st.sampled_from([" ", "\u3000", "\t", "\n", "\xa0"]), st.integers(0, 20))
def test_whitespace_anywhere_is_ignored(value: Decimal, space: str, at: int) -> None:
    text = format_amount(value, thousands=True)
    at = min(at, len(text))
    assert parse_amount(space + text[:at] + space + text[at:] + space) == value


@PROFILE
@given(st.text())
@example("")
@example("-")
@example("——")
@example("1,23")
@example("1,2345.00")
@example("1e5")
@example("NaN")
@example("Infinity")
@example("１，２３４．５６")
@example("12.3.4")
@example("٣٤٥")
def test_arbitrary_text_parses_or_raises_value_error(text: str) -> None:
    try:
        value = parse_amount(text)
    except ValueError:
        assert not is_amount_text(text)
        return
    assert value is None or isinstance(value, Decimal)
    if value is not None:
        assert value.is_finite()


@PROFILE
@given(st.text(alphabet="0123456789,.-+ ，．－", max_size=16))
def test_number_like_text_parses_or_raises_value_error(text: str) -> None:
    # Strings made of the characters amounts are printed with reach the regex's edges.
    try:
        value = parse_amount(text)
    except ValueError:
        assert not is_amount_text(text)
        return
    # Parsed: a printed number, or a blank cell / a dash.
    assert is_amount_text(text) or value in (None, Decimal(0))


def test_blank_and_dashes() -> None:
    assert parse_amount(None) is None
    assert parse_amount("  ") is None
    for dash in ("-", "—", "－", "——"):
        assert parse_amount(dash) == Decimal(0)
    assert format_amount(None) == ""
