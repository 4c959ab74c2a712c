"""An Excel-like grid view (表格视图) for every :class:`~gui.sheet_model.SheetModel`.

Keys as in Excel: Enter moves down (Shift+Enter up), Tab right (Shift+Tab left), F2
edits, typing replaces the cell, Delete clears the selection; Ctrl+C / Ctrl+V copy and
paste rectangular ranges as tab-separated text, to and from Excel. A refused entry (not a
number in an amount column) reopens the editor with the text and says why.
"""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QPainter, QPolygon
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QStyledItemDelegate,
    QTableView,
    QToolTip,
    QWidget,
)

from gui.i18n import tr
from gui.sheet_model import EDITED_ROLE, MULTILINE_ROLE, SheetModel
from gui.style import EDITED_MARK


def to_tsv(rows: list[list[str]]) -> str:
    """Rows as tab-separated text, Excel's way (quoted when a value holds a tab, a
    newline or a quote)."""
    out = []
    for row in rows:
        cells = []
        for v in row:
            if any(ch in v for ch in '\t\n\r"'):
                v = '"' + v.replace('"', '""') + '"'
            cells.append(v)
        out.append("\t".join(cells))
    return "\n".join(out)


def from_tsv(text: str) -> list[list[str]]:
    """Tab-separated text (as Excel puts on the clipboard) as rows of cells."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return [[""]]
    if '"' not in text:
        return [line.split("\t") for line in text.split("\n")]
    return [row for row in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')] or [[""]]


# 恢复印刷值 (the window's action has it; the context menu shows it).
RESTORE_SHORTCUT = "Ctrl+R"


class SheetDelegate(QStyledItemDelegate):
    """Paints the *edited* mark; edits long text with a multi-line editor (Enter
    commits, Alt+Enter or Shift+Enter starts a new line)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pending_text: str | None = None  # reopened after a refused entry

    def paint(self, painter: QPainter, option, index) -> None:
        super().paint(painter, option, index)
        if index.data(EDITED_ROLE):
            r: QRect = option.rect
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(EDITED_MARK))
            painter.drawPolygon(
                QPolygon(
                    [
                        QPoint(r.right() - 7, r.top()),
                        QPoint(r.right(), r.top()),
                        QPoint(r.right(), r.top() + 7),
                    ]
                )
            )
            painter.restore()

    def createEditor(self, parent: QWidget, option, index) -> QWidget:  # noqa: N802
        if index.data(MULTILINE_ROLE):
            editor = QPlainTextEdit(parent)
            editor.setTabChangesFocus(True)
            editor.installEventFilter(self)
            return editor
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index) -> None:  # noqa: N802
        text = (
            self.pending_text
            if self.pending_text is not None
            else (index.data(Qt.ItemDataRole.EditRole) or "")
        )
        self.pending_text = None
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
            editor.selectAll()
        elif isinstance(editor, QLineEdit):
            editor.setText(text)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model, index) -> None:  # noqa: N802
        if isinstance(editor, QPlainTextEdit):
            model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    def updateEditorGeometry(self, editor: QWidget, option, index) -> None:  # noqa: N802
        if isinstance(editor, QPlainTextEdit):
            r = option.rect
            editor.setGeometry(r.x(), r.y(), r.width(), max(r.height(), 90))
        else:
            super().updateEditorGeometry(editor, option, index)

    def eventFilter(self, editor, event) -> bool:  # noqa: N802
        if isinstance(editor, QPlainTextEdit) and event.type() == event.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                mods = event.modifiers()
                if mods & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier):
                    editor.insertPlainText("\n")
                    return True
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.SubmitModelCache)
                return True
        return super().eventFilter(editor, event)


