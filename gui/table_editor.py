"""The table pane (报表): a budget table's title lines above its grid."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.catalog import spec
from gui.i18n import tr
from gui.session import DocumentSession
from gui.table_model import TableModel
from gui.table_view import SheetView


class TableEditor(QWidget):
    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._models: dict[str, TableModel] = {}
        self.title = QLabel()
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.15)
        f.setBold(True)
        self.title.setFont(f)
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("color: #444;")
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.insert_button = QPushButton(tr("插入行"))
        self.remove_button = QPushButton(tr("删除行"))
        self.view = SheetView()
        self.insert_button.clicked.connect(lambda: self.view.insert_row(below=True))
        self.remove_button.clicked.connect(self.view.remove_rows)
        top = QHBoxLayout()
        texts = QVBoxLayout()
        texts.addWidget(self.title)
        texts.addWidget(self.subtitle)
        top.addLayout(texts, 1)
        top.addWidget(self.insert_button)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self.key: str | None = None

    def model(self, key: str) -> TableModel:
        if key not in self._models:
            self._models[key] = TableModel(self.session, key, self)
        return self._models[key]

    def set_table(self, key: str) -> None:
        changed = key != self.key or self.view.model() is not self.model(key)
        self.key = key
        model = self.model(key)
        if changed:
            self.view.setModel(model)
            self.view.resizeColumnsToContents()
            for c in range(model.columnCount()):
                w = self.view.columnWidth(c)
                self.view.setColumnWidth(c, max(70, min(w + 12, 320)))
        s = spec(key)
        self.title.setText(f"{s.label}　{s.name}")
        table = model.table
        parts = []
        if table is not None:
            if table.department:
                parts.append(table.department)
            if table.unit:
                parts.append(table.unit)
            if table.pages:
                parts.append(tr("第 {pages} 页").format(pages="、".join(map(str, table.pages))))
            if table.no_data or not table.rows:
                parts.append(table.note or tr("本表无数据"))
        self.subtitle.setText("　".join(parts))
        can = model.can_change_rows()
        self.insert_button.setVisible(can)
        self.remove_button.setVisible(can)
