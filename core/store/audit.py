"""The audit log (修改记录): one entry per stored edit, and how to filter it.

Each entry says when, where (table/row/column or form/field, as a clerk reads it and as
keys the GUI can jump to), the value as printed in the PDF, the value before and after,
the kind of step (修改, 撤销, 重做, 恢复印刷值, 从Excel导入) and the reason the clerk typed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.catalog import spec
from core.edits import (
    CellRef,
    Edit,
    FieldRef,
    GlossaryRef,
    IndicatorRef,
    InsertIndicator,
    InsertRow,
    Ref,
    RemoveIndicator,
    RemoveRow,
    SectionRef,
    SetValue,
    printed_value,
)
from core.model import Disclosure

__all__ = [
    "KIND_LABELS",
    "AuditEntry",
    "entry_columns",
    "filter_entries",
]

# Step kinds and how the log names them.
KIND_LABELS: dict[str, str] = {
    "edit": "修改",
    "undo": "撤销",
    "redo": "重做",
    "restore": "恢复印刷值",
    "excel_import": "从Excel导入",
}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One edit as the log shows it.

    ``target``/``item``/``field`` locate it without parsing ``place``: a table key with
    the 0-based body row and the column name; ``form``/``overall`` with the form index and
    the field (``indicators[i].value_annual`` for an indicator); ``section``/``glossary``
    with the index. ``ref`` is the edited place for value edits (None for row and
    indicator insertions/removals).
    """

    seq: int
    step: int
    time: datetime  # aware, UTC
    kind: str
    place: str
    target: str
    item: int | None
    field: str
    printed: str
    old: str
    new: str
    reason: str
    edit: Edit

    @property
    def ref(self) -> Ref | None:
        return self.edit.ref if isinstance(self.edit, SetValue) else None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def local_time(self) -> datetime:
        return self.time.astimezone()


def _joined(values: Iterable[str]) -> str:
    return " | ".join(values)


def _pairs(values: Iterable[tuple[str, str]]) -> str:
    return _joined(f"{name}={text}" for name, text in values if text)


def _form_kind(owner: str) -> str:
    return "绩效目标表" if owner == "form" else "整体绩效目标表"


def entry_columns(doc: Disclosure, edit: Edit) -> dict[str, Any]:
    """The audit columns of *edit* about to be applied to *doc* (call before applying:
    the printed value is looked up in *doc*). Raises EditError for an unknown place."""
    if isinstance(edit, SetValue):
        ref = edit.ref
        printed = printed_value(doc, ref)
        target, item, field = _locate(ref)
        return {
            "place": ref.describe(),
            "target": target,
            "item": item,
            "field": field,
            "printed": printed,
            "old": edit.old,
            "new": edit.new,
        }
    if isinstance(edit, InsertRow | RemoveRow):
        s = spec(edit.table)
        inserting = isinstance(edit, InsertRow)
        what = "插入行" if inserting else "删除行"
        values = _joined(edit.values)
        return {
            "place": f"{s.label} {s.name} 第{edit.index + 1}行（{what}）",
            "target": edit.table,
            "item": edit.index,
            "field": "",
            "printed": "",
            "old": "" if inserting else values,
            "new": values if inserting else "",
        }
    if isinstance(edit, InsertIndicator | RemoveIndicator):
        inserting = isinstance(edit, InsertIndicator)
        what = "插入指标" if inserting else "删除指标"
        values = _pairs(edit.values)
        return {
            "place": f"{_form_kind(edit.owner)}{edit.form + 1} 指标{edit.index + 1}（{what}）",
            "target": edit.owner,
            "item": edit.form,
            "field": f"indicators[{edit.index}]",
            "printed": "",
            "old": "" if inserting else values,
            "new": values if inserting else "",
        }
    raise TypeError(edit)


def _locate(ref: Ref) -> tuple[str, int | None, str]:
    if isinstance(ref, CellRef):
        return ref.table, ref.row, spec(ref.table).columns[ref.column]
    if isinstance(ref, FieldRef):
        return ref.owner, ref.index, ref.field
    if isinstance(ref, IndicatorRef):
        return ref.owner, ref.index, f"indicators[{ref.indicator}].{ref.field}"
    if isinstance(ref, SectionRef):
        return "section", ref.index, "text"
    if isinstance(ref, GlossaryRef):
        return "glossary", ref.index, ""
    raise TypeError(ref)


def filter_entries(
    entries: Iterable[AuditEntry],
    *,
    table: str | None = None,
    form: int | None = None,
    overall: bool = False,
    text: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    kinds: Collection[str] | None = None,
) -> list[AuditEntry]:
    """The entries that match every filter given.

    *table*: a table key; *form*: a form index (of the project forms, or of the overall
    forms when *overall*); *text*: a substring of the place, any value or the reason;
    *since*/*until*: an inclusive time range (naive datetimes are local time); *kinds*:
    step kinds to keep.
    """
    lo = _aware(since)
    hi = _aware(until)
    needle = text.strip().casefold() if text else ""
    owner = "overall" if overall else "form"
    out = []
    for e in entries:
        if table is not None and e.target != table:
            continue
        if form is not None and (e.target != owner or e.item != form):
            continue
        if kinds is not None and e.kind not in kinds:
            continue
        if lo is not None and e.time < lo:
            continue
        if hi is not None and e.time > hi:
            continue
        if needle and not any(
            needle in s.casefold() for s in (e.place, e.printed, e.old, e.new, e.reason)
        ):
            continue
        out.append(e)
    return out


def _aware(t: datetime | None) -> datetime | None:
    if t is None or t.tzinfo is not None:
        return t
    return t.astimezone()  # a naive datetime is the clerk's local time
