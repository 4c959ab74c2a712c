"""The narrative editor (情况说明): one section's text, with the quoted figures that
failed a check highlighted.

Typing changes the section through a core :class:`~core.edits.SetValue` on its
:class:`~core.edits.SectionRef`; consecutive typing merges into one undo step. The text
box keeps no undo history of its own: Ctrl+Z goes to the window's undo stack.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QColor, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QToolTip, QVBoxLayout, QWidget

from core.edits import SectionRef, SetValue
from core.model import Section
from gui.finding_index import Span
from gui.i18n import tr
from gui.session import DocumentSession
from gui.sheet_model import SEVERITY_LABEL
from gui.style import SEVERITY_BACKGROUND, SEVERITY_PEN


class _TextEdit(QPlainTextEdit):
    """A plain text box that leaves Undo/Redo to the window's actions."""

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and (
            event.matches(QKeySequence.StandardKey.Undo)
            or event.matches(QKeySequence.StandardKey.Redo)
        ):
            event.ignore()
            return False
        return super().event(event)


class NarrativeEditor(QWidget):
    cursor_moved = Signal(int, int)  # section index, character position

    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.section_index: int | None = None
        self._loading = False
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        f = self.heading.font()
        f.setPointSizeF(f.pointSizeF() * 1.15)
        f.setBold(True)
        self.heading.setFont(f)
        self.text = _TextEdit()
        self.text.setUndoRedoEnabled(False)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.viewport().installEventFilter(self)
        self.text.textChanged.connect(self._text_changed)
        self.text.cursorPositionChanged.connect(self._cursor_changed)
        self.hint = QLabel(tr("有问题的数字以底色标出（红：错误，黄：警告）；鼠标停留可看说明。"))
        self.hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        layout.addWidget(self.hint)
        session.values_changed.connect(self._values_changed)
        session.findings_changed.connect(self._update_marks)
        session.document_replaced.connect(lambda: self.set_section(None))
        session.read_only_changed.connect(
            lambda ro: self.text.setReadOnly(ro or self.section is None)
        )

    @property
    def section(self) -> Section | None:
        doc = self.session.document
        i = self.section_index
        if doc is None or i is None or not 0 <= i < len(doc.narrative):
            return None
        return doc.narrative[i]

    def set_section(self, index: int | None) -> None:
        self.section_index = index
        section = self.section
        self.heading.setText(
            f"{section.part}　{section.heading}"
            if section and section.part
            else (section.heading if section else "")
        )
        self._load(section.text.value if section else "", keep_cursor=False)
        self.text.setReadOnly(section is None or self.session.read_only)
        self._update_marks()

    def _load(self, text: str, keep_cursor: bool = True) -> None:
        pos = self.text.textCursor().position()
        self._loading = True
        try:
            self.text.setPlainText(text)
        finally:
            self._loading = False
        if keep_cursor:
            cursor = self.text.textCursor()
            cursor.setPosition(min(pos, len(text)))
            self.text.setTextCursor(cursor)

    def _text_changed(self) -> None:
        if self._loading or self.section is None:
            return
        ref = SectionRef(self.section_index)  # type: ignore[arg-type]
        old = self.section.text.value
        new = self.text.toPlainText()
        if new != old:
            self.session.push([SetValue(ref, old, new)], tr("修改情况说明"), merge_key=ref)

    def _values_changed(self, refs) -> None:
        section = self.section
        if section is None:
            return
        if SectionRef(self.section_index) in refs and self.text.toPlainText() != section.text.value:  # type: ignore[arg-type]
            self._load(section.text.value)  # an undo or redo

    # --- findings -------------------------------------------------------------------

    def spans(self) -> list[Span]:
        if self.section_index is None:
            return []
        return self.session.index.spans(self.section_index)

    def _update_marks(self) -> None:
        selections = []
        n = len(self.text.toPlainText())
        for span in self.spans():
            if span.end <= span.start:
                continue
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(SEVERITY_BACKGROUND.get(span.finding.severity, "#eeeeee")))
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(QColor(SEVERITY_PEN.get(span.finding.severity, "#888888")))
            sel.format = fmt
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(min(span.start, n))
            cursor.setPosition(min(span.end, n), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            selections.append(sel)
        self.text.setExtraSelections(selections)

    def spans_at(self, position: int) -> list[Span]:
        return [s for s in self.spans() if s.start <= position < max(s.end, s.start + 1)]

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.text.viewport() and event.type() == QEvent.Type.ToolTip:
            pos = self.text.cursorForPosition(event.pos()).position()
            spans = self.spans_at(pos)
            if spans:
                text = "\n".join(
                    f"{tr(SEVERITY_LABEL.get(s.finding.severity, ''))}（{s.finding.rule}）：{s.finding.message}"
                    for s in spans
                )
                QToolTip.showText(event.globalPos(), text, self.text)
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(obj, event)

    def select_span(self, start: int, end: int) -> None:
        n = len(self.text.toPlainText())
        cursor = self.text.textCursor()
        cursor.setPosition(min(start, n))
        cursor.setPosition(min(max(end, start), n), QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)
        self.text.ensureCursorVisible()

    def _cursor_changed(self) -> None:
        if self.section_index is not None and not self._loading:
            self.cursor_moved.emit(self.section_index, self.text.textCursor().selectionStart())
