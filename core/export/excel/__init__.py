"""Disclosure ⇄ Excel workbook (openpyxl): export, and import of a corrected workbook.

    from core.export.excel import export_workbook, read_workbook
    export_workbook(doc, findings, "out.xlsx")     # atomic; findings=None runs the checks
    edits = read_workbook("out.xlsx", doc)         # the clerk's changes as SetValue edits

:mod:`.layout` describes the sheets, :mod:`.writer` writes them, :mod:`.reader` reads a
workbook back (raising :class:`~core.errors.ExcelImportError` — nothing applied — when
anything in it is wrong), :mod:`.locations` names the cells findings point at.
"""

from __future__ import annotations

from core.errors import ExcelImportError

from .locations import describe_location
from .reader import ExcelProblem, read_workbook
from .writer import build_workbook, export_workbook

__all__ = [
    "ExcelImportError",
    "ExcelProblem",
    "build_workbook",
    "describe_location",
    "export_workbook",
    "read_workbook",
]
