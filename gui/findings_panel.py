"""The findings panel (检查结果): every failed check, filtered by severity and text.

A table model over the session's findings, a filter proxy (severity toggles, search),
counts per severity, and stepping to the next/previous finding (F8 / Shift+F8, wired by
the window). Selecting a finding emits ``finding_selected``; the window goes there.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.catalog import spec
from core.model import Disclosure
from core.validation.findings import SEVERITIES, Finding, Location
from gui.finding_index import INDICATOR_FIELD, section_index
from gui.i18n import tr
from gui.navigator import severity_icon
from gui.session import DocumentSession

FINDING_ROLE = Qt.ItemDataRole.UserRole + 20
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 21
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root, as a default argument


def severity_label(severity: str) -> str:
    return {"error": tr("错误"), "warning": tr("警告"), "info": tr("提示")}.get(severity, severity)


def describe_location(doc: Disclosure | None, loc: Location) -> str:
    """Where a finding points, in a clerk's words."""
    if loc.table is not None and loc.form is None:
        try:
            s = spec(loc.table)
            text = f"{s.label} {s.name}"
        except KeyError:
            text = loc.table
        if loc.row is not None:
            text += tr(" 第{n}行").format(n=loc.row + 1)
            table = doc.tables.get(loc.table) if doc is not None else None
            if table is not None and 0 <= loc.row < len(table.rows):
                name = _row_name(table.rows[loc.row].texts())
                if name:
                    text += f"（{name}）"
        if loc.column is not None:
            text += f" {loc.column}"
        return text
    if loc.form is not None:
        from gui.form_editor import FIELD_LABELS, INDICATOR_LABELS, OVERALL_LABELS, _label

        kind = tr("整体绩效目标表") if loc.overall else tr("绩效目标表")
        text = f"{kind}{loc.form + 1}"
        m = INDICATOR_FIELD.match(loc.field or "")
        if m:
            k = int(m.group(1))
            text += tr(" 指标{n}").format(n=k + 1)
            forms = (
                (doc.overall_forms if loc.overall else doc.performance_forms)
                if doc is not None
                else []
            )
            if 0 <= loc.form < len(forms) and 0 <= k < len(forms[loc.form].indicators):
                name = forms[loc.form].indicators[k].level3.value
                if name:
                    text += f"（{name}）"
            if m.group(2):
                text += " " + _label(INDICATOR_LABELS.get(m.group(2), m.group(2)))
        elif loc.field:
            labels = OVERALL_LABELS if loc.overall else FIELD_LABELS
            text += " " + (_label(labels[loc.field]) if loc.field in labels else loc.field)
        return text
    i = section_index(doc, loc)
    if i is not None and doc is not None and 0 <= i < len(doc.narrative):
        return tr("情况说明 {heading}").format(heading=doc.narrative[i].heading)
    if loc.section:
        return tr("情况说明 {heading}").format(heading=loc.section)
    return tr("整个文件")


def _row_name(texts: list[str]) -> str:
    """A short name for a row: its first non-numeric text."""
    for t in texts:
        t = t.strip()
        if t and not t.replace(".", "").replace(",", "").isdigit():
            return t if len(t) <= 16 else t[:15] + "…"
    return ""


