"""The window's models and editors (gui/): thin adapters over the core document.

Documents come from the corpus truth files (forms and narrative, no source boxes); every
model is checked with Qt's model tester; every change must go through the undo stack.
"""

from __future__ import annotations

import copy
import json
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QFontMetrics, QGuiApplication

from core.catalog import spec
from core.contract import from_contract
from core.edits import CellRef, FieldRef, IndicatorRef, SectionRef, SetValue
from core.importer import ImportCancelled
from core.model import Disclosure, Field, Indicator, OverallForm, SourceRef
from core.resources import resource_path
from core.validation.findings import Finding, Location
from gui import dialogs, pyside_fixes
from gui.app import FONT_FILE, load_cjk_font
from gui.finding_index import FindingIndex, location_ref, worst
from gui.findings_panel import FindingsFilter, FindingsModel, FindingsPanel
from gui.form_editor import FieldsModel, FormEditor, IndicatorsModel
from gui.narrative_editor import NarrativeEditor
from gui.navigator import NavigatorModel
from gui.provenance import ParagraphRef, SourceIndex, paragraphs_of_span
from gui.session import DocumentSession
from gui.settings import PDF_FIT_WIDTH, PDF_ZOOM, SPLITTER_MAIN, Settings
from gui.sheet_model import EDITED_ROLE, SEVERITY_ROLE
from gui.table_model import TableModel
from gui.table_view import SheetView, from_tsv, to_tsv
from gui.worker import ImportJob

pytestmark = pytest.mark.gui

_TRUTH: dict[str, Disclosure] = {}


def truth_doc(name: str) -> Disclosure:
    """A fresh copy of a corpus truth document (parsed once per module)."""
    if name not in _TRUTH:
        with (CORPUS / f"{name}.truth.json").open(encoding="utf-8") as fh:
            _TRUTH[name] = from_contract(json.load(fh))
    return copy.deepcopy(_TRUTH[name])


@pytest.fixture
def session(qtbot) -> DocumentSession:
    s = DocumentSession()
    s.set_document(truth_doc("lo/003"))
    return s


@pytest.fixture
def error_session(qtbot) -> DocumentSession:
    s = DocumentSession()
    s.set_document(truth_doc("errors/003"))
    return s


def overall_doc() -> Disclosure:
    doc = truth_doc("lo/003")
    doc.overall_forms.append(
        OverallForm(
            fields={
                "title": Field.of("部门整体支出绩效目标表"),
                "department": Field.of("忻州市委办"),
            },
            budget_lines={"财政拨款": Field.of("957.23")},
            indicators=[
                Indicator(
                    level1=Field.of("产出指标"),
                    level2=Field.of("数量指标"),
                    value_annual=Field.of("100%"),
                )
            ],
        )
    )
    return doc


# --- every model passes Qt's model tester -----------------------------------------------


def test_table_models_pass_the_model_tester(session, qtmodeltester) -> None:
    for key in session.document.tables:
        model = TableModel(session, key)
        qtmodeltester.check(model)
        assert model.rowCount() == len(session.document.tables[key].rows)
        assert model.columnCount() == len(spec(key).columns)


def test_navigator_model_passes_the_model_tester(error_session, qtmodeltester) -> None:
    model = NavigatorModel(error_session)
    qtmodeltester.check(model)
    assert model.rowCount() == 4
    tables = model.index(0, 0)
    assert model.rowCount(tables) == 13
    key = ("table", "three_public")
    ix = model.index_of(key)
    assert model.key(ix) == key
    # Items with findings carry a count and a marker.
    assert model.index(ix.row(), 1, tables).data() not in ("", None)
    assert ix.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "错误" in ix.data(Qt.ItemDataRole.ToolTipRole)
    assert model.rowCount(model.index(1, 0)) == len(error_session.document.performance_forms)
    assert model.rowCount(model.index(3, 0)) == len(error_session.document.narrative)


