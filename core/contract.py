"""The ``budget-disclosure/1`` JSON contract (``shared/corpus/SCHEMA.md``).

:func:`to_contract` writes a :class:`~core.model.Disclosure` in the contract's shape (the
``extract`` command's output); :func:`from_contract` reads one back (the corpus truth
files, or a JSON the clerk edited) so the validator can run on it.

With ``provenance=True`` the output also carries what the contract leaves out — each
cell's source box and printed text where it differs from the current value, the tables'
部门名称/单位 lines, the forms' other fields — so that a document survives a round trip
through JSON unchanged (the project file stores it this way). Readers of the contract
ignore the extra keys.
"""

from __future__ import annotations

from typing import Any

from core.catalog import TABLE_KEYS, spec
from core.model import (
    FORM_FIELDS,
    INDICATOR_FIELDS,
    OVERALL_FIELDS,
    Cell,
    Disclosure,
    Field,
    FundingLine,
    Indicator,
    OverallForm,
    Paragraph,
    PerformanceForm,
    Row,
    Section,
    SourceRef,
    Table,
)

__all__ = ["SCHEMA", "ContractError", "from_contract", "to_contract"]

SCHEMA = "budget-disclosure/1"

# The form fields the contract names, in its order.
CONTRACT_FORM_FIELDS = (
    "title",
    "project_name",
    "department",
    "implementer",
    "attribute",
    "period",
    "funds_unit",
    "period_total",
    "annual_total",
    "goal_period",
    "goal_annual",
)
CONTRACT_INDICATOR_FIELDS = ("level1", "level2", "level3", "value_period", "value_annual")


class ContractError(ValueError):
    """A JSON document that is not budget-disclosure/1."""


def _src(s: SourceRef | None) -> list[float] | None:
    if s is None:
        return None
    return [s.page, *(round(v, 2) for v in s.bbox)]


def _unsrc(v: Any) -> SourceRef | None:
    if not v:
        return None
    page, x0, top, x1, bottom = v
    return SourceRef(int(page), (float(x0), float(top), float(x1), float(bottom)))


def _field_out(f: Field, provenance: bool) -> Any:
    if not provenance:
        return f.value
    d: dict[str, Any] = {"value": f.value}
    if f.printed != f.value:
        d["printed"] = f.printed
    if f.source:
        d["src"] = _src(f.source)
    return d


def _field_in(v: Any) -> Field:
    if isinstance(v, dict):
        value = str(v.get("value", ""))
        return Field(printed=str(v.get("printed", value)), value=value, source=_unsrc(v.get("src")))
    return Field.of("" if v is None else str(v))


