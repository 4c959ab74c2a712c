"""The catalog of the 13 budget tables (部门预算公开 13张表).

Each :class:`TableSpec` says how a table is recognised (its title variants without the
year), which canonical columns it has (``shared/corpus/SCHEMA.md``), which of them are
amounts, and how printed header labels map onto the canonical columns. This is data: the
importer, the validator and the exporters all read it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

__all__ = [
    "TABLES",
    "TABLE_KEYS",
    "TableSpec",
    "match_title",
    "normalize_title",
    "spec",
]

CN_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class TableSpec:
    """One of the 13 tables."""

    number: int  # 1..13, the order in the disclosure (表一 … 表十三)
    key: str
    name: str  # the standard title without the year, e.g. 预算收支总表
    columns: tuple[str, ...]
    amount_columns: frozenset[str]
    # Title variants without the year, compared after normalize_title().
    title_variants: tuple[str, ...]
    # canonical column -> regex searched in the printed header path ("收入/项目").
    header_patterns: dict[str, str] = field(default_factory=dict)
    # Words typical of this table's header rows; used to confirm a garbled title.
    header_words: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """表一 … 表十三."""
        return "表" + cn_number(self.number)

    def amount_indices(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c in self.amount_columns]

    def text_indices(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c not in self.amount_columns]


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 21 → 二十一 (enough for table and section numbers)."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_NUMERALS[tens - 1]
    return head + "十" + (CN_NUMERALS[ones - 1] if ones else "")


_FULL_TO_HALF = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "　": " "})
_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
_SPACES = re.compile(r"\s+")
_CID = re.compile(r"\(cid:\d+\)")
WILDCARD = "\ufffd"
_LABEL = re.compile(
    r"^[\u4e00-\u9fff]{0,6}?表\s*(?:\d+|[一二三四五六七八九十]+)(?:-\d+)?[\s、.．:：\-—]*"
)
_YEAR = re.compile(r"^.*?((?:19|20)\d\d)\s*年(?:度)?")
# Words that make a line a reference to a table ("详见…表") rather than its title.
_REFERENCE = re.compile(r"[见如附据与和及在按从由]|说明")
_CONTINUED = re.compile(r"\((?:续|續)(?:表)?\)$|续表$")
_NO_CARRYOVER = "(不含上年结转)"


def normalize_title(text: str) -> str:
    """Canonical form of a printed title: half-width brackets, no quotes or spaces,
    ``(cid:N)`` glyphs replaced by a wildcard."""
    s = _CID.sub(WILDCARD, text or "")
    s = s.translate(_FULL_TO_HALF)
    s = _QUOTES.sub("", s)
    return _SPACES.sub("", s)


@dataclass(frozen=True)
class TitleMatch:
    spec: TableSpec
    year: int | None
    label: str  # 预算公开表1 / 表一, as printed, or ""
    continued: bool  # …（续）
    fuzzy: bool = False  # matched by similarity only: confirm by the table's header


def strip_label(text: str) -> str:
    """The printed title without a leading 预算公开表N / 表一 label."""
    t = text.strip()
    m = _LABEL.match(_SPACES.sub("", t))
    if not m:
        return _SPACES.sub("", t)
    return _SPACES.sub("", t)[m.end() :]


def split_title(text: str) -> tuple[str, int | None, str, bool]:
    """Split a printed title into (rest, year, label, continued)."""
    s = normalize_title(text)
    label = ""
    m = _LABEL.match(s)
    if m:
        label = m.group(0)
        s = s[m.end() :]
    year = None
    m = _YEAR.match(s)
    prefix = s[: m.start(1)] if m else ""
    if m and len(m.group(0)) <= 40 and not _REFERENCE.search(prefix):
        year = int(m.group(1))
        s = s[m.end() :]
    continued = False
    m = _CONTINUED.search(s)
    if m:
        continued = True
        s = s[: m.start()]
    return s, year, label.rstrip("、.．:：-— "), continued


def _variant_matches(rest: str, variant: str) -> bool:
    if WILDCARD not in rest:
        return rest == variant
    if len(rest) != len(variant):
        return False
    known = sum(1 for a in rest if a != WILDCARD)
    if known < max(3, len(rest) // 2):
        return False
    return all(a == WILDCARD or a == b for a, b in zip(rest, variant, strict=True))


def match_title(text: str) -> TitleMatch | None:
    """Recognise a table title (any year, with or without a 表N label, 续 or not).

    Exact variants first; then, for a line that looks like a title (ends in 表), the most
    similar variant when it is clearly the best (``fuzzy=True``: the caller confirms it
    by the table's header row).
    """
    if len(text) > 80:
        return None
    rest, year, label, continued = split_title(text)
    if not rest or _REFERENCE.search(rest.split("年")[0] if year is None else ""):
        return None
    candidates = {rest}
    if rest.endswith(_NO_CARRYOVER):
        candidates.add(rest[: -len(_NO_CARRYOVER)])
    for spec_ in TABLES:
        for variant in spec_.title_variants:
            v = normalize_title(variant)
            vs = {v, v.removesuffix(_NO_CARRYOVER)}
            for cand in candidates:
                for vv in vs:
                    if _variant_matches(cand, vv):
                        return TitleMatch(spec_, year, label, continued)
    return _fuzzy_match(rest, year, label, continued)


_TITLE_LIKE = re.compile(r"表(?:\([^()]{1,8}\))*$")


def _fuzzy_match(rest: str, year: int | None, label: str, continued: bool) -> TitleMatch | None:
    if not 4 <= len(rest) <= 40 or not _TITLE_LIKE.search(rest) or year is None:
        return None
    scores: dict[str, float] = {}
    for spec_ in TABLES:
        best = 0.0
        for variant in spec_.title_variants:
            v = normalize_title(variant)
            for vv in {v, v.removesuffix(_NO_CARRYOVER)}:
                best = max(best, _similarity(rest, vv))
        scores[spec_.key] = best
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (key, top), (_, second) = ranked[0], ranked[1]
    if top >= 0.75 and top - second >= 0.08:
        return TitleMatch(spec(key), year, label, continued, fuzzy=True)
    return None


def _similarity(a: str, b: str) -> float:
    """Share of matching characters (a wildcard matches anything), as difflib's ratio."""
    if WILDCARD in a:
        b_chars = list(b)
        a = "".join(
            (b_chars[i] if ch == WILDCARD and i < len(b_chars) else ch) for i, ch in enumerate(a)
        )
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _spec(
    number: int,
    key: str,
    name: str,
    columns: tuple[str, ...],
    amounts: tuple[str, ...],
    variants: tuple[str, ...],
    patterns: dict[str, str],
    header_words: tuple[str, ...],
) -> TableSpec:
    assert set(patterns) == set(columns), key
    return TableSpec(
        number=number,
        key=key,
        name=name,
        columns=columns,
        amount_columns=frozenset(amounts),
        title_variants=(name, *variants),
        header_patterns=patterns,
        header_words=header_words,
    )


_CODE = r"编码|代码|编号"
_NAME = r"名称|项目|科目(?!编码)"
_TOTAL = r"合计|总计|小计|预算数|金额|^\d{4}年$|^\d{4}年预算"

TABLES: tuple[TableSpec, ...] = (
    _spec(
        1,
        "income_expense_summary",
        "预算收支总表",
        ("收入项目", "收入金额", "支出项目", "支出合计", "当年预算安排", "上年结转安排"),
        ("收入金额", "支出合计", "当年预算安排", "上年结转安排"),
        ("部门收支总表", "部门预算收支总表", "收支预算总表", "部门收支预算总表", "收支总表"),
        {
            "收入项目": r"收入.*(项目|科目|名称)|^(项目|科目|名称)",
            "收入金额": r"收入.*(年|金额|预算|合计)|^(\d{4}年|金额|预算数)",
            "支出项目": r"支出.*(项目|科目|名称)|^(项目|科目|名称)",
            "支出合计": r"支出.*(合计|年|金额|预算数)|^(\d{4}年合计|合计|金额|预算数)",
            "当年预算安排": r"当年|本年",
            "上年结转安排": r"上年结转|结转",
        },
        ("收入", "支出", "项目"),
    ),
    _spec(
        2,
        "income_summary",
        "预算收入总表",
        (
            "科目编码",
            "科目名称",
            "合计",
            "一般公共预算",
            "政府性基金",
            "国有资本经营预算",
            "财政专户管理资金",
            "单位资金",
            "上年结转",
        ),
        (
            "合计",
            "一般公共预算",
            "政府性基金",
            "国有资本经营预算",
            "财政专户管理资金",
            "单位资金",
            "上年结转",
        ),
        ("部门收入总表", "收入预算总表", "部门收入预算总表", "部门预算收入总表", "收入总表"),
        {
            "科目编码": _CODE,
            "科目名称": _NAME,
            "合计": r"合计|总计",
            "一般公共预算": r"一般公共预算",
            "政府性基金": r"政府性基金",
            "国有资本经营预算": r"国有资本",
            "财政专户管理资金": r"财政专户|专户",
            "单位资金": r"单位资金|单位自有|事业收入|其他收入",
            "上年结转": r"上年结转|结转",
        },
        ("科目", "合计", "一般公共预算"),
    ),
    _spec(
        3,
        "expense_summary",
        "预算支出总表",
        ("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
        ("合计", "基本支出", "项目支出"),
        ("部门支出总表", "支出预算总表", "部门支出预算总表", "部门预算支出总表", "支出总表"),
        {
            "科目编码": _CODE,
            "科目名称": _NAME,
            "合计": _TOTAL,
            "基本支出": r"基本支出|基本",
            "项目支出": r"项目支出",
        },
        ("科目", "基本支出", "项目支出"),
    ),
    _spec(
        4,
        "fiscal_grant_summary",
        "财政拨款收支总表",
        (
            "收入项目",
            "收入金额",
            "支出项目",
            "小计",
            "一般公共预算",
            "政府性基金预算",
            "国有资本经营预算",
        ),
        ("收入金额", "小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
        ("财政拨款收支预算总表", "部门财政拨款收支总表", "财政拨款收支预算表"),
        {
            "收入项目": r"收入.*(项目|科目|名称)|^(项目|科目|名称)",
            "收入金额": r"收入.*(年|金额|预算|合计)|^(\d{4}年|金额|预算数)",
            "支出项目": r"支出.*(项目|科目|名称)|^(项目|科目|名称)",
            "小计": r"小计|合计|总计",
            "一般公共预算": r"一般公共预算",
            "政府性基金预算": r"政府性基金",
            "国有资本经营预算": r"国有资本",
        },
        ("收入", "支出", "一般公共预算"),
    ),
    _spec(
        5,
        "general_budget_expense",
        "一般公共预算支出预算表（不含上年结转）",
        ("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
        ("合计", "基本支出", "项目支出"),
        (
            "一般公共预算支出表",
            "一般公共预算支出预算表",
            "一般公共预算支出情况表",
            "部门一般公共预算支出表",
            "一般公共预算当年拨款支出表",
        ),
        {
            "科目编码": _CODE,
            "科目名称": _NAME,
            "合计": _TOTAL,
            "基本支出": r"基本支出|基本",
            "项目支出": r"项目支出",
        },
        ("科目", "基本支出", "项目支出"),
    ),
    _spec(
        6,
        "basic_expense_economic",
        "一般公共预算安排基本支出分经济科目表（不含上年结转）",
        ("部门预算支出经济科目名称", "政府预算支出经济科目名称", "合计", "人员经费", "公用经费"),
        ("合计", "人员经费", "公用经费"),
        (
            "一般公共预算基本支出表",
            "一般公共预算基本支出预算表",
            "一般公共预算基本支出分经济科目表",
            "一般公共预算安排基本支出分经济科目表",
            "一般公共预算基本支出经济分类表",
        ),
        {
            "部门预算支出经济科目名称": r"部门|^(经济)?科目名称$|^(经济)?科目$|^项目$",
            "政府预算支出经济科目名称": r"政府",
            "合计": r"合计|总计|预算数|金额",
            "人员经费": r"人员",
            "公用经费": r"公用",
        },
        ("人员经费", "公用经费"),
    ),
    _spec(
        7,
        "gov_fund_income",
        "政府性基金预算收入表（不含上年结转）",
        ("收入科目编码", "科目名称", "政府性基金收入预算"),
        ("政府性基金收入预算",),
        ("政府性基金预算收入表", "政府性基金收入表", "政府性基金收入预算表"),
        {
            "收入科目编码": _CODE,
            "科目名称": _NAME,
            "政府性基金收入预算": r"预算|收入|金额|合计",
        },
        ("科目", "政府性基金"),
    ),
    _spec(
        8,
        "gov_fund_expense",
        "政府性基金预算支出表（不含上年结转）",
        ("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
        ("合计", "基本支出", "项目支出"),
        ("政府性基金预算支出表", "政府性基金支出表", "政府性基金支出预算表"),
        {
            "科目编码": _CODE,
            "科目名称": _NAME,
            "合计": _TOTAL,
            "基本支出": r"基本支出|基本",
            "项目支出": r"项目支出",
        },
        ("科目", "基本支出", "项目支出"),
    ),
    _spec(
        9,
        "state_capital",
        "国有资本经营预算收支预算表（不含上年结转）",
        (
            "收入科目编码",
            "收入科目名称",
            "国有资本经营收入预算",
            "支出科目编码",
            "支出科目名称",
            "合计",
            "基本支出",
            "项目支出",
        ),
        ("国有资本经营收入预算", "合计", "基本支出", "项目支出"),
        (
            "国有资本经营预算收支预算表",
            "国有资本经营预算收支表",
            "国有资本经营预算支出表",
            "国有资本经营预算收支预算总表",
        ),
        {
            "收入科目编码": r"收入.*(" + _CODE + r")|^(" + _CODE + r")|科目编码",
            "收入科目名称": r"收入.*(名称|科目)|^(名称|科目名称)",
            "国有资本经营收入预算": r"收入.*(预算|金额|合计)|收入预算",
            "支出科目编码": r"支出.*(" + _CODE + r")|^(" + _CODE + r")|科目编码",
            "支出科目名称": r"支出.*(名称|科目)|^(名称|科目名称)",
            "合计": r"合计|总计|小计",
            "基本支出": r"基本",
            "项目支出": r"项目支出",
        },
        ("收入", "支出", "国有资本"),
    ),
    _spec(
        10,
        "three_public",
        "“三公”经费支出预算表",
        ("项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
        ("合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
        (
            "一般公共预算“三公”经费支出预算表",
            "财政拨款安排“三公”经费支出预算表",
            "财政拨款“三公”经费支出预算表",
            "“三公”经费预算表",
            "“三公”经费支出表",
            "一般公共预算“三公”经费支出表",
            "“三公”经费财政拨款支出预算表",
        ),
        {
            "项目": r"项目|名称|科目",
            "合计": r"合计|总计|小计",
            "一般公共预算": r"一般公共预算",
            "政府性基金预算": r"政府性基金",
            "国有资本经营预算": r"国有资本",
        },
        ("合计", "一般公共预算"),
    ),
    _spec(
        11,
        "admin_operating",
        "机关运行经费预算表",
        ("单位名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
        ("合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
        (
            "财政拨款安排机关运行经费预算表",
            "机关运行经费预算财政拨款情况统计表",
            "机关运行经费支出预算表",
            "一般公共预算机关运行经费预算表",
            "机关运行经费财政拨款预算表",
        ),
        {
            "单位名称": r"单位|名称|项目|部门",
            "合计": r"合计|总计|小计",
            "一般公共预算": r"一般公共预算",
            "政府性基金预算": r"政府性基金",
            "国有资本经营预算": r"国有资本",
        },
        ("合计", "一般公共预算"),
    ),
    _spec(
        12,
        "project_expense_current",
        "项目支出预算表（本年预算）",
        (
            "项目名称",
            "合计",
            "一般公共预算",
            "政府性基金预算",
            "国有资本经营预算",
            "财政专户管理资金",
            "单位资金",
        ),
        (
            "合计",
            "一般公共预算",
            "政府性基金预算",
            "国有资本经营预算",
            "财政专户管理资金",
            "单位资金",
        ),
        ("项目支出表（本年预算）", "项目支出预算表(本年)", "本年项目支出预算表"),
        {
            "项目名称": r"项目|名称|单位",
            "合计": r"合计|总计|小计",
            "一般公共预算": r"一般公共预算",
            "政府性基金预算": r"政府性基金",
            "国有资本经营预算": r"国有资本",
            "财政专户管理资金": r"财政专户|专户",
            "单位资金": r"单位资金|单位自有|其他资金",
        },
        ("项目名称", "合计"),
    ),
    _spec(
        13,
        "project_expense_carryover",
        "项目支出预算表（上年结转）",
        ("项目名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
        ("合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
        ("项目支出表（上年结转）", "项目支出预算表(上年结转项目)", "上年结转项目支出预算表"),
        {
            "项目名称": r"项目|名称|单位",
            "合计": r"合计|总计|小计",
            "一般公共预算": r"一般公共预算",
            "政府性基金预算": r"政府性基金",
            "国有资本经营预算": r"国有资本",
        },
        ("项目名称", "合计"),
    ),
)

TABLE_KEYS: tuple[str, ...] = tuple(t.key for t in TABLES)
_BY_KEY = {t.key: t for t in TABLES}


def spec(key: str) -> TableSpec:
    """The spec of a table key; KeyError for an unknown key."""
    return _BY_KEY[key]


def standard_title(key: str, year: int) -> str:
    """The standard printed title for *year*, e.g. ``2024年预算收支总表``."""
    return f"{year}年{_BY_KEY[key].name}"
