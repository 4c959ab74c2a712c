"""The navigator (目录): the 13 tables, the forms, the overall forms, the sections.

A two-level tree model: groups (预算报表, 项目绩效目标表, 整体绩效目标表, 情况说明) and their
items. Items with findings carry a coloured marker and their count; the tooltip gives the
counts per severity. Item keys are :data:`gui.finding_index.NavKey` s.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QHeaderView, QTreeView, QWidget

from core.catalog import TABLES
from gui.finding_index import NavKey
from gui.i18n import tr
from gui.session import DocumentSession
from gui.style import SEVERITY_PEN

GROUPS = ("table", "form", "overall", "section")
KEY_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root, as a default argument


def _group_title(kind: str) -> str:
    return {
        "table": tr("预算报表"),
        "form": tr("项目支出绩效目标表"),
        "overall": tr("整体支出绩效目标表"),
        "section": tr("情况说明"),
    }[kind]


_ICONS: dict[str, QIcon] = {}


def severity_icon(severity: str) -> QIcon:
    """A small filled circle in the severity's colour."""
    if severity not in _ICONS:
        pm = QPixmap(12, 12)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(SEVERITY_PEN[severity]))
        p.drawEllipse(1, 1, 10, 10)
        p.end()
        _ICONS[severity] = QIcon(pm)
    return _ICONS[severity]


class NavigatorModel(QAbstractItemModel):
    """Column 0: the item's name; column 1: its count of errors and warnings."""

    def __init__(self, session: DocumentSession, parent=None) -> None:
        super().__init__(parent)
        self._session = session
        self._items: dict[str, list[tuple[NavKey, str]]] = {g: [] for g in GROUPS}
        self._rebuild()
        session.document_replaced.connect(self._reset)
        session.findings_changed.connect(self._findings_changed)
        session.values_changed.connect(self._values_changed)
        session.structure_changed.connect(self._structure_changed)

    # --- contents ------------------------------------------------------------------

    def _rebuild(self) -> None:
        doc = self._session.document
        items: dict[str, list[tuple[NavKey, str]]] = {g: [] for g in GROUPS}
        if doc is not None:
            for s in TABLES:
                title = f"{s.label} {s.name}"
                if s.key not in doc.tables:
                    title += tr("（未找到）")
                items["table"].append((("table", s.key), title))
            for i, form in enumerate(doc.performance_forms):
                name = form.value("project_name") or tr("（未命名项目）")
                items["form"].append((("form", i), f"{i + 1}. {name}"))
            for i, form in enumerate(doc.overall_forms):
                name = form.value("department") or form.value("title") or tr("整体支出绩效目标表")
                items["overall"].append((("overall", i), f"{i + 1}. {name}"))
            for i, section in enumerate(doc.narrative):
                items["section"].append((("section", i), section.heading))
        self._items = items

    def _reset(self) -> None:
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    def _findings_changed(self) -> None:
        self._emit_all_changed()

    def _values_changed(self, refs) -> None:
        # A project or form name may have changed: titles are cheap to rebuild.
        old = self._items
        self._rebuild()
        if [len(v) for v in old.values()] != [len(v) for v in self._items.values()]:
            self._reset()
        else:
            self._emit_all_changed()

    def _structure_changed(self, edits) -> None:
        self._values_changed(())

    def _emit_all_changed(self) -> None:
        if self._session.document is None:
            return
        for g, group in enumerate(GROUPS):
            parent = self.index(g, 0)
            self.dataChanged.emit(parent, self.index(g, 1))
            n = len(self._items[group])
            if n:
                self.dataChanged.emit(self.index(0, 0, parent), self.index(n - 1, 1, parent))

    def key(self, index: Index) -> NavKey | None:
        """The item key of *index*, or None for a group."""
        if not index.isValid() or index.internalId() == 0:
            return None
        group = GROUPS[index.internalId() - 1]
        return self._items[group][index.row()][0]

    def index_of(self, key: NavKey) -> QModelIndex:
        group = key[0]
        if group not in self._items:
            return QModelIndex()
        for row, (k, _title) in enumerate(self._items[group]):
            if k == key:
                return self.index(row, 0, self.index(GROUPS.index(group), 0))
        return QModelIndex()

    def first_key(self) -> NavKey | None:
        for group in GROUPS:
            doc = self._session.document
            for k, _t in self._items[group]:
                if group != "table" or (doc is not None and k[1] in doc.tables):
                    return k
        return None

    # --- QAbstractItemModel ----------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if column < 0 or column >= 2 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < self.rowCount() else QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0:
            return QModelIndex()
        group = GROUPS[parent.row()]
        if row >= len(self._items[group]):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        if not parent.isValid():
            return len(GROUPS) if self._session.document is not None else 0
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._items[GROUPS[parent.row()]])
        return 0

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 2

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        key = self.key(index)
        doc = self._session.document
        if key is not None and key[0] == "table" and (doc is None or key[1] not in doc.tables):
            return Qt.ItemFlag.ItemNeverHasChildren  # listed, but nothing to open
        if key is None:
            return Qt.ItemFlag.ItemIsEnabled  # a group: opens and closes, shows nothing
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (tr("内容"), tr("问题"))[section] if 0 <= section < 2 else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        key = self.key(index)
        index_ = self._session.index
        if key is None:
            group = GROUPS[index.row()]
            counts = sum((index_.counts(k) for k, _t in self._items[group]), start=_empty())
            if role == Qt.ItemDataRole.DisplayRole:
                if index.column() == 0:
                    return f"{_group_title(group)}（{len(self._items[group])}）"
                return _count_text(counts)
        else:
            counts = index_.counts(key)
            if role == Qt.ItemDataRole.DisplayRole:
                if index.column() == 0:
                    return self._items[key[0]][index.row()][1]
                return _count_text(counts)
            if role == KEY_ROLE:
                return key
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            if counts.get("error"):
                return severity_icon("error")
            if counts.get("warning"):
                return severity_icon("warning")
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            title = (
                self._items[key[0]][index.row()][1]
                if key is not None
                else _group_title(GROUPS[index.row()])
            )
            if not sum(counts.values()):
                return title
            return (
                title
                + "\n"
                + tr("错误 {e} 条，警告 {w} 条，提示 {i} 条").format(
                    e=counts.get("error", 0), w=counts.get("warning", 0), i=counts.get("info", 0)
                )
            )
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1:
            if counts.get("error"):
                return QColor(SEVERITY_PEN["error"])
            if counts.get("warning"):
                return QColor(SEVERITY_PEN["warning"])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _empty():
    from collections import Counter

    return Counter()


def _count_text(counts) -> str:
    n = counts.get("error", 0) + counts.get("warning", 0)
    return str(n) if n else ""


class NavigatorView(QTreeView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformRowHeights(True)
        self.setHeaderHidden(True)
        self.setAlternatingRowColors(False)
        self.setExpandsOnDoubleClick(True)

    def setModel(self, model) -> None:  # noqa: N802
        super().setModel(model)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        model.modelReset.connect(self.expandAll)
        self.expandAll()