def to_contract(doc: Disclosure, *, provenance: bool = False) -> dict[str, Any]:
    """The document as a budget-disclosure/1 dict (JSON-ready)."""
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "source": {"file": doc.source_file, "pages": doc.page_count},
        "department": doc.department,
        "year": doc.year,
        "unit": doc.unit,
        "tables": {},
        "performance_forms": [],
        "overall_forms": [],
        "cover_title": doc.cover_title,
        "narrative": [],
        "glossary": [g.value for g in doc.glossary],
    }
    for key in TABLE_KEYS:
        t = doc.tables.get(key)
        if t is None:
            continue
        td: dict[str, Any] = {
            "title": t.title,
            "pages": list(t.pages),
            "columns": list(spec(key).columns),
            "rows": [],
            "no_data": t.no_data,
        }
        for r in t.rows:
            rd: dict[str, Any] = {"cells": [c.value for c in r.cells], "page": r.page}
            if provenance:
                rd["src"] = [_src(c.source) for c in r.cells]
                if any(c.edited for c in r.cells):
                    rd["printed"] = [c.printed for c in r.cells]
            td["rows"].append(rd)
        if provenance:
            td.update(
                department=t.department,
                unit=t.unit,
                label=t.label,
                note=t.note,
                header=list(t.header),
                title_src=_src(t.title_source),
                department_src=_src(t.department_source),
                unit_src=_src(t.unit_source),
            )
        out["tables"][key] = td
    for f in doc.performance_forms:
        fd: dict[str, Any] = {"kind": "project", "page": f.page}
        names = FORM_FIELDS if provenance else CONTRACT_FORM_FIELDS
        for name in names:
            if name in f.fields or name in CONTRACT_FORM_FIELDS:
                fd[name] = _field_out(f.get(name), provenance)
        if not provenance:
            for name in FORM_FIELDS:
                if name not in fd and name in f.fields:
                    fd[name] = f.fields[name].value
        fd["indicators"] = [_indicator_out(i, provenance, True) for i in f.indicators]
        if f.confidence:
            fd["confidence"] = f.confidence
        if provenance:
            fd["pages"] = list(f.pages)
            fd["boxes"] = [_src(b) for b in f.boxes]
            fd["funding"] = [
                {
                    "label": _field_out(line.label, True),
                    "period": _field_out(line.period, True),
                    "annual": _field_out(line.annual, True),
                    "total": line.total,
                }
                for line in f.funding
            ]
        out["performance_forms"].append(fd)
    for o in doc.overall_forms:
        od: dict[str, Any] = {"kind": "overall", "page": o.page}
        for name in OVERALL_FIELDS:
            if name in o.fields or name == "department":
                od[name] = _field_out(o.get(name), provenance)
        od["budget_lines"] = {k: _field_out(v, provenance) for k, v in o.budget_lines.items()}
        od["indicators"] = [_indicator_out(i, provenance, False) for i in o.indicators]
        if provenance:
            od["pages"] = list(o.pages)
            od["boxes"] = [_src(b) for b in o.boxes]
        out["overall_forms"].append(od)
    for s in doc.narrative:
        sd: dict[str, Any] = {"part": s.part, "heading": s.heading, "text": s.text.value}
        if provenance:
            if s.text.printed != s.text.value:
                sd["printed"] = s.text.printed
            sd["heading_src"] = _src(s.heading_source)
            sd["paragraphs"] = [{"text": p.text, "src": _src(p.source)} for p in s.paragraphs]
        out["narrative"].append(sd)
    if provenance:
        out["cover_title_src"] = _src(doc.cover_title_source)
        out["glossary"] = [_field_out(g, True) for g in doc.glossary]
        out["artifacts"] = list(doc.artifacts)
        out["scanned_pages"] = list(doc.scanned_pages)
        out["table_order"] = list(doc.table_order)
    return out


def _indicator_out(ind: Indicator, provenance: bool, with_period: bool) -> dict[str, Any]:
    names = INDICATOR_FIELDS if provenance else CONTRACT_INDICATOR_FIELDS
    d = {}
    for n in names:
        if not with_period and n == "value_period" and not provenance:
            continue
        d[n] = _field_out(ind.get(n), provenance)
    if not provenance and ind.level3_annual.value and ind.level3_annual.value != ind.level3.value:
        d["level3_annual"] = ind.level3_annual.value
    return d


def _indicator_in(d: dict[str, Any]) -> Indicator:
    ind = Indicator()
    for n in INDICATOR_FIELDS:
        if n in d:
            setattr(ind, n, _field_in(d[n]))
    if "level3_annual" not in d:
        # The contract gives the 年度 half's own name only where it differs.
        ind.level3_annual = Field(ind.level3.printed, ind.level3.value, None)
    return ind


