"""The cover, the narrative of 第一部分/第三部分 and the glossary (名词解释).

The free text lines of the pages (outside grids and outside the performance forms,
running headers and page numbers removed) are read in order:

- the **cover** is what precedes the 目录 and the first part heading; its title is the
  cover line naming the 预算 (公开), the largest such;
- **part headings** ``第一部分 概况`` split the document; a part is skipped when it holds
  the tables (its name says 报表/预算表/公开表) and read as the glossary when it says
  名词解释; the others are narrative;
- in a narrative part a **heading** is a numbered line (``一、`` ``（一）`` ``1、`` ``1.``)
  that is a paragraph of its own: it does not run to the right edge of the text block and
  does not end like a sentence (。；，); a top-level number that does not advance (``一、``
  after ``十二、``: an appended document's own list) is text. A short unnumbered line in a
  clearly larger type than the body (an appended document's title, 山西省财政厅文件) is a
  heading too;
- **paragraphs**: a line starts a new paragraph when it is indented from the text block's
  left edge (first-line indent, centred captions), or when the line before it ended a
  sentence well short of the right edge; otherwise it continues the paragraph (also over
  a page break). Lines are joined without a separator, paragraphs with "\\n".

Indentation and line ends are measured against the text block of the document itself, so
nothing depends on a particular typesetter's margins or fonts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from core.importer.grid import TextLine
from core.importer.pages import PageContent
from core.importer.tables import PageLayout, layout_pages
from core.model import Field, OverallForm, Paragraph, PerformanceForm, Section, SourceRef

__all__ = ["NarrativeResult", "parse_narrative"]

_SPACES = re.compile(r"\s+")
_CN_NUM = "一二三四五六七八九十百零〇"
_PART = re.compile(rf"^第[{_CN_NUM}\d]+部分")
_TOC_LINE = re.compile(r"(?:[.…·．_\-—]{3,}|\s)\s*\d{1,3}$|\d{1,3}$")
_HEADING_NUM = re.compile(
    rf"^(?:(?P<l1>[{_CN_NUM}]+)[、.．]|[（(](?P<l2>[{_CN_NUM}]+)[)）]|(?P<l3>\d{{1,2}})(?:、|[.．](?!\d))"
    r"|[（(](?P<l4>\d{1,2})[)）])"
)
_SENTENCE_END = "。；;，,、！!？?"
_PARA_END = "。；;！!？?：:"
_COVER_TITLE = re.compile(r"预算|决算|公开")
_DATE_LINE = re.compile(r"^\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?$")


@dataclass
class NarrativeResult:
    cover_title: str = ""
    cover_source: SourceRef | None = None
    department: str = ""
    sections: list[Section] = field(default_factory=list)
    glossary: list[Field] = field(default_factory=list)


@dataclass(slots=True)
class _Line:
    page: int
    line: TextLine
    text: str

    @property
    def size(self) -> float:
        return self.line.size

    @property
    def source(self) -> SourceRef:
        return SourceRef(self.page, self.line.bbox)


def parse_narrative(
    pages: list[PageContent],
    table_pages: set[int],
    layouts: list[PageLayout] | None = None,
    forms: tuple[list[PerformanceForm], list[OverallForm]] | None = None,
) -> NarrativeResult:
    """Cover title, narrative sections and glossary items of a disclosure.

    *table_pages*: pages holding the 13 tables (skipped up to a part heading on them);
    *layouts*: the pages' grids and free lines, when the caller has them; *forms*: the
    performance forms found, whose printed boxes are not narrative.
    """
    if layouts is None:
        layouts = layout_pages(pages)
    boxes: dict[int, list[tuple[float, float, float, float]]] = {}
    if forms is not None:
        all_forms: list[PerformanceForm | OverallForm] = [*forms[0], *forms[1]]
        for f in all_forms:
            for b in f.boxes:
                boxes.setdefault(b.page, []).append(b.bbox)
    lines = _stream(layouts, boxes, table_pages)
    result = NarrativeResult()
    start = _cover(lines, result)
    _read_parts(lines[start:], result)
    return result


# --- the line stream ------------------------------------------------------------------


def _line_text(ln: TextLine) -> str:
    """A line's text, with a space kept where Latin words are set apart."""
    out: list[str] = []
    prev = None
    for g in ln.glyphs:
        if (
            prev is not None
            and g.x0 - prev.x1 > 0.25 * max(g.size, 1.0)
            and (
                prev.text[-1:].isascii()
                and prev.text[-1:].isalnum()
                or g.text[:1].isascii()
                and g.text[:1].isalnum()
            )
        ):
            out.append(" ")
        out.append(g.text)
        prev = g
    return "".join(out).strip()


