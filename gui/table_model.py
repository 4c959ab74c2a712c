"""A budget table (预算报表) as an editable grid over a core :class:`~core.model.Table`.

Columns are the table's canonical columns (``core.catalog``), rows its body rows. Rows
can be added and removed in the project tables (项目支出表); every change is a core edit
pushed on the session.
"""

from __future__ import annotations

from core.catalog import spec
from core.edits import CellRef, InsertRow, Ref, RemoveRow
from core.model import Table
from core.validation.findings import Finding
from gui.i18n import tr
from gui.session import DocumentSession
from gui.sheet_model import SheetModel

# Tables whose rows the clerk may add or remove: one row per project.
ROW_EDITABLE_TABLES = frozenset({"project_expense_current", "project_expense_carryover"})


class TableModel(SheetModel):
    def __init__(self, session: DocumentSession, key: str, parent=None) -> None:
        self.key = key
        self.spec = spec(key)
        super().__init__(session, parent)

    @property
    def table(self) -> Table | None:
        doc = self.session.document
        return doc.tables.get(self.key) if doc is not None else None

    def _rows(self) -> int:
        t = self.table
        return len(t.rows) if t is not None else 0

    def _columns(self) -> int:
        return len(self.spec.columns) if self.table is not None else 0

    def _header(self, column: int) -> str:
        return self.spec.columns[column]

    def ref(self, row: int, column: int) -> Ref | None:
        return CellRef(self.key, row, column)

    def _value(self, row: int, column: int) -> str:
        return self.table.rows[row].cells[column].value  # type: ignore[union-attr]

    def _printed(self, row: int, column: int) -> str:
        return self.table.rows[row].cells[column].printed  # type: ignore[union-attr]

    def _findings(self, row: int, column: int) -> list[Finding]:
        return self.session.index.for_cell(self.key, row, self.spec.columns[column])

    def is_amount(self, column: int) -> bool:
        return self.spec.columns[column] in self.spec.amount_columns

    def position_of(self, ref: Ref) -> tuple[int, int] | None:
        if isinstance(ref, CellRef) and ref.table == self.key and self.table is not None:
            if 0 <= ref.row < self._rows() and 0 <= ref.column < self._columns():
                return (ref.row, ref.column)
        return None

    def _structure_touches(self, edits) -> bool:
        return any(isinstance(e, InsertRow | RemoveRow) and e.table == self.key for e in edits)

    # --- rows ---------------------------------------------------------------------

    def can_change_rows(self) -> bool:
        return self.key in ROW_EDITABLE_TABLES and self.table is not None

    def insert_row(self, row: int) -> bool:
        if not self.can_change_rows():
            return False
        row = max(0, min(row, self._rows()))
        blank = ("",) * self._columns()
        return self.session.push([InsertRow(self.key, row, blank)], tr("插入行"))

    def remove_rows(self, rows: list[int]) -> bool:
        if not self.can_change_rows():
            return False
        table = self.table
        assert table is not None
        # From the bottom up, so each index is still right when its edit is applied.
        edits = [
            RemoveRow(self.key, r, tuple(table.rows[r].texts()))
            for r in sorted(set(rows), reverse=True)
            if 0 <= r < len(table.rows)
        ]
        if not edits:
            return True
        return self.session.push(edits, tr("删除 {n} 行").format(n=len(edits)))
