"""Errors a clerk can understand: a Chinese message with the English gist.

Every failure caused by input (a missing file, a damaged or encrypted PDF, a scan, a PDF
that is not a budget disclosure, a damaged project file, a bad Excel sheet) is raised as a
:class:`WorkbenchError`. The command line prints both messages and exits non-zero; the GUI
shows them in a dialog. Programming errors stay ordinary exceptions.
"""

from __future__ import annotations

__all__ = [
    "EncryptedPdfError",
    "ExcelImportError",
    "InputFileError",
    "NotADisclosureError",
    "PdfReadError",
    "ProjectFileError",
    "ProjectLockedError",
    "ProjectReadOnlyError",
    "ProjectVersionError",
    "ScannedPdfError",
    "WorkbenchError",
]


class WorkbenchError(Exception):
    """A failure the user can act on."""

    exit_code = 2

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en

    def user_message(self) -> str:
        return f"错误：{self.zh}\nError: {self.en}"


class InputFileError(WorkbenchError):
    """The file is missing, unreadable, empty or of the wrong kind."""


class PdfReadError(WorkbenchError):
    """The PDF is damaged (truncated, corrupt) and cannot be read."""


class EncryptedPdfError(WorkbenchError):
    """The PDF is password-protected and no (or a wrong) password was given."""


class ScannedPdfError(WorkbenchError):
    """The PDF has no text layer: it looks like a scan."""


class NotADisclosureError(WorkbenchError):
    """A readable PDF with none of the 13 budget tables."""


class ProjectFileError(WorkbenchError):
    """A project file (.bwproj) that cannot be opened or written: missing, not a
    project, truncated or corrupt. The file is left exactly as it was."""


class ProjectLockedError(ProjectFileError):
    """The project file is open in another instance of the workbench."""


class ProjectVersionError(ProjectFileError):
    """The project file was written by a newer version of the workbench."""


class ProjectReadOnlyError(ProjectFileError):
    """The project file or its folder cannot be written: it is open read-only."""


class ExcelImportError(WorkbenchError):
    """An Excel workbook that cannot be read back: not an xlsx, a sheet renamed or
    missing, text in an amount cell, extra rows, a workbook of another document. Nothing
    is applied. ``problems`` lists every problem found (each names its sheet and cell)."""

    def __init__(self, zh: str, en: str, problems: tuple[object, ...] = ()) -> None:
        super().__init__(zh, en)
        self.problems = tuple(problems)