def _stream(
    layouts: list[PageLayout],
    boxes: dict[int, list[tuple[float, float, float, float]]],
    table_pages: set[int],
) -> list[_Line]:
    out: list[_Line] = []
    for lay in layouts:
        n = lay.page.number
        skip = boxes.get(n, [])
        on_table_page = n in table_pages
        for ln in lay.lines:
            cx, cy = (ln.x0 + ln.x1) / 2, (ln.top + ln.bottom) / 2
            if any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in skip):
                continue
            text = _line_text(ln)
            if not text:
                continue
            if on_table_page:
                # Table pages hold no narrative, except after a part heading printed on
                # the same page (第三部分 starting under the last table).
                if not (_PART.match(_norm(text)) and not _is_toc_line(text)):
                    continue
                on_table_page = False
            out.append(_Line(n, ln, text))
    return out


def _norm(text: str) -> str:
    return _SPACES.sub("", text)


def _is_toc_line(text: str) -> bool:
    return bool(_TOC_LINE.search(text.strip())) and len(_norm(text)) > 2


# --- cover and table of contents ------------------------------------------------------------


def _cover(lines: list[_Line], result: NarrativeResult) -> int:
    """Read the cover; the index of the first line after the cover and the 目录."""
    first_part = next(
        (
            i
            for i, ln in enumerate(lines)
            if _PART.match(_norm(ln.text)) and not _is_toc_line(ln.text)
        ),
        len(lines),
    )
    toc = next((i for i, ln in enumerate(lines[:first_part]) if _norm(ln.text) == "目录"), None)
    cover_end = toc if toc is not None else first_part
    if not lines:
        return 0
    first_page = lines[0].page
    cover = [ln for ln in lines[:cover_end] if ln.page == first_page]
    _read_cover(cover, result)
    if first_part < len(lines):
        return first_part
    # No part headings at all: the narrative starts after the 目录 (or the cover) page.
    after = lines[toc].page if toc is not None else first_page
    if toc is None and len(cover) > 8:
        return 0  # the first page is not a cover
    return next((i for i, ln in enumerate(lines) if ln.page > after), len(lines))


def _read_cover(cover: list[_Line], result: NarrativeResult) -> None:
    if not cover:
        return
    named = [
        ln for ln in cover if _COVER_TITLE.search(ln.text) and not _DATE_LINE.match(_norm(ln.text))
    ]
    pool = named or cover
    best = max(pool, key=lambda ln: ln.size)
    k = cover.index(best)
    parts = [best.text]
    src = best.source
    # A title wrapped over two or three lines in the same type.
    first = last = best
    for prev in reversed(cover[max(0, k - 2) : k]):
        if (
            abs(prev.size - first.size) < 0.5
            and first.line.top - prev.line.bottom < first.size * 1.5
        ):
            parts.insert(0, prev.text)
            src = src.union(prev.source)
            first = prev
        else:
            break
    for nxt in cover[k + 1 : k + 3]:
        if abs(nxt.size - last.size) < 0.5 and nxt.line.top - last.line.bottom < last.size * 1.5:
            parts.append(nxt.text)
            src = src.union(nxt.source)
            last = nxt
        else:
            break
    result.cover_title = "".join(parts)
    result.cover_source = src
    others = [
        ln
        for ln in cover
        if ln.text not in parts
        and not _DATE_LINE.match(_norm(ln.text))
        and len(_norm(ln.text)) >= 4
    ]
    if others:
        result.department = max(others, key=lambda ln: ln.size).text


# --- parts, headings, paragraphs ------------------------------------------------------------


