"""The performance form editor (绩效目标表): the form's fields and its indicator block.

Two grids over one :class:`~core.model.PerformanceForm` (项目支出绩效目标表) or
:class:`~core.model.OverallForm` (部门整体支出绩效目标表): the fields (one row each,
label and text) and the indicators (一级 › 二级 › 三级 with their 指标值). Indicators can be
added and removed; everything is a core edit pushed on the session.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.edits import (
    FieldRef,
    IndicatorRef,
    InsertIndicator,
    Ref,
    RemoveIndicator,
    indicator_values,
)
from core.model import FORM_FIELDS, OVERALL_FIELDS, Field, OverallForm, PerformanceForm
from core.validation.findings import Finding
from gui.i18n import tr
from gui.session import DocumentSession
from gui.sheet_model import SheetModel
from gui.table_view import SheetView

CONTEXT = "FormEditor"

FIELD_LABELS: dict[str, str] = {
    "title": QT_TRANSLATE_NOOP("FormEditor", "表名"),
    "project_name": QT_TRANSLATE_NOOP("FormEditor", "项目名称"),
    "department": QT_TRANSLATE_NOOP("FormEditor", "主管部门及代码"),
    "implementer": QT_TRANSLATE_NOOP("FormEditor", "实施单位"),
    "attribute": QT_TRANSLATE_NOOP("FormEditor", "项目属性"),
    "period": QT_TRANSLATE_NOOP("FormEditor", "项目期"),
    "funds_unit": QT_TRANSLATE_NOOP("FormEditor", "资金单位"),
    "period_total": QT_TRANSLATE_NOOP("FormEditor", "实施期资金总额"),
    "annual_total": QT_TRANSLATE_NOOP("FormEditor", "年度资金总额"),
    "goal_period": QT_TRANSLATE_NOOP("FormEditor", "总体目标（实施期）"),
    "goal_annual": QT_TRANSLATE_NOOP("FormEditor", "总体目标（年度）"),
    "category": QT_TRANSLATE_NOOP("FormEditor", "项目分类"),
    "period_central": QT_TRANSLATE_NOOP("FormEditor", "实施期：中央财政资金"),
    "period_provincial": QT_TRANSLATE_NOOP("FormEditor", "实施期：省级财政资金"),
    "period_local": QT_TRANSLATE_NOOP("FormEditor", "实施期：市县（区）财政资金"),
    "period_self": QT_TRANSLATE_NOOP("FormEditor", "实施期：单位自筹"),
    "period_other": QT_TRANSLATE_NOOP("FormEditor", "实施期：其他资金"),
    "annual_central": QT_TRANSLATE_NOOP("FormEditor", "年度：中央财政资金"),
    "annual_provincial": QT_TRANSLATE_NOOP("FormEditor", "年度：省级财政资金"),
    "annual_local": QT_TRANSLATE_NOOP("FormEditor", "年度：市县（区）财政资金"),
    "annual_self": QT_TRANSLATE_NOOP("FormEditor", "年度：单位自筹"),
    "annual_other": QT_TRANSLATE_NOOP("FormEditor", "年度：其他资金"),
    "overview": QT_TRANSLATE_NOOP("FormEditor", "项目概况"),
    "basis": QT_TRANSLATE_NOOP("FormEditor", "立项依据"),
    "necessity": QT_TRANSLATE_NOOP("FormEditor", "项目设立必要性"),
    "measures": QT_TRANSLATE_NOOP("FormEditor", "保证项目实施的制度、措施"),
    "plan": QT_TRANSLATE_NOOP("FormEditor", "项目实施计划"),
    "leader": QT_TRANSLATE_NOOP("FormEditor", "负责人"),
    "handler": QT_TRANSLATE_NOOP("FormEditor", "经办人"),
    "phone": QT_TRANSLATE_NOOP("FormEditor", "联系电话"),
    "date": QT_TRANSLATE_NOOP("FormEditor", "填报日期"),
}
OVERALL_LABELS: dict[str, str] = {
    "title": QT_TRANSLATE_NOOP("FormEditor", "表名"),
    "department": QT_TRANSLATE_NOOP("FormEditor", "部门（单位）名称"),
    "basic_info": QT_TRANSLATE_NOOP("FormEditor", "部门基本信息"),
    "duties": QT_TRANSLATE_NOOP("FormEditor", "部门职责"),
    "strategy": QT_TRANSLATE_NOOP("FormEditor", "部门战略目标"),
    "budget_by_source": QT_TRANSLATE_NOOP("FormEditor", "年度预算情况（按来源）"),
    "budget_by_direction": QT_TRANSLATE_NOOP("FormEditor", "年度预算情况（按用途）"),
    "tasks": QT_TRANSLATE_NOOP("FormEditor", "核心职能/重点任务"),
    "goal_annual": QT_TRANSLATE_NOOP("FormEditor", "年度绩效目标"),
}
INDICATOR_LABELS: dict[str, str] = {
    "level1": QT_TRANSLATE_NOOP("FormEditor", "一级指标"),
    "level2": QT_TRANSLATE_NOOP("FormEditor", "二级指标"),
    "level3": QT_TRANSLATE_NOOP("FormEditor", "三级指标"),
    "value_period": QT_TRANSLATE_NOOP("FormEditor", "指标值（实施期）"),
    "value_annual": QT_TRANSLATE_NOOP("FormEditor", "指标值（年度）"),
    "level3_annual": QT_TRANSLATE_NOOP("FormEditor", "三级指标（年度栏）"),
}
PROJECT_INDICATOR_COLUMNS = (
    "level1",
    "level2",
    "level3",
    "value_period",
    "value_annual",
    "level3_annual",
)
OVERALL_INDICATOR_COLUMNS = ("level1", "level2", "level3", "value_annual")
# Fields shown with a right-aligned amount; validated as numbers.
AMOUNT_FIELDS = frozenset(
    {"period_total", "annual_total"}
    | {
        f"{p}_{s}"
        for p in ("period", "annual")
        for s in ("central", "provincial", "local", "self", "other")
    }
)
# Long text: edited with a multi-line editor.
LONG_FIELDS = frozenset(
    {
        "goal_period",
        "goal_annual",
        "overview",
        "basis",
        "necessity",
        "measures",
        "plan",
        "basic_info",
        "duties",
        "strategy",
        "budget_by_source",
        "budget_by_direction",
        "tasks",
    }
)


def _label(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


Form = PerformanceForm | OverallForm


class _FormPart(SheetModel):
    """Common: which form (owner, index) the grid shows."""

    def __init__(
        self, session: DocumentSession, owner: str = "form", form: int = 0, parent=None
    ) -> None:
        self.owner = owner
        self.form_index = form
        super().__init__(session, parent)

    def set_form(self, owner: str, form: int) -> None:
        self.beginResetModel()
        self.owner, self.form_index = owner, form
        self.endResetModel()

    @property
    def form(self) -> Form | None:
        doc = self.session.document
        if doc is None:
            return None
        forms = doc.performance_forms if self.owner == "form" else doc.overall_forms
        return forms[self.form_index] if 0 <= self.form_index < len(forms) else None


class FieldsModel(_FormPart):
    """Rows: the form's fields (then, for an overall form, its budget lines, read-only).
    Columns: 栏目, 内容."""

    def _names(self) -> tuple[str, ...]:
        return FORM_FIELDS if self.owner == "form" else OVERALL_FIELDS

    def _budget_lines(self) -> list[tuple[str, Field]]:
        form = self.form
        return list(form.budget_lines.items()) if isinstance(form, OverallForm) else []

    def _rows(self) -> int:
        return 0 if self.form is None else len(self._names()) + len(self._budget_lines())

    def _columns(self) -> int:
        return 0 if self.form is None else 2

    def _header(self, column: int) -> str:
        return (tr("栏目"), tr("内容"))[column]

    def _field(self, row: int) -> tuple[str | None, Field | None]:
        names = self._names()
        form = self.form
        if form is None:
            return None, None
        if row < len(names):
            return names[row], form.fields.get(names[row])
        label, f = self._budget_lines()[row - len(names)]
        return None, f

    def label(self, row: int) -> str:
        names = self._names()
        if row < len(names):
            labels = FIELD_LABELS if self.owner == "form" else OVERALL_LABELS
            return _label(labels.get(names[row], names[row]))
        return tr("年度预算：{label}").format(label=self._budget_lines()[row - len(names)][0])

    def ref(self, row: int, column: int) -> Ref | None:
        name, _f = self._field(row)
        if column != 1 or name is None:
            return None
        return FieldRef(self.owner, self.form_index, name)  # type: ignore[arg-type]

    def _value(self, row: int, column: int) -> str:
        if column == 0:
            return self.label(row)
        _name, f = self._field(row)
        return f.value if f is not None else ""

    def _printed(self, row: int, column: int) -> str:
        if column == 0:
            return self.label(row)
        _name, f = self._field(row)
        return f.printed if f is not None else ""

    def _findings(self, row: int, column: int) -> list[Finding]:
        name, _f = self._field(row)
        if name is None:
            return []
        return self.session.index.for_field(self.owner, self.form_index, name)

    def is_amount_at(self, row: int, column: int) -> bool:
        name, _f = self._field(row)
        return column == 1 and self.owner == "form" and name in AMOUNT_FIELDS

    def _multiline(self, column: int) -> bool:
        return column == 1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and index.column() == 0 and role == Qt.ItemDataRole.BackgroundRole:
            return None
        if index.isValid() and index.column() == 0 and role == Qt.ItemDataRole.FontRole:
            from PySide6.QtGui import QFont

            f = QFont()
            f.setBold(True)
            return f
        return super().data(index, role)

    def position_of(self, ref: Ref) -> tuple[int, int] | None:
        if isinstance(ref, FieldRef) and ref.owner == self.owner and ref.index == self.form_index:
            names = self._names()
            if ref.field in names and self.form is not None:
                return (names.index(ref.field), 1)
        return None

    def _structure_touches(self, edits) -> bool:
        return False


class IndicatorsModel(_FormPart):
    """Rows: indicators; columns: 一级/二级/三级指标 and the 指标值."""

    def _names(self) -> tuple[str, ...]:
        return PROJECT_INDICATOR_COLUMNS if self.owner == "form" else OVERALL_INDICATOR_COLUMNS

    def _rows(self) -> int:
        form = self.form
        return len(form.indicators) if form is not None else 0

    def _columns(self) -> int:
        return 0 if self.form is None else len(self._names())

    def _header(self, column: int) -> str:
        name = self._names()[column]
        if self.owner == "overall" and name == "value_annual":
            return tr("年度指标值")
        return _label(INDICATOR_LABELS[name])

    def _f(self, row: int, column: int) -> Field:
        return self.form.indicators[row].get(self._names()[column])  # type: ignore[union-attr]

    def ref(self, row: int, column: int) -> Ref | None:
        return IndicatorRef(self.owner, self.form_index, row, self._names()[column])  # type: ignore[arg-type]

    def _value(self, row: int, column: int) -> str:
        return self._f(row, column).value

    def _printed(self, row: int, column: int) -> str:
        return self._f(row, column).printed

    def _findings(self, row: int, column: int) -> list[Finding]:
        return self.session.index.for_indicator(
            self.owner, self.form_index, row, self._names()[column]
        )

    def position_of(self, ref: Ref) -> tuple[int, int] | None:
        if (
            isinstance(ref, IndicatorRef)
            and ref.owner == self.owner
            and ref.index == self.form_index
        ):
            names = self._names()
            if ref.field in names and 0 <= ref.indicator < self._rows():
                return (ref.indicator, names.index(ref.field))
        return None

    def _structure_touches(self, edits) -> bool:
        return any(
            isinstance(e, InsertIndicator | RemoveIndicator)
            and e.owner == self.owner
            and e.form == self.form_index
            for e in edits
        )

    def can_change_rows(self) -> bool:
        return self.form is not None

    def insert_row(self, row: int) -> bool:
        form = self.form
        if form is None:
            return False
        row = max(0, min(row, len(form.indicators)))
        # A new indicator continues the block it is put in: same 一级/二级 as the row above.
        values: tuple[tuple[str, str], ...] = ()
        if form.indicators and row > 0:
            above = form.indicators[row - 1]
            values = (("level1", above.level1.value), ("level2", above.level2.value))
        edit = InsertIndicator(self.owner, self.form_index, row, values)  # type: ignore[arg-type]
        return self.session.push([edit], tr("插入指标"))

    def remove_rows(self, rows: list[int]) -> bool:
        form = self.form
        if form is None:
            return False
        edits = [
            RemoveIndicator(self.owner, self.form_index, r, indicator_values(form.indicators[r]))  # type: ignore[arg-type]
            for r in sorted(set(rows), reverse=True)
            if 0 <= r < len(form.indicators)
        ]
        return (
            self.session.push(edits, tr("删除 {n} 条指标").format(n=len(edits))) if edits else True
        )


class FormEditor(QWidget):
    """Title line, the fields grid, and the indicator grid, one above the other."""

    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.fields = FieldsModel(session, parent=self)
        self.indicators = IndicatorsModel(session, parent=self)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.15)
        f.setBold(True)
        self.title.setFont(f)
        self.fields_view = SheetView()
        self.fields_view.setModel(self.fields)
        self.fields_view.setWordWrap(True)
        self.fields_view.verticalHeader().hide()
        self.fields_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        h = self.fields_view.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        h.setStretchLastSection(True)
        self.indicators_view = SheetView()
        self.indicators_view.setModel(self.indicators)
        self.indicators_view.setWordWrap(True)
        self.indicators_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        ih = self.indicators_view.horizontalHeader()
        ih.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        ih.setStretchLastSection(True)
        indicators_box = QWidget()
        box = QVBoxLayout(indicators_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.indicators_label = QLabel(tr("绩效指标"))
        f2 = self.indicators_label.font()
        f2.setBold(True)
        self.indicators_label.setFont(f2)
        self.insert_button = QPushButton(tr("插入指标"))
        self.remove_button = QPushButton(tr("删除指标"))
        self.insert_button.clicked.connect(lambda: self.indicators_view.insert_row(below=True))
        self.remove_button.clicked.connect(self.indicators_view.remove_rows)
        row = QHBoxLayout()
        row.addWidget(self.indicators_label, 1)
        row.addWidget(self.insert_button)
        row.addWidget(self.remove_button)
        box.addLayout(row)
        box.addWidget(self.indicators_view)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.fields_view)
        self.splitter.addWidget(indicators_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.splitter)
        session.values_changed.connect(self._update_title)
        session.document_replaced.connect(self._update_buttons)
        session.read_only_changed.connect(self._update_buttons)

    def _update_buttons(self, *_args) -> None:
        writable = not self.session.read_only
        self.insert_button.setEnabled(writable)
        self.remove_button.setEnabled(writable)

    def set_form(self, owner: str, index: int) -> None:
        self.fields.set_form(owner, index)
        self.indicators.set_form(owner, index)
        self._update_title()
        # The label column fits the longest label on one line.
        metrics = self.fields_view.fontMetrics()
        labels = [self.fields.label(r) for r in range(self.fields.rowCount())]
        bold = 1.1  # labels are bold
        width = max((metrics.horizontalAdvance(t) for t in labels), default=80)
        self.fields_view.setColumnWidth(0, int(width * bold) + 16)
        self.indicators_view.resizeColumnsToContents()
        for c in range(self.indicators.columnCount()):
            if self.indicators_view.columnWidth(c) > 260:
                self.indicators_view.setColumnWidth(c, 260)

    def _update_title(self, *_args) -> None:
        form = self.fields.form
        if form is None:
            self.title.setText("")
            return
        kind = tr("项目支出绩效目标表") if self.fields.owner == "form" else tr("整体支出绩效目标表")
        name = (
            form.value("project_name") if self.fields.owner == "form" else form.value("department")
        )
        pages = "、".join(str(p) for p in (form.pages or ([form.page] if form.page else [])))
        text = f"{kind} {self.fields.form_index + 1}：{name}"
        if pages:
            text += tr("（第 {pages} 页）").format(pages=pages)
        self.title.setText(text)

    def view_for(self, ref: Ref) -> tuple[SheetView, tuple[int, int]] | None:
        for view, model in (
            (self.fields_view, self.fields),
            (self.indicators_view, self.indicators),
        ):
            pos = model.position_of(ref)
            if pos is not None:
                return view, pos
        return None