class FindingsModel(QAbstractTableModel):
    COLUMNS = ("级别", "规则", "位置", "说明")

    def __init__(self, session: DocumentSession, parent=None) -> None:
        super().__init__(parent)
        self._session = session
        self._findings: list[Finding] = list(session.findings)
        session.findings_changed.connect(self._reset)
        session.document_replaced.connect(self._reset)

    def _reset(self) -> None:
        self.beginResetModel()
        self._findings = list(self._session.findings)
        self.endResetModel()

    def finding(self, row: int) -> Finding:
        return self._findings[row]

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._findings)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.COLUMNS):
                return (tr("级别"), tr("规则"), tr("位置"), tr("说明"))[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        f = self._findings[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return severity_label(f.severity)
            if col == 1:
                return f.rule
            if col == 2:
                return self.location_text(f)
            return f.message
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return severity_icon(f.severity)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{severity_label(f.severity)}（{f.rule}）：{f.message}\n" + "\n".join(
                describe_location(self._session.document, loc) for loc in f.locations
            )
        if role == FINDING_ROLE:
            return f
        if role == SEVERITY_ROLE:
            return f.severity
        return None

    def location_text(self, f: Finding) -> str:
        if not f.locations:
            return tr("整个文件")
        text = describe_location(self._session.document, f.locations[0])
        if len(f.locations) > 1:
            text += tr(" 等 {n} 处").format(n=len(f.locations))
        return text


class FindingsFilter(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._severities: set[str] = set(SEVERITIES)
        self._search = ""

    @property
    def severities(self) -> set[str]:
        return set(self._severities)

    def set_severities(self, severities: set[str]) -> None:
        self.beginFilterChange()
        self._severities = set(severities)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._search = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        ix = model.index(source_row, 0, source_parent)
        if ix.data(SEVERITY_ROLE) not in self._severities:
            return False
        if not self._search:
            return True
        haystack = " ".join(
            str(model.index(source_row, c, source_parent).data() or "")
            for c in range(model.columnCount())
        )
        return self._search in haystack.casefold()


class FindingsPanel(QWidget):
    finding_selected = Signal(object)  # Finding

    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = FindingsModel(session, self)
        self.proxy = FindingsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.buttons: dict[str, QToolButton] = {}
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        title = QLabel(tr("检查结果"))
        f = title.font()
        f.setBold(True)
        title.setFont(f)
        bar.addWidget(title)
        for sev in SEVERITIES:
            b = QToolButton()
            b.setCheckable(True)
            b.setChecked(True)
            b.setIcon(severity_icon(sev))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.toggled.connect(self._severity_toggled)
            self.buttons[sev] = b
            bar.addWidget(b)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索问题（规则、位置或说明）"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        bar.addWidget(self.search, 1)
        self.summary = QLabel()
        bar.addWidget(self.summary)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        h = self.view.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        h.setStretchLastSection(True)
        self.view.setColumnWidth(2, 300)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        self.model.modelReset.connect(self._update_counts)
        self.proxy.modelReset.connect(self._update_counts)
        self.proxy.rowsInserted.connect(self._update_counts)
        self.proxy.rowsRemoved.connect(self._update_counts)
        self._update_counts()

    def set_severities(self, severities: set[str]) -> None:
        for sev, b in self.buttons.items():
            b.blockSignals(True)
            b.setChecked(sev in severities)
            b.blockSignals(False)
        self.proxy.set_severities(severities)
        self._update_counts()

    def _severity_toggled(self) -> None:
        self.proxy.set_severities({s for s, b in self.buttons.items() if b.isChecked()})
        self._update_counts()

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_counts()

    def _update_counts(self) -> None:
        counts = self.session.index.counts()
        for sev, b in self.buttons.items():
            b.setText(f"{severity_label(sev)} {counts.get(sev, 0)}")
        total = len(self.session.findings)
        shown = self.proxy.rowCount()
        if total == 0:
            self.summary.setText(tr("没有发现问题") if self.session.document is not None else "")
        elif shown == total:
            self.summary.setText(tr("共 {n} 条").format(n=total))
        else:
            self.summary.setText(tr("显示 {shown} / 共 {n} 条").format(shown=shown, n=total))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.finding_selected.emit(current.data(FINDING_ROLE))

    def current_finding(self) -> Finding | None:
        ix = self.view.currentIndex()
        return ix.data(FINDING_ROLE) if ix.isValid() else None

    def step(self, delta: int) -> Finding | None:
        """Select the next (delta=1) or previous (-1) shown finding, wrapping around."""
        n = self.proxy.rowCount()
        if n == 0:
            return None
        cur = self.view.currentIndex()
        row = (cur.row() + delta) % n if cur.isValid() else (0 if delta > 0 else n - 1)
        self.select_row(row)
        return self.current_finding()

    def select_row(self, row: int) -> None:
        ix = self.proxy.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            ix,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(ix)

    def select_finding(self, finding: Finding) -> bool:
        """Select *finding* in the list (shown with the current filter); False when it
        is filtered out."""
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(FINDING_ROLE) is finding:
                self.select_row(row)
                return True
        return False