def test_findings_model_and_filter_pass_the_model_tester(error_session, qtmodeltester) -> None:
    model = FindingsModel(error_session)
    qtmodeltester.check(model)
    assert model.rowCount() == len(error_session.findings) > 0
    proxy = FindingsFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_severities({"error"})
    assert 0 < proxy.rowCount() < model.rowCount()
    assert all(
        proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 21) == "error"
        for r in range(proxy.rowCount())
    )
    proxy.set_severities({"error", "warning", "info"})
    proxy.set_search("三公")
    assert 0 < proxy.rowCount() < model.rowCount()
    proxy.set_search("没有这样的问题")
    assert proxy.rowCount() == 0


def test_form_models_pass_the_model_tester(qtbot, qtmodeltester) -> None:
    session = DocumentSession()
    session.set_document(overall_doc())
    fields = FieldsModel(session)
    indicators = IndicatorsModel(session)
    qtmodeltester.check(fields)
    qtmodeltester.check(indicators)
    form = session.document.performance_forms[0]
    assert indicators.rowCount() == len(form.indicators)
    assert fields.index(1, 0).data() == "项目名称"
    assert fields.index(1, 1).data() == form.value("project_name")
    fields.set_form("overall", 0)
    indicators.set_form("overall", 0)
    qtmodeltester.check(fields)
    qtmodeltester.check(indicators)
    assert indicators.columnCount() == 4
    last = fields.rowCount() - 1
    assert fields.index(last, 1).data() == "957.23"  # a budget line, shown read-only
    assert not fields.flags(fields.index(last, 1)) & Qt.ItemFlag.ItemIsEditable


# --- edits go through the undo stack ---------------------------------------------------------


def test_set_data_pushes_one_undo_command(session) -> None:
    model = TableModel(session, "expense_summary")
    ix = model.index(1, 2)
    before = ix.data()
    assert before
    assert model.setData(ix, "12.34")
    assert session.undo_stack.count() == 1
    assert session.document.tables["expense_summary"].rows[1].cells[2].value == "12.34"
    assert ix.data(EDITED_ROLE)
    assert f"原印刷值：{before}" in ix.data(Qt.ItemDataRole.ToolTipRole)
    session.undo_stack.undo()
    assert ix.data() == before
    assert not ix.data(EDITED_ROLE)
    session.undo_stack.redo()
    assert ix.data() == "12.34"


def test_typing_in_one_cell_merges(session) -> None:
    model = TableModel(session, "three_public")
    before = model.index(0, 2).data()
    model.setData(model.index(0, 2), "1")
    model.setData(model.index(0, 2), "12")
    model.setData(model.index(0, 2), "12.5")
    assert session.undo_stack.count() == 1
    model.setData(model.index(1, 2), "3")
    assert session.undo_stack.count() == 2
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert model.index(0, 2).data() == before


def test_an_amount_must_be_a_number(session, qtbot) -> None:
    model = TableModel(session, "three_public")
    ix = model.index(0, 2)
    before = ix.data()
    with qtbot.waitSignal(model.rejected) as blocker:
        assert not model.setData(ix, "十二元")
    assert "不是金额" in blocker.args[2]
    assert ix.data() == before
    assert session.undo_stack.count() == 0
    assert model.setData(ix, "1,234.50")  # separators are fine
    assert model.setData(ix, "")  # so is blank


def test_findings_colour_cells_and_a_fix_clears_them(error_session) -> None:
    """errors/003 (truth): 人员经费 of row 2 was changed 419.32 → 419.62."""
    model = TableModel(error_session, "basic_expense_economic")
    column = spec("basic_expense_economic").columns.index("人员经费")
    ix = model.index(2, column)
    assert ix.data() == "419.62"
    assert ix.data(SEVERITY_ROLE) == "error"
    assert ix.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "错误" in ix.data(Qt.ItemDataRole.ToolTipRole)
    assert model.setData(ix, "419.32")
    assert ix.data(SEVERITY_ROLE) is None
    assert not _findings_at(error_session, "basic_expense_economic", 2)
    error_session.undo_stack.undo()
    assert ix.data(SEVERITY_ROLE) == "error"
    assert _findings_at(error_session, "basic_expense_economic", 2)


def _findings_at(session: DocumentSession, table: str, row: int) -> list[Finding]:
    return [
        f
        for f in session.findings
        if f.severity == "error"
        and any(loc.form is None and loc.table == table and loc.row == row for loc in f.locations)
    ]


