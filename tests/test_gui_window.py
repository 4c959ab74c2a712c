"""The workbench window (gui/main_window.py) on real corpus PDFs.

One test opens a PDF the way the clerk does (first page at once, parse in the worker);
the others show a document imported once per test session (conftest.imported) beside its
PDF, so they stay quick. Settings live in tmp_path; message boxes are silenced.
"""

from __future__ import annotations

import copy
import json
import sys
import traceback

import pytest
from conftest import CORPUS, corpus_pdf, imported
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication

from core.catalog import spec
from core.edits import CellRef, FieldRef, SectionRef, SetValue
from core.validation.findings import Finding
from gui import dialogs
from gui.app import show_exception
from gui.main_window import PAGE_FORM, PAGE_SECTION, PAGE_TABLE, MainWindow
from gui.settings import Settings
from gui.style import SEVERITY_PEN

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(Settings(tmp_path / "settings.ini"))
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    # Closed here rather than by qtbot: an edited document asks first.
    with dialogs.silenced(answer=dialogs.DISCARD):
        w.close()
    w.deleteLater()


def show(window: MainWindow, kind: str, seed: str) -> None:
    """Show an imported corpus document (a private copy) beside its PDF."""
    doc = copy.deepcopy(imported(kind, seed))
    window.show_document(doc, path=corpus_pdf(kind, seed), pdf_path=corpus_pdf(kind, seed))


def rect_colour(item) -> str:
    return item.pen().color().name()


# --- opening a file --------------------------------------------------------------------


def test_open_a_pdf_first_page_then_parse_in_a_worker(window, qtbot) -> None:
    path = corpus_pdf("chrome", "003")
    with qtbot.waitSignal(window.pdf_view.first_page_shown, timeout=10_000):
        assert window.open_file(path)
    # The page is on screen while the worker parses.
    assert window.session.document is None
    assert window.is_loading()
    assert window.pdf_view.page_count() > 10
    assert not window.pdf_view._pixmap_items[0].pixmap().isNull()
    assert window.progress.isVisible()
    with qtbot.waitSignal(window.document_loaded, timeout=180_000):
        pass
    qtbot.waitUntil(lambda: not window.is_loading(), timeout=10_000)
    doc = window.session.document
    assert doc is not None and len(doc.tables) == 13
    assert window.editor_stack.currentIndex() == PAGE_TABLE
    assert window.navigator_model.rowCount(window.navigator_model.index(0, 0)) == 13
    assert not window.progress.isVisible()
    assert window.windowTitle().startswith("003.pdf")


def test_cancel_while_parsing(window, qtbot) -> None:
    with qtbot.waitSignal(window.pdf_view.first_page_shown, timeout=10_000):
        window.open_file(corpus_pdf("lo", "003"))
    qtbot.waitUntil(lambda: window._job is not None and window._job.is_running(), timeout=5_000)
    window.cancel_button.click()
    qtbot.waitUntil(lambda: not window.is_loading(), timeout=120_000)
    assert window.session.document is None
    assert window.pdf_view.page_count() == 0


def test_closing_while_parsing_ends_the_worker(qtbot, tmp_path) -> None:
    w = MainWindow(Settings(tmp_path / "settings.ini"))
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.pdf_view.first_page_shown, timeout=10_000):
        w.open_file(corpus_pdf("lo", "001"))
    qtbot.waitUntil(lambda: w._job is not None and w._job.is_running(), timeout=5_000)
    thread = w._job.thread
    assert w.close()
    assert not thread.isRunning()
    w.deleteLater()


@pytest.mark.parametrize("name", ["notapdf.pdf", "empty.pdf", "truncated.pdf"])
def test_a_broken_file_is_a_clear_message(window, qtbot, name) -> None:
    with dialogs.silenced() as shown:
        window.open_file(CORPUS / "broken" / name)
        qtbot.waitUntil(lambda: not window.is_loading(), timeout=120_000)
    if window.session.document is None:
        assert [m.kind for m in shown] == ["error"]
        assert shown[0].text  # the importer's Chinese message
    assert window.isVisible()


def test_an_encrypted_pdf_asks_for_the_password(window, qtbot) -> None:
    with dialogs.silenced(answer="budget2024") as shown:
        with qtbot.waitSignal(window.document_loaded, timeout=180_000):
            window.open_file(CORPUS / "broken" / "encrypted.pdf")
    assert [m.kind for m in shown] == ["password"]
    assert window.pdf_view.page_count() > 0
    assert len(window.session.document.tables) == 13


# --- provenance both ways ------------------------------------------------------------------


