"""The audit log view (修改记录): every stored edit of the open project.

A table of :class:`~core.store.audit.AuditEntry` (时间, 位置, 原印刷值, 修改前, 修改后, 原因,
类型), newest first, with a text filter and a table/form filter (both through
:func:`core.store.audit.filter_entries`). Double-clicking an entry emits
``entry_activated`` (the window opens the place and draws its printed box); 填写原因 stores
the clerk's reason (``Project.set_reason``); 导出Excel writes what is listed
(``core.store.export_audit_log``); 恢复印刷值 puts the printed value back as one step.

The log lives in the project file. A document not yet saved as a project has none: the
view says so and offers 保存为项目 (the edits made so far then enter the log).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.catalog import TABLE_KEYS, spec
from core.edits import FieldRef, IndicatorRef, SetValue, current_value, printed_value
from core.errors import WorkbenchError
from core.store import AuditEntry, export_audit_log, filter_entries
from gui import dialogs
from gui.form_editor import CONTEXT, FIELD_LABELS, INDICATOR_LABELS, OVERALL_LABELS
from gui.i18n import tr
from gui.session import DocumentSession

logger = logging.getLogger(__name__)

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 30
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

TIME, PLACE, PRINTED, OLD, NEW, REASON, KIND = range(7)
COLUMNS = ("时间", "位置", "原印刷值", "修改前", "修改后", "原因", "类型")
EMPTY_VALUE = "（空）"
EMPTY_COLOUR = "#8a8a8a"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def place_text(entry: AuditEntry) -> str:
    """Where an entry is, as the editors label it (a form field by its printed label,
    not its field name)."""
    ref = entry.ref
    if isinstance(ref, FieldRef | IndicatorRef):
        kind = tr("绩效目标表") if ref.owner == "form" else tr("整体绩效目标表")
        if isinstance(ref, FieldRef):
            labels = FIELD_LABELS if ref.owner == "form" else OVERALL_LABELS
            label = labels.get(ref.field)
            if label is not None:
                return f"{kind}{ref.index + 1} {QCoreApplication.translate(CONTEXT, label)}"
        else:
            label = INDICATOR_LABELS.get(ref.field)
            if label is not None:
                return tr("{kind}{n} 指标{i} {label}").format(
                    kind=kind,
                    n=ref.index + 1,
                    i=ref.indicator + 1,
                    label=QCoreApplication.translate(CONTEXT, label),
                )
    return entry.place


def _one_line(text: str) -> str:
    """A value shown in one table cell (narrative text is long and has newlines)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= 80 else flat[:79] + "…"