# --- the grid view: keys, copy and paste -----------------------------------------------------


@pytest.fixture
def sheet(qtbot, session) -> SheetView:
    view = SheetView()
    view.setModel(TableModel(session, "expense_summary"))
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def _select(view: SheetView, top: int, left: int, bottom: int, right: int) -> None:
    model = view.model()
    view.setCurrentIndex(model.index(top, left))
    view.selectionModel().select(
        QItemSelection(model.index(top, left), model.index(bottom, right)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )


def test_paste_a_3x2_block_is_one_step(sheet, session, qtbot) -> None:
    model = sheet.model()
    before = [[model.index(r, c).data() for c in (2, 3)] for r in (1, 2, 3)]
    _select(sheet, 1, 2, 1, 2)
    QGuiApplication.clipboard().setText(
        "1.00\t2.00\r\n3.00\t4.00\r\n5.00\t6.00\r\n"
    )  # as Excel puts it
    qtbot.keySequence(sheet, "Ctrl+V")
    after = [[model.index(r, c).data() for c in (2, 3)] for r in (1, 2, 3)]
    assert after == [["1.00", "2.00"], ["3.00", "4.00"], ["5.00", "6.00"]]
    assert session.undo_stack.count() == 1
    assert session.undo_stack.undoText().startswith("粘贴 3×2")
    session.undo_stack.undo()
    assert [[model.index(r, c).data() for c in (2, 3)] for r in (1, 2, 3)] == before


def test_a_paste_with_text_in_an_amount_column_changes_nothing(sheet, session) -> None:
    _select(sheet, 1, 2, 1, 2)
    with dialogs.silenced():
        assert not sheet.paste_text("1.00\t2.00\n三\t4.00")
    assert session.undo_stack.count() == 0


def test_one_value_fills_the_selection(sheet, session) -> None:
    _select(sheet, 1, 2, 3, 3)
    assert sheet.paste_text("7.00")
    model = sheet.model()
    assert {model.index(r, c).data() for r in (1, 2, 3) for c in (2, 3)} == {"7.00"}
    assert session.undo_stack.count() == 1


def test_copy_gives_tab_separated_text(sheet) -> None:
    _select(sheet, 0, 0, 1, 2)
    text = sheet.copy_selection()
    model = sheet.model()
    expected = "\n".join("\t".join(model.index(r, c).data() for c in range(3)) for r in range(2))
    assert text == expected
    assert QGuiApplication.clipboard().text() == expected


def test_tsv_round_trip() -> None:
    rows = [["a", "b\tc"], ['say "hi"', "two\nlines"], ["", "1,234.00"]]
    assert from_tsv(to_tsv(rows)) == rows
    assert from_tsv("1\t2\r\n3\t4\r\n") == [["1", "2"], ["3", "4"]]
    assert from_tsv("") == [[""]]


def test_excel_keys(sheet, session, qtbot) -> None:
    model = sheet.model()
    sheet.setFocus()
    sheet.setCurrentIndex(model.index(1, 2))
    qtbot.keyClick(sheet, Qt.Key.Key_Return)
    assert (sheet.currentIndex().row(), sheet.currentIndex().column()) == (2, 2)
    qtbot.keyClick(sheet, Qt.Key.Key_Tab)
    assert (sheet.currentIndex().row(), sheet.currentIndex().column()) == (2, 3)
    # Typing replaces the cell; Enter commits and moves down.
    qtbot.keyClick(sheet, "8")  # the first key opens the editor on it...
    editor = sheet.focusWidget()
    qtbot.keyClicks(editor, "8")  # ...and the next go to the editor
    assert editor is not sheet and editor.text() == "88"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.index(2, 3).data() == "88")
    assert (sheet.currentIndex().row(), sheet.currentIndex().column()) == (3, 3)
    # F2 edits the current text.
    qtbot.keyClick(sheet, Qt.Key.Key_F2)
    editor = sheet.focusWidget()
    assert editor is not sheet and editor.text() == model.index(3, 3).data()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    # Tab while editing commits and moves right.
    qtbot.keyClicks(sheet, "5")
    qtbot.keyClick(sheet.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: model.index(3, 3).data() == "5")
    assert (sheet.currentIndex().row(), sheet.currentIndex().column()) == (3, 4)
    # Delete clears the selection in one step.
    count = session.undo_stack.count()
    _select(sheet, 2, 3, 3, 3)
    qtbot.keyClick(sheet, Qt.Key.Key_Delete)
    assert model.index(2, 3).data() == "" and model.index(3, 3).data() == ""
    assert session.undo_stack.count() == count + 1


