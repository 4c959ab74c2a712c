"""Message boxes (提示框), all through one helper so tests can silence them.

    from gui import dialogs
    dialogs.show_error(parent, title, text)
    if dialogs.ask_save_changes(parent, name) == dialogs.SAVE: ...

In tests, ``with dialogs.silenced(answer=...) as shown:`` records every message instead
of opening a box (``shown`` is a list of :class:`Shown`) and answers questions with
*answer*.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from gui.i18n import tr

logger = logging.getLogger(__name__)

SAVE = "save"
DISCARD = "discard"
CANCEL = "cancel"


@dataclass(frozen=True)
class Shown:
    kind: str  # "error" | "warning" | "info" | "question" | "password"
    title: str
    text: str
    details: str = ""


_silenced: list[Shown] | None = None
_answer: object = None


@contextmanager
def silenced(answer: object = None) -> Iterator[list[Shown]]:
    """Record messages instead of showing them; questions get *answer*."""
    global _silenced, _answer
    previous = (_silenced, _answer)
    _silenced, _answer = [], answer
    try:
        yield _silenced
    finally:
        _silenced, _answer = previous


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
