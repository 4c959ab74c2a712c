"""Opening a file off the UI thread (后台解析), and other slow work (an export).

An :class:`ImportWorker` lives in its own QThread: it reads the document (the PDF
importer, or :func:`core.loading.load_document` for JSON and project files), runs the
checks, and reports through signals — it never touches a widget. ``cancel()`` sets a flag
that the importer polls between its stages; a cancelled import reports ``cancelled``.

    job = ImportJob(path, password)
    job.worker.progress.connect(...); job.worker.finished.connect(...)
    job.start()
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from core.model import Disclosure
from core.validation.findings import Finding

logger = logging.getLogger(__name__)

Loader = Callable[..., Disclosure]
Checker = Callable[[Disclosure], list[Finding]]


def load_any(
    path: Path,
    password: str | None,
    progress: Callable[[int, int, str], None],
    cancel: Callable[[], bool],
) -> Disclosure:
    """A PDF through the importer (with progress and cancel); anything else (JSON,
    project file) through core.loading."""
    from core.importer import import_pdf
    from core.loading import load_document, sniff

    if sniff(path) == "pdf":
        return import_pdf(path, password, progress=progress, cancel=cancel)
    return load_document(path, password)


class ImportWorker(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object, object)  # Disclosure, list[Finding]
    failed = Signal(object, str)  # the exception, its traceback
    cancelled = Signal()
    done = Signal()  # after any of the three above

    def __init__(
        self,
        path: Path,
        password: str | None,
        checker: Checker,
        loader: Loader = load_any,
    ) -> None:
        super().__init__()
        self.path = path
        self.password = password
        self._checker = checker
        self._loader = loader
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        from core.importer import ImportCancelled

        try:
            doc = self._loader(self.path, self.password, self._report, self._cancel.is_set)
            if self._cancel.is_set():
                raise ImportCancelled()
            self.progress.emit(4, 5, "检查")
            findings = self._checker(doc)
            if self._cancel.is_set():
                raise ImportCancelled()
        except ImportCancelled:
            self.cancelled.emit()
        except Exception as exc:  # reported to the window, which shows it
            logger.info("opening %s failed: %s", self.path, exc)
            self.failed.emit(exc, traceback.format_exc())
        else:
            self.finished.emit(doc, findings)
        self.done.emit()

    def _report(self, done: int, total: int, message: str) -> None:
        # One more step for the checks after the importer's stages.
        self.progress.emit(done, total + 1, message)


class ImportJob(QObject):
    """A worker and its thread. The job lives in the UI thread and relays the worker's
    signals there (so slots connected to the job, lambdas included, run in the UI
    thread); the thread ends when the worker is done."""

    progress = Signal(int, int, str)
    finished = Signal(object, object)
    failed = Signal(object, str)
    cancelled = Signal()
    ended = Signal()  # the thread has finished (after any of the above)

    def __init__(
        self,
        path: Path,
        password: str | None,
        checker: Checker,
        loader: Loader = load_any,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.thread = QThread()
        self.thread.setObjectName("import")
        self.worker = ImportWorker(path, password, checker, loader)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        # Direct: quit() is thread-safe, and a queued call would never run while the UI
        # thread blocks in wait() (closing the window during a parse).
        self.worker.done.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.thread.finished.connect(self._ended, Qt.ConnectionType.QueuedConnection)

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.emit(done, total, message)

    @Slot(object, object)
    def _finished(self, doc: object, findings: object) -> None:
        self.finished.emit(doc, findings)

    @Slot(object, str)
    def _failed(self, exc: object, details: str) -> None:
        self.failed.emit(exc, details)

    @Slot()
    def _cancelled(self) -> None:
        self.cancelled.emit()

    @Slot()
    def _ended(self) -> None:
        self.ended.emit()

    @property
    def is_cancelled(self) -> bool:
        return self.worker.is_cancelled

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.worker.cancel()

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def wait(self, ms: int = 60_000) -> bool:
        return self.thread.wait(ms)


# --- any other slow task (an export) ------------------------------------------------------

Task = Callable[[Callable[[int, int, str], None], Callable[[], bool]], object]


class TaskWorker(QObject):
    """Runs ``task(progress, cancel)`` in its thread; the result or the exception goes
    back through signals. A task ends early by raising (``ExportCancelled`` for a
    cancel: whatever *cancelled_types* names is reported as ``cancelled``)."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()
    done = Signal()

    def __init__(self, task: Task, cancelled_types: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self._task = task
        self._cancelled_types = cancelled_types
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        try:
            result = self._task(self.progress.emit, self._cancel.is_set)
        except self._cancelled_types:
            self.cancelled.emit()
        except Exception as exc:  # reported to the window, which shows it
            logger.info("background task failed: %s", exc)
            self.failed.emit(exc, traceback.format_exc())
        else:
            self.finished.emit(result)
        self.done.emit()


class TaskJob(QObject):
    """A :class:`TaskWorker` and its thread; the job's signals arrive in the UI thread
    (as :class:`ImportJob`'s do)."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()
    ended = Signal()

    def __init__(
        self,
        task: Task,
        cancelled_types: tuple[type[BaseException], ...] = (),
        name: str = "task",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName(name)
        self.worker = TaskWorker(task, cancelled_types)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        self.worker.done.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.thread.finished.connect(self._ended, Qt.ConnectionType.QueuedConnection)

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.emit(done, total, message)

    @Slot(object)
    def _finished(self, result: object) -> None:
        self.finished.emit(result)

    @Slot(object, str)
    def _failed(self, exc: object, details: str) -> None:
        self.failed.emit(exc, details)

    @Slot()
    def _cancelled(self) -> None:
        self.cancelled.emit()

    @Slot()
    def _ended(self) -> None:
        self.ended.emit()

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.worker.cancel()

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def wait(self, ms: int = 60_000) -> bool:
        return self.thread.wait(ms)