def test_a_refused_entry_keeps_the_editor_open(sheet, session, qtbot) -> None:
    model = sheet.model()
    sheet.setFocus()
    sheet.setCurrentIndex(model.index(1, 2))
    before = model.index(1, 2).data()
    with qtbot.waitSignal(sheet.message) as blocker:
        qtbot.keyClick(sheet, "a")
        qtbot.keyClicks(sheet.focusWidget(), "bc")
        qtbot.keyClick(sheet.focusWidget(), Qt.Key.Key_Return)
    assert "不是金额" in blocker.args[0]
    qtbot.waitUntil(lambda: sheet.focusWidget() is not sheet)
    assert model.index(1, 2).data() == before
    editor = sheet.focusWidget()
    assert editor is not sheet and editor.text() == "abc"
    assert (sheet.currentIndex().row(), sheet.currentIndex().column()) == (1, 2)


# --- rows and indicators -------------------------------------------------------------------


def test_rows_are_added_and_removed_in_project_tables_only(session) -> None:
    projects = TableModel(session, "project_expense_current")
    n = projects.rowCount()
    assert projects.can_change_rows()
    assert projects.insert_row(1)
    assert projects.rowCount() == n + 1
    assert projects.index(1, 0).data() == ""
    assert projects.setData(projects.index(1, 0), "新项目")
    assert projects.index(1, 0).data(EDITED_ROLE)
    assert "原印刷值：（空）" in projects.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert projects.remove_rows([1, 2])
    assert projects.rowCount() == n - 1
    for _ in range(3):
        session.undo_stack.undo()
    assert projects.rowCount() == n
    assert not TableModel(session, "three_public").can_change_rows()
    assert not TableModel(session, "three_public").insert_row(0)


def test_indicators_are_added_and_removed(session) -> None:
    model = IndicatorsModel(session)
    n = model.rowCount()
    assert model.insert_row(2)
    assert model.rowCount() == n + 1
    # A new indicator continues the block above it.
    assert model.index(2, 0).data() == model.index(1, 0).data()
    assert model.setData(model.index(2, 2), "新指标")
    assert model.remove_rows([0])
    assert model.rowCount() == n
    for _ in range(3):
        session.undo_stack.undo()
    assert model.rowCount() == n
    assert (
        model.index(2, 2).data() == session.document.performance_forms[0].indicators[2].level3.value
    )


def test_form_editor_edits_a_field(qtbot, session) -> None:
    editor = FormEditor(session)
    qtbot.addWidget(editor)
    editor.set_form("form", 1)
    form = session.document.performance_forms[1]
    assert form.value("project_name") in editor.title.text()
    row = editor.fields.position_of(FieldRef("form", 1, "annual_total"))[0]
    ix = editor.fields.index(row, 1)
    assert not editor.fields.setData(ix, "四十八万")  # an amount field
    assert editor.fields.setData(ix, "480,000")
    assert form.value("annual_total") == "480,000"
    assert editor.view_for(IndicatorRef("form", 1, 0, "level3"))[0] is editor.indicators_view


# --- the narrative editor ------------------------------------------------------------------


def test_narrative_typing_is_one_undo_step(qtbot, error_session) -> None:
    editor = NarrativeEditor(error_session)
    qtbot.addWidget(editor)
    section = next(i for i, s in enumerate(error_session.document.narrative) if s.text.value)
    editor.set_section(section)
    before = error_session.document.narrative[section].text.value
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, "ab")
    assert error_session.document.narrative[section].text.value == before + "ab"
    assert error_session.undo_stack.count() == 1
    error_session.undo_stack.undo()
    assert editor.text.toPlainText() == before
    assert error_session.document.narrative[section].text.value == before