class AuditModel(QAbstractTableModel):
    """The entries listed, newest first."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entries: list[AuditEntry] = []

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self._entries = sorted(entries, key=lambda e: e.seq, reverse=True)
        self.endResetModel()

    def entry(self, row: int) -> AuditEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, seq: int) -> int | None:
        for i, e in enumerate(self._entries):
            if e.seq == seq:
                return i
        return None

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return tr(COLUMNS[section]) if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entry(index.row())
        if e is None:
            return None
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(e, c, full=False)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._text(e, c, full=True) or None
        if role == ENTRY_ROLE:
            return e
        if role == Qt.ItemDataRole.ForegroundRole and c in (PRINTED, OLD, NEW):
            # "（空）" is not a value: grey, so an emptied cell reads as such.
            value = {PRINTED: e.printed, OLD: e.old, NEW: e.new}[c]
            return None if value else QColor(EMPTY_COLOUR)
        return None

    @staticmethod
    def _text(e: AuditEntry, column: int, full: bool) -> str:
        if column == TIME:
            return e.local_time.strftime(TIME_FORMAT)
        if column == PLACE:
            return place_text(e)
        if column == REASON:
            return e.reason
        if column == KIND:
            return tr(e.kind_label)
        value = {PRINTED: e.printed, OLD: e.old, NEW: e.new}.get(column, "")
        if not value:
            # No printed value for an inserted row; an emptied cell says so.
            return "" if column == PRINTED and e.ref is None else tr(EMPTY_VALUE)
        return value if full else _one_line(value)


class AuditView(QWidget):
    """The list with its filters and buttons; ``entry_activated`` on double-click."""

    entry_activated = Signal(object)  # an AuditEntry
    save_requested = Signal()  # 保存为项目 (an in-memory document)
    message = Signal(str)

    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._all: list[AuditEntry] = []
        self._stale = True

        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in zip(
            range(len(COLUMNS)), (150, 340, 110, 110, 110, 240, 90), strict=True
        ):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._activated)
        self.table.activated.connect(self._activated)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(tr("筛选：位置、数值或原因"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.apply_filter)
        self.scope_combo = QComboBox()
        self.scope_combo.setMinimumContentsLength(14)
        self.scope_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.scope_combo.currentIndexChanged.connect(self.apply_filter)
        self.count_label = QLabel()
        self.reason_button = QPushButton(tr("填写原因…"))
        self.reason_button.setToolTip(tr("为所选的修改记录填写原因"))
        self.reason_button.clicked.connect(lambda: self.edit_reason())
        self.restore_button = QPushButton(tr("恢复印刷值"))
        self.restore_button.setToolTip(
            tr("把所选记录所在位置恢复为 PDF 上印刷的原值（一步，可撤销）")
        )
        self.restore_button.clicked.connect(lambda: self.restore_printed())
        self.export_button = QPushButton(tr("导出Excel…"))
        self.export_button.setToolTip(tr("把列出的修改记录导出为 Excel 工作簿"))
        self.export_button.clicked.connect(lambda: self.export())

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.filter_edit, 3)
        bar.addWidget(self.scope_combo, 2)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(self.reason_button)
        bar.addWidget(self.restore_button)
        bar.addWidget(self.export_button)
        log_page = QWidget()
        log_layout = QVBoxLayout(log_page)
        log_layout.setContentsMargins(4, 4, 4, 4)
        log_layout.addLayout(bar)
        log_layout.addWidget(self.table)

        self.no_log_label = QLabel()
        self.no_log_label.setWordWrap(True)
        self.no_log_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.save_button = QPushButton(tr("保存为项目…"))
        self.save_button.clicked.connect(self.save_requested)
        no_log_page = QWidget()
        no_log_layout = QVBoxLayout(no_log_page)
        no_log_layout.addStretch(1)
        no_log_layout.addWidget(self.no_log_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        row.addStretch(1)
        no_log_layout.addLayout(row)
        no_log_layout.addStretch(1)

        self.pages = QStackedWidget()
        self.pages.addWidget(log_page)
        self.pages.addWidget(no_log_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        session.history_changed.connect(self.update_contents)
        session.document_replaced.connect(self.update_contents)
        session.read_only_changed.connect(lambda _ro: self._update_buttons())
        self.refresh()

    # --- contents --------------------------------------------------------------------

    def update_contents(self) -> None:
        """Read the log again now if shown, else when shown."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True  # read when shown

    def showEvent(self, event) -> None:  # noqa: N802
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """Read the log again (keeps the filter and the selected entries)."""
        self._stale = False
        project = self.session.project
        if project is None or project.closed:
            self._all = []
            self.pages.setCurrentIndex(1)
            has_doc = self.session.document is not None
            can_save = has_doc and self.session.saver is not None
            if not has_doc:
                text = tr("打开一个项目文件（.bwproj）后，这里列出它的每一处修改。")
            elif can_save:
                text = tr(
                    "修改记录保存在项目文件中。当前文档还不是项目：请“保存”为项目（.bwproj），"
                    "已做的修改和之后的每一处修改都会记录在这里。"
                )
            else:
                text = tr("这个文档没有原始 PDF，不能保存为项目，因此没有修改记录。")
            self.no_log_label.setText(text)
            self.save_button.setVisible(can_save)
            self.model.set_entries([])
            self._update_buttons()
            return
        self.pages.setCurrentIndex(0)
        self._all = project.audit_log()
        self._fill_scopes()
        self.apply_filter()

    def _fill_scopes(self) -> None:
        current = self.scope_combo.currentData()
        combo = self.scope_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(tr("全部位置"), None)
        seen: set[tuple[str, int | None]] = set()
        tables: list[str] = []
        forms: list[tuple[str, int]] = []
        for e in self._all:
            if e.target in ("form", "overall") and e.item is not None:
                key = (e.target, e.item)
                if key not in seen:
                    seen.add(key)
                    forms.append(key)
            elif e.target not in ("section", "glossary") and (e.target, None) not in seen:
                seen.add((e.target, None))
                tables.append(e.target)
        for key in sorted(tables, key=_table_order):
            try:
                s = spec(key)
                label = f"{s.label} {s.name}"
            except KeyError:
                label = key
            combo.addItem(label, f"table:{key}")
        for owner, index in sorted(forms):
            kind = tr("绩效目标表") if owner == "form" else tr("整体绩效目标表")
            combo.addItem(f"{kind}{index + 1}", f"{owner}:{index}")
        i = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(i, 0))
        combo.blockSignals(False)

    def filters(self) -> dict[str, Any]:
        """The filters shown, as :func:`~core.store.audit.filter_entries` takes them."""
        out: dict[str, Any] = {}
        text = self.filter_edit.text().strip()
        if text:
            out["text"] = text
        scope = self.scope_combo.currentData()  # "table:KEY", "form:I", "overall:I"
        if scope:
            kind, _, value = str(scope).partition(":")
            if kind == "table":
                out["table"] = value
            else:
                out["form"] = int(value)
                out["overall"] = kind == "overall"
        return out

    def apply_filter(self, *_args) -> None:
        selected = {e.seq for e in self.selected_entries()}
        current = self.current_entry()
        filters = self.filters()
        text = filters.pop("text", "")
        shown = filter_entries(self._all, **filters)
        if text:
            # As core filters, and by the place as shown here (a form field's label).
            needle = text.casefold()
            shown = [
                e
                for e in shown
                if filter_entries([e], text=text) or needle in place_text(e).casefold()
            ]
        self.model.set_entries(shown)
        self.count_label.setText(
            tr("共 {n} 条").format(n=len(shown))
            if len(shown) == len(self._all)
            else tr("{n} / {total} 条").format(n=len(shown), total=len(self._all))
        )
        sel = self.table.selectionModel()
        for seq in selected:
            row = self.model.row_of(seq)
            if row is not None:
                sel.select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        if current is not None:
            row = self.model.row_of(current.seq)
            if row is not None:
                sel.setCurrentIndex(
                    self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
                )
        self._update_buttons()

    # --- selection -----------------------------------------------------------------

    def selected_entries(self) -> list[AuditEntry]:
        sel = self.table.selectionModel()
        rows = sorted({i.row() for i in sel.selectedRows()}) if sel is not None else []
        return [e for r in rows if (e := self.model.entry(r)) is not None]

    def current_entry(self) -> AuditEntry | None:
        return self.model.entry(self.table.currentIndex().row())

    def select_seq(self, seq: int) -> bool:
        row = self.model.row_of(seq)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _update_buttons(self, *_args) -> None:
        project = self.session.project
        writable = project is not None and not project.read_only
        chosen = bool(self.selected_entries())
        self.reason_button.setEnabled(writable and chosen)
        self.restore_button.setEnabled(writable and chosen)
        self.export_button.setEnabled(project is not None and self.model.rowCount() > 0)

    def _activated(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None:
            self.entry_activated.emit(entry)

    # --- actions -------------------------------------------------------------------

    def edit_reason(self, reason: str | None = None) -> bool:
        """填写原因 for the selected entries (asks for it when not given)."""
        project = self.session.project
        entries = self.selected_entries()
        if project is None or not entries:
            return False
        if reason is None:
            label = (
                tr("修改原因（{place}）：").format(place=entries[0].place)
                if len(entries) == 1
                else tr("修改原因（所选 {n} 条记录）：").format(n=len(entries))
            )
            reason = dialogs.ask_text(self, tr("填写原因"), label, entries[0].reason)
            if reason is None:
                return False
        try:
            for e in entries:
                project.set_reason(e.seq, reason.strip())
        except WorkbenchError as exc:
            dialogs.show_error(self, tr("无法保存原因"), f"{exc.zh}\n{exc.en}")
            return False
        self.refresh()
        self.message.emit(tr("已保存原因"))
        return True

    def restore_printed(self) -> bool:
        """Put back the printed value of the places of the selected entries (one step)."""
        doc = self.session.document
        if doc is None:
            return False
        edits = []
        seen = set()
        for e in self.selected_entries():
            ref = e.ref
            if ref is None or ref in seen:
                continue
            seen.add(ref)
            try:
                now, printed = current_value(doc, ref), printed_value(doc, ref)
            except (KeyError, IndexError, ValueError):
                continue  # the place is gone (its row was removed since)
            if now != printed:
                edits.append(SetValue(ref, now, printed))
        if not edits:
            self.message.emit(tr("所选位置已是印刷值"))
            return True
        return self.session.push(edits, tr("恢复印刷值"), kind="restore")

    def export(self, path: Path | None = None) -> bool:
        """导出Excel: the entries listed (with the filters shown)."""
        project = self.session.project
        if project is None:
            return False
        if path is None:
            start = project.path.with_name(f"{project.path.stem}-修改记录.xlsx")
            path = dialogs.choose_save_file(
                self, tr("导出修改记录"), start, tr("Excel 工作簿 (*.xlsx)"), suffix=".xlsx"
            )
            if path is None:
                return False
        try:
            # What is listed (oldest first, as the project's own export).
            shown = sorted(
                (self.model.entry(r) for r in range(self.model.rowCount())),
                key=lambda e: e.seq,  # type: ignore[union-attr]
            )
            export_audit_log(
                shown,
                path,
                title=tr("修改记录 — {source}（项目 {name}）").format(
                    source=project.source_name, name=project.path.name
                ),
            )
        except WorkbenchError as exc:
            dialogs.show_error(self, tr("无法导出修改记录"), f"{exc.zh}\n{exc.en}")
            return False
        self.message.emit(tr("已导出修改记录 {name}").format(name=path.name))
        return True


def _table_order(key: str) -> int:
    """Tables in the catalog's order (表一 … 表十三)."""
    return TABLE_KEYS.index(key) if key in TABLE_KEYS else len(TABLE_KEYS)
