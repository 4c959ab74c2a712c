"""Edits (修改): the one way to change a :class:`~core.model.Disclosure`.

Every change the clerk makes — typing in a cell, pasting a block, adding a project row,
restoring a printed value, importing a corrected Excel sheet — is a small immutable edit
object applied by :func:`apply_edit`, which returns what changed. Each edit has an exact
inverse (:meth:`inverse`), so the GUI's undo stack and the project file's audit log store
the same objects. Edits serialise to plain dicts (:func:`edit_to_dict` /
:func:`edit_from_dict`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from core.model import (
    FORM_FIELDS,
    INDICATOR_FIELDS,
    OVERALL_FIELDS,
    Cell,
    Disclosure,
    Field,
    Indicator,
    OverallForm,
    PerformanceForm,
    Row,
    Table,
)

__all__ = [
    "CellRef",
    "Change",
    "Edit",
    "EditError",
    "FieldRef",
    "GlossaryRef",
    "IndicatorRef",
    "InsertIndicator",
    "InsertRow",
    "Ref",
    "RemoveIndicator",
    "RemoveRow",
    "SectionRef",
    "SetValue",
    "apply_edit",
    "apply_edits",
    "current_value",
    "edit_from_dict",
    "edit_to_dict",
    "printed_value",
    "ref_from_dict",
    "ref_to_dict",
]

Owner = Literal["form", "overall"]


class EditError(ValueError):
    """An edit that does not fit the document (unknown target, stale old value)."""


# --- references: where a value lives -------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellRef:
    table: str
    row: int
    column: int

    def describe(self) -> str:
        from core.catalog import spec

        s = spec(self.table)
        return f"{s.label} {s.name} 第{self.row + 1}行 {s.columns[self.column]}"


@dataclass(frozen=True, slots=True)
class FieldRef:
    owner: Owner
    index: int
    field: str

    def describe(self) -> str:
        kind = "绩效目标表" if self.owner == "form" else "整体绩效目标表"
        return f"{kind}{self.index + 1} {self.field}"


@dataclass(frozen=True, slots=True)
class IndicatorRef:
    owner: Owner
    index: int
    indicator: int
    field: str

    def describe(self) -> str:
        kind = "绩效目标表" if self.owner == "form" else "整体绩效目标表"
        return f"{kind}{self.index + 1} 指标{self.indicator + 1} {self.field}"


@dataclass(frozen=True, slots=True)
class SectionRef:
    index: int

    def describe(self) -> str:
        return f"情况说明第{self.index + 1}节"


@dataclass(frozen=True, slots=True)
class GlossaryRef:
    index: int

    def describe(self) -> str:
        return f"名词解释第{self.index + 1}条"


Ref = CellRef | FieldRef | IndicatorRef | SectionRef | GlossaryRef


def _holder(doc: Disclosure, ref: Ref) -> Cell | Field:
    """The Cell or Field a reference points at; EditError when there is none."""
    try:
        if isinstance(ref, CellRef):
            table = doc.tables[ref.table]
            row = table.rows[_nonneg(ref.row)]
            return row.cells[_nonneg(ref.column)]
        if isinstance(ref, FieldRef):
            form = _form(doc, ref.owner, ref.index)
            allowed = FORM_FIELDS if ref.owner == "form" else OVERALL_FIELDS
            if ref.field not in allowed:
                raise EditError(f"未知字段 (unknown field): {ref.field}")
            return form.get(ref.field)
        if isinstance(ref, IndicatorRef):
            form = _form(doc, ref.owner, ref.index)
            return form.indicators[_nonneg(ref.indicator)].get(ref.field)
        if isinstance(ref, SectionRef):
            return doc.narrative[_nonneg(ref.index)].text
        if isinstance(ref, GlossaryRef):
            return doc.glossary[_nonneg(ref.index)]
    except (KeyError, IndexError) as exc:
        raise EditError(f"找不到修改位置 (no such place): {ref}") from exc
    raise EditError(f"未知位置类型 (unknown reference): {ref!r}")


def _nonneg(i: int) -> int:
    if i < 0:
        raise IndexError(i)
    return i


def _form(doc: Disclosure, owner: Owner, index: int) -> PerformanceForm | OverallForm:
    forms = doc.performance_forms if owner == "form" else doc.overall_forms
    return forms[_nonneg(index)]


def current_value(doc: Disclosure, ref: Ref) -> str:
    return _holder(doc, ref).value


def printed_value(doc: Disclosure, ref: Ref) -> str:
    return _holder(doc, ref).printed


# --- edits ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetValue:
    """Replace the current text at *ref* (``old`` must be the current text)."""

    ref: Ref
    old: str
    new: str

    def inverse(self) -> SetValue:
        return SetValue(self.ref, self.new, self.old)


@dataclass(frozen=True, slots=True)
class InsertRow:
    """Insert a body row (e.g. a project the published table left out)."""

    table: str
    index: int
    values: tuple[str, ...]

    def inverse(self) -> RemoveRow:
        return RemoveRow(self.table, self.index, self.values)


@dataclass(frozen=True, slots=True)
class RemoveRow:
    """Remove a body row; ``values`` are its current texts (for the inverse)."""

    table: str
    index: int
    values: tuple[str, ...]

    def inverse(self) -> InsertRow:
        return InsertRow(self.table, self.index, self.values)


@dataclass(frozen=True, slots=True)
class InsertIndicator:
    owner: Owner
    form: int
    index: int
    values: tuple[tuple[str, str], ...] = field(default=())  # (field name, text) pairs

    def inverse(self) -> RemoveIndicator:
        return RemoveIndicator(self.owner, self.form, self.index, self.values)


@dataclass(frozen=True, slots=True)
class RemoveIndicator:
    owner: Owner
    form: int
    index: int
    values: tuple[tuple[str, str], ...] = field(default=())

    def inverse(self) -> InsertIndicator:
        return InsertIndicator(self.owner, self.form, self.index, self.values)


Edit = SetValue | InsertRow | RemoveRow | InsertIndicator | RemoveIndicator


@dataclass(frozen=True, slots=True)
class Change:
    """What an applied edit changed: the places whose value changed, and whether rows
    or indicators were added or removed (then row indices after it shifted)."""

    refs: tuple[Ref, ...] = ()
    structural: bool = False
    tables: tuple[str, ...] = ()


def apply_edit(doc: Disclosure, edit: Edit) -> Change:
    """Apply one edit to *doc* in place and return what changed.

    Raises :class:`EditError` (and leaves *doc* unchanged) when the edit does not fit:
    an unknown place, or an ``old`` value that is not the current one.
    """
    if isinstance(edit, SetValue):
        holder = _holder(doc, edit.ref)
        if holder.value != edit.old:
            raise EditError(
                f"当前值已变化 (stale edit) at {edit.ref}: "
                f"expected {edit.old!r}, found {holder.value!r}"
            )
        holder.value = edit.new
        tables = (edit.ref.table,) if isinstance(edit.ref, CellRef) else ()
        return Change(refs=(edit.ref,), tables=tables)
    if isinstance(edit, InsertRow):
        table = _table(doc, edit.table)
        if not 0 <= edit.index <= len(table.rows):
            raise EditError(f"行号超出范围 (row out of range): {edit.index}")
        values = _fit(edit.values, len(table.columns))
        page = table.rows[edit.index - 1].page if edit.index and table.rows else None
        row = Row([Cell(printed="", value=v) for v in values], page)
        table.rows.insert(edit.index, row)
        if any(values):
            table.no_data = False
        return Change(structural=True, tables=(edit.table,))
    if isinstance(edit, RemoveRow):
        table = _table(doc, edit.table)
        if not 0 <= edit.index < len(table.rows):
            raise EditError(f"行号超出范围 (row out of range): {edit.index}")
        current = tuple(table.rows[edit.index].texts())
        if current != _fit(edit.values, len(table.columns)):
            raise EditError(f"要删除的行已变化 (stale row removal): {edit.table} {edit.index}")
        del table.rows[edit.index]
        return Change(structural=True, tables=(edit.table,))
    if isinstance(edit, InsertIndicator):
        form = _form_or_error(doc, edit.owner, edit.form)
        if not 0 <= edit.index <= len(form.indicators):
            raise EditError(f"指标序号超出范围 (indicator out of range): {edit.index}")
        ind = Indicator()
        for name, text in edit.values:
            if name not in INDICATOR_FIELDS:
                raise EditError(f"未知指标字段 (unknown indicator field): {name}")
            setattr(ind, name, Field(printed="", value=text))
        form.indicators.insert(edit.index, ind)
        return Change(structural=True)
    if isinstance(edit, RemoveIndicator):
        form = _form_or_error(doc, edit.owner, edit.form)
        if not 0 <= edit.index < len(form.indicators):
            raise EditError(f"指标序号超出范围 (indicator out of range): {edit.index}")
        del form.indicators[edit.index]
        return Change(structural=True)
    raise EditError(f"未知修改类型 (unknown edit): {edit!r}")


def apply_edits(doc: Disclosure, edits: list[Edit]) -> list[Change]:
    """Apply several edits as one step: all or nothing."""
    done: list[Edit] = []
    changes: list[Change] = []
    try:
        for e in edits:
            changes.append(apply_edit(doc, e))
            done.append(e)
    except EditError:
        for e in reversed(done):
            apply_edit(doc, e.inverse())
        raise
    return changes


def indicator_values(ind: Indicator) -> tuple[tuple[str, str], ...]:
    """The (field, current text) pairs of an indicator, for RemoveIndicator."""
    return tuple((name, ind.get(name).value) for name in INDICATOR_FIELDS)


def _fit(values: tuple[str, ...], n: int) -> tuple[str, ...]:
    return tuple(values[:n]) + ("",) * max(0, n - len(values))


def _table(doc: Disclosure, key: str) -> Table:
    try:
        return doc.tables[key]
    except KeyError as exc:
        raise EditError(f"没有这张表 (no such table): {key}") from exc


def _form_or_error(doc: Disclosure, owner: Owner, index: int) -> PerformanceForm | OverallForm:
    try:
        return _form(doc, owner, index)
    except IndexError as exc:
        raise EditError(f"没有这张表单 (no such form): {owner} {index}") from exc


# --- serialisation ----------------------------------------------------------------------


def ref_to_dict(ref: Ref) -> dict:
    if isinstance(ref, CellRef):
        return {"kind": "cell", "table": ref.table, "row": ref.row, "column": ref.column}
    if isinstance(ref, FieldRef):
        return {"kind": "field", "owner": ref.owner, "index": ref.index, "field": ref.field}
    if isinstance(ref, IndicatorRef):
        return {
            "kind": "indicator",
            "owner": ref.owner,
            "index": ref.index,
            "indicator": ref.indicator,
            "field": ref.field,
        }
    if isinstance(ref, SectionRef):
        return {"kind": "section", "index": ref.index}
    if isinstance(ref, GlossaryRef):
        return {"kind": "glossary", "index": ref.index}
    raise TypeError(ref)


def ref_from_dict(d: dict) -> Ref:
    kind = d.get("kind")
    if kind == "cell":
        return CellRef(str(d["table"]), int(d["row"]), int(d["column"]))
    if kind == "field":
        return FieldRef(d["owner"], int(d["index"]), str(d["field"]))
    if kind == "indicator":
        return IndicatorRef(d["owner"], int(d["index"]), int(d["indicator"]), str(d["field"]))
    if kind == "section":
        return SectionRef(int(d["index"]))
    if kind == "glossary":
        return GlossaryRef(int(d["index"]))
    raise EditError(f"未知位置类型 (unknown reference): {d!r}")


def edit_to_dict(edit: Edit) -> dict:
    if isinstance(edit, SetValue):
        return {"op": "set", "ref": ref_to_dict(edit.ref), "old": edit.old, "new": edit.new}
    if isinstance(edit, InsertRow | RemoveRow):
        op = "insert_row" if isinstance(edit, InsertRow) else "remove_row"
        return {"op": op, "table": edit.table, "index": edit.index, "values": list(edit.values)}
    if isinstance(edit, InsertIndicator | RemoveIndicator):
        op = "insert_indicator" if isinstance(edit, InsertIndicator) else "remove_indicator"
        return {
            "op": op,
            "owner": edit.owner,
            "form": edit.form,
            "index": edit.index,
            "values": [list(p) for p in edit.values],
        }
    raise TypeError(edit)


def edit_from_dict(d: dict) -> Edit:
    op = d.get("op")
    if op == "set":
        return SetValue(ref_from_dict(d["ref"]), str(d["old"]), str(d["new"]))
    if op in ("insert_row", "remove_row"):
        cls = InsertRow if op == "insert_row" else RemoveRow
        return cls(str(d["table"]), int(d["index"]), tuple(str(v) for v in d["values"]))
    if op in ("insert_indicator", "remove_indicator"):
        cls2 = InsertIndicator if op == "insert_indicator" else RemoveIndicator
        values = tuple((str(a), str(b)) for a, b in d.get("values", []))
        return cls2(d["owner"], int(d["form"]), int(d["index"]), values)
    raise EditError(f"未知修改类型 (unknown edit): {d!r}")