def test_narrative_figures_with_findings_are_marked(qtbot, error_session) -> None:
    spans = [
        (loc.section_index, loc.start, f)
        for f in error_session.findings
        for loc in f.locations
        if loc.section_index is not None and loc.start is not None
    ]
    assert spans, "the validator reports narrative figures on errors/003"
    section, start, finding = spans[0]
    editor = NarrativeEditor(error_session)
    qtbot.addWidget(editor)
    editor.set_section(section)
    marks = editor.text.extraSelections()
    assert marks
    assert any(m.cursor.selectionStart() == start for m in marks)
    assert finding in [s.finding for s in editor.spans_at(start)]


# --- the findings panel ------------------------------------------------------------------


def test_findings_panel_counts_filters_and_steps(qtbot, error_session) -> None:
    panel = FindingsPanel(error_session)
    qtbot.addWidget(panel)
    counts = error_session.index.counts()
    assert panel.buttons["error"].text() == f"错误 {counts['error']}"
    panel.buttons["info"].setChecked(False)
    panel.buttons["warning"].setChecked(False)
    assert panel.proxy.rowCount() == counts["error"]
    with qtbot.waitSignal(panel.finding_selected) as blocker:
        first = panel.step(1)
    assert blocker.args[0] is first
    assert first.severity == "error"
    second = panel.step(1)
    assert second is not first
    assert panel.step(-1) is first
    last = panel.step(-1)  # wraps around
    assert panel.view.currentIndex().row() == panel.proxy.rowCount() - 1
    assert last.severity == "error"
    panel.search.setText("三公")
    assert 0 < panel.proxy.rowCount() < counts["error"]
    assert "显示" in panel.summary.text()


# --- plain helpers ----------------------------------------------------------------------


def test_finding_index_and_location_refs() -> None:
    f = Finding(
        "P08", "warning", "指标值无法衡量", (Location(form=1, field="indicators[7].value_period"),)
    )
    g = Finding(
        "T04", "error", "合计不符", (Location(table="expense_summary", row=2, column="合计"),)
    )
    h = Finding("T02", "info", "舍入", (Location(table="expense_summary", row=2),))
    index = FindingIndex([f, g, h])
    assert location_ref(None, f.locations[0]) == IndicatorRef("form", 1, 7, "value_period")
    assert location_ref(None, g.locations[0]) == CellRef(
        "expense_summary", 2, spec("expense_summary").columns.index("合计")
    )
    assert index.for_indicator("form", 1, 7, "value_period") == [f]
    assert index.for_indicator("form", 1, 7, "value_annual") == []
    assert index.for_cell("expense_summary", 2, "合计") == [g, h]  # the cell, and its row
    assert worst(index.for_cell("expense_summary", 2, "合计")) == "error"
    assert index.counts(("table", "expense_summary")) == {"error": 1, "info": 1}
    assert index.counts(("form", 1)) == {"warning": 1}


def test_source_index_finds_the_smallest_box() -> None:
    doc = truth_doc("lo/003")
    table = doc.tables["three_public"]
    table.rows[0].cells[2].source = SourceRef(7, (300.0, 200.0, 330.0, 210.0))
    doc.narrative[0].paragraphs[0].source = SourceRef(7, (40.0, 100.0, 550.0, 400.0))
    index = SourceIndex(doc)
    assert index.hit(7, 310, 205) == CellRef("three_public", 0, 2)
    assert index.hit(7, 100, 150) == ParagraphRef(0, 0)
    assert index.hit(8, 310, 205) is None


def test_paragraphs_of_a_span() -> None:
    doc = truth_doc("lo/003")
    section = next(s for s in doc.narrative if len(s.paragraphs) >= 2)
    first = section.text.value.split("\n")[0]
    assert paragraphs_of_span(section, 0, 2) == {0}
    assert paragraphs_of_span(section, len(first) + 1, len(first) + 3) == {1}


