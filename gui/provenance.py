"""Provenance (来源): where on the PDF a value was printed, both ways.

:func:`ref_sources` and :func:`location_sources` give the printed boxes of an editable
place or of a finding's location; :class:`SourceIndex` answers the other way round —
which place was printed at a point of a page. Plain Python over the core document.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.catalog import spec
from core.edits import CellRef, FieldRef, IndicatorRef, Ref, SectionRef
from core.model import Disclosure, Field, Section, SourceRef
from core.validation.findings import Location
from gui.finding_index import location_ref, section_index


@dataclass(frozen=True, slots=True)
class ParagraphRef:
    """A printed paragraph of a narrative section (for clicks on the page)."""

    section: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class TableRef:
    """A table's title/department/unit line (for clicks on the page)."""

    table: str


Target = Ref | ParagraphRef | TableRef


def _field_of(doc: Disclosure, ref: FieldRef | IndicatorRef) -> Field | None:
    forms = doc.performance_forms if ref.owner == "form" else doc.overall_forms
    if not 0 <= ref.index < len(forms):
        return None
    form = forms[ref.index]
    if isinstance(ref, FieldRef):
        return form.fields.get(ref.field)
    if not 0 <= ref.indicator < len(form.indicators):
        return None
    try:
        return form.indicators[ref.indicator].get(ref.field)
    except KeyError:
        return None


def ref_sources(doc: Disclosure | None, ref: Target) -> list[SourceRef]:
    """Where the value at *ref* was printed (empty when unknown or added by the clerk)."""
    if doc is None:
        return []
    if isinstance(ref, CellRef):
        table = doc.tables.get(ref.table)
        if table is None or not 0 <= ref.row < len(table.rows):
            return []
        cells = table.rows[ref.row].cells
        if not 0 <= ref.column < len(cells):
            return []
        src = cells[ref.column].source
        return [src] if src else []
    if isinstance(ref, FieldRef | IndicatorRef):
        f = _field_of(doc, ref)
        return [f.source] if f is not None and f.source else []
    if isinstance(ref, SectionRef):
        if not 0 <= ref.index < len(doc.narrative):
            return []
        s = doc.narrative[ref.index]
        return [s.heading_source] if s.heading_source else _paragraph_sources(s, None)
    if isinstance(ref, ParagraphRef):
        if not 0 <= ref.section < len(doc.narrative):
            return []
        return _paragraph_sources(doc.narrative[ref.section], {ref.paragraph})
    if isinstance(ref, TableRef):
        table = doc.tables.get(ref.table)
        return [table.title_source] if table is not None and table.title_source else []
    return []


def _paragraph_sources(section: Section, wanted: set[int] | None) -> list[SourceRef]:
    return [
        p.source
        for i, p in enumerate(section.paragraphs)
        if p.source is not None and (wanted is None or i in wanted)
    ]


def paragraphs_of_span(section: Section, start: int, end: int) -> set[int]:
    """Which printed paragraphs the character span [start, end) of the section's current
    text falls in (paragraphs are the text's lines, as long as the count agrees)."""
    lines = section.text.value.split("\n")
    if len(lines) != len(section.paragraphs):
        return set(range(len(section.paragraphs)))
    out: set[int] = set()
    pos = 0
    for i, line in enumerate(lines):
        line_end = pos + len(line)
        if start <= line_end and end >= pos:
            out.add(i)
        pos = line_end + 1
    return out


def paragraph_start(section: Section, paragraph: int) -> int:
    """The character offset of a printed paragraph in the section's current text."""
    lines = section.text.value.split("\n")
    return sum(len(line) + 1 for line in lines[: max(0, min(paragraph, len(lines)))])


def location_sources(doc: Disclosure | None, loc: Location) -> list[SourceRef]:
    """Where a finding's location was printed: the cell, the row (one box per page), the
    table's title, the field, or the paragraphs holding the section span."""
    if doc is None:
        return []
    if loc.table is not None and loc.form is None:
        table = doc.tables.get(loc.table)
        if table is None:
            return []
        if loc.row is None:
            return [table.title_source] if table.title_source else []
        if not 0 <= loc.row < len(table.rows):
            return []
        cells = table.rows[loc.row].cells
        if loc.column is not None:
            try:
                column = spec(loc.table).columns.index(loc.column)
            except ValueError:
                return []
            src = cells[column].source if column < len(cells) else None
            return [src] if src else []
        return union_by_page([c.source for c in cells if c.source])
    index = section_index(doc, loc)
    if loc.form is None and index is not None:
        if not 0 <= index < len(doc.narrative):
            return []
        section = doc.narrative[index]
        if loc.start is None:
            return [section.heading_source] if section.heading_source else []
        wanted = paragraphs_of_span(
            section, loc.start, loc.end if loc.end is not None else loc.start
        )
        return _paragraph_sources(section, wanted)
    ref = location_ref(doc, loc)
    return ref_sources(doc, ref) if ref is not None else []


def union_by_page(sources: list[SourceRef]) -> list[SourceRef]:
    by_page: dict[int, SourceRef] = {}
    for s in sources:
        by_page[s.page] = s.union(by_page.get(s.page)) if s.page in by_page else s
    return [by_page[p] for p in sorted(by_page)]


class SourceIndex:
    """Every printed box of a document by page, for hit tests."""

    def __init__(self, doc: Disclosure | None) -> None:
        self._pages: dict[int, list[tuple[tuple[float, float, float, float], Target]]] = {}
        if doc is None:
            return
        for key, table in doc.tables.items():
            for src in (table.title_source, table.department_source, table.unit_source):
                self._add(src, TableRef(key))
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    self._add(cell.source, CellRef(key, r, c))
        for owner, forms in (("form", doc.performance_forms), ("overall", doc.overall_forms)):
            for i, form in enumerate(forms):
                for name, f in form.fields.items():
                    self._add(f.source, FieldRef(owner, i, name))
                for k, ind in enumerate(form.indicators):
                    for name in (
                        "level1",
                        "level2",
                        "level3",
                        "value_period",
                        "value_annual",
                        "level3_annual",
                    ):
                        self._add(ind.get(name).source, IndicatorRef(owner, i, k, name))
        for i, section in enumerate(doc.narrative):
            self._add(section.heading_source, SectionRef(i))
            for j, p in enumerate(section.paragraphs):
                self._add(p.source, ParagraphRef(i, j))

    def _add(self, src: SourceRef | None, target: Target) -> None:
        if src is not None:
            self._pages.setdefault(src.page, []).append((src.bbox, target))

    def hit(self, page: int, x: float, y: float, tolerance: float = 1.0) -> Target | None:
        """The place printed at (x, y) on *page* (points, top-left origin); the smallest
        box wins, so a cell beats the paragraph or title around it."""
        best: tuple[float, Target] | None = None
        for (x0, top, x1, bottom), target in self._pages.get(page, []):
            if x0 - tolerance <= x <= x1 + tolerance and top - tolerance <= y <= bottom + tolerance:
                area = (x1 - x0) * (bottom - top)
                if best is None or area < best[0]:
                    best = (area, target)
        return best[1] if best else None
