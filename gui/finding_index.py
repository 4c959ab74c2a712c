"""Findings by place (检查结果索引): which findings touch a cell, a field, a section.

Built once per check run from the list of :class:`~core.validation.findings.Finding` and
the document; the views ask it for the findings of what they show. Plain Python.

Item keys (``NavKey``) name what the navigator lists: ``("table", key)``,
``("form", i)``, ``("overall", i)``, ``("section", i)``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from core.catalog import spec
from core.edits import CellRef, FieldRef, IndicatorRef, Ref, SectionRef
from core.model import Disclosure
from core.validation.findings import SEVERITIES, Finding, Location

NavKey = tuple[str, str | int]

_SEV_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # error 0, warning 1, info 2
INDICATOR_FIELD = re.compile(r"^indicators\[(\d+)\](?:\.(\w+))?$")


def worst(findings: list[Finding]) -> str | None:
    """The most severe severity among *findings* (error > warning > info)."""
    if not findings:
        return None
    return min((f.severity for f in findings), key=_SEV_RANK.__getitem__)


@dataclass(frozen=True, slots=True)
class Span:
    finding: Finding
    start: int
    end: int


def location_item(doc: Disclosure | None, loc: Location) -> NavKey | None:
    """The navigator item a location belongs to."""
    if loc.table is not None and loc.form is None:
        return ("table", loc.table)
    if loc.form is not None:
        return ("overall" if loc.overall else "form", loc.form)
    index = section_index(doc, loc)
    if index is not None:
        return ("section", index)
    return None


def section_index(doc: Disclosure | None, loc: Location) -> int | None:
    if loc.section_index is not None:
        return loc.section_index
    if loc.section is not None and doc is not None:
        for i, s in enumerate(doc.narrative):
            if s.heading == loc.section:
                return i
    return None


def location_ref(doc: Disclosure | None, loc: Location) -> Ref | None:
    """The editable place a location names (a cell, a field, an indicator value, a
    section), or None when it names a whole row, table or form."""
    if loc.table is not None and loc.form is None:
        if loc.row is None or loc.column is None:
            return None
        try:
            column = spec(loc.table).columns.index(loc.column)
        except (KeyError, ValueError):
            return None
        return CellRef(loc.table, loc.row, column)
    if loc.form is not None and loc.field:
        owner = "overall" if loc.overall else "form"
        m = INDICATOR_FIELD.match(loc.field)
        if m:
            return IndicatorRef(owner, loc.form, int(m.group(1)), m.group(2) or "level3")
        return FieldRef(owner, loc.form, loc.field)
    index = section_index(doc, loc)
    if index is not None:
        return SectionRef(index)
    return None


class FindingIndex:
    """Findings looked up by cell, row, field, indicator, section and navigator item."""

    def __init__(self, findings: list[Finding] | None = None, doc: Disclosure | None = None):
        self.findings: list[Finding] = list(findings or [])
        self._cells: dict[tuple[str, int, str | None], list[Finding]] = {}
        self._fields: dict[tuple[str, int, str], list[Finding]] = {}
        self._indicators: dict[tuple[str, int, int], list[tuple[Finding, str | None]]] = {}
        self._spans: dict[int, list[Span]] = {}
        self._items: dict[NavKey, list[Finding]] = {}
        for f in self.findings:
            items: set[NavKey] = set()
            for loc in f.locations:
                item = location_item(doc, loc)
                if item is not None:
                    items.add(item)
                if loc.table is not None and loc.form is None and loc.row is not None:
                    self._cells.setdefault((loc.table, loc.row, loc.column), []).append(f)
                elif loc.form is not None and loc.field:
                    owner = "overall" if loc.overall else "form"
                    m = INDICATOR_FIELD.match(loc.field)
                    if m:
                        key3 = (owner, loc.form, int(m.group(1)))
                        self._indicators.setdefault(key3, []).append((f, m.group(2)))
                    else:
                        self._fields.setdefault((owner, loc.form, loc.field), []).append(f)
                elif item is not None and item[0] == "section":
                    start = loc.start if loc.start is not None else 0
                    end = loc.end if loc.end is not None else start
                    self._spans.setdefault(int(item[1]), []).append(Span(f, start, end))
            for item in items:
                self._items.setdefault(item, []).append(f)

    def __len__(self) -> int:
        return len(self.findings)

    def for_cell(self, table: str, row: int, column: str) -> list[Finding]:
        """Findings naming this cell, or its whole row."""
        exact = self._cells.get((table, row, column), [])
        whole_row = self._cells.get((table, row, None), [])
        return exact + [f for f in whole_row if f not in exact]

    def for_field(self, owner: str, form: int, field: str) -> list[Finding]:
        return list(self._fields.get((owner, form, field), []))

    def for_indicator(self, owner: str, form: int, indicator: int, field: str) -> list[Finding]:
        return [
            f
            for f, name in self._indicators.get((owner, form, indicator), [])
            if name is None or name == field
        ]

    def spans(self, section: int) -> list[Span]:
        return list(self._spans.get(section, []))

    def for_item(self, item: NavKey) -> list[Finding]:
        return list(self._items.get(item, []))

    def counts(self, item: NavKey | None = None) -> Counter:
        """Findings per severity, for one item or for the whole document."""
        found = self.findings if item is None else self._items.get(item, [])
        return Counter(f.severity for f in found)


def findings_at(index: FindingIndex, ref: Ref | None) -> list[Finding]:
    """The findings touching an editable place."""
    if isinstance(ref, CellRef):
        try:
            column = spec(ref.table).columns[ref.column]
        except (KeyError, IndexError):
            return []
        return index.for_cell(ref.table, ref.row, column)
    if isinstance(ref, FieldRef):
        return index.for_field(ref.owner, ref.index, ref.field)
    if isinstance(ref, IndicatorRef):
        return index.for_indicator(ref.owner, ref.index, ref.indicator, ref.field)
    return []


def ref_item(ref: Ref) -> NavKey | None:
    """The navigator item that shows an editable place."""
    if isinstance(ref, CellRef):
        return ("table", ref.table)
    if isinstance(ref, FieldRef | IndicatorRef):
        return ("form" if ref.owner == "form" else "overall", ref.index)
    if isinstance(ref, SectionRef):
        return ("section", ref.index)
    return None