def test_selecting_a_cell_draws_its_printed_box(window, qtbot) -> None:
    show(window, "errors", "003")
    doc = window.session.document
    column = spec("basic_expense_economic").columns.index("人员经费")
    cell = doc.tables["basic_expense_economic"].rows[2].cells[column]
    assert cell.source is not None
    assert window.select_ref(CellRef("basic_expense_economic", 2, column))
    assert window.editor_stack.currentIndex() == PAGE_TABLE
    items = window.pdf_view.highlight_items()
    assert len(items) == 1
    rect = items[0].rect()
    assert rect == window.pdf_view.source_rect(cell.source)
    page = window.pdf_view.page_rect(cell.source.page)
    x0, top, x1, bottom = cell.source.bbox
    assert rect.left() == pytest.approx(page.left() + x0 - 2.0)
    assert rect.top() == pytest.approx(page.top() + top - 2.0)
    assert rect.width() == pytest.approx(x1 - x0 + 4.0)
    # An injected error: red, and scrolled into view.
    assert rect_colour(items[0]) == QColor(SEVERITY_PEN["error"]).name()
    visible = window.pdf_view.mapToScene(window.pdf_view.viewport().rect()).boundingRect()
    assert visible.intersects(rect)
    # A cell without a finding: the selection colour.
    table = doc.tables["basic_expense_economic"]
    clean = next(
        r
        for r in range(len(table.rows))
        if table.rows[r].cells[column].source is not None
        and not window.session.index.for_cell("basic_expense_economic", r, "人员经费")
    )
    window.select_ref(CellRef("basic_expense_economic", clean, column))
    assert (
        rect_colour(window.pdf_view.highlight_items()[0])
        == QColor(SEVERITY_PEN["selection"]).name()
    )