def test_settings_are_declared_once_and_typed(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    s = Settings(path)
    assert s.value(PDF_ZOOM) == 1.0 and s.value(PDF_FIT_WIDTH) is True
    s.set_value(PDF_ZOOM, 1.75)
    s.set_value(PDF_FIT_WIDTH, False)
    s.sync()
    again = Settings(path)
    assert again.value(PDF_ZOOM) == 1.75
    assert again.value(PDF_FIT_WIDTH) is False
    assert again.value(SPLITTER_MAIN).isEmpty()
    # Another release's format: back to the defaults.
    other = tmp_path / "other.ini"
    other.write_text("[General]\nformat_version=99\n\n[pdf]\nzoom=1.75\n", encoding="utf-8")
    assert Settings(other).value(PDF_ZOOM) == 1.0


def test_messages_can_be_silenced(qtbot) -> None:
    with dialogs.silenced(answer=dialogs.DISCARD) as shown:
        dialogs.show_error(None, "标题", "内容", "细节")
        assert dialogs.ask_save_changes(None, "a.pdf", can_save=False) == dialogs.DISCARD
    with dialogs.silenced(answer="budget2024") as more:
        assert dialogs.ask_password(None, "a.pdf") == "budget2024"
    assert [m.kind for m in shown] == ["error", "question"]
    assert shown[0].details == "细节"
    assert [m.kind for m in more] == ["password"]


def test_session_rejects_an_edit_that_does_not_fit(session, qtbot) -> None:
    with qtbot.waitSignal(session.edit_rejected):
        assert not session.push(
            [SetValue(CellRef("three_public", 0, 2), "not the value", "1")], "x"
        )
    assert session.undo_stack.count() == 0
    assert session.push(
        [SetValue(SectionRef(0), session.document.narrative[0].text.value, "新")], "y"
    )


# --- the import worker and the application ---------------------------------------------


def test_import_worker_reports_through_signals(qtbot) -> None:
    doc = truth_doc("lo/003")

    def load(path, password, progress, cancel):
        progress(1, 4, "识别表格")
        return doc

    job = ImportJob(Path("x.pdf"), None, lambda d: [], loader=load)
    progress: list[tuple] = []
    job.progress.connect(lambda *args: progress.append(args))
    with qtbot.waitSignal(job.finished) as blocker:
        job.start()
    assert blocker.args[0] is doc
    assert progress[0] == (1, 5, "识别表格")  # one more step: the checks
    assert job.wait(5_000)


def test_import_worker_failure_and_cancel(qtbot) -> None:
    def broken(path, password, progress, cancel):
        raise ValueError("坏文件")

    job = ImportJob(Path("x.pdf"), None, lambda d: [], loader=broken)
    with qtbot.waitSignal(job.failed) as blocker:
        job.start()
    assert isinstance(blocker.args[0], ValueError)
    assert "ValueError" in blocker.args[1]
    assert job.wait(5_000)

    def slow(path, password, progress, cancel):
        progress(0, 4, "读取页面")
        while not cancel():
            time.sleep(0.005)
        raise ImportCancelled()

    job = ImportJob(Path("x.pdf"), None, lambda d: [], loader=slow)
    with qtbot.waitSignal(job.progress):
        job.start()
    with qtbot.waitSignal(job.cancelled):
        job.cancel()
    assert job.wait(5_000)


def test_the_shipped_cjk_font_is_the_application_font(qapp) -> None:
    assert resource_path(*FONT_FILE).is_file()
    family = load_cjk_font(qapp)
    assert family is not None and "WenQuanYi" in family
    assert QFontMetrics(qapp.font()).inFontUcs4(ord("预"))


def test_many_signal_emits_do_not_exhaust_true(qtbot) -> None:
    """PySide6 6.12.0 on CPython 3.11 drops a reference to True on every emit from
    Python; without gui.pyside_fixes the interpreter aborts after a few thousand."""
    session = DocumentSession()
    before = sys.getrefcount(True)
    for _ in range(50_000):
        session.findings_changed.emit()
    assert sys.getrefcount(True) > 0
    if pyside_fixes.APPLIED:
        assert before - sys.getrefcount(True) <= 50_000  # dropped, but far from zero
