"""The figures quoted in 第三部分 情况说明 (说明中的数字), found by pattern.

Each section of the narrative gets a *topic* from its numbered heading (or its parent's):
收支总体, 收入, 支出, 财政拨款, 一般公共预算, 基本支出, 三公, 机关运行经费, 政府采购, 绩效,
国有资产, 其他. Within a section, every ``N万元`` is a :class:`Figure` with the label
printed before it (back to the previous punctuation) and the share that follows it
(``，占37.09%``); every ``比上年增加N万元，增长P%`` is a :class:`Change`. Rules compare
them with the tables; spans are character offsets into the section's text.

Anything after the last numbered heading that is not numbered itself (an appended notice
from the 财政厅, say) is an appendix and is not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from core.model import Disclosure

__all__ = [
    "Change",
    "Figure",
    "NSection",
    "NarrativeModel",
    "half_unit",
    "parse_narrative",
]

_NUM = r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_AMOUNT = re.compile(rf"(?<![\d.,])(?P<num>{_NUM})\s*万元")
_SHARE = re.compile(
    r"\s*[，,]?\s*(?:约)?占(?P<base>[^，,。；;\d%％]{0,14}?)(?P<pct>\d+(?:\.\d+)?)\s*[%％]"
)
_CHANGE = re.compile(
    r"(?:比|较|与|同比)(?P<base>上年|上一年度?|去年|(?:19|20)\d\d年度?)"
    r"(?P<mid>[^，,。；;]{0,16}?)"
    rf"(?:(?P<last>{_NUM})\s*万元[）)]?)?"
    r"[^，,。；;\d]{0,6}?"
    r"(?P<dir>增加|减少|增长|下降|上升|降低|持平|相同|不变|一致)了?\s*"
    rf"(?:(?P<chg>{_NUM})\s*万元|(?P<pct0>\d+(?:\.\d+)?)\s*[%％])?"
    r"(?:\s*[，,、]?\s*(?P<pdir>增长|下降|增加|减少|上升|降低)了?\s*"
    r"(?P<pct>\d+(?:\.\d+)?)\s*[%％])?"
)
_WS = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[。；;！!\n]")
_LABEL_STOP = "，,。；;：:、\n"
_TOP = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
_NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[、.．])"
)
INCREASE = frozenset({"增加", "增长", "上升"})
DECREASE = frozenset({"减少", "下降", "降低"})
SAME = frozenset({"持平", "相同", "不变", "一致"})

# Topic of a heading, first match wins (order matters: 财政拨款收支 before 收支).
_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("three_public", re.compile(r"三公")),
    ("admin", re.compile(r"机关运行")),
    ("procurement", re.compile(r"政府采购")),
    ("performance", re.compile(r"绩效")),
    ("assets", re.compile(r"国有资产|资产占有")),
    ("fiscal", re.compile(r"财政拨款")),
    ("basic", re.compile(r"基本支出")),
    ("gpb", re.compile(r"一般公共预算")),
    ("income", re.compile(r"收入")),
    ("expense", re.compile(r"支出")),
    ("overview", re.compile(r"收支|变动")),
    ("other", re.compile(r"其他|其它")),
)


def topic_of(heading: str) -> str | None:
    h = _WS.sub("", heading)
    if "收支" in h and "财政拨款" not in h and "变动" in h:
        return "overview"
    for name, pat in _TOPICS:
        if pat.search(h):
            return name
    return None


def to_decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("，", ""))


def places_of(text: str) -> int:
    t = text.replace(",", "").replace("，", "")
    return len(t.split(".", 1)[1]) if "." in t else 0


def half_unit(places: int) -> Decimal:
    return Decimal(5).scaleb(-places - 1)


@dataclass
class NSection:
    index: int  # into Disclosure.narrative
    heading: str
    text: str
    topic: str | None
    top: int | None  # index of its top-level (一、…) section
    part3: bool


@dataclass
class Figure:
    """``N万元`` with its label and share."""

    section: int
    start: int  # span of the number and 万元
    end: int
    value: Decimal
    places: int
    label: str  # printed text before it, back to the previous punctuation (spaces removed)
    sentence: tuple[int, int]
    pct: Decimal | None = None
    pct_places: int = 0
    pct_span: tuple[int, int] | None = None
    pct_base: str = ""  # what the share is said to be of (占支出预算的…), as printed
    in_change: bool = False  # the amount of a 比上年增加N万元 phrase


@dataclass
class Change:
    """``比上年增加N万元，增长P%`` (or …减少…下降…, …相同)."""

    section: int
    start: int
    end: int
    direction: str  # 增加/减少/…/相同
    amount: Decimal | None
    amount_places: int
    last: Decimal | None  # an explicit last-year figure (比2022年预算343.22万元减少…)
    last_places: int
    pct: Decimal | None
    pct_places: int
    pct_direction: str | None
    subject: Figure | None  # the first amount of the sentence: what changed
    candidates: list[Figure] = field(default_factory=list)  # every amount before it


@dataclass
class NarrativeModel:
    sections: list[NSection] = field(default_factory=list)
    figures: dict[int, list[Figure]] = field(default_factory=dict)
    changes: dict[int, list[Change]] = field(default_factory=dict)

    def part3(self) -> list[NSection]:
        return [s for s in self.sections if s.part3]

    def by_topic(self, topic: str) -> list[NSection]:
        return [s for s in self.sections if s.part3 and s.topic == topic]

    def section(self, index: int) -> NSection:
        for s in self.sections:
            if s.index == index:
                return s
        raise KeyError(index)


def _label_before(text: str, pos: int, floor: int) -> str:
    i = pos
    while i > floor and text[i - 1] not in _LABEL_STOP:
        i -= 1
    return _WS.sub("", text[i:pos])


def parse_narrative(doc: Disclosure) -> NarrativeModel:
    model = NarrativeModel()
    has_part3 = any("第三部分" in s.part or "情况说明" in s.part for s in doc.narrative)
    appendix = False
    top: int | None = None
    top_topic: str | None = None
    for i, sec in enumerate(doc.narrative):
        in_part3 = ("第三部分" in sec.part or "情况说明" in sec.part) if has_part3 else True
        heading = sec.heading or ""
        if not in_part3:
            appendix = False
            top, top_topic = None, None
        if in_part3 and not appendix:
            if _TOP.match(heading):
                top, top_topic = i, topic_of(heading)
            elif not _NUMBERED.match(heading) and top is not None:
                appendix = True
        part3 = in_part3 and not appendix
        topic = top_topic if top is not None else topic_of(heading)
        model.sections.append(NSection(i, heading, sec.text.value or "", topic, top, part3))
    # The department's own name inside a label says nothing about the figure (and may
    # contain words such as 财政 or 国有资本): labels are read without it.
    dept = _WS.sub("", doc.department or "")
    for s in model.sections:
        if not s.part3 or not s.text:
            continue
        figs, changes = _scan(s, dept)
        model.figures[s.index] = figs
        model.changes[s.index] = changes
    return model


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _scan(sec: NSection, dept: str = "") -> tuple[list[Figure], list[Change]]:
    text = sec.text
    figs: list[Figure] = []
    changes: list[Change] = []
    for s0, s1 in _sentences(text):
        sentence = text[s0:s1]
        spans: list[tuple[int, int]] = []
        sfigs: list[Figure] = []
        prev_end = s0
        for m in _AMOUNT.finditer(sentence):
            a, b = s0 + m.start(), s0 + m.end()
            label = _label_before(text, a, prev_end)
            if dept and len(dept) >= 4:
                label = label.replace(dept, "")
            fig = Figure(
                sec.index,
                a,
                b,
                to_decimal(m.group("num")),
                places_of(m.group("num")),
                label,
                (s0, s1),
            )
            sm = _SHARE.match(text, b, s1)
            if sm:
                fig.pct = Decimal(sm.group("pct"))
                fig.pct_places = places_of(sm.group("pct"))
                fig.pct_span = (sm.start("pct"), sm.end())
                fig.pct_base = _WS.sub("", sm.group("base"))
            sfigs.append(fig)
            prev_end = b
        for m in _CHANGE.finditer(sentence):
            a, b = s0 + m.start(), s0 + m.end()
            spans.append((a, b))
            subject = next((f for f in sfigs if f.end <= a), None)
            chg = m.group("chg")
            last = m.group("last")
            pct = m.group("pct") or m.group("pct0")
            changes.append(
                Change(
                    sec.index,
                    a,
                    b,
                    m.group("dir"),
                    to_decimal(chg) if chg else None,
                    places_of(chg) if chg else 2,
                    to_decimal(last) if last else None,
                    places_of(last) if last else 2,
                    Decimal(pct) if pct else None,
                    places_of(pct) if pct else 2,
                    m.group("pdir"),
                    subject,
                    [f for f in sfigs if f.end <= a],
                )
            )
        for f in sfigs:
            if any(a <= f.start < b for a, b in spans):
                f.in_change = True
        figs.extend(sfigs)
    return figs, changes