def test_clicking_a_printed_value_selects_its_cell(window, qtbot) -> None:
    show(window, "errors", "003")
    doc = window.session.document
    column = spec("three_public").columns.index("合计")
    source = doc.tables["three_public"].rows[5].cells[column].source
    window.pdf_view.go_to_page(source.page)
    qtbot.wait(50)
    rect = window.pdf_view.source_rect(source)
    window.pdf_view.ensureVisible(rect)
    point: QPoint = window.pdf_view.mapFromScene(rect.center())
    qtbot.mouseClick(window.pdf_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.editor_stack.currentIndex() == PAGE_TABLE
    view = window.table_editor.view
    assert view.model().key == "three_public"
    assert (view.currentIndex().row(), view.currentIndex().column()) == (5, column)
    nav = window.navigator_model.key(window.navigator.currentIndex())
    assert nav == ("table", "three_public")


def test_a_finding_goes_to_its_cell_and_draws_every_place(window, qtbot) -> None:
    show(window, "errors", "003")
    window.findings_panel.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F8)
    finding = window.findings_panel.current_finding()
    assert finding is not None
    assert finding is window.session.findings[0]
    items = window.pdf_view.highlight_items()
    assert items
    colour = QColor(SEVERITY_PEN[finding.severity]).name()
    assert {rect_colour(i) for i in items} == {colour}
    loc = finding.locations[0]
    if loc.table is not None and loc.form is None:
        view = window.table_editor.view
        assert view.model().key == loc.table
        assert view.currentIndex().row() == loc.row
    panel = window.findings_panel
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert panel.view.currentIndex().row() == 1
    qtbot.keyClick(window, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert panel.view.currentIndex().row() == 0
    qtbot.keyClick(window, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert panel.view.currentIndex().row() == panel.proxy.rowCount() - 1  # wraps around


def test_a_narrative_finding_marks_the_quoted_figure(window, qtbot) -> None:
    show(window, "errors", "003")
    doc = window.session.document
    finding = next(
        f
        for f in window.session.findings
        if f.locations and f.locations[0].section_index is not None
    )
    loc = finding.locations[0]
    window.go_to_finding(finding)
    assert window.editor_stack.currentIndex() == PAGE_SECTION
    cursor = window.narrative_editor.text.textCursor()
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (loc.start, loc.end)
    items = window.pdf_view.highlight_items()
    assert items
    # Narrowed from the paragraph to the figure, inside the paragraph's box.
    section = doc.narrative[loc.section_index]
    paragraph = window.pdf_view.source_rect(section.paragraphs[0].source)
    figure = items[0].rect()
    assert paragraph.contains(figure.center())
    assert figure.height() < paragraph.height()


def test_a_form_field_is_edited_and_shown_on_the_page(window, qtbot) -> None:
    show(window, "errors", "003")
    doc = window.session.document
    assert doc.performance_forms
    field = doc.performance_forms[1].fields["annual_total"]
    window.select_ref(FieldRef("form", 1, "annual_total"))
    assert window.editor_stack.currentIndex() == PAGE_FORM
    items = window.pdf_view.highlight_items()
    if field.source is not None:
        assert items and items[0].rect() == window.pdf_view.source_rect(field.source)
    fields = window.form_editor.fields
    row, col = fields.position_of(FieldRef("form", 1, "annual_total"))
    assert fields.setData(fields.index(row, col), "480,000")
    assert doc.performance_forms[1].value("annual_total") == "480,000"
    assert not [
        f
        for f in window.session.findings
        if f.rule == "P02" and any(loc.form == 1 for loc in f.locations)
    ]


# --- editing ----------------------------------------------------------------------


def _errors_at(window: MainWindow, table: str, row: int) -> list[Finding]:
    return [
        f
        for f in window.session.findings
        if f.severity == "error"
        and any(loc.form is None and loc.table == table and loc.row == row for loc in f.locations)
    ]


def test_fix_an_injected_error_then_undo(window, qtbot) -> None:
    """errors/003: 基本支出经济科目表 row 2 人员经费 was 419.32, printed 419.62."""
    truth = json.loads((CORPUS / "errors" / "003.truth.json").read_text(encoding="utf-8"))
    error = next(e for e in truth["injected_errors"] if e["table"] == "basic_expense_economic")
    show(window, "errors", "003")
    table, row = error["table"], error["row"]
    column = spec(table).columns.index(error["column"])
    assert _errors_at(window, table, row)
    window.select_ref(CellRef(table, row, column))
    view = window.table_editor.view
    ix = view.model().index(row, column)
    assert ix.data() == error["now"]
    assert ix.data(Qt.ItemDataRole.BackgroundRole) is not None
    # Type the value back, as the clerk would.
    view.setFocus()
    qtbot.keyClick(view, error["was"][0])
    qtbot.keyClicks(view.focusWidget(), error["was"][1:])
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model().index(row, column).data() == error["was"])
    assert not _errors_at(window, table, row)
    assert view.model().index(row, column).data(Qt.ItemDataRole.BackgroundRole) is None
    assert window.isWindowModified()
    assert "*" in window.windowTitle() or window.isWindowModified()
    window.undo_action.trigger()
    assert view.model().index(row, column).data() == error["now"]
    assert _errors_at(window, table, row)
    assert not window.isWindowModified()
    window.redo_action.trigger()
    assert not _errors_at(window, table, row)


def test_paste_a_3x2_block_in_the_window(window, qtbot) -> None:
    show(window, "chrome", "003")
    window.show_item(("table", "expense_summary"))
    view = window.table_editor.view
    model = view.model()
    view.setFocus()
    view.setCurrentIndex(model.index(3, 2))
    QGuiApplication.clipboard().setText("1.00\t2.00\n3.00\t4.00\n5.00\t6.00\n")
    qtbot.keySequence(view, "Ctrl+V")
    assert [[model.index(r, c).data() for c in (2, 3)] for r in (3, 4, 5)] == [
        ["1.00", "2.00"],
        ["3.00", "4.00"],
        ["5.00", "6.00"],
    ]
    assert window.session.undo_stack.count() == 1
    assert all(
        model.index(r, c).data(Qt.ItemDataRole.UserRole + 10) for r in (3, 4, 5) for c in (2, 3)
    )
    window.undo_action.trigger()
    assert model.index(3, 2).data() != "1.00" or window.session.undo_stack.index() == 0


def test_unsaved_changes_ask_before_closing(window, qtbot) -> None:
    show(window, "chrome", "003")
    old = window.session.document.narrative[0].text.value
    window.session.push([SetValue(SectionRef(0), old, "改过的文字")], "修改")
    assert window.isWindowModified()
    with dialogs.silenced(answer=dialogs.CANCEL) as shown:
        assert not window.close()
    assert [m.kind for m in shown] == ["question"]
    assert window.isVisible()
    with dialogs.silenced(answer=dialogs.DISCARD):
        assert window.close()


def test_layout_is_remembered(qtbot, tmp_path) -> None:
    settings_path = tmp_path / "settings.ini"
    first = MainWindow(Settings(settings_path))
    qtbot.addWidget(first)
    first.resize(760, 700)  # within the offscreen screen (800×800)
    first.show()
    qtbot.waitExposed(first)
    first.main_splitter.setSizes([250, 500])
    first.right_splitter.setSizes([150, 350])
    first.pdf_view.set_zoom(1.5)
    sizes = (first.main_splitter.sizes(), first.right_splitter.sizes())
    first.close()
    second = MainWindow(Settings(settings_path))
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.main_splitter.sizes(), second.right_splitter.sizes()) == sizes
    assert second.size() == first.size()
    assert second.pdf_view.zoom == pytest.approx(1.5)
    assert not second.pdf_view.fit_width
    second.close()


def test_an_unexpected_error_is_shown(qtbot) -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_type, exc, tb = sys.exc_info()
    with dialogs.silenced() as shown:
        show_exception(exc_type, exc, tb)
    assert shown and shown[0].kind == "error"
    assert "RuntimeError: boom" in shown[0].text
    assert "".join(traceback.format_exception(exc_type, exc, tb)) == shown[0].details


def test_zoom_rerenders_sharp(window, qtbot) -> None:
    show(window, "lo", "003")
    item = window.pdf_view._pixmap_items[0]
    width_before = item.pixmap().width()
    window.pdf_view.set_zoom(window.pdf_view.zoom * 2)
    qtbot.waitUntil(lambda: item.pixmap().width() > width_before * 1.8, timeout=5_000)
    # Still one point of the page per scene unit.
    assert item.sceneBoundingRect().width() == pytest.approx(
        window.pdf_view.page_rect(1).width(), rel=0.01
    )
