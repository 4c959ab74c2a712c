"""The project file in the window (gui/project_file.py, gui/session.py, gui/audit_view.py,
gui/export_actions.py): nothing is lost, damaged files are left alone.

lo/003 is imported once per test session (conftest.imported); projects, settings and the
recent-files list live in tmp_path; message boxes and file choosers are silenced
(dialogs.silenced answers them).
"""

from __future__ import annotations

import copy
import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, corpus_pdf, imported
from PySide6.QtCore import Qt

from core.edits import CellRef, FieldRef, SetValue, current_value, printed_value
from core.errors import ProjectReadOnlyError
from core.store import Project, access
from gui import dialogs
from gui.audit_view import NEW, OLD, PLACE, PRINTED
from gui.main_window import PAGE_FORM, PAGE_TABLE, MainWindow
from gui.settings import Settings

pytestmark = pytest.mark.gui

PDF = corpus_pdf("lo", "003")
INCOME_TOTAL = CellRef("income_summary", 0, 2)  # printed 4981.70
INCOME_GENERAL = CellRef("income_summary", 0, 3)  # printed 4981.70
FORM_TARGET = FieldRef("form", 0, "goal_annual")


def doc_copy():
    return copy.deepcopy(imported("lo", "003"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_window(qtbot, tmp_path: Path) -> MainWindow:
    w = MainWindow(Settings(tmp_path / "settings.ini"))
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    return w


def close(w: MainWindow) -> None:
    with dialogs.silenced(answer=dialogs.DISCARD):
        w.close()
    w.deleteLater()


@pytest.fixture
def window(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    yield w
    close(w)


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "projects" / "兴县财政局.bwproj"
    path.parent.mkdir()
    Project.create(path, PDF, doc_copy()).close()
    return path


def open_project(window: MainWindow, path: Path) -> None:
    with dialogs.silenced() as shown:
        assert window.open_file(path)
    assert shown == []
    assert window.session.project is not None


def set_value(window: MainWindow, ref: CellRef | FieldRef, value: str) -> None:
    old = current_value(window.session.document, ref)
    assert window.session.push([SetValue(ref, old, value)], "修改", merge_key=ref)


# --- 保存, close, reopen ------------------------------------------------------------------


def test_save_an_edited_pdf_as_a_project_then_reopen_it(qtbot, tmp_path) -> None:
    first = make_window(qtbot, tmp_path)
    first.show_document(doc_copy(), path=PDF, pdf_path=PDF)
    assert first.windowTitle().startswith("003.pdf")
    model = first.table_editor.model("income_summary")
    first.select_ref(INCOME_TOTAL)
    assert model.setData(first.table_editor.view.currentIndex(), "4991.70")
    assert first.isWindowModified()
    # The log view has no log yet and says why (and offers to save).
    first.audit_dock.show()
    assert first.audit_view.pages.currentIndex() == 1
    assert first.audit_view.save_button.isVisibleTo(first.audit_view)

    target = tmp_path / "saved" / "兴县"
    target.parent.mkdir()
    with dialogs.silenced(files=[target]) as shown:
        first.save_action.trigger()
    assert [m.kind for m in shown] == ["save-as"]
    project_path = target.with_name("兴县.bwproj")  # the extension is added
    assert project_path.exists()
    # Project-backed now: nothing to lose, the clerk stays on the cell.
    assert first.session.project is not None
    assert not first.isWindowModified() and not first.session.is_modified()
    assert first.windowTitle().startswith("兴县[*] — ")
    assert first.editor_stack.currentIndex() == PAGE_TABLE
    assert first.table_editor.key == "income_summary"
    # The edit made before saving is in the log, and undoable.
    assert first.audit_view.pages.currentIndex() == 0
    assert first.audit_view.model.rowCount() == 1
    assert first.session.undo_stack.canUndo()

    set_value(first, INCOME_GENERAL, "4991.70")  # an edit after saving: stored at once
    with dialogs.silenced() as shown:
        assert first.close()
    assert shown == []  # nothing would be lost: no question
    first.deleteLater()

    second = make_window(qtbot, tmp_path)
    try:
        open_project(second, project_path)
        doc = second.session.document
        assert current_value(doc, INCOME_TOTAL) == "4991.70"
        assert current_value(doc, INCOME_GENERAL) == "4991.70"
        assert not second.isWindowModified()
        assert "*" not in second.windowTitle().replace("[*]", "")
        assert second.pdf_view.page_count() > 0  # the PDF extracted from the project
        second.audit_dock.show()
        model = second.audit_view.model
        assert model.rowCount() == 2
        newest = model.entry(0)
        assert (newest.old, newest.new, newest.printed) == ("4981.70", "4991.70", "4981.70")
        assert model.index(1, PLACE).data() == INCOME_TOTAL.describe()
        assert second.recent.paths()[0] == project_path
        # Undo reaches across the reopen, and is stored as an edit itself.
        second.undo_action.trigger()
        assert current_value(second.session.document, INCOME_GENERAL) == "4981.70"
        assert [e.kind for e in second.session.project.audit_log()] == ["edit", "edit", "undo"]
    finally:
        close(second)


def test_a_project_opens_from_the_command_line_argument(qtbot, tmp_path, project_file) -> None:
    """run_gui passes argv[0] to open_file: a project opens read-write with its PDF."""
    w = make_window(qtbot, tmp_path)
    try:
        open_project(w, project_file)
        assert w.windowTitle().startswith("兴县财政局[*] — ")
        assert not w.banner.isVisible()
        assert w.save_action.isEnabled()
        with dialogs.silenced() as shown:
            assert w.save()  # 保存 has nothing to do, and says so
        assert shown == []
        assert "已随时保存" in w.statusBar().currentMessage()
    finally:
        close(w)


_KILLED_CHILD = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, sys.argv[1])
from PySide6.QtWidgets import QApplication
app = QApplication([])
from core.edits import CellRef, SetValue
from gui.main_window import MainWindow
from gui.settings import Settings

window = MainWindow(Settings(sys.argv[3]))
window.show()
assert window.open_file(sys.argv[2])
ref = CellRef("income_summary", 0, 2)
assert window.session.push([SetValue(ref, "4981.70", "5000.00")], "修改", merge_key=ref)
print("applied", flush=True)
app.exec()
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_sigkill_right_after_an_edit_in_the_window_loses_nothing(project_file, tmp_path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            _KILLED_CHILD,
            str(ROOT),
            str(project_file),
            str(tmp_path / "s.ini"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "applied"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    with Project.open(project_file) as p:
        assert current_value(p.document, INCOME_TOTAL) == "5000.00"
        [entry] = p.audit_log()
        assert (entry.old, entry.new, entry.kind) == ("4981.70", "5000.00", "edit")


def test_a_copied_project_opens_without_the_original_pdf(window, project_file, tmp_path) -> None:
    elsewhere = tmp_path / "mailed" / "copy.bwproj"
    elsewhere.parent.mkdir()
    with Project.open(project_file) as p:
        p.apply(SetValue(INCOME_TOTAL, "4981.70", "4990.00"))
        p.copy_to(elsewhere)
    project_file.unlink()
    open_project(window, elsewhere)
    assert current_value(window.session.document, INCOME_TOTAL) == "4990.00"
    assert window.pdf_view.page_count() == 26  # lo/003 has 26 pages
    assert window.session.pdf_path is not None and window.session.pdf_path != PDF


# --- damaged, locked, read-only -----------------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda data: data[: len(data) // 2], "损坏"),
        (lambda data: "这不是项目".encode() * 50, "不是预算公开工作台的项目文件"),
        (lambda data: b"", "不是预算公开工作台的项目文件"),
    ],
    ids=["truncated", "not-sqlite", "empty"],
)
def test_a_damaged_project_is_a_clear_message_and_stays_byte_identical(
    window, project_file, damage, expected
) -> None:
    window.show_document(doc_copy(), path=PDF, pdf_path=PDF)
    project_file.write_bytes(damage(project_file.read_bytes()))
    before = sha(project_file)
    with dialogs.silenced() as shown:
        assert not window.open_file(project_file)
    assert [m.kind for m in shown] == ["error"]
    assert expected in shown[0].text and "project" in shown[0].text  # Chinese, then English
    assert sha(project_file) == before
    assert sorted(p.name for p in project_file.parent.iterdir()) == [project_file.name]
    # Nothing else happened: the document shown before is still there.
    assert window.session.document is not None and window.session.project is None


def test_a_newer_project_file_is_refused_and_unchanged(window, project_file) -> None:
    import sqlite3

    from core.store import schema

    conn = sqlite3.connect(project_file)
    conn.execute(f"PRAGMA user_version = {schema.current_version() + 1}")
    conn.commit()
    conn.close()
    before = sha(project_file)
    with dialogs.silenced() as shown:
        assert not window.open_file(project_file)
    assert [m.kind for m in shown] == ["error"]
    assert "较新版本" in shown[0].text
    assert sha(project_file) == before


def test_a_project_open_elsewhere_is_a_clear_message(window, project_file) -> None:
    with Project.open(project_file) as other:
        other.apply(SetValue(INCOME_TOTAL, "4981.70", "4982.00"))
        before = sha(project_file)
        with dialogs.silenced() as shown:
            assert not window.open_file(project_file)
        assert [m.kind for m in shown] == ["error"]
        assert "正被另一个程序打开" in shown[0].text
        assert sha(project_file) == before
    assert window.session.project is None
    open_project(window, project_file)  # free again once the other closed it


def test_a_read_only_project_shows_why_refuses_edits_and_offers_save_as(
    window, project_file, monkeypatch, tmp_path
) -> None:
    reason = ProjectReadOnlyError("文件夹只读（测试）", "read-only folder (test)")
    monkeypatch.setattr(access, "writable", lambda path: reason)
    before = sha(project_file)
    open_project(window, project_file)
    assert window.session.read_only
    assert window.banner.isVisible()
    assert "文件夹只读（测试）" in window.banner_label.text()
    assert "（只读）" in window.windowTitle()
    model = window.table_editor.model("income_summary")
    window.select_ref(INCOME_TOTAL)
    index = window.table_editor.view.currentIndex()
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(index, "1.00")
    assert not window.restore_action.isEnabled()
    assert not window.exports.import_excel_action.isEnabled()
    assert not window.form_editor.insert_button.isEnabled()
    with dialogs.silenced() as shown:
        assert not window.save()  # 保存 offers 另存为 (cancelled here)
    assert [m.kind for m in shown] == ["save-as"]
    assert current_value(window.session.document, INCOME_TOTAL) == "4981.70"
    assert sha(project_file) == before

    # 另存为 (the banner's button) to a writable place: editing carries on there.
    monkeypatch.setattr(access, "writable", lambda path: None)
    copy_path = tmp_path / "可写副本.bwproj"
    with dialogs.silenced(files=[copy_path]):
        window.banner_button.click()
    assert not window.session.read_only and not window.banner.isVisible()
    assert window.windowTitle().startswith("可写副本[*]")
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(index, "4990.00")
    window.session.close_project()
    with Project.open(copy_path) as p:
        assert current_value(p.document, INCOME_TOTAL) == "4990.00"
    assert sha(project_file) == before


# --- the audit log view ----------------------------------------------------------------


@pytest.fixture
def edited_project(project_file: Path) -> Path:
    """Three steps: two table cells and a form field."""
    with Project.open(project_file) as p:
        p.apply(SetValue(INCOME_TOTAL, "4981.70", "4990.00"), reason="核对预算批复")
        p.apply(SetValue(INCOME_GENERAL, "4981.70", "4990.00"))
        old = current_value(p.document, FORM_TARGET)
        p.apply(SetValue(FORM_TARGET, old, "保障机构正常运转"))
    return project_file


def test_the_audit_view_lists_filters_and_jumps(
    window, edited_project, qtbot, qtmodeltester
) -> None:
    open_project(window, edited_project)
    window.audit_action.trigger()
    view = window.audit_view
    assert window.audit_dock.isVisible()
    model = view.model
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert view.count_label.text() == "共 3 条"
    newest = model.entry(0)
    assert newest.ref == FORM_TARGET  # newest first
    assert model.index(2, OLD).data() == "4981.70"
    assert model.index(2, NEW).data() == "4990.00"
    assert model.index(2, PRINTED).data() == "4981.70"
    assert "核对预算批复" in [model.entry(r).reason for r in range(3)]

    # The text filter and the table/form filter.
    view.filter_edit.setText("核对")
    assert model.rowCount() == 1 and model.entry(0).ref == INCOME_TOTAL
    # A form field by its label, as the form editor shows it (not its field name).
    view.filter_edit.setText("总体目标")
    assert model.rowCount() == 1
    assert model.index(0, PLACE).data() == "绩效目标表1 总体目标（年度）"
    view.filter_edit.clear()
    scope = view.scope_combo.findData("table:income_summary")
    assert scope > 0
    view.scope_combo.setCurrentIndex(scope)
    assert {model.entry(r).ref for r in range(model.rowCount())} == {INCOME_TOTAL, INCOME_GENERAL}
    assert view.count_label.text() == "2 / 3 条"
    view.scope_combo.setCurrentIndex(view.scope_combo.findData("form:0"))
    assert model.rowCount() == 1
    qtmodeltester.check(model)
    view.scope_combo.setCurrentIndex(0)

    # Double-click: the cell is selected in its editor and its printed box drawn.
    row = model.row_of(
        next(model.entry(r).seq for r in range(3) if model.entry(r).ref == INCOME_GENERAL)
    )
    rect = view.table.visualRect(model.index(row, PLACE))
    # (a press first: an item view takes a double-click only on the item pressed)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.editor_stack.currentIndex() == PAGE_TABLE
    table_view = window.table_editor.view
    assert (
        table_view.sheet().ref(table_view.currentIndex().row(), table_view.currentIndex().column())
        == INCOME_GENERAL
    )
    cell = window.session.document.tables["income_summary"].rows[0].cells[3]
    [item] = window.pdf_view.highlight_items()
    assert item.rect() == window.pdf_view.source_rect(cell.source)
    # A form field entry opens the form.
    assert window.go_to_entry(newest)
    assert window.editor_stack.currentIndex() == PAGE_FORM


def test_reasons_are_stored_and_the_log_exports(window, edited_project, tmp_path) -> None:
    open_project(window, edited_project)
    window.audit_dock.show()
    view = window.audit_view
    view.select_seq(view.model.entry(0).seq)
    with dialogs.silenced(answer="单位来函更正") as shown:
        assert view.edit_reason()
    assert [m.kind for m in shown] == ["text"]
    assert view.model.entry(0).reason == "单位来函更正"
    out = tmp_path / "修改记录"
    with dialogs.silenced(files=[out]):
        assert view.export()
    import openpyxl

    book = openpyxl.load_workbook(out.with_suffix(".xlsx"), read_only=True)
    text = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c)
    book.close()
    assert "单位来函更正" in text and "核对预算批复" in text
    window.session.close_project()
    with Project.open(edited_project) as p:
        assert [e.reason for e in p.audit_log()][-1] == "单位来函更正"


# --- restore, Excel, PDF ------------------------------------------------------------------


def test_restore_to_printed_is_one_undo_step(window, project_file, qtbot) -> None:
    open_project(window, project_file)
    set_value(window, INCOME_TOTAL, "1.00")
    set_value(window, INCOME_GENERAL, "2.00")
    view = window.table_editor.view
    window.select_ref(INCOME_TOTAL)
    model = view.model()
    view.selectionModel().select(model.index(0, 3), view.selectionModel().SelectionFlag.Select)
    steps = window.session.undo_stack.count()
    view.setFocus()
    qtbot.keySequence(view, "Ctrl+R")  # the window's 恢复印刷值
    doc = window.session.document
    assert current_value(doc, INCOME_TOTAL) == printed_value(doc, INCOME_TOTAL) == "4981.70"
    assert current_value(doc, INCOME_GENERAL) == "4981.70"
    assert window.session.undo_stack.count() == steps + 1
    log = window.session.project.audit_log()
    assert [e.kind for e in log[-2:]] == ["restore", "restore"]
    assert len({e.step for e in log[-2:]}) == 1  # one step in the file too
    window.undo_action.trigger()
    assert (current_value(doc, INCOME_TOTAL), current_value(doc, INCOME_GENERAL)) == (
        "1.00",
        "2.00",
    )


def test_excel_import_is_one_undo_step_recorded_as_such(window, project_file, tmp_path) -> None:
    from core.edits import apply_edit
    from core.export.excel import export_workbook

    open_project(window, project_file)
    corrected = copy.deepcopy(window.session.document)
    changes = [
        SetValue(INCOME_TOTAL, "4981.70", "4990.00"),
        SetValue(INCOME_GENERAL, "4981.70", "4990.00"),
    ]
    for e in changes:
        apply_edit(corrected, e)
    workbook = export_workbook(corrected, [], tmp_path / "改正.xlsx")
    steps = window.session.undo_stack.count()
    with dialogs.silenced(files=[workbook]) as shown:
        window.exports.import_excel_action.trigger()
    assert [m.kind for m in shown] == ["open"]
    doc = window.session.document
    assert current_value(doc, INCOME_TOTAL) == current_value(doc, INCOME_GENERAL) == "4990.00"
    assert window.session.undo_stack.count() == steps + 1
    log = window.session.project.audit_log()
    assert [e.kind for e in log] == ["excel_import"] * len(changes)
    window.undo_action.trigger()
    assert current_value(doc, INCOME_TOTAL) == current_value(doc, INCOME_GENERAL) == "4981.70"
    # A workbook of another document changes nothing and says why.
    other = doc_copy()
    other.tables["income_summary"].rows.pop()
    bad = export_workbook(other, [], tmp_path / "别的文件.xlsx")
    with dialogs.silenced(files=[bad]) as shown:
        assert not window.exports.import_excel()
    assert [m.kind for m in shown] == ["open", "error"]
    assert "工作簿已过时" in shown[1].text
    assert current_value(doc, INCOME_TOTAL) == "4981.70"


def test_export_pdf_runs_in_a_worker(window, qtbot, tmp_path) -> None:
    window.show_document(doc_copy(), path=PDF, pdf_path=PDF)
    errors = sum(f.severity == "error" for f in window.session.findings)
    target = tmp_path / "规范.pdf"
    with dialogs.silenced(answer=dialogs.YES, files=[target]) as shown:
        with qtbot.waitSignal(window.exports.pdf_export_ended, timeout=60_000):
            assert window.exports.export_pdf()
            assert not window.exports.export_pdf_action.isEnabled()  # one at a time
    assert [m.kind for m in shown] == (["question", "save-as"] if errors else ["save-as"])
    assert target.read_bytes().startswith(b"%PDF")
    assert "已导出 规范.pdf" in window.statusBar().currentMessage()
    assert window.exports.export_pdf_action.isEnabled()
    # The source PDF is never overwritten.
    before = sha(PDF)
    with dialogs.silenced(answer=dialogs.YES, files=[PDF]) as shown:
        assert not window.exports.export_pdf()
    assert shown[-1].kind == "error"
    assert sha(PDF) == before


def test_new_project_imports_then_asks_where(window, qtbot, tmp_path) -> None:
    pdf_copy = tmp_path / "兴县.pdf"
    pdf_copy.write_bytes(PDF.read_bytes())
    project_path = tmp_path / "兴县.bwproj"
    with dialogs.silenced(files=[pdf_copy, project_path]) as shown:
        with qtbot.waitSignal(window.document_loaded, timeout=120_000):
            window.projects.new_action.trigger()
        qtbot.waitUntil(lambda: window.session.project is not None, timeout=10_000)
    assert [m.kind for m in shown] == ["open", "save-as"]
    assert window.session.project.path == project_path
    assert not window.isWindowModified()
    pdf_copy.unlink()  # the project holds the PDF
    window.session.close_project()
    with Project.open(project_path) as p:
        assert p.source_name == "兴县.pdf" and len(p.document.tables) == 13


def test_recent_files_menu_reopens(window, project_file) -> None:
    open_project(window, project_file)
    window.show_document(doc_copy(), path=PDF, pdf_path=PDF)  # closes the project
    assert window.session.project is None
    window.projects.fill_recent_menu()
    actions = [a for a in window.projects.recent_menu.actions() if a.toolTip() == str(project_file)]
    assert len(actions) == 1
    with dialogs.silenced() as shown:
        actions[0].trigger()
    assert shown == []
    assert window.session.project is not None and window.session.project.path == project_file


def test_typing_merges_into_one_undo_step_over_stored_edits(window, project_file) -> None:
    open_project(window, project_file)
    model = window.table_editor.model("income_summary")
    window.select_ref(INCOME_TOTAL)
    index = window.table_editor.view.currentIndex()
    for text in ("1", "12", "12.5"):
        assert model.setData(index, text)
    stack = window.session.undo_stack
    assert stack.count() == 1  # one step for the clerk…
    project = window.session.project
    assert [e.new for e in project.audit_log()] == ["1", "12", "12.5"]  # …each on disk
    stack.undo()
    assert index.data() == "4981.70"
    assert [e.kind for e in project.audit_log()][3:] == ["undo"] * 3
    stack.redo()
    assert index.data() == "12.5"
    # Typed back to where it started: still a step, since its edits are in the file.
    assert model.setData(index, "4981.70")
    assert stack.count() == 1 and stack.canUndo()
    stack.undo()
    assert index.data() == "4981.70" and not project.can_undo
    window.session.close_project()
    with Project.open(project_file) as p:
        assert current_value(p.document, INCOME_TOTAL) == "4981.70"
