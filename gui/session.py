"""The open document (当前文档): the one place where the document changes.

A :class:`DocumentSession` holds the :class:`~core.model.Disclosure`, the findings of the
last check run and the undo stack. Views never change the document: they call
:meth:`DocumentSession.push` with core edits; the session applies them, records them,
re-runs the checks and emits signals.

Two ways to hold a document:

- **in memory** (a PDF or JSON document just opened): edits are applied with
  :func:`core.edits.apply_edits`; the undo stack's clean state says whether anything
  would be lost, and ``saver`` (set by the window) turns the session into a project;
- **a project file** (:meth:`set_project`): every change goes through
  :class:`~core.store.Project` — a new step through ``Project.apply`` (one transaction,
  on disk before :meth:`push` returns), undo and redo through ``Project.undo``/``redo``
  with the step ids the undo command keeps. Nothing can be lost, so the session is
  never *modified*. The findings of each check are stored too (after a short pause).

``session.journal`` (optional) is still called as ``journal(edits, kind)`` after every
change, ``kind`` being the step's kind (``edit``, ``restore``, ``excel_import``) or
``undo``/``redo``.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from core.edits import Change, Edit, EditError, Ref, SetValue, apply_edits
from core.errors import WorkbenchError
from core.model import Disclosure
from core.store import KIND_LABELS, AuditEntry, Project
from core.validation.engine import run_checks
from core.validation.findings import Finding
from gui.finding_index import FindingIndex
from gui.i18n import tr
from gui.provenance import SourceIndex
from gui.undo import EditCommand

logger = logging.getLogger(__name__)

Checker = Callable[[Disclosure], list[Finding]]
Journal = Callable[[Sequence[Edit], str], None]

UNDO, REDO = "undo", "redo"
# A check runs after every edit; its findings are stored once the typing pauses.
FINDINGS_SAVE_DELAY_MS = 1500


class DocumentSession(QObject):
    document_replaced = Signal()
    # After a change: the refs whose value changed, and the edits (for structure).
    values_changed = Signal(object)
    structure_changed = Signal(object)  # the edits that inserted/removed rows or indicators
    findings_changed = Signal()
    reveal_requested = Signal(object)  # a Ref to show after undo/redo
    edit_rejected = Signal(str)
    # The project file could not be written (a WorkbenchError: disk full, file gone…);
    # the document is as it was before the change.
    store_failed = Signal(object)
    history_changed = Signal()  # a step was stored (for the audit log view)
    read_only_changed = Signal(bool)  # the project became writable (另存为) or read-only

    def __init__(self, checker: Checker | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._checker: Checker = checker or run_checks
        self.document: Disclosure | None = None
        self.findings: list[Finding] = []
        self.index = FindingIndex()
        self.sources = SourceIndex(None)
        self.path: Path | None = None  # the file the document came from
        self.pdf_path: Path | None = None  # the PDF shown on the left (None: none)
        self.project: Project | None = None  # the project file, when there is one
        self.journal: Journal | None = None
        self.saver: Callable[[], bool] | None = None
        self._restoring = False  # rebuilding the undo stack: commands do not replay
        self._stored_findings: tuple[int, list[Finding]] | None = None
        self._findings_timer = QTimer(self)
        self._findings_timer.setSingleShot(True)
        self._findings_timer.setInterval(FINDINGS_SAVE_DELAY_MS)
        self._findings_timer.timeout.connect(self.store_findings)

    # --- the document --------------------------------------------------------------

    def set_document(
        self,
        doc: Disclosure | None,
        findings: list[Finding] | None = None,
        path: Path | None = None,
        pdf_path: Path | None = None,
    ) -> None:
        """Show a new document held in memory (findings computed here when not given).
        A project open before is closed."""
        self._replace(doc, findings, path, pdf_path, None)

    def set_project(
        self,
        project: Project,
        pdf_path: Path | None = None,
        findings: list[Finding] | None = None,
    ) -> None:
        """Show the current document of an open *project* (the session closes it when
        another document replaces it). Its undo history is restored: Ctrl+Z undoes
        edits made before the project was last closed."""
        self._replace(project.document, findings, project.path, pdf_path, project)

    def _replace(
        self,
        doc: Disclosure | None,
        findings: list[Finding] | None,
        path: Path | None,
        pdf_path: Path | None,
        project: Project | None,
    ) -> None:
        self.close_project(keep=project)
        self.undo_stack.clear()
        self.project = project
        self.document = doc
        self.path = path
        self.pdf_path = pdf_path
        self.sources = SourceIndex(doc)
        if doc is not None and findings is None:
            findings = self._checker(doc)
        self._set_findings(findings or [])
        if project is not None:
            last = project.last_check()
            if last is not None and last.up_to_date:
                self._stored_findings = (last.edit_seq, last.findings)
            if not project.read_only:
                self._restore_history(project)
                self._findings_timer.start()  # (nothing is written when they are stored)
        self.undo_stack.setClean()
        self.document_replaced.emit()
        self.findings_changed.emit()
        self.history_changed.emit()

    def close_project(self, keep: Project | None = None) -> None:
        """Store the pending findings and close the project file (unless it is *keep*)."""
        project = self.project
        if project is None or project is keep:
            return
        self.store_findings()
        project.close()
        self.project = None
        self._stored_findings = None

    def project_moved(self) -> None:
        """After ``Project.save_as``: the project lives at a new path (and may have become
        writable)."""
        project = self.project
        if project is None:
            return
        self.path = project.path
        if not project.read_only and self.undo_stack.count() == 0 and project.undo_steps:
            # Was read-only (no undo history shown): now the history can be undone.
            self._restore_history(project)
            self.undo_stack.setClean()
        self.read_only_changed.emit(project.read_only)
        self.history_changed.emit()

    @property
    def display_name(self) -> str:
        if self.project is not None:
            return self.project.path.stem
        if self.path is not None:
            return self.path.name
        return self.document.source_file if self.document and self.document.source_file else ""

    @property
    def checker(self) -> Checker:
        return self._checker

    @property
    def read_only(self) -> bool:
        """A project opened read-only: every change is refused."""
        return self.project is not None and self.project.read_only

    def is_modified(self) -> bool:
        """Whether closing now would lose something (never, for a project file)."""
        return self.project is None and not self.undo_stack.isClean()

    def save(self) -> bool:
        if self.saver is None:
            return False
        if self.saver():
            self.undo_stack.setClean()
            return True
        return False

    def unsaved_history(self) -> tuple[Disclosure, list[tuple[Edit, ...]]]:
        """For turning an in-memory session into a project: the document before any
        edit, and the steps made since (the undo stack up to its current index)."""
        assert self.document is not None
        stack = self.undo_stack
        steps = [stack.command(i).edits for i in range(stack.index())]  # type: ignore[attr-defined]
        base = copy.deepcopy(self.document)
        for edits in reversed(steps):
            apply_edits(base, [e.inverse() for e in reversed(edits)])
        return base, steps

    # --- changes -------------------------------------------------------------------

    def push(
        self, edits: Sequence[Edit], text: str, merge_key: Ref | None = None, kind: str = "edit"
    ) -> bool:
        """Apply *edits* as one undoable step of *kind* (``edit``, ``restore``,
        ``excel_import``); False (and ``edit_rejected`` or ``store_failed``) when they
        do not fit the document or cannot be stored."""
        edits = [e for e in edits if not (isinstance(e, SetValue) and e.old == e.new)]
        if not edits:
            return True
        if self.document is None:
            return False
        if self.read_only:
            self.edit_rejected.emit(
                tr("项目以只读方式打开，不能修改。请用“另存为”保存一份可修改的副本。")
            )
            return False
        try:
            steps = self._apply(edits, kind)
        except EditError as exc:
            logger.warning("edit rejected: %s", exc)
            self.edit_rejected.emit(str(exc))
            return False
        except WorkbenchError as exc:
            logger.error("cannot store the edit: %s", exc)
            self.store_failed.emit(exc)
            return False
        self.undo_stack.push(EditCommand(self, edits, text, merge_key, applied=True, steps=steps))
        return True

    def replay(self, edits: Sequence[Edit], kind: str, steps: Sequence[int] = ()) -> None:
        """Apply edits for the undo stack (undo/redo of the project *steps*, when
        stored); never raises into Qt."""
        if self._restoring:
            return
        try:
            self._apply(edits, kind, tuple(steps))
        except EditError:
            logger.exception("%s failed: the document and the undo stack disagree", kind)
            return
        except WorkbenchError as exc:
            logger.error("%s could not be stored: %s", kind, exc)
            self.store_failed.emit(exc)
            # The undo stack has moved, the project has not: take the project's history
            # again (after Qt has finished with the command).
            QTimer.singleShot(0, self._resync_history)
            return
        for e in edits:
            if isinstance(e, SetValue):
                self.reveal_requested.emit(e.ref)
                break

    def _apply(
        self, edits: Sequence[Edit], kind: str, steps: tuple[int, ...] = ()
    ) -> tuple[int, ...]:
        """Change the document (through the project when there is one); the ids of the
        project steps written."""
        assert self.document is not None
        done: list[tuple[Edit, Change]] = []
        project = self.project
        try:
            if project is None:
                changes = apply_edits(self.document, list(edits))
                done.extend(zip(edits, changes, strict=True))
            elif kind == UNDO:
                for step_id in reversed(steps):  # a merged typing step: newest first
                    step = project.undo(step_id)
                    if step is not None:
                        done.extend(zip(step.edits, step.changes, strict=True))
            elif kind == REDO:
                for step_id in steps:
                    step = project.redo(step_id)
                    if step is not None:
                        done.extend(zip(step.edits, step.changes, strict=True))
            else:
                step = project.apply(list(edits), kind=kind)
                done.extend(zip(step.edits, step.changes, strict=True))
                steps = (step.id,)
        finally:
            if done:
                self._changed(done, edits, kind)
        return steps

    def _changed(self, done: list[tuple[Edit, Change]], edits: Sequence[Edit], kind: str) -> None:
        if self.journal is not None:
            self.journal(tuple(edits), kind)
        structural = [e for e, c in done if c.structural]
        if structural:
            self.sources = SourceIndex(self.document)
            self.structure_changed.emit(structural)
        refs = tuple(r for _e, c in done for r in c.refs)
        if refs:
            self.values_changed.emit(refs)
        if self.project is not None:
            self.history_changed.emit()
        self.recheck()

    def recheck(self) -> None:
        if self.document is None:
            return
        self._set_findings(self._checker(self.document))
        self.findings_changed.emit()
        if self.project is not None and not self.project.read_only:
            self._findings_timer.start()

    def _set_findings(self, findings: list[Finding]) -> None:
        self.findings = list(findings)
        self.index = FindingIndex(self.findings, self.document)

    # --- the project file ------------------------------------------------------------

    def store_findings(self) -> None:
        """Store the findings of the last check in the project (done by itself a moment
        after each check; call before closing)."""
        self._findings_timer.stop()
        project = self.project
        if project is None or project.read_only or project.closed:
            return
        key = (project.last_seq, self.findings)
        if self._stored_findings == key:
            return
        try:
            project.save_findings(self.findings)
        except WorkbenchError as exc:
            # The findings are recomputed on opening: not worth interrupting the clerk.
            logger.warning("cannot store the findings: %s", exc)
            return
        self._stored_findings = (project.last_seq, list(self.findings))

    def _resync_history(self) -> None:
        project = self.project
        if project is None or project.closed:
            return
        self.undo_stack.clear()
        if not project.read_only:
            self._restore_history(project)
        self.undo_stack.setClean()

    def _restore_history(self, project: Project) -> None:
        """Fill the undo stack with the project's stored steps (undoable and redoable),
        without applying them again."""
        by_step: dict[int, list[AuditEntry]] = {}
        for entry in project.audit_log():
            by_step.setdefault(entry.step, []).append(entry)

        def command(step_id: int) -> EditCommand:
            entries = by_step.get(step_id, [])
            return EditCommand(
                self, [e.edit for e in entries], step_text(entries), steps=(step_id,), applied=True
            )

        stack = self.undo_stack
        for step_id in project.undo_steps:
            stack.push(command(step_id))
        redo = project.redo_steps
        if redo:
            self._restoring = True
            try:
                for step_id in reversed(redo):  # the next one to redo first
                    stack.push(command(step_id))
                stack.setIndex(len(project.undo_steps))
            finally:
                self._restoring = False


def step_text(entries: Sequence[AuditEntry]) -> str:
    """The undo menu's text for a stored step: its kind and first place."""
    if not entries:
        return tr("修改")
    first = entries[0]
    text = f"{KIND_LABELS.get(first.kind, first.kind)} {first.place}"
    if len(entries) > 1:
        text += tr(" 等 {n} 处").format(n=len(entries))
    return text
