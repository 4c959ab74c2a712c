"""Sheet models (表格模型): the common part of every editable grid.

A :class:`SheetModel` shows a grid of core values (a table's cells, a form's fields, an
indicator block) and never changes them itself: ``setData`` and pastes become core
:class:`~core.edits.SetValue` edits pushed on the session as one undo step each. Each
subclass says which place a grid position is (:meth:`ref`), what is printed there and
which findings touch it; this class turns that into display text, background colour by
the worst finding, a tooltip with the messages and the printed value, and an *edited*
mark.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from core.amounts import parse_amount
from core.edits import Edit, Ref, SetValue
from core.validation.findings import Finding
from gui.finding_index import worst
from gui.i18n import tr
from gui.session import DocumentSession
from gui.style import background

EDITED_ROLE = Qt.ItemDataRole.UserRole + 10  # bool: the value differs from the printed one
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 11  # the worst finding's severity, or None
MULTILINE_ROLE = Qt.ItemDataRole.UserRole + 12  # bool: edit with a multi-line editor

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root, as a default argument

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}


def amount_problem(text: str) -> str | None:
    """Why *text* is not an amount (None when it is, or is blank or a dash)."""
    try:
        parse_amount(text)
    except ValueError:
        return tr(
            "“{text}”不是金额。金额请填写数字，如 1234.56 或 1,234.56；没有金额可留空或填“-”。"
        ).format(text=text)
    return None


class SheetModel(QAbstractTableModel):
    """Base of the editable grids. Subclasses implement the ``_``-prefixed hooks."""

    rejected = Signal(int, int, str)  # row, column, why the entry was refused

    def __init__(self, session: DocumentSession, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        session.document_replaced.connect(self._reset)
        session.findings_changed.connect(self._findings_changed)
        session.values_changed.connect(self._values_changed)
        session.structure_changed.connect(self._structure_changed)

    # --- hooks ------------------------------------------------------------------

    def _rows(self) -> int:
        raise NotImplementedError

    def _columns(self) -> int:
        raise NotImplementedError

    def ref(self, row: int, column: int) -> Ref | None:
        """The editable place at (row, column), or None when not editable."""
        raise NotImplementedError

    def _value(self, row: int, column: int) -> str:
        raise NotImplementedError

    def _printed(self, row: int, column: int) -> str:
        """The text as printed ("" when nothing was printed there)."""
        raise NotImplementedError

    def _findings(self, row: int, column: int) -> list[Finding]:
        return []

    def is_amount(self, column: int) -> bool:
        return False

    def is_amount_at(self, row: int, column: int) -> bool:
        """Whether the value at (row, column) must be a number."""
        return self.is_amount(column)

    def _header(self, column: int) -> str:
        raise NotImplementedError

    def _multiline(self, column: int) -> bool:
        return False

    def position_of(self, ref: Ref) -> tuple[int, int] | None:
        """Where *ref* is shown in this grid, or None."""
        return None

    def _refs_shown(self, refs) -> bool:
        return any(self.position_of(r) is not None for r in refs)

    def _structure_touches(self, edits) -> bool:
        return False

    # --- session signals ------------------------------------------------------------

    def _reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def _findings_changed(self) -> None:
        self._all_changed(
            [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole, SEVERITY_ROLE]
        )

    def _values_changed(self, refs) -> None:
        for ref in refs:
            pos = self.position_of(ref)
            if pos is not None:
                ix = self.index(*pos)
                self.dataChanged.emit(ix, ix)

    def _structure_changed(self, edits) -> None:
        if self._structure_touches(edits):
            self._reset()

    def _all_changed(self, roles=None) -> None:
        rows, cols = self.rowCount(), self.columnCount()
        if rows and cols:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, cols - 1), roles or [])

    # --- Qt model -----------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.session.document is None else self._rows()

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.session.document is None else self._columns()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._header(section) if 0 <= section < self.columnCount() else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.ref(index.row(), index.column()) is not None and not self.session.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._value(r, c)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self.is_amount(c):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            return background(worst(self._findings(r, c)))
        if role == SEVERITY_ROLE:
            return worst(self._findings(r, c))
        if role == EDITED_ROLE:
            return self._is_edited(r, c)
        if role == MULTILINE_ROLE:
            return self._multiline(c)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, c)
        return None

    def _is_edited(self, r: int, c: int) -> bool:
        return self._printed(r, c) != self._value(r, c)

    def _tooltip(self, r: int, c: int) -> str | None:
        lines = [
            f"{tr(SEVERITY_LABEL.get(f.severity, f.severity))}（{f.rule}）：{f.message}"
            for f in self._findings(r, c)
        ]
        printed = self._printed(r, c)
        if printed != self._value(r, c):
            lines.append(tr("已修改。原印刷值：{printed}").format(printed=printed or tr("（空）")))
        return "\n".join(lines) or None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        r, c = index.row(), index.column()
        ref = self.ref(r, c)
        if ref is None:
            return False
        text = "" if value is None else str(value)
        if not self._multiline(c):
            text = text.strip()
        if self.is_amount_at(r, c):
            problem = amount_problem(text)
            if problem:
                self.rejected.emit(r, c, problem)
                return False
        old = self._value(r, c)
        if text == old:
            return True
        label = self._header(c)
        return self.session.push(
            [SetValue(ref, old, text)], tr("修改“{label}”").format(label=label), merge_key=ref
        )

    # --- blocks -------------------------------------------------------------------

    def set_block(
        self, top: int, left: int, rows: list[list[str]], text: str | None = None
    ) -> bool:
        """Put a rectangular block of texts with its top-left at (top, left), as one undo
        step. Values falling outside the grid or on read-only places are dropped; a
        non-number in an amount column refuses the whole block (``rejected``)."""
        edits: list[Edit] = []
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                r, c = top + i, left + j
                if r >= self.rowCount() or c >= self.columnCount():
                    continue
                ref = self.ref(r, c)
                if ref is None:
                    continue
                value = value if self._multiline(c) else value.strip()
                if self.is_amount_at(r, c):
                    problem = amount_problem(value)
                    if problem:
                        self.rejected.emit(r, c, problem)
                        return False
                old = self._value(r, c)
                if value != old:
                    edits.append(SetValue(ref, old, value))
        if not edits:
            return True
        n_rows = len(rows)
        n_cols = max((len(v) for v in rows), default=0)
        label = text or tr("粘贴 {rows}×{cols}").format(rows=n_rows, cols=n_cols)
        return self.session.push(edits, label)

    def restore_printed(self, cells: list[tuple[int, int]]) -> bool:
        """Put back the printed value of the given cells (one undo step)."""
        edits: list[Edit] = []
        for r, c in cells:
            ref, printed = self.ref(r, c), self._printed(r, c)
            if ref is None:
                continue
            old = self._value(r, c)
            if old != printed:
                edits.append(SetValue(ref, old, printed))
        return self.session.push(edits, tr("恢复印刷值"), kind="restore") if edits else True

    # --- rows -----------------------------------------------------------------------

    def can_change_rows(self) -> bool:
        return False

    def insert_row(self, row: int) -> bool:
        """Insert a blank row before *row* (one undo step)."""
        return False

    def remove_rows(self, rows: list[int]) -> bool:
        """Remove the given rows (one undo step)."""
        return False