def from_contract(data: Any) -> Disclosure:
    """Build a Disclosure from a budget-disclosure/1 dict; ContractError when it is not."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ContractError(
            f'不是预算公开提取结果 JSON（缺少 "schema": "{SCHEMA}"） / not a {SCHEMA} document'
        )
    try:
        return _from_contract(data)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ContractError(f"JSON 结构不符合 {SCHEMA}：{exc} / malformed document") from exc


def _from_contract(data: dict[str, Any]) -> Disclosure:
    src = data.get("source") or {}
    year: Any = data.get("year")
    doc = Disclosure(
        department=str(data.get("department") or ""),
        year=int(year) if year not in (None, "") else None,
        unit=str(data.get("unit") or "万元"),
        source_file=str(src.get("file") or ""),
        page_count=int(src.get("pages") or 0),
        cover_title=str(data.get("cover_title") or ""),
        cover_title_source=_unsrc(data.get("cover_title_src")),
    )
    for key, td in (data.get("tables") or {}).items():
        if key not in TABLE_KEYS:
            continue
        s = spec(key)
        cols = td.get("columns") or list(s.columns)
        # Map the JSON's columns onto the canonical ones by name (position as fallback).
        cmap = [
            cols.index(c) if c in cols else (i if i < len(cols) else None)
            for i, c in enumerate(s.columns)
        ]
        t = Table(
            key=key,
            title=str(td.get("title") or ""),
            pages=[int(p) for p in td.get("pages") or []],
            no_data=bool(td.get("no_data")),
            department=str(td.get("department") or ""),
            unit=str(td.get("unit") or ""),
            label=str(td.get("label") or ""),
            note=str(td.get("note") or ""),
            header=[str(h) for h in td.get("header") or []],
            title_source=_unsrc(td.get("title_src")),
            department_source=_unsrc(td.get("department_src")),
            unit_source=_unsrc(td.get("unit_src")),
        )
        for rd in td.get("rows") or []:
            raw = rd.get("cells") if isinstance(rd, dict) else rd
            raw = [("" if v is None else str(v)) for v in raw or []]
            srcs = (rd.get("src") if isinstance(rd, dict) else None) or []
            printed = (rd.get("printed") if isinstance(rd, dict) else None) or []
            cells = []
            for j in cmap:
                value = raw[j] if j is not None and j < len(raw) else ""
                p = printed[j] if j is not None and j < len(printed) else value
                sref = _unsrc(srcs[j]) if j is not None and j < len(srcs) else None
                cells.append(Cell(printed=p, value=value, source=sref))
            page = rd.get("page") if isinstance(rd, dict) else None
            t.rows.append(Row(cells, int(page) if page is not None else None))
        doc.tables[key] = t
    doc.table_order = [str(k) for k in data.get("table_order") or doc.tables.keys()]
    for fd in data.get("performance_forms") or []:
        f = PerformanceForm(
            page=_int(fd.get("page")), pages=[int(p) for p in fd.get("pages") or []]
        )
        for name in FORM_FIELDS:
            if name in fd:
                f.fields[name] = _field_in(fd[name])
        f.indicators = [_indicator_in(i) for i in fd.get("indicators") or []]
        f.confidence = str(fd.get("confidence") or "")
        f.boxes = [b for b in (_unsrc(v) for v in fd.get("boxes") or []) if b is not None]
        f.funding = [
            FundingLine(
                label=_field_in(ld.get("label")),
                period=_field_in(ld.get("period")),
                annual=_field_in(ld.get("annual")),
                total=bool(ld.get("total")),
            )
            for ld in fd.get("funding") or []
        ]
        doc.performance_forms.append(f)
    for od in data.get("overall_forms") or []:
        o = OverallForm(page=_int(od.get("page")), pages=[int(p) for p in od.get("pages") or []])
        for name in OVERALL_FIELDS:
            if name in od:
                o.fields[name] = _field_in(od[name])
        o.budget_lines = {str(k): _field_in(v) for k, v in (od.get("budget_lines") or {}).items()}
        o.indicators = [_indicator_in(i) for i in od.get("indicators") or []]
        o.boxes = [b for b in (_unsrc(v) for v in od.get("boxes") or []) if b is not None]
        doc.overall_forms.append(o)
    for sd in data.get("narrative") or []:
        text = str(sd.get("text") or "")
        sec = Section(
            part=str(sd.get("part") or ""),
            heading=str(sd.get("heading") or ""),
            text=Field(printed=str(sd.get("printed", text)), value=text),
            heading_source=_unsrc(sd.get("heading_src")),
        )
        paras = sd.get("paragraphs")
        if paras is not None:
            sec.paragraphs = [
                Paragraph(str(p.get("text", "")), _unsrc(p.get("src"))) for p in paras
            ]
        else:
            sec.paragraphs = [Paragraph(p) for p in text.split("\n") if p]
        doc.narrative.append(sec)
    doc.glossary = [_field_in(g) for g in data.get("glossary") or []]
    doc.artifacts = [str(a) for a in data.get("artifacts") or []]
    doc.scanned_pages = [int(p) for p in data.get("scanned_pages") or []]
    return doc


def _int(v: Any) -> int | None:
    return None if v in (None, "") else int(v)
