"""The workbench window (工作台主窗口).

Left: the PDF (:class:`~gui.pdf_view.PdfView`). Right: the navigator and the editor of
the selected item (a table, a performance form, a narrative section). Bottom: the
findings. Selecting a value or a finding draws a rectangle where it was printed;
clicking a printed value selects it. Opening a file shows its first page at once and
parses it in a worker thread (progress bar, cancel).

The window is given what it uses: the settings, the document session (the session
holds the document, the findings and the undo stack; the project file plugs in there) and
the recent-files list. The 文件 menu's project part is :mod:`gui.project_file`, its
exports :mod:`gui.export_actions`; the 修改记录 dock is :mod:`gui.audit_view`.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.edits import CellRef, FieldRef, IndicatorRef, Ref, SectionRef
from core.errors import WorkbenchError
from core.loading import sniff
from core.logsetup import log_dir
from core.model import SourceRef
from core.recent import RecentFiles
from core.store import AuditEntry, Project
from core.validation.findings import Finding
from gui import dialogs
from gui import settings as S
from gui.audit_view import AuditView
from gui.export_actions import ExportActions
from gui.finding_index import NavKey, findings_at, location_item, location_ref, ref_item, worst
from gui.findings_panel import FindingsPanel
from gui.form_editor import FieldsModel, FormEditor
from gui.i18n import tr
from gui.narrative_editor import NarrativeEditor
from gui.navigator import NavigatorModel, NavigatorView
from gui.pdf_pages import PdfOpenError, PdfPages, PdfPasswordError
from gui.pdf_view import PdfView
from gui.project_file import ProjectFiles, recent_store
from gui.provenance import (
    ParagraphRef,
    TableRef,
    location_sources,
    paragraph_start,
    paragraphs_of_span,
    ref_sources,
)
from gui.session import DocumentSession
from gui.settings import Settings
from gui.table_editor import TableEditor
from gui.table_view import RESTORE_SHORTCUT, SheetView
from gui.worker import ImportJob

logger = logging.getLogger(__name__)

APP_TITLE = QT_TRANSLATE_NOOP("MainWindow", "预算公开工作台")
FILE_FILTER = QT_TRANSLATE_NOOP(
    "MainWindow",
    "部门预算公开 PDF 或项目 (*.pdf *.bwproj);;部门预算公开 PDF (*.pdf);;"
    "项目文件 (*.bwproj);;JSON 文件 (*.json);;所有文件 (*)",
)
READ_ONLY_BANNER = QT_TRANSLATE_NOOP(
    "MainWindow",
    "此项目以只读方式打开：{why}修改不会被保存。要继续修改，请“另存为”到可以写入的位置。",
)

EMPTY_HINT = QT_TRANSLATE_NOOP("", "请在目录中选择一张报表、一张绩效目标表或一节情况说明。")
START_DELAY_MS = 400  # start parsing by then even if the first page was not painted

PAGE_EMPTY, PAGE_TABLE, PAGE_FORM, PAGE_SECTION = range(4)


class MainWindow(QMainWindow):
    document_loaded = Signal()  # the worker's document is in the session
    open_failed = Signal(str)  # the message shown

    def __init__(
        self,
        settings: Settings,
        session: DocumentSession | None = None,
        parent: QWidget | None = None,
        recent: RecentFiles | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.session = session or DocumentSession(parent=self)
        self.recent = recent or RecentFiles(recent_store(settings))
        self.source_password_required = False  # the PDF shown needed a password
        self._job: ImportJob | None = None
        self._opening: Path | None = None
        self._password: str | None = None  # of the PDF being opened
        self._current_item: NavKey | None = None
        self._quiet_selection = False  # navigating: do not redraw highlights per cell
        self._watched: list = []  # selection models whose current cell is followed
        self.file_chosen_at: float | None = None  # perf_counter when a file was chosen

        self._build_widgets()
        self._build_actions()
        self._connect()
        self._restore_settings()
        self._update_title()
        self._update_actions()

    # --- construction ------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.pdf_view = PdfView()
        self.navigator_model = NavigatorModel(self.session, self)
        self.navigator = NavigatorView()
        self.navigator.setModel(self.navigator_model)
        self.table_editor = TableEditor(self.session)
        self.form_editor = FormEditor(self.session)
        self.narrative_editor = NarrativeEditor(self.session)
        self.empty_label = empty = QLabel(tr(EMPTY_HINT))
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setWordWrap(True)
        self.editor_stack = QStackedWidget()
        for w in (empty, self.table_editor, self.form_editor, self.narrative_editor):
            self.editor_stack.addWidget(w)
        self.findings_panel = FindingsPanel(self.session)

        self.right_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.right_splitter.addWidget(self.navigator)
        self.right_splitter.addWidget(self.editor_stack)
        self.right_splitter.setStretchFactor(0, 0)
        self.right_splitter.setStretchFactor(1, 1)
        self.right_splitter.setSizes([290, 700])
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(self.pdf_view)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(0, 4)
        self.main_splitter.setStretchFactor(1, 5)
        self.main_splitter.setSizes([600, 1000])
        self.bottom_splitter = QSplitter(Qt.Orientation.Vertical)
        self.bottom_splitter.addWidget(self.main_splitter)
        self.bottom_splitter.addWidget(self.findings_panel)
        self.bottom_splitter.setStretchFactor(0, 4)
        self.bottom_splitter.setStretchFactor(1, 1)
        self.bottom_splitter.setSizes([680, 200])
        for s in (self.right_splitter, self.main_splitter, self.bottom_splitter):
            s.setChildrenCollapsible(False)
        self.banner = self._build_banner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.bottom_splitter)
        self.setCentralWidget(central)

        self.audit_view = AuditView(self.session)
        self.audit_dock = QDockWidget(tr("修改记录"), self)
        self.audit_dock.setObjectName("audit_dock")
        self.audit_dock.setWidget(self.audit_view)
        self.audit_dock.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.audit_dock)
        self.audit_dock.hide()

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setText(self.tr("取消"))
        self.cancel_button.hide()
        self.zoom_label = QLabel()
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self.statusBar().addPermanentWidget(self.zoom_label)
        self.resize(1400, 900)
        self.setAcceptDrops(True)  # drop a PDF on the window to open it

    def _build_banner(self) -> QFrame:
        """The read-only notice above the panes (hidden unless a project is read-only)."""
        banner = QFrame()
        banner.setObjectName("read_only_banner")
        banner.setStyleSheet(
            "#read_only_banner { background: #fff4ce; border-bottom: 1px solid #e0c060; }"
        )
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_button = QPushButton(tr("另存为…"))
        row = QHBoxLayout(banner)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.banner_label, 1)
        row.addWidget(self.banner_button)
        banner.hide()
        return banner

    def _action(self, text: str, slot, shortcut=None, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        stack = self.session.undo_stack
        self.open_action = self._action(
            tr("打开…"), lambda: self.open_file(), QKeySequence.StandardKey.Open
        )
        self.save_action = self._action(tr("保存"), self.save, QKeySequence.StandardKey.Save)
        self.projects = ProjectFiles(self, self.session, self.settings, self.recent)
        self.exports = ExportActions(self, self.session, self.settings)
        self.quit_action = self._action(tr("退出"), self.close, QKeySequence.StandardKey.Quit)
        self.undo_action = stack.createUndoAction(self, tr("撤销"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self, tr("重做"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.insert_row_action = self._action(tr("插入行"), self._insert_row, "Ctrl+Ins")
        self.remove_row_action = self._action(tr("删除行"), self._remove_rows, "Ctrl+Del")
        self.restore_action = self._action(
            tr("恢复印刷值"), self._restore_printed, RESTORE_SHORTCUT
        )
        self.restore_action.setToolTip(tr("把所选单元格恢复为 PDF 上印刷的原值（一步，可撤销）"))
        self.audit_action = self.audit_dock.toggleViewAction()
        self.audit_action.setText(tr("修改记录"))
        self.audit_action.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.zoom_in_action = self._action(
            tr("放大"), self.pdf_view.zoom_in, QKeySequence.StandardKey.ZoomIn
        )
        self.zoom_out_action = self._action(
            tr("缩小"), self.pdf_view.zoom_out, QKeySequence.StandardKey.ZoomOut
        )
        self.fit_width_action = self._action(
            tr("适合宽度"), self.pdf_view.set_fit_width, "Ctrl+0", checkable=True
        )
        self.prev_page_action = self._action(
            tr("上一页"),
            lambda: self.pdf_view.go_to_page(self.pdf_view.current_page() - 1),
            "Ctrl+PgUp",
        )
        self.next_page_action = self._action(
            tr("下一页"),
            lambda: self.pdf_view.go_to_page(self.pdf_view.current_page() + 1),
            "Ctrl+PgDown",
        )
        self.next_finding_action = self._action(
            tr("下一个问题"), lambda: self.step_finding(1), "F8"
        )
        self.prev_finding_action = self._action(
            tr("上一个问题"), lambda: self.step_finding(-1), "Shift+F8"
        )
        self.recheck_action = self._action(tr("重新检查"), self.session.recheck, "F5")
        self.about_action = self._action(tr("关于"), self._about)
        self.log_folder_action = self._action(tr("打开日志文件夹"), self.open_log_folder)

        menu = self.menuBar().addMenu(tr("文件(&F)"))
        menu.addActions([self.projects.new_action, self.open_action])
        menu.addMenu(self.projects.recent_menu)
        menu.addSeparator()
        menu.addActions([self.save_action, self.projects.save_as_action])
        menu.addSeparator()
        menu.addActions(self.exports.actions())
        menu.addSeparator()
        menu.addAction(self.quit_action)
        menu = self.menuBar().addMenu(tr("编辑(&E)"))
        menu.addActions([self.undo_action, self.redo_action])
        menu.addSeparator()
        menu.addActions([self.insert_row_action, self.remove_row_action, self.restore_action])
        menu = self.menuBar().addMenu(tr("视图(&V)"))
        menu.addActions([self.zoom_in_action, self.zoom_out_action, self.fit_width_action])
        menu.addSeparator()
        menu.addActions([self.prev_page_action, self.next_page_action])
        menu.addSeparator()
        menu.addAction(self.audit_action)
        menu = self.menuBar().addMenu(tr("检查(&C)"))
        menu.addActions([self.next_finding_action, self.prev_finding_action, self.recheck_action])
        menu = self.menuBar().addMenu(tr("帮助(&H)"))
        menu.addActions([self.log_folder_action, self.about_action])

        bar = self.addToolBar(tr("工具栏"))
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addActions([self.open_action, self.save_action])
        bar.addSeparator()
        bar.addActions([self.undo_action, self.redo_action])
        bar.addSeparator()
        bar.addAction(self.audit_action)
        bar.addSeparator()
        bar.addActions([self.zoom_out_action, self.zoom_in_action, self.fit_width_action])
        bar.addSeparator()
        bar.addAction(self.prev_page_action)
        self.page_spin = QSpinBox()
        self.page_spin.setMinimum(0)
        self.page_spin.setMaximum(0)
        self.page_spin.setKeyboardTracking(False)
        self.page_spin.setToolTip(tr("页码"))
        bar.addWidget(self.page_spin)
        self.page_count_label = QLabel(" / 0 ")
        bar.addWidget(self.page_count_label)
        bar.addAction(self.next_page_action)
        bar.addSeparator()
        bar.addActions([self.prev_finding_action, self.next_finding_action])

    def _connect(self) -> None:
        s = self.session
        s.undo_stack.cleanChanged.connect(self._update_title)
        s.undo_stack.indexChanged.connect(self._update_actions)
        s.document_replaced.connect(self._document_replaced)
        s.findings_changed.connect(self._findings_changed)
        s.reveal_requested.connect(self._reveal)
        s.edit_rejected.connect(lambda why: self.statusBar().showMessage(why, 8000))
        s.store_failed.connect(self._store_failed)
        s.read_only_changed.connect(lambda _ro: self._update_state())
        self.banner_button.clicked.connect(lambda: self.projects.save_as())
        for source in (self.projects, self.exports, self.audit_view):
            source.message.connect(lambda m: self.statusBar().showMessage(m, 10000))
        self.projects.project_opened.connect(lambda _p: self._update_state())
        self.audit_view.entry_activated.connect(self.go_to_entry)
        self.audit_view.save_requested.connect(self.save)
        self.navigator.selectionModel().currentChanged.connect(self._navigator_changed)
        self.pdf_view.page_clicked.connect(self._page_clicked)
        self.pdf_view.current_page_changed.connect(self._page_changed)
        self.pdf_view.zoom_changed.connect(self._zoom_changed)
        self.page_spin.valueChanged.connect(self.pdf_view.go_to_page)
        self.findings_panel.finding_selected.connect(self.go_to_finding)
        self.narrative_editor.cursor_moved.connect(self._narrative_cursor)
        self.cancel_button.clicked.connect(self.cancel_open)
        for view in self._sheet_views():
            view.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self._watch(self.form_editor.fields_view)
        self._watch(self.form_editor.indicators_view)

    def _sheet_views(self) -> list[SheetView]:
        return [
            self.table_editor.view,
            self.form_editor.fields_view,
            self.form_editor.indicators_view,
        ]

    def _watch(self, view: SheetView) -> None:
        """Highlight the printed value of the current cell of *view* (after setModel,
        which gives the view a new selection model)."""
        sel = view.selectionModel()
        if sel is None or any(sel is w for w in self._watched):
            return
        self._watched.append(sel)
        sel.currentChanged.connect(lambda cur, _prev, v=view: self._cell_changed(v, cur))

    # --- settings ------------------------------------------------------------------

    def _restore_settings(self) -> None:
        st = self.settings
        geometry = st.value(S.WINDOW_GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = st.value(S.WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        for setting, splitter in self._splitters():
            saved = st.value(setting)
            if not saved.isEmpty():
                splitter.restoreState(saved)
        fit = st.value(S.PDF_FIT_WIDTH)
        if fit:
            self.pdf_view.set_fit_width(True)
        else:
            self.pdf_view.set_zoom(st.value(S.PDF_ZOOM))
        self.fit_width_action.setChecked(self.pdf_view.fit_width)
        sev = {s for s in st.value(S.FINDINGS_SEVERITIES).split(",") if s}
        self.findings_panel.set_severities(sev)
        self._zoom_changed(self.pdf_view.zoom)

    def _splitters(self) -> list[tuple[S.Setting, QSplitter]]:
        return [
            (S.SPLITTER_MAIN, self.main_splitter),
            (S.SPLITTER_RIGHT, self.right_splitter),
            (S.SPLITTER_BOTTOM, self.bottom_splitter),
        ]

    def save_settings(self) -> None:
        st = self.settings
        st.set_value(S.WINDOW_GEOMETRY, self.saveGeometry())
        st.set_value(S.WINDOW_STATE, self.saveState())
        for setting, splitter in self._splitters():
            st.set_value(setting, splitter.saveState())
        st.set_value(S.PDF_FIT_WIDTH, self.pdf_view.fit_width)
        st.set_value(S.PDF_ZOOM, float(self.pdf_view.zoom))
        st.set_value(S.FINDINGS_SEVERITIES, ",".join(sorted(self.findings_panel.proxy.severities)))
        st.sync()

    # --- title and actions ---------------------------------------------------------

    def _update_title(self, *_args) -> None:
        name = self.session.display_name or (self._opening.name if self._opening else "")
        if name and self.session.read_only:
            name += self.tr("（只读）")
        self.setWindowTitle(f"{name}[*] — {self.tr(APP_TITLE)}" if name else self.tr(APP_TITLE))
        self.setWindowModified(self.session.is_modified())
        self._update_actions()

    def _update_state(self) -> None:
        """After the document, or its project, changed: the saver, banner and title."""
        s = self.session
        if s.project is not None and s.project.read_only:
            s.saver = self.projects.save_as  # 保存 a read-only project: a writable copy
        elif s.project is not None:
            s.saver = lambda: True  # every edit is already in the file
        elif self.projects.can_create():
            s.saver = self.projects.save_new
        else:
            s.saver = None  # a JSON document: nothing to save it to
        project = s.project
        if project is not None and project.read_only:
            why = project.read_only_reason.zh if project.read_only_reason is not None else ""
            if why and not why.endswith(("。", "！", "？")):
                why += "。"
            self.banner_label.setText(self.tr(READ_ONLY_BANNER).format(why=why))
            self.banner.show()
        else:
            self.banner.hide()
        self.audit_view.update_contents()  # (the saver decides what it offers)
        self._update_title()

    def _update_actions(self, *_args) -> None:
        has_doc = self.session.document is not None
        # A project saves itself; 保存 stays available to say so (clerks press Ctrl+S).
        self.save_action.setEnabled(
            has_doc
            and self.session.saver is not None
            and (self.session.is_modified() or self.session.project is not None)
        )
        self.projects.save_as_action.setEnabled(
            self.session.project is not None or self.projects.can_create()
        )
        self.exports.update_actions()
        sheet = self._active_sheet()
        can_rows = (
            sheet is not None and sheet.sheet() is not None and sheet.sheet().can_change_rows()
        )
        self.insert_row_action.setEnabled(bool(can_rows))
        self.remove_row_action.setEnabled(bool(can_rows))
        self.restore_action.setEnabled(sheet is not None and not self.session.read_only)
        self.recheck_action.setEnabled(has_doc)
        has_pages = self.pdf_view.page_count() > 0
        for a in (
            self.zoom_in_action,
            self.zoom_out_action,
            self.fit_width_action,
            self.prev_page_action,
            self.next_page_action,
        ):
            a.setEnabled(has_pages)

    # --- opening a file ----------------------------------------------------------

    def open_file(self, path: str | Path | None = None) -> bool:
        """Open *path* (or ask for one): the first page shows now, the parse runs in a
        worker. False when nothing was started."""
        if path is None:
            start = self.settings.value(S.LAST_DIRECTORY)
            chosen = dialogs.choose_open_file(
                self, self.tr("打开部门预算公开文件或项目"), start, self.tr(FILE_FILTER)
            )
            if chosen is None:
                return False
            path = chosen
        path = Path(path)
        if not self.maybe_save():
            return False
        if self._is_project(path):
            self.cancel_open(wait=True)
            return self.projects.open_project(path)
        self.file_chosen_at = time.perf_counter()
        self.cancel_open(wait=True)
        self.settings.set_value(S.LAST_DIRECTORY, str(path.parent))
        self.session.set_document(None)
        # PDFium opens a PDF in milliseconds; anything else (a project, a JSON document,
        # a broken file) goes straight to the worker, which says what it is.
        pages, refused = self._open_pages(path)
        if refused:
            return False  # the clerk cancelled the password question
        message = "" if pages is not None else self.tr("没有可显示的原文页面。")
        self._opening = path
        self.pdf_view.set_pages(pages, message)
        self._update_page_controls()
        self._update_title()
        self._start_job(path, self._password, after_first_page=pages is not None)
        return True

    def _is_project(self, path: Path) -> bool:
        try:
            return sniff(path) == "project"
        except WorkbenchError:
            return False  # missing or unreadable: the worker says so

    def show_project(self, project: Project, pdf_path: Path | None) -> None:
        """Show an open project beside its source PDF (extracted from it); the session
        takes the project over (and closes it when another document replaces it)."""
        self.cancel_open(wait=True)
        self._opening = project.path
        pages, _refused = self._open_pages(pdf_path) if pdf_path is not None else (None, False)
        self.source_password_required = self._password is not None
        self.pdf_view.set_pages(pages, "" if pages else self.tr("没有可显示的原文页面。"))
        self._update_page_controls()
        self.session.set_project(project, pdf_path if pages else None)
        self._opening = None
        n = project.last_seq
        self.statusBar().showMessage(
            self.tr("已打开项目 {name}（{n} 条修改记录）").format(name=project.path.name, n=n)
            + (self.tr("，只读") if project.read_only else ""),
            15000,
        )
        self.document_loaded.emit()

    def adopt_project(self, project: Project) -> None:
        """The document shown was just saved as *project*: carry on with it, where the
        clerk was."""
        item = self._current_item
        ref = self._current_ref()
        page = self.pdf_view.current_page()
        self.session.set_project(project, self.session.pdf_path, list(self.session.findings))
        if item is not None:
            self.show_item(item)
        if ref is not None:
            self.select_ref(ref, reveal_pdf=False)
        if page:
            self.pdf_view.go_to_page(page)

    def _current_ref(self) -> Ref | None:
        view = self._active_sheet()
        model = view.sheet() if view is not None else None
        if view is None or model is None or not view.currentIndex().isValid():
            return None
        ix = view.currentIndex()
        return model.ref(ix.row(), ix.column())

    def show_document(
        self,
        doc,
        *,
        path: Path | None = None,
        pdf_path: Path | None = None,
        findings: list[Finding] | None = None,
    ) -> None:
        """Show a document already in memory (e.g. a project's current document) with
        its source PDF on the left; no parsing."""
        self.cancel_open(wait=True)
        self._opening = path
        pages = self._open_pages(Path(pdf_path))[0] if pdf_path is not None else None
        self.source_password_required = self._password is not None
        self.pdf_view.set_pages(pages, "" if pages else self.tr("没有可显示的原文页面。"))
        self._update_page_controls()
        self.session.set_document(doc, findings, path=path, pdf_path=pdf_path if pages else None)

    def _open_pages(self, path: Path) -> tuple[PdfPages | None, bool]:
        """The PDF's pages (None when PDFium cannot open it), asking for the password
        of an encrypted one (kept in ``_password`` for the importer); True as second
        value when the clerk cancelled the password question."""
        self._password = None
        for _attempt in range(3):
            try:
                return PdfPages(path, self._password), False
            except PdfPasswordError:
                self._password = dialogs.ask_password(self, path.name)
                if self._password is None:
                    return None, True
            except PdfOpenError as exc:
                # The importer will say what is wrong, in Chinese; nothing to show here.
                logger.info("PDFium cannot open %s: %s", path, exc)
                return None, False
        return None, False

    def _start_job(self, path: Path, password: str | None, after_first_page: bool = False) -> None:
        """Parse in a worker. With *after_first_page*, the worker starts once the first
        page is on screen (or after START_DELAY_MS): the parser holds the GIL most of the
        time and would otherwise delay that first paint."""
        job = ImportJob(path, password, self.session.checker, parent=self)
        # The job relays the worker's signals into this (the UI) thread.
        job.progress.connect(lambda done, total, msg, j=job: self._progress(j, done, total, msg))
        job.finished.connect(lambda doc, findings, j=job: self._loaded(j, doc, findings))
        job.failed.connect(lambda exc, details, j=job: self._failed(j, exc, details))
        job.cancelled.connect(lambda j=job: self._cancelled(j))
        job.ended.connect(lambda j=job: self._job_ended(j))
        self._job = job
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("正在解析…"))
        self.progress.show()
        self.cancel_button.show()
        self.statusBar().showMessage(self.tr("正在解析 {name}，请稍候…").format(name=path.name))
        self.empty_label.setText(tr("正在解析文件，完成后这里显示报表、绩效目标表和情况说明。"))
        if not after_first_page:
            job.start()
            return
        started = [False]

        def start() -> None:
            if not started[0] and job is self._job and not job.is_cancelled:
                started[0] = True
                job.start()

        self.pdf_view.first_page_shown.connect(start, Qt.ConnectionType.SingleShotConnection)
        QTimer.singleShot(START_DELAY_MS, start)

    def is_loading(self) -> bool:
        return self._job is not None

    def cancel_open(self, wait: bool = False) -> None:
        """Stop opening the current file; with *wait*, until the worker has ended."""
        job = self._job
        if job is None:
            return
        job.cancel()
        if not job.is_running():
            # Not started yet (waiting for the first page): just drop it.
            self._job = None
            self.progress.hide()
            self.cancel_button.hide()
            self.empty_label.setText(tr(EMPTY_HINT))
            job.deleteLater()
            self.statusBar().showMessage(self.tr("已取消打开文件"), 8000)
            return
        self.statusBar().showMessage(self.tr("正在取消…"))
        if wait:
            job.wait()

    def _progress(self, job: ImportJob, done: int, total: int, message: str) -> None:
        if job is not self._job:
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(f"{self.tr(message)} %p%")

    def _job_ended(self, job: ImportJob) -> None:
        if self._job is job:
            self._job = None
            self.progress.hide()
            self.cancel_button.hide()
            self.empty_label.setText(tr(EMPTY_HINT))
        job.deleteLater()

    def _loaded(self, job: ImportJob, doc, findings) -> None:
        if job is not self._job or job.is_cancelled:
            return
        path = job.path
        pdf = path if self.pdf_view.page_count() else None
        self.source_password_required = self._password is not None
        self.session.set_document(doc, findings, path=path, pdf_path=pdf)
        self.recent.add(path)
        counts = self.session.index.counts()
        self.statusBar().showMessage(
            self.tr(
                "已打开 {name}：{tables} 张报表，{forms} 张绩效目标表，{sections} 节说明；错误 {e} 条，警告 {w} 条"
            ).format(
                name=path.name,
                tables=len(doc.tables),
                forms=len(doc.performance_forms) + len(doc.overall_forms),
                sections=len(doc.narrative),
                e=counts.get("error", 0),
                w=counts.get("warning", 0),
            ),
            15000,
        )
        self.document_loaded.emit()

    def _failed(self, job: ImportJob, exc: BaseException, details: str) -> None:
        if job is not self._job:
            return
        if isinstance(exc, WorkbenchError):
            self._fail(exc.zh, exc.en)
        else:
            logger.error("opening %s failed:\n%s", self._opening, details)
            self._fail(self.tr("打开文件时发生意外错误：{error}").format(error=exc), details)

    def _fail(self, text: str, details: str = "") -> None:
        self.statusBar().showMessage(self.tr("无法打开文件"), 8000)
        self.open_failed.emit(text)
        dialogs.show_error(self, self.tr("无法打开文件"), text, details)

    def _cancelled(self, job: ImportJob) -> None:
        if job is not self._job:
            return
        self._opening = None
        self.pdf_view.set_pages(None)
        self._update_page_controls()
        self._update_title()
        self.statusBar().showMessage(self.tr("已取消打开文件"), 8000)

    # --- saving (the project file plugs in through session.saver) --------------------

    def save(self) -> bool:
        """保存: a document from a PDF becomes a project (asks where); a project has
        nothing to save — every edit is in the file already (a read-only one offers
        另存为)."""
        if self.session.saver is None:
            return False
        saved_already = self.session.project is not None and not self.session.read_only
        ok = self.session.save()
        if ok and saved_already:
            self.statusBar().showMessage(self.tr("所有修改都已随时保存在项目文件中。"), 8000)
        return ok

    def save_as(self) -> bool:
        return self.projects.save_as()

    def _store_failed(self, exc: WorkbenchError) -> None:
        dialogs.show_error(
            self,
            self.tr("无法保存修改"),
            self.tr("这处修改没有写入项目文件，已撤回。\n{zh}\n{en}").format(zh=exc.zh, en=exc.en),
        )

    def maybe_save(self) -> bool:
        """True when the window may drop the current document (saved, discarded or
        unchanged); False when the clerk cancels."""
        if self.session.document is None or not self.session.is_modified():
            return True
        answer = dialogs.ask_save_changes(
            self, self.session.display_name, self.session.saver is not None
        )
        if answer == dialogs.SAVE:
            return self.save()
        return answer == dialogs.DISCARD

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) == 1 and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()
            # After the drop returns: opening may ask questions (save? password?).
            path = urls[0].toLocalFile()
            QTimer.singleShot(0, lambda: self.open_file(path))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.maybe_save():
            event.ignore()
            return
        self.cancel_open(wait=True)
        self.exports.cancel(wait=True)
        self.save_settings()
        self.session.close_project()
        self.pdf_view.set_pages(None)
        self.projects.close()
        event.accept()

    # --- document and findings ---------------------------------------------------

    def _document_replaced(self) -> None:
        self._update_state()
        self._current_item = None
        self.table_editor.key = None  # column widths are fitted to the new document
        self.pdf_view.clear_highlights()
        self.editor_stack.setCurrentIndex(PAGE_EMPTY)
        self._update_title()
        first = self.navigator_model.first_key()
        if first is not None:
            self.show_item(first)

    def _findings_changed(self) -> None:
        # Redraw the highlight of what is selected: its severity may have changed.
        if self._quiet_selection:
            return
        view = self._active_sheet()
        if view is not None and view.currentIndex().isValid():
            self._cell_changed(view, view.currentIndex(), reveal=False)

    # --- navigation --------------------------------------------------------------

    def show_item(self, key: NavKey) -> None:
        """Open the editor of a navigator item."""
        doc = self.session.document
        if doc is None:
            return
        kind, value = key
        if kind == "table":
            if value not in doc.tables:
                return
            self.table_editor.set_table(str(value))
            self._watch(self.table_editor.view)
            self.editor_stack.setCurrentIndex(PAGE_TABLE)
        elif kind in ("form", "overall"):
            self.form_editor.set_form(kind, int(value))
            self.editor_stack.setCurrentIndex(PAGE_FORM)
        elif kind == "section":
            if self.narrative_editor.section_index != value:
                self.narrative_editor.set_section(int(value))
            self.editor_stack.setCurrentIndex(PAGE_SECTION)
        self._current_item = key
        ix = self.navigator_model.index_of(key)
        if ix.isValid() and self.navigator.currentIndex() != ix:
            self.navigator.blockSignals(True)
            self.navigator.setCurrentIndex(ix)
            self.navigator.blockSignals(False)
            self.navigator.scrollTo(ix)
        self._update_actions()

    def _navigator_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = self.navigator_model.key(current)
        if key is None or key == self._current_item:
            return
        self.show_item(key)
        self._show_item_source(key)

    def _show_item_source(self, key: NavKey) -> None:
        """Scroll the PDF to where an item was printed (its first page)."""
        doc = self.session.document
        if doc is None:
            return
        kind, value = key
        page = None
        if kind == "table" and value in doc.tables:
            t = doc.tables[value]
            if t.title_source is not None:
                self.pdf_view.show_highlights([(t.title_source, "selection")])
                return
            page = t.pages[0] if t.pages else None
        elif kind in ("form", "overall"):
            forms = doc.performance_forms if kind == "form" else doc.overall_forms
            if 0 <= int(value) < len(forms):
                f = forms[int(value)]
                page = f.page or (f.pages[0] if f.pages else None)
        elif kind == "section":
            srcs = ref_sources(doc, SectionRef(int(value)))
            if srcs:
                self.pdf_view.show_highlights([(srcs[0], "selection")])
                return
        self.pdf_view.clear_highlights()
        if page:
            self.pdf_view.go_to_page(page)

    def _active_sheet(self) -> SheetView | None:
        page = self.editor_stack.currentIndex()
        if page == PAGE_TABLE:
            return self.table_editor.view
        if page == PAGE_FORM:
            fe = self.form_editor
            focus = self.focusWidget()
            if focus is fe.fields_view or (
                focus is not None and fe.fields_view.isAncestorOf(focus)
            ):
                return fe.fields_view
            return (
                fe.indicators_view
                if fe.indicators_view.currentIndex().isValid()
                else fe.fields_view
            )
        return None

    def select_ref(self, ref: Ref, reveal_pdf: bool = True) -> bool:
        """Open the editor of *ref* and select it there; draw its printed box."""
        item = ref_item(ref)
        if item is None:
            return False
        self.show_item(item)
        if isinstance(ref, SectionRef):
            return True
        view, pos = self._view_and_position(ref)
        if view is None or pos is None:
            return False
        index = view.model().index(*pos)
        self._quiet_selection = not reveal_pdf
        try:
            view.setCurrentIndex(index)
            view.scrollTo(index)
        finally:
            self._quiet_selection = False
        view.setFocus()
        return True

    def _view_and_position(self, ref: Ref) -> tuple[SheetView | None, tuple[int, int] | None]:
        if isinstance(ref, CellRef):
            model = self.table_editor.model(ref.table)
            return self.table_editor.view, model.position_of(ref)
        if isinstance(ref, FieldRef | IndicatorRef):
            found = self.form_editor.view_for(ref)
            return found if found is not None else (None, None)
        return None, None

    def _cell_changed(self, view: SheetView, current: QModelIndex, reveal: bool = True) -> None:
        if self._quiet_selection or not current.isValid():
            return
        model = view.sheet()
        if model is None:
            return
        ref = model.ref(current.row(), current.column())
        if ref is None and isinstance(model, FieldsModel):
            ref = model.ref(current.row(), 1)
        if ref is None:
            return
        self._highlight_ref(ref, reveal)

    def _highlight_ref(self, ref: Ref, reveal: bool = True) -> None:
        doc = self.session.document
        severity = worst(findings_at(self.session.index, ref)) or "selection"
        if severity == "info":
            severity = "selection"
        sources = ref_sources(doc, ref)
        self.pdf_view.show_highlights([(s, severity) for s in sources], reveal=reveal)
        if not sources and reveal:
            self.pdf_view.clear_highlights()

    def _reveal(self, ref: Ref) -> None:
        """After undo/redo: show what changed."""
        self.select_ref(ref)

    def go_to_entry(self, entry: AuditEntry) -> bool:
        """An audit log entry: open its place and draw where it was printed."""
        doc = self.session.document
        if doc is None:
            return False
        ref = entry.ref
        if ref is not None:
            if self.select_ref(ref):
                if isinstance(ref, SectionRef):
                    self._show_item_source(("section", ref.index))
                return True
        elif entry.target in ("form", "overall") and entry.item is not None:
            self.show_item((entry.target, entry.item))
            return True
        elif entry.target in doc.tables:
            self.show_item(("table", entry.target))
            if entry.item is not None:
                from core.validation.findings import Location

                self._select_row(Location(table=entry.target, row=entry.item))
            return True
        self.statusBar().showMessage(self.tr("这条记录所在的位置已不存在。"), 8000)
        return False

    def go_to_finding(self, finding: Finding | None) -> None:
        """Open the place of a finding, select it, and draw all its boxes on the PDF."""
        if finding is None:
            return
        doc = self.session.document
        if doc is None:
            return
        locs = finding.locations
        first = locs[0] if locs else None
        if first is not None:
            ref = location_ref(doc, first)
            item = location_item(doc, first)
            self._quiet_selection = True
            try:
                if isinstance(ref, SectionRef):
                    self.show_item(("section", ref.index))
                    if first.start is not None:
                        self.narrative_editor.select_span(first.start, first.end or first.start)
                elif ref is not None:
                    self.select_ref(ref, reveal_pdf=False)
                elif item is not None:
                    self.show_item(item)
                    self._select_row(first)
            finally:
                self._quiet_selection = False
        highlights: list[tuple[SourceRef, str]] = []
        for loc in locs:
            for src in self._narrowed(loc, location_sources(doc, loc)):
                highlights.append((src, finding.severity))
        self.pdf_view.show_highlights(highlights)
        self.statusBar().showMessage(finding.message, 15000)

    def _select_row(self, loc) -> None:
        """A finding about a whole row: select the row."""
        if loc.table is None or loc.row is None:
            return
        view = self.table_editor.view
        model = view.model()
        if model is None or not 0 <= loc.row < model.rowCount():
            return
        view.setCurrentIndex(model.index(loc.row, 0))
        view.selectRow(loc.row)
        view.scrollTo(model.index(loc.row, 0))

    def _narrowed(self, loc, sources: list[SourceRef]) -> list[SourceRef]:
        """For a figure quoted in a narrative paragraph: the figure's own box, found by
        searching the page's text inside the paragraph's box."""
        doc = self.session.document
        pages = self.pdf_view.pages
        if (
            pages is None
            or doc is None
            or loc.table is not None
            or loc.form is not None
            or loc.start is None
        ):
            return sources
        from gui.finding_index import section_index

        i = section_index(doc, loc)
        if i is None or not 0 <= i < len(doc.narrative):
            return sources
        figure = doc.narrative[i].text.value[loc.start : loc.end or loc.start]
        out: list[SourceRef] = []
        for src in sources:
            boxes = []
            if 0 < src.page <= len(pages):
                boxes = pages.find_text(src.page - 1, figure, within=src.bbox)
            out.append(SourceRef(src.page, boxes[0]) if boxes else src)
        return out

    def step_finding(self, delta: int) -> None:
        self.findings_panel.step(delta)

    def _narrative_cursor(self, section: int, position: int) -> None:
        if self._quiet_selection:
            return
        doc = self.session.document
        if doc is None or not 0 <= section < len(doc.narrative):
            return
        spans = self.narrative_editor.spans_at(position)
        if spans:
            from core.validation.findings import Location

            highlights = []
            for span in spans:
                loc = Location(section_index=section, start=span.start, end=span.end)
                for src in self._narrowed(loc, location_sources(doc, loc)):
                    highlights.append((src, span.finding.severity))
            self.pdf_view.show_highlights(highlights)
            return
        paragraphs = paragraphs_of_span(doc.narrative[section], position, position)
        sources = [
            p.source
            for j, p in enumerate(doc.narrative[section].paragraphs)
            if j in paragraphs and p.source is not None
        ]
        if sources:
            self.pdf_view.show_highlights([(s, "selection") for s in sources[:1]])

    # --- clicks on the PDF ------------------------------------------------------------

    def _page_clicked(self, page: int, x: float, y: float) -> None:
        target = self.session.sources.hit(page, x, y)
        if target is None:
            return
        doc = self.session.document
        if isinstance(target, CellRef | FieldRef | IndicatorRef):
            self.select_ref(target)
        elif isinstance(target, ParagraphRef):
            self.show_item(("section", target.section))
            start = paragraph_start(doc.narrative[target.section], target.paragraph)  # type: ignore[union-attr]
            self.narrative_editor.select_span(start, start)
            self.narrative_editor.text.setFocus()
        elif isinstance(target, SectionRef):
            self.show_item(("section", target.index))
            self._show_item_source(("section", target.index))
        elif isinstance(target, TableRef):
            self.show_item(("table", target.table))
            self._show_item_source(("table", target.table))

    # --- PDF controls -------------------------------------------------------------

    def _update_page_controls(self) -> None:
        n = self.pdf_view.page_count()
        self.page_spin.blockSignals(True)
        self.page_spin.setRange(1 if n else 0, n)
        self.page_spin.setValue(self.pdf_view.current_page() if n else 0)
        self.page_spin.blockSignals(False)
        self.page_count_label.setText(f" / {n} ")
        self._update_actions()

    def _page_changed(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page)
        self.page_spin.blockSignals(False)

    def _zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(f"{zoom * 100:.0f}%")
        self.fit_width_action.setChecked(self.pdf_view.fit_width)

    # --- edit actions -------------------------------------------------------------

    def _insert_row(self) -> None:
        view = self._row_sheet()
        if view is not None:
            view.insert_row(below=True)

    def _remove_rows(self) -> None:
        view = self._row_sheet()
        if view is not None:
            view.remove_rows()

    def _row_sheet(self) -> SheetView | None:
        if self.editor_stack.currentIndex() == PAGE_FORM:
            return self.form_editor.indicators_view
        return self._active_sheet()

    def _restore_printed(self) -> None:
        view = self._active_sheet()
        if view is not None:
            view.restore_printed()

    def open_log_folder(self) -> None:
        """Show the log folder (what a clerk sends when something went wrong)."""

        folder = log_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            dialogs.show_error(self, self.tr("无法打开日志文件夹"), f"{folder}\n{exc}")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _about(self) -> None:
        dialogs.show_info(
            self,
            self.tr("关于"),
            self.tr("预算公开工作台\n打开、检查、修改部门预算公开文件。"),
        )
