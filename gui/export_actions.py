"""Export and Excel round trip (导出PDF / 导出Excel / 从Excel导入) for the window's 文件 menu.

- 导出PDF: the standardized disclosure PDF (core.export.pdf), written in a worker thread
  from a copy of the document, with a progress dialog and a cancel; when error findings
  remain, the clerk is asked first.
- 导出Excel: the tables and forms as a workbook (core.export.excel), findings marked.
- 从Excel导入: the clerk's corrections read back from such a workbook, applied as ONE
  undo step of kind ``excel_import`` (stored so in a project file). A workbook with any
  problem changes nothing; the problems are listed.

The source PDF is never overwritten by an export.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QProgressDialog, QWidget

from core.errors import WorkbenchError
from gui import dialogs
from gui import settings as S
from gui.i18n import tr
from gui.session import DocumentSession
from gui.settings import Settings
from gui.worker import TaskJob

logger = logging.getLogger(__name__)

PDF_FILTER = QT_TRANSLATE_NOOP("", "PDF 文件 (*.pdf)")
EXCEL_FILTER = QT_TRANSLATE_NOOP("", "Excel 工作簿 (*.xlsx)")


class ExportActions(QObject):
    message = Signal(str)  # for the status bar
    pdf_exported = Signal(object)  # the ExportResult
    pdf_export_ended = Signal()  # the worker is done (exported, failed or cancelled)

    def __init__(self, window: QWidget, session: DocumentSession, settings: Settings) -> None:
        super().__init__(window)
        self._window = window
        self.session = session
        self.settings = settings
        self.job: TaskJob | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.export_pdf_action = self._action(tr("导出规范PDF…"), self.export_pdf)
        self.export_excel_action = self._action(tr("导出Excel…"), self.export_excel)
        self.import_excel_action = self._action(tr("从Excel导入…"), self.import_excel)

    def _action(self, text: str, slot) -> QAction:
        action = QAction(text, self._window)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def actions(self) -> list[QAction]:
        return [self.export_pdf_action, self.export_excel_action, self.import_excel_action]

    def update_actions(self) -> None:
        has_doc = self.session.document is not None
        self.export_pdf_action.setEnabled(has_doc and self.job is None)
        self.export_excel_action.setEnabled(has_doc)
        self.import_excel_action.setEnabled(has_doc and not self.session.read_only)

    # --- where files go ------------------------------------------------------------

    def _stem(self) -> str:
        s = self.session
        if s.path is not None:
            return s.path.stem
        return Path(s.document.source_file).stem if s.document and s.document.source_file else ""

    def _folder(self) -> Path:
        last = self.settings.value(S.LAST_DIRECTORY)
        if last:
            return Path(last)
        return self.session.path.parent if self.session.path is not None else Path.home()

    def _is_source(self, path: Path) -> bool:
        """Whether *path* is the file the document came from, or the PDF shown."""
        for p in (self.session.path, self.session.pdf_path):
            try:
                if p is not None and path.exists() and path.samefile(p):
                    return True
            except OSError:
                continue
        return False

    def _target(self, title: str, name: str, filters: str, suffix: str) -> Path | None:
        path = dialogs.choose_save_file(
            self._window, title, self._folder() / name, filters, suffix=suffix
        )
        if path is not None:
            self.settings.set_value(S.LAST_DIRECTORY, str(path.parent))
        return path

    def _refuse_source(self, path: Path, title: str) -> bool:
        """True (and a message) when *path* is the open file: it is never overwritten."""
        if not self._is_source(path):
            return False
        dialogs.show_error(
            self._window,
            title,
            tr("不能覆盖正在打开的文件“{name}”（原始文件从不修改）。请换一个文件名。").format(
                name=path.name
            ),
        )
        return True

    # --- 导出PDF ------------------------------------------------------------------------

    def export_pdf(self, path: Path | None = None) -> bool:
        """Ask (errors left? where?) and start writing the PDF in a worker; False when
        nothing was started."""
        doc = self.session.document
        if doc is None or self.job is not None:
            return False
        errors = sum(1 for f in self.session.findings if f.severity == "error")
        if errors and not dialogs.ask_yes_no(
            self._window,
            tr("导出规范PDF"),
            tr("还有 {n} 个错误没有改正，导出的 PDF 会带着这些错误。仍要导出吗？").format(n=errors),
        ):
            return False
        if path is None:
            path = self._target(
                tr("导出规范PDF"), f"{self._stem() or '预算公开'}-规范.pdf", tr(PDF_FILTER), ".pdf"
            )
            if path is None:
                return False
        if self._refuse_source(path, tr("导出规范PDF")):
            return False
        from core.export.pdf import ExportCancelled, export_pdf

        snapshot = copy.deepcopy(doc)  # the clerk may keep editing meanwhile
        target = path

        def task(progress, cancel):
            return export_pdf(snapshot, target, progress=progress, cancel=cancel)

        job = TaskJob(task, (ExportCancelled,), name="export-pdf", parent=self)
        dialog = QProgressDialog(tr("正在生成规范PDF…"), tr("取消"), 0, 0, self._window)
        dialog.setWindowTitle(tr("导出规范PDF"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(job.cancel)
        job.progress.connect(self._pdf_progress)
        job.finished.connect(self._pdf_done)
        job.failed.connect(self._pdf_failed)
        job.cancelled.connect(lambda: self.message.emit(tr("已取消导出，原有文件未改动。")))
        job.ended.connect(self._pdf_ended)
        self.job, self.progress_dialog = job, dialog
        self.update_actions()
        self.message.emit(tr("正在导出 {name}…").format(name=path.name))
        job.start()
        return True

    def _pdf_progress(self, done: int, total: int, text: str) -> None:
        dialog = self.progress_dialog
        if dialog is None:
            return
        dialog.setLabelText(tr(text) if text else tr("正在生成规范PDF…"))
        dialog.setRange(0, max(total, 1))
        # Last: a modal progress dialog processes events here (the job may end meanwhile).
        dialog.setValue(min(done, max(total, 1)))

    def _pdf_done(self, result) -> None:
        self.message.emit(
            tr("已导出 {name}（{pages} 页）").format(name=result.path.name, pages=result.pages)
        )
        self.pdf_exported.emit(result)

    def _pdf_failed(self, exc, details: str) -> None:
        if isinstance(exc, WorkbenchError):
            text = f"{exc.zh}\n{exc.en}"
        else:
            logger.error("PDF export failed:\n%s", details)
            text = tr("导出时发生意外错误：{error}").format(error=exc)
        dialogs.show_error(self._window, tr("无法导出规范PDF"), text, details)

    def _pdf_ended(self) -> None:
        job, self.job = self.job, None
        dialog, self.progress_dialog = self.progress_dialog, None
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()
        if job is not None:
            job.deleteLater()
        self.update_actions()
        self.pdf_export_ended.emit()

    def cancel(self, wait: bool = False) -> None:
        """Stop a running export (closing the window)."""
        if self.job is not None:
            self.job.cancel()
            if wait:
                self.job.wait()

    # --- Excel ----------------------------------------------------------------------

    def export_excel(self, path: Path | None = None) -> bool:
        doc = self.session.document
        if doc is None:
            return False
        if path is None:
            path = self._target(
                tr("导出Excel"), f"{self._stem() or '预算公开'}.xlsx", tr(EXCEL_FILTER), ".xlsx"
            )
            if path is None:
                return False
        if self._refuse_source(path, tr("导出Excel")):
            return False
        from core.export.excel import export_workbook

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            export_workbook(doc, self.session.findings, path)
        except WorkbenchError as exc:
            QGuiApplication.restoreOverrideCursor()
            dialogs.show_error(self._window, tr("无法导出Excel"), f"{exc.zh}\n{exc.en}")
            return False
        QGuiApplication.restoreOverrideCursor()
        self.message.emit(tr("已导出 {name}").format(name=path.name))
        return True

    def import_excel(self, path: Path | None = None) -> bool:
        """Read the clerk's corrections from a workbook and apply them as one step."""
        doc = self.session.document
        if doc is None:
            return False
        if self.session.read_only:
            dialogs.show_warning(
                self._window,
                tr("从Excel导入"),
                tr("项目以只读方式打开，不能修改。请用“另存为”保存一份可修改的副本。"),
            )
            return False
        if path is None:
            path = dialogs.choose_open_file(
                self._window, tr("从Excel导入"), self._folder(), tr(EXCEL_FILTER)
            )
            if path is None:
                return False
        from core.export.excel import read_workbook

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            edits = read_workbook(path, doc)
        except WorkbenchError as exc:
            QGuiApplication.restoreOverrideCursor()
            problems = getattr(exc, "problems", ())
            details = "\n".join(str(p) for p in problems)
            dialogs.show_error(self._window, tr("无法从Excel导入"), f"{exc.zh}\n{exc.en}", details)
            return False
        QGuiApplication.restoreOverrideCursor()
        if not edits:
            dialogs.show_info(
                self._window,
                tr("从Excel导入"),
                tr("“{name}”与当前文档一致，没有需要导入的修改。").format(name=path.name),
            )
            return True
        ok = self.session.push(
            edits, tr("从Excel导入 {n} 处修改").format(n=len(edits)), kind="excel_import"
        )
        if ok:
            self.message.emit(
                tr("已从 {name} 导入 {n} 处修改（可一次撤销）").format(name=path.name, n=len(edits))
            )
        return ok
