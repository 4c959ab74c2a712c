"""Message boxes (提示框), all through one helper so tests can silence them.

    from gui import dialogs
    dialogs.show_error(parent, title, text)
    if dialogs.ask_save_changes(parent, name) == dialogs.SAVE: ...

File choosers (打开/保存为) go through :func:`choose_open_file` and
:func:`choose_save_file`.

In tests, ``with dialogs.silenced(answer=..., files=[...]) as shown:`` records every
message instead of opening a box (``shown`` is a list of :class:`Shown`), answers
questions with *answer* and file choosers with the next of *files* (None — cancelled —
when they run out).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from gui.i18n import tr

logger = logging.getLogger(__name__)

SAVE = "save"
DISCARD = "discard"
CANCEL = "cancel"
YES = "yes"


@dataclass(frozen=True)
class Shown:
    kind: (
        str  # "error" | "warning" | "info" | "question" | "password" | "text" | "open" | "save-as"
    )
    title: str
    text: str
    details: str = ""


_silenced: list[Shown] | None = None
_answer: object = None
_files: list[Path | None] = []


@contextmanager
def silenced(
    answer: object = None, files: Iterable[str | Path | None] = ()
) -> Iterator[list[Shown]]:
    """Record messages instead of showing them; questions get *answer*, file choosers
    the next of *files*."""
    global _silenced, _answer, _files
    previous = (_silenced, _answer, _files)
    _silenced, _answer = [], answer
    _files = [None if f is None else Path(f) for f in files]
    try:
        yield _silenced
    finally:
        _silenced, _answer, _files = previous


def _record(kind: str, title: str, text: str, details: str = "") -> bool:
    if _silenced is None:
        return False
    _silenced.append(Shown(kind, title, text, details))
    logger.info("[silenced %s] %s: %s", kind, title, text)
    return True


def _box(
    parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, details: str = ""
) -> None:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.exec()


def show_error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    if not _record("error", title, text, details):
        _box(parent, QMessageBox.Icon.Critical, title, text, details)


def show_warning(parent: QWidget | None, title: str, text: str) -> None:
    if not _record("warning", title, text):
        _box(parent, QMessageBox.Icon.Warning, title, text)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    if not _record("info", title, text):
        _box(parent, QMessageBox.Icon.Information, title, text)


def ask_save_changes(parent: QWidget | None, name: str, can_save: bool) -> str:
    """Ask whether to save the changes to *name*: SAVE, DISCARD or CANCEL.

    Without a way to save (*can_save* False) the question is discard-or-cancel."""
    title = tr("保存修改")
    if can_save:
        text = tr("“{name}”有未保存的修改。关闭前要保存吗？").format(name=name)
    else:
        text = tr("“{name}”有未保存的修改，关闭后将丢失。仍要关闭吗？").format(name=name)
    if _record("question", title, text):
        return str(_answer) if _answer in (SAVE, DISCARD, CANCEL) else CANCEL
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    save = box.addButton(tr("保存"), QMessageBox.ButtonRole.AcceptRole) if can_save else None
    discard = box.addButton(
        tr("不保存") if can_save else tr("关闭"), QMessageBox.ButtonRole.DestructiveRole
    )
    cancel = box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if save is not None and clicked is save:
        return SAVE
    if clicked is discard:
        return DISCARD
    return CANCEL


def ask_password(parent: QWidget | None, name: str) -> str | None:
    """The password of an encrypted PDF, or None when the clerk cancels."""
    title = tr("需要密码")
    text = tr("“{name}”受密码保护，请输入打开密码：").format(name=name)
    if _record("password", title, text):
        return _answer if isinstance(_answer, str) else None
    value, ok = QInputDialog.getText(parent, title, text, QLineEdit.EchoMode.Password)
    return value if ok else None


def ask_yes_no(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes-or-no question (default: no); silenced, *answer* YES (or True) says yes."""
    if _record("question", title, text):
        return _answer is True or _answer == YES
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """A line of text (the reason for an edit), or None when the clerk cancels."""
    if _record("text", title, label):
        return _answer if isinstance(_answer, str) else None
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value if ok else None


def _chosen(kind: str, title: str, start: str) -> tuple[bool, Path | None]:
    if not _record(kind, title, start):
        return False, None
    return True, (_files.pop(0) if _files else None)


def choose_open_file(
    parent: QWidget | None, title: str, start: str | Path = "", filters: str = ""
) -> Path | None:
    """The file chooser for opening; None when cancelled."""
    silent, path = _chosen("open", title, str(start))
    if silent:
        return path
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start), filters)
    return Path(chosen) if chosen else None


def choose_save_file(
    parent: QWidget | None, title: str, start: str | Path = "", filters: str = "", suffix: str = ""
) -> Path | None:
    """The file chooser for saving; None when cancelled. The clerk has agreed to
    replace the file returned if it exists. *suffix* (".bwproj") is added when the
    clerk typed a name without it."""
    silent, path = _chosen("save-as", title, str(start))
    if not silent:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, str(start), filters)
        path = Path(chosen) if chosen else None
    if path is not None and suffix and path.suffix.lower() != suffix.lower():
        path = path.with_name(path.name + suffix)
        # The chooser asked about the name as typed, not about this one.
        if path.exists() and not ask_yes_no(
            parent,
            tr("文件已存在"),
            tr("“{name}”已存在。要替换它吗？").format(name=path.name),
        ):
            return None
    return path
