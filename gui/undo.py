"""The one undo command (撤销命令): a list of core edits applied as one step.

Every change the clerk makes is an :class:`EditCommand` on the session's QUndoStack.
Consecutive edits of the same place (typing in one cell or one section) merge into one
step while they come within :data:`MERGE_WINDOW` seconds of each other; a paste or a row
insertion is one command holding all its edits.

In a session backed by a project file each push is stored as a project step at once;
the command keeps the ids of its steps (several, after merging) and undoes them newest
first through ``Project.undo``. Such a command never becomes obsolete: its steps are on
disk, and undoing it must undo them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from core.edits import Edit, Ref, SetValue

if TYPE_CHECKING:
    from gui.session import DocumentSession

MERGE_WINDOW = 3.0  # seconds between keystrokes that still count as one typing step
_MERGE_ID = 1


class EditCommand(QUndoCommand):
    def __init__(
        self,
        session: DocumentSession,
        edits: Sequence[Edit],
        text: str,
        merge_key: Ref | None = None,
        *,
        applied: bool = False,
        steps: Sequence[int] = (),
    ) -> None:
        super().__init__(text)
        self._session = session
        self.edits: tuple[Edit, ...] = tuple(edits)
        self.merge_key = merge_key
        self.steps: tuple[int, ...] = tuple(steps)  # the project steps, oldest first
        self._skip_redo = applied  # the session applied it before pushing
        self._last = time.monotonic()

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._session.replay(self.edits, "redo", self.steps)

    def undo(self) -> None:
        self._session.replay(tuple(e.inverse() for e in reversed(self.edits)), "undo", self.steps)

    def id(self) -> int:
        return _MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditCommand) or other.merge_key != self.merge_key:
            return False
        if other._last - self._last > MERGE_WINDOW:
            return False
        if len(self.edits) != 1 or len(other.edits) != 1:
            return False
        mine, theirs = self.edits[0], other.edits[0]
        if not isinstance(mine, SetValue) or not isinstance(theirs, SetValue):
            return False
        self.edits = (SetValue(mine.ref, mine.old, theirs.new),)
        self.steps += other.steps
        self._last = other._last
        if mine.old == theirs.new and not self.steps:
            self.setObsolete(True)  # typed back to where it started: no step at all
        return True
