"""The open document (当前文档): the one place where the document changes.

A :class:`DocumentSession` holds the :class:`~core.model.Disclosure`, the findings of the
last check run and the undo stack. Views never change the document: they call
:meth:`DocumentSession.push` with core edits; the session applies them with
:func:`core.edits.apply_edits`, records them, re-runs the checks and emits signals.

Seams for the project file (issue 6), to be plugged in by the window's owner:

- ``session.journal``: called as ``journal(edits, kind)`` after every change to the
  document, ``kind`` being ``"edit"`` (a new step), ``"undo"`` or ``"redo"``; the edits
  are exactly what was applied (for an undo, the inverses).
- ``session.saver``: called by :meth:`save`; returns True when saved, and the undo stack
  is then marked clean (the ``*`` leaves the title).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from core.edits import Change, Edit, EditError, Ref, SetValue, apply_edits
from core.model import Disclosure
from core.validation.engine import run_checks
from core.validation.findings import Finding
from gui.finding_index import FindingIndex
from gui.provenance import SourceIndex
from gui.undo import EditCommand

logger = logging.getLogger(__name__)

Checker = Callable[[Disclosure], list[Finding]]
Journal = Callable[[Sequence[Edit], str], None]


class DocumentSession(QObject):
    document_replaced = Signal()
    # After a change: the refs whose value changed, and the edits (for structure).
    values_changed = Signal(object)
    structure_changed = Signal(object)  # the edits that inserted/removed rows or indicators
    findings_changed = Signal()
    reveal_requested = Signal(object)  # a Ref to show after undo/redo
    edit_rejected = Signal(str)

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
        self.journal: Journal | None = None
        self.saver: Callable[[], bool] | None = None

    # --- the document --------------------------------------------------------------

    def set_document(
        self,
        doc: Disclosure | None,
        findings: list[Finding] | None = None,
        path: Path | None = None,
        pdf_path: Path | None = None,
    ) -> None:
        """Show a new document (findings computed here when not given)."""
        self.undo_stack.clear()
        self.document = doc
        self.path = path
        self.pdf_path = pdf_path
        self.sources = SourceIndex(doc)
        if doc is not None and findings is None:
            findings = self._checker(doc)
        self._set_findings(findings or [])
        self.undo_stack.setClean()
        self.document_replaced.emit()
        self.findings_changed.emit()

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return self.path.name
        return self.document.source_file if self.document and self.document.source_file else ""

    @property
    def checker(self) -> Checker:
        return self._checker

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def save(self) -> bool:
        if self.saver is None:
            return False
        if self.saver():
            self.undo_stack.setClean()
            return True
        return False

    # --- changes -------------------------------------------------------------------

    def push(self, edits: Sequence[Edit], text: str, merge_key: Ref | None = None) -> bool:
        """Apply *edits* as one undoable step; False (and ``edit_rejected``) when they do
        not fit the document."""
        edits = [e for e in edits if not (isinstance(e, SetValue) and e.old == e.new)]
        if not edits:
            return True
        if self.document is None:
            return False
        try:
            self._apply(edits, "edit")
        except EditError as exc:
            logger.warning("edit rejected: %s", exc)
            self.edit_rejected.emit(str(exc))
            return False
        self.undo_stack.push(EditCommand(self, edits, text, merge_key, applied=True))
        return True

    def replay(self, edits: Sequence[Edit], kind: str) -> None:
        """Apply edits for the undo stack (undo/redo); never raises into Qt."""
        try:
            self._apply(edits, kind)
        except EditError:
            logger.exception("%s failed: the document and the undo stack disagree", kind)
            return
        for e in edits:
            if isinstance(e, SetValue):
                self.reveal_requested.emit(e.ref)
                break

    def _apply(self, edits: Sequence[Edit], kind: str) -> list[Change]:
        assert self.document is not None
        changes = apply_edits(self.document, list(edits))
        if self.journal is not None:
            self.journal(tuple(edits), kind)
        structural = [e for e, c in zip(edits, changes, strict=True) if c.structural]
        if structural:
            self.sources = SourceIndex(self.document)
            self.structure_changed.emit(structural)
        refs = tuple(r for c in changes for r in c.refs)
        if refs:
            self.values_changed.emit(refs)
        self.recheck()
        return changes

    def recheck(self) -> None:
        if self.document is None:
            return
        self._set_findings(self._checker(self.document))
        self.findings_changed.emit()

    def _set_findings(self, findings: list[Finding]) -> None:
        self.findings = list(findings)
        self.index = FindingIndex(self.findings, self.document)
