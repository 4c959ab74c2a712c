"""The project file in the window (项目文件): 新建项目, 打开, 保存, 另存为, recent files.

All persistence is :class:`core.store.Project`'s; this class asks the clerk where, shows
what went wrong, and hands the open project to the session:

- 打开 a ``.bwproj``: ``Project.open``; the source PDF is extracted from the project into
  a temporary folder for the PDF view (so a project opens without the original PDF). A
  damaged, locked, newer-version file is a clear message and is left untouched; a file
  or folder that cannot be written opens read-only (the window shows why).
- 保存 a document opened from a PDF (not yet a project): ask for a ``.bwproj`` path and
  ``Project.create`` it from the PDF, the document as imported and the edits made so far;
  from then on every edit is stored as it is made. 保存 on a project has nothing to do.
- 另存为: ``Project.save_as`` (work carries on in the copy), or 保存 for a new document.
- 新建项目: choose a PDF, import it (the window's worker), then 保存 as above.
- 最近打开的文件: :class:`core.recent.RecentFiles`.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu

from core.errors import WorkbenchError
from core.recent import RecentFiles
from core.store import EXTENSION, Project
from gui import dialogs
from gui import settings as S
from gui.i18n import tr
from gui.session import DocumentSession
from gui.settings import Settings

if TYPE_CHECKING:
    from gui.main_window import MainWindow

logger = logging.getLogger(__name__)

PROJECT_FILTER = QT_TRANSLATE_NOOP("", "预算公开工作台项目 (*.bwproj)")
PDF_FILTER = QT_TRANSLATE_NOOP("", "部门预算公开 PDF (*.pdf)")


def recent_store(settings: Settings) -> Path:
    """The recent-files list beside the settings file (the user's config folder; a test's
    tmp_path when the test gives its own settings file)."""
    return Path(settings.path).with_name("recent.json")


def error_text(exc: WorkbenchError) -> str:
    return f"{exc.zh}\n{exc.en}"


class ProjectFiles(QObject):
    message = Signal(str)  # for the status bar
    project_opened = Signal(object)  # the Project (opened, created or moved)

    def __init__(
        self,
        window: MainWindow,
        session: DocumentSession,
        settings: Settings,
        recent: RecentFiles,
    ) -> None:
        super().__init__(window)
        self._window = window
        self.session = session
        self.settings = settings
        self.recent = recent
        self._pdf_dir: tempfile.TemporaryDirectory | None = None
        self._new_from: Path | None = None  # 新建项目: the PDF being imported

        self.new_action = QAction(tr("新建项目…"), window)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setToolTip(tr("从部门预算公开 PDF 新建项目文件"))
        self.new_action.triggered.connect(lambda _checked=False: self.new_project())
        self.save_as_action = QAction(tr("另存为…"), window)
        self.save_as_action.setShortcut(QKeySequence.StandardKey.SaveAs)
        self.save_as_action.triggered.connect(lambda _checked=False: self.save_as())
        self.recent_menu = QMenu(tr("最近打开的文件"), window)
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        window.document_loaded.connect(self._document_loaded)

    # --- opening ---------------------------------------------------------------------

    def open_project(self, path: Path) -> bool:
        """Open the project file *path* in the window; False (with a message, the file
        untouched) when it cannot be opened."""
        current = self.session.project
        if current is not None and _same_file(current.path, path):
            self.message.emit(tr("项目已经打开"))
            return True
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            project = Project.open(path)
        except WorkbenchError as exc:
            QGuiApplication.restoreOverrideCursor()
            logger.info("cannot open the project %s: %s", path, exc.en)
            dialogs.show_error(self._window, tr("无法打开项目"), error_text(exc))
            return False
        try:
            pdf: Path | None = project.extract_source(self._pdf_folder())
        except WorkbenchError as exc:
            logger.warning("cannot extract the source PDF of %s: %s", path, exc.en)
            pdf = None
            self.message.emit(tr("无法取出项目中的原始 PDF：{why}").format(why=exc.zh))
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._window.show_project(project, pdf)
        self.recent.add(path)
        self.settings.set_value(S.LAST_DIRECTORY, str(path.parent))
        self.project_opened.emit(project)
        return True

    def _pdf_folder(self) -> Path:
        if self._pdf_dir is None:
            self._pdf_dir = tempfile.TemporaryDirectory(
                prefix="bw-source-", ignore_cleanup_errors=True
            )
        return Path(self._pdf_dir.name)

    def close(self) -> None:
        """Remove the extracted PDFs (after the PDF view has let go of them)."""
        if self._pdf_dir is not None:
            self._pdf_dir.cleanup()
            self._pdf_dir = None

    # --- saving ----------------------------------------------------------------------

    def can_create(self) -> bool:
        """Whether the document can become a project: it came from a PDF still there."""
        s = self.session
        return s.document is not None and s.project is None and s.pdf_path is not None

    def save_new(self, path: Path | None = None) -> bool:
        """保存 a document not yet a project: ask where, create the project. The
        session is project-backed (and clean) afterwards."""
        if not self.can_create():
            return False
        if path is None:
            pdf = self.session.pdf_path
            assert pdf is not None
            path = dialogs.choose_save_file(
                self._window,
                tr("保存为项目"),
                self._folder() / f"{pdf.stem}{EXTENSION}",
                tr(PROJECT_FILTER),
                suffix=EXTENSION,
            )
            if path is None:
                return False
        return self.create_from_session(path)

    def create_from_session(self, path: Path) -> bool:
        s = self.session
        pdf = s.pdf_path
        if s.document is None or pdf is None:
            return False
        if _same_file(pdf, path):
            dialogs.show_error(
                self._window, tr("无法保存项目"), tr("不能用项目覆盖原始 PDF。请换一个文件名。")
            )
            return False
        base, steps = s.unsaved_history()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            project = Project.create(
                path,
                pdf,
                base,
                history=steps,
                overwrite=True,  # the file chooser asked before replacing
                source_password_required=self._window.source_password_required,
            )
        except WorkbenchError as exc:
            QGuiApplication.restoreOverrideCursor()
            dialogs.show_error(self._window, tr("无法保存项目"), error_text(exc))
            return False
        QGuiApplication.restoreOverrideCursor()
        self._window.adopt_project(project)
        self.recent.add(path)
        self.settings.set_value(S.LAST_DIRECTORY, str(path.parent))
        self.message.emit(
            tr("已保存为项目 {name}：之后的每一处修改都会随时自动保存。").format(name=path.name)
        )
        self.project_opened.emit(project)
        return True

    def save_as(self, path: Path | None = None) -> bool:
        """另存为: the project continues in a copy (a read-only one becomes writable
        there); a document not yet a project is saved as one."""
        project = self.session.project
        if project is None:
            return self.save_new(path)
        if path is None:
            path = dialogs.choose_save_file(
                self._window,
                tr("项目另存为"),
                self._folder() / f"{project.path.stem}-副本{EXTENSION}",
                tr(PROJECT_FILTER),
                suffix=EXTENSION,
            )
            if path is None:
                return False
        self.session.store_findings()
        try:
            project.save_as(path, overwrite=True)
        except WorkbenchError as exc:
            dialogs.show_error(self._window, tr("无法另存项目"), error_text(exc))
            return False
        self.session.project_moved()
        self.recent.add(path)
        self.settings.set_value(S.LAST_DIRECTORY, str(path.parent))
        if project.read_only:
            self.message.emit(
                tr("已另存为 {name}，但这个位置也不能写入：仍为只读。").format(name=path.name)
            )
        else:
            self.message.emit(tr("已另存为 {name}，之后的修改保存在这里。").format(name=path.name))
        self.project_opened.emit(project)
        return True

    def _folder(self) -> Path:
        last = self.settings.value(S.LAST_DIRECTORY)
        if last and Path(last).is_dir():
            return Path(last)
        path = self.session.path
        return path.parent if path is not None else Path.home()

    # --- 新建项目 --------------------------------------------------------------------

    def new_project(self, pdf: Path | None = None) -> bool:
        """Choose a PDF, import it; once imported, 保存 it as a project."""
        if pdf is None:
            pdf = dialogs.choose_open_file(
                self._window, tr("新建项目：选择部门预算公开 PDF"), self._folder(), tr(PDF_FILTER)
            )
            if pdf is None:
                return False
        self._new_from = None
        if not self._window.open_file(pdf):
            return False
        self._new_from = pdf
        self.message.emit(
            tr("正在解析 {name}，完成后请选择项目文件的保存位置。").format(name=pdf.name)
        )
        return True

    def _document_loaded(self) -> None:
        pending, self._new_from = self._new_from, None
        if (
            pending is not None
            and self.session.path is not None
            and _same_file(self.session.path, pending)
        ):
            # After the window has shown the document.
            QTimer.singleShot(0, self.save_new)

    # --- recent files ----------------------------------------------------------------

    def fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.recent.paths()
        for i, path in enumerate(paths):
            number = f"&{i + 1}" if i < 9 else "  "
            action = menu.addAction(f"{number} {path.name.replace('&', '&&')}")
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            if not path.exists():
                action.setEnabled(False)
                action.setToolTip(tr("{path}（文件不存在）").format(path=path))
            action.triggered.connect(lambda _checked=False, p=path: self._window.open_file(p))
        if not paths:
            empty = menu.addAction(tr("（无）"))
            empty.setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction(tr("清除列表"))
        clear.setEnabled(bool(paths))
        clear.triggered.connect(lambda _checked=False: self.recent.clear())


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False
