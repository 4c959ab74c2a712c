"""Opening a file off the UI thread (后台解析), and other slow work (an export).

A :class:`TaskWorker` lives in its own QThread: it runs a task (opening a file: the PDF
importer or :func:`core.loading.load_document`, then the checks; or an export) and
reports through signals — it never touches a widget. ``cancel()`` sets a flag the task
polls between its stages; a cancelled task reports ``cancelled``.

    job = ImportJob(path, password, checker)
    job.progress.connect(...); job.finished.connect(...)
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


# --- a slow task in its own thread -------------------------------------------------------

Task = Callable[[Callable[[int, int, str], None], Callable[[], bool]], object]


class JobCancelled(Exception):
    """Raised by a task that stops early because it was cancelled."""


class TaskWorker(QObject):
    """Runs ``task(progress, cancel)`` in its thread; the result or the exception goes
    back through signals. A task that stops on a cancel raises :class:`JobCancelled` (or
    one of *cancelled_types*, e.g. ``ExportCancelled``), reported as ``cancelled``."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()
    done = Signal()  # after any of the three above

    def __init__(
        self, task: Task, cancelled_types: tuple[type[BaseException], ...] = (), name: str = "task"
    ) -> None:
        super().__init__()
        self._task = task
        self._cancelled_types = (JobCancelled, *cancelled_types)
        self._name = name
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            result = self._task(self.progress.emit, self._cancel.is_set)
        except self._cancelled_types:
            self.cancelled.emit()
        except Exception as exc:  # reported to the window, which shows it
            logger.info("%s failed: %s", self._name, exc)
            self.failed.emit(exc, traceback.format_exc())
        else:
            self.finished.emit(result)
        self.done.emit()


class TaskJob(QObject):
    """A :class:`TaskWorker` and its thread. The job lives in the UI thread and relays
    the worker's signals there (so slots connected to the job, lambdas included, run in
    the UI thread); the thread ends when the worker is done."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()
    ended = Signal()  # the thread has finished (after any of the above)

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
        self.worker = TaskWorker(task, cancelled_types, name)
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


# --- opening a file ---------------------------------------------------------------------


def import_task(path: Path, password: str | None, checker: Checker, loader: Loader) -> Task:
    """The task of opening a file: load it (the importer's stages), then run the checks
    as one more step; returns ``(doc, findings)``."""

    def task(progress: Callable[[int, int, str], None], cancel: Callable[[], bool]) -> object:
        from core.importer import ImportCancelled

        try:
            doc = loader(path, password, lambda d, t, m: progress(d, t + 1, m), cancel)
        except ImportCancelled:
            raise JobCancelled() from None
        if cancel():
            raise JobCancelled()
        progress(4, 5, "检查")
        findings = checker(doc)
        if cancel():
            raise JobCancelled()
        return doc, findings

    return task


class ImportJob(TaskJob):
    """Opening *path* in a thread: ``finished(doc, findings)``, or ``failed``,
    ``cancelled``; then ``ended``."""

    finished = Signal(object, object)  # Disclosure, list[Finding]

    def __init__(
        self,
        path: Path,
        password: str | None,
        checker: Checker,
        loader: Loader = load_any,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(import_task(path, password, checker, loader), name="import", parent=parent)
        self.path = path

    @Slot(object)
    def _finished(self, result: object) -> None:
        doc, findings = result
        self.finished.emit(doc, findings)