class SheetView(QTableView):
    message = Signal(str)  # a message for the status bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self._delegate = SheetDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setHighlightSections(True)
        self.setWordWrap(False)
        self._refused: tuple[int, int, str, str] | None = None  # row, col, text, why
        self._editing_text: str = ""

    def sheet(self) -> SheetModel | None:
        m = self.model()
        return m if isinstance(m, SheetModel) else None

    def setModel(self, model) -> None:  # noqa: N802
        old = self.sheet()
        if old is not None:
            try:
                old.rejected.disconnect(self._on_rejected)
            except (RuntimeError, TypeError):
                pass
        super().setModel(model)
        if isinstance(model, SheetModel):
            model.rejected.connect(self._on_rejected)

    # --- keys ---------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_clipboard()
            return
        if event.matches(QKeySequence.StandardKey.Cut):
            self.copy_selection()
            self.clear_selection_values()
            return
        if self.state() != QAbstractItemView.State.EditingState:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                up = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.move_current(-1 if up else 1, 0)
                return
            if key == Qt.Key.Key_Delete or key == Qt.Key.Key_Backspace:
                self.clear_selection_values()
                return
        super().keyPressEvent(event)

    def move_current(self, d_row: int, d_col: int) -> None:
        cur = self.currentIndex()
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        if not cur.isValid():
            cur = model.index(0, 0)
        r = max(0, min(model.rowCount() - 1, cur.row() + d_row))
        c = max(0, min(model.columnCount() - 1, cur.column() + d_col))
        self.setCurrentIndex(model.index(r, c))

    def closeEditor(self, editor: QWidget, hint) -> None:  # noqa: N802
        Hint = QAbstractItemDelegate.EndEditHint
        refused, self._refused = self._refused, None
        if refused is not None and self.model() is not None:
            # Keep the clerk on the refused cell with what they typed, and say why.
            super().closeEditor(editor, Hint.NoHint)
            index = self.model().index(refused[0], refused[1])
            self.setCurrentIndex(index)
            self._delegate.pending_text = refused[2]
            self.edit(index)
            self._show_refusal(index, refused[3])
            return
        moves = {
            Hint.SubmitModelCache: (1, 0),
            Hint.EditNextItem: (0, 1),
            Hint.EditPreviousItem: (0, -1),
        }
        move = moves.get(hint)
        super().closeEditor(editor, Hint.NoHint if move else hint)
        if move:
            self.move_current(*move)

    def _on_rejected(self, row: int, column: int, why: str) -> None:
        if self.state() == QAbstractItemView.State.EditingState:
            w = self.focusWidget()
            text = ""
            if isinstance(w, QLineEdit):
                text = w.text()
            elif isinstance(w, QPlainTextEdit):
                text = w.toPlainText()
            self._refused = (row, column, text, why)
        else:
            self._show_refusal(self.model().index(row, column), why)

    def _show_refusal(self, index: QModelIndex, why: str) -> None:
        self.message.emit(why)
        rect = self.visualRect(index)
        QToolTip.showText(self.viewport().mapToGlobal(rect.bottomLeft()), why, self)

    # --- selection as a block --------------------------------------------------

    def selected_block(self) -> tuple[int, int, int, int] | None:
        """(top, left, bottom, right) of the selection's bounding rectangle."""
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if not indexes:
            cur = self.currentIndex()
            if not cur.isValid():
                return None
            return (cur.row(), cur.column(), cur.row(), cur.column())
        rows = [i.row() for i in indexes]
        cols = [i.column() for i in indexes]
        return (min(rows), min(cols), max(rows), max(cols))

    def copy_selection(self) -> str:
        block = self.selected_block()
        model = self.model()
        if block is None or model is None:
            return ""
        top, left, bottom, right = block
        rows = [
            [model.index(r, c).data(Qt.ItemDataRole.EditRole) or "" for c in range(left, right + 1)]
            for r in range(top, bottom + 1)
        ]
        text = to_tsv(rows)
        QGuiApplication.clipboard().setText(text)
        return text

    def paste_clipboard(self) -> bool:
        return self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> bool:
        """Paste tab-separated *text* at the selection's top-left; a single value fills
        the whole selection (as in Excel). One undo step."""
        sheet = self.sheet()
        block = self.selected_block()
        if sheet is None or block is None:
            return False
        rows = from_tsv(text)
        top, left, bottom, right = block
        if len(rows) == 1 and len(rows[0]) == 1 and (bottom > top or right > left):
            rows = [[rows[0][0]] * (right - left + 1) for _ in range(bottom - top + 1)]
        n_rows, n_cols = len(rows), max(len(r) for r in rows)
        if top + n_rows > sheet.rowCount() or left + n_cols > sheet.columnCount():
            self.message.emit(tr("粘贴的内容超出表格范围，超出部分已忽略。"))
        ok = sheet.set_block(top, left, rows)
        if ok:
            last_r = min(sheet.rowCount(), top + n_rows) - 1
            last_c = min(sheet.columnCount(), left + n_cols) - 1
            sel = self.selectionModel()
            from PySide6.QtCore import QItemSelection

            sel.select(
                QItemSelection(sheet.index(top, left), sheet.index(last_r, last_c)),
                QItemSelectionModel.SelectionFlag.ClearAndSelect,
            )
        return ok

    def clear_selection_values(self) -> bool:
        sheet = self.sheet()
        if sheet is None:
            return False
        indexes = self.selectionModel().selectedIndexes() or [self.currentIndex()]
        cells = sorted({(i.row(), i.column()) for i in indexes if i.isValid()})
        if not cells:
            return True
        from core.edits import SetValue

        edits = []
        for r, c in cells:
            ref = sheet.ref(r, c)
            old = sheet.index(r, c).data(Qt.ItemDataRole.EditRole) or ""
            if ref is not None and old:
                edits.append(SetValue(ref, old, ""))
        return sheet.session.push(edits, tr("清除内容")) if edits else True

    def restore_printed(self) -> bool:
        sheet = self.sheet()
        if sheet is None:
            return False
        indexes = self.selectionModel().selectedIndexes() or [self.currentIndex()]
        return sheet.restore_printed(
            sorted({(i.row(), i.column()) for i in indexes if i.isValid()})
        )

    # --- rows ---------------------------------------------------------------------

    def insert_row(self, below: bool = False) -> bool:
        sheet = self.sheet()
        if sheet is None or not sheet.can_change_rows():
            return False
        cur = self.currentIndex()
        row = (cur.row() + (1 if below else 0)) if cur.isValid() else sheet.rowCount()
        column = max(cur.column(), 0)
        if not sheet.insert_row(row):
            return False
        self.setCurrentIndex(sheet.index(row, column))
        return True

    def remove_rows(self) -> bool:
        sheet = self.sheet()
        if sheet is None or not sheet.can_change_rows():
            return False
        indexes = self.selectionModel().selectedIndexes() or [self.currentIndex()]
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if not rows:
            return False
        ok = sheet.remove_rows(rows)
        if ok and sheet.rowCount():
            self.setCurrentIndex(sheet.index(min(rows[0], sheet.rowCount() - 1), 0))
        return ok

    def _context_menu(self, pos: QPoint) -> None:
        sheet = self.sheet()
        if sheet is None:
            return
        menu = QMenu(self)
        menu.addAction(tr("复制"), QKeySequence(QKeySequence.StandardKey.Copy), self.copy_selection)
        menu.addAction(
            tr("粘贴"), QKeySequence(QKeySequence.StandardKey.Paste), self.paste_clipboard
        )
        menu.addAction(
            tr("清除内容"),
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.clear_selection_values,
        )
        restore = menu.addAction(
            tr("恢复印刷值"), QKeySequence(RESTORE_SHORTCUT), self.restore_printed
        )
        restore.setEnabled(not sheet.session.read_only)
        if sheet.can_change_rows():
            menu.addSeparator()
            menu.addAction(tr("在上方插入行"), lambda: self.insert_row(False))
            menu.addAction(tr("在下方插入行"), lambda: self.insert_row(True))
            menu.addAction(tr("删除所选行"), self.remove_rows)
        menu.exec(self.viewport().mapToGlobal(pos))