def _part_name(text: str, nxt: _Line | None) -> tuple[str, bool]:
    """``第一部分概况`` -> ``第一部分 概况``; True when the next line was used."""
    t = _norm(text)
    m = _PART.match(t)
    assert m is not None
    rest = t[m.end() :].lstrip(":：")
    used = False
    if not rest and nxt is not None and not _HEADING_NUM.match(_norm(nxt.text)):
        rest, used = _norm(nxt.text), True
    return (f"{m.group(0)} {rest}" if rest else m.group(0)), used


def _part_kind(name: str) -> str:
    if re.search(r"报表|预算表|公开表|决算表", name):
        return "tables"
    if "名词解释" in name or "名词" in name:
        return "glossary"
    return "narrative"


@dataclass
class _Block:
    """Geometry of the text block: left edge and right edge of full lines."""

    left: float
    right: float


def _block_of(lines: list[_Line], body: float) -> _Block:
    body_lines = [ln for ln in lines if abs(ln.size - body) <= 1.0] or lines
    xs0 = sorted(ln.line.x0 for ln in body_lines)
    xs1 = sorted(ln.line.x1 for ln in body_lines)
    left = xs0[max(0, len(xs0) // 20)]
    right = xs1[min(len(xs1) - 1, len(xs1) * 19 // 20)]
    return _Block(left, right)


def _read_parts(lines: list[_Line], result: NarrativeResult) -> None:
    if not lines:
        return
    sizes = [ln.size for ln in lines if len(_norm(ln.text)) >= 12]
    body = median(sizes) if sizes else median(ln.size for ln in lines)
    block = _block_of([ln for ln in lines if len(_norm(ln.text)) >= 12] or lines, body)
    part, kind = "", "narrative"
    reader: _SectionReader | None = None
    glossary: list[tuple[str, _Line]] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        t = _norm(ln.text)
        if _PART.match(t) and not _is_toc_line(ln.text) and len(t) <= 40:
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            part, used = _part_name(ln.text, nxt)
            kind = _part_kind(part)
            if reader is not None:
                reader.finish()
            reader = (
                _SectionReader(part, result.sections, block, body) if kind == "narrative" else None
            )
            i += 2 if used else 1
            continue
        if kind == "narrative":
            if reader is None:
                reader = _SectionReader(part, result.sections, block, body)
            reader.feed(ln, lines[i + 1] if i + 1 < len(lines) else None)
        elif kind == "glossary":
            glossary.append((t, ln))
        i += 1
    if reader is not None:
        reader.finish()
    result.sections = _demote_lists(result.sections)
    result.glossary = _glossary(glossary, block)


def _demote_lists(sections: list[Section]) -> list[Section]:
    """A run of three or more numbered lines of one level with no text under any of them
    but the last is a list (职责 items without end punctuation), not headings: they go
    back into the text of the section before them."""
    out: list[Section] = []
    k = 0
    while k < len(sections):
        level = _level(sections[k].heading)
        m = k
        while (
            level in ("l2", "l3", "l4")
            and m + 1 < len(sections)
            and not sections[m].paragraphs
            and sections[m + 1].part == sections[k].part
            and _level(sections[m + 1].heading) == level
        ):
            m += 1
        if m - k + 1 >= 3 and out and out[-1].part == sections[k].part:
            host = out[-1]
            for sec in sections[k : m + 1]:
                host.paragraphs.append(Paragraph(sec.heading, sec.heading_source))
                host.paragraphs.extend(sec.paragraphs)
            host.text = Field.of("\n".join(p.text for p in host.paragraphs), host.text.source)
            k = m + 1
            continue
        out.append(sections[k])
        k += 1
    return out


def _level(heading: str) -> str | None:
    m = _HEADING_NUM.match(_norm(heading))
    if m is None:
        return None
    return next(k for k in ("l1", "l2", "l3", "l4") if m.group(k))


class _SectionReader:
    def __init__(self, part: str, out: list[Section], block: _Block, body: float) -> None:
        self.part = part
        self.out = out
        self.block = block
        self.body = body
        self.section: Section | None = None
        self.paras: list[list[_Line]] = []
        self.levels: dict[str, int] = {}

    def feed(self, ln: _Line, nxt: _Line | None) -> None:
        if self._is_heading(ln, nxt):
            self.finish()
            self.section = Section(part=self.part, heading=ln.text, heading_source=ln.source)
            return
        if self.section is None:
            # Text before any heading of the part: kept under an empty heading.
            self.section = Section(part=self.part, heading="")
        if self.paras and not _starts_paragraph(ln, self.paras[-1][-1], self.block):
            self.paras[-1].append(ln)
        else:
            self.paras.append([ln])

    def _is_heading(self, ln: _Line, nxt: _Line | None) -> bool:
        t = _norm(ln.text)
        if not t or len(t) > 50 or t[-1] in _SENTENCE_END:
            return False
        reaches_right = ln.line.x1 >= self.block.right - 1.5 * ln.size
        m = _HEADING_NUM.match(t)
        if m is not None:
            if reaches_right and nxt is not None and not _starts_paragraph(nxt, ln, self.block):
                return False  # a numbered paragraph that wraps on to the next line
            level = next(k for k in ("l1", "l2", "l3", "l4") if m.group(k))
            n = _number(m.group(level))
            if level == "l1":
                last = self.levels.get("l1", 0)
                if n is None or n <= last:
                    return False
                self.levels = {"l1": n}
            else:
                self.levels[level] = n or 0
            return True
        # An unnumbered title in a clearly larger type (an appended document's title).
        return ln.size >= 1.3 * self.body and not reaches_right and len(t) <= 30

    def finish(self) -> None:
        if self.section is None:
            return
        sec = self.section
        for para in self.paras:
            text = "".join(p.text for p in para)
            src = para[0].source
            for p in para[1:]:
                src = src.union(p.source)
            sec.paragraphs.append(Paragraph(text, src))
        text = "\n".join(p.text for p in sec.paragraphs)
        sec_src: SourceRef | None = None
        for sp in sec.paragraphs:
            sec_src = sp.source if sec_src is None else sec_src.union(sp.source)
        sec.text = Field.of(text, sec_src)
        if sec.heading or sec.paragraphs:
            self.out.append(sec)
        self.section = None
        self.paras = []


def _starts_paragraph(ln: _Line, prev: _Line, block: _Block) -> bool:
    """Whether *ln* starts a new paragraph after *prev* (the line before it)."""
    size = max(ln.size, 1.0)
    if ln.line.x0 > block.left + 0.8 * size:
        return True  # first-line indent, or a centred line
    prev_text = prev.text.rstrip()
    short = prev.line.x1 < block.right - 3.0 * max(prev.size, 1.0)
    if prev.line.x0 > block.left + 0.8 * size and short and prev.page == ln.page:
        return True  # after a centred or indented one-line paragraph
    return bool(prev_text) and prev_text[-1] in _PARA_END and short


def _number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits["〇"] = 0
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + digits.get(s[1], 0) if len(s) == 2 else None
    if len(s) == 1:
        return digits.get(s)
    if len(s) == 2 and s[1] == "十":
        return digits.get(s[0], 0) * 10
    if len(s) == 3 and s[1] == "十":
        return digits.get(s[0], 0) * 10 + digits.get(s[2], 0)
    return None


def _glossary(items: list[tuple[str, _Line]], block: _Block) -> list[Field]:
    """名词解释 items: a numbered paragraph starts an item; unnumbered ones continue it."""
    paras: list[list[_Line]] = []
    for _t, ln in items:
        if paras and not _starts_paragraph(ln, paras[-1][-1], block):
            paras[-1].append(ln)
        else:
            paras.append([ln])
    numbered = any(_HEADING_NUM.match(_norm(p[0].text)) for p in paras)
    out: list[Field] = []
    for para in paras:
        text = "".join(p.text for p in para)
        src = para[0].source
        for p in para[1:]:
            src = src.union(p.source)
        if numbered and out and not _HEADING_NUM.match(_norm(text)):
            prev = out[-1]
            joined = prev.value + text
            out[-1] = Field.of(joined, prev.source.union(src) if prev.source else src)
            continue
        out.append(Field.of(text, src))
    return out
