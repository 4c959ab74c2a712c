"""Colours (颜色) shared by the views: one place for what each severity looks like."""

from __future__ import annotations

from PySide6.QtGui import QColor

# Cell and text backgrounds.
SEVERITY_BACKGROUND = {
    "error": "#f9d0cc",
    "warning": "#ffe6a8",
    "info": "#e8eefa",  # rounding differences: barely there
}
# Rectangles on the page, markers in the navigator.
SEVERITY_PEN = {
    "error": "#d32f2f",
    "warning": "#e69500",
    "info": "#4a7fd4",
    "selection": "#1565c0",
}
SELECTION_PEN = SEVERITY_PEN["selection"]
EDITED_MARK = "#1565c0"


def background(severity: str | None) -> QColor | None:
    return QColor(SEVERITY_BACKGROUND[severity]) if severity in SEVERITY_BACKGROUND else None


def pen(severity: str) -> QColor:
    return QColor(SEVERITY_PEN.get(severity, SELECTION_PEN))
