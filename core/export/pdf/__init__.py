"""Disclosure → standardized disclosure PDF (reportlab platypus).

    from core.export.pdf import export_pdf
    result = export_pdf(doc, "out.pdf", progress=lambda done, total, msg: ..., cancel=lambda: False)

See :mod:`.document` for the layout, :mod:`.tables`, :mod:`.forms` and :mod:`.charts` for
its parts, :mod:`.fonts` for the embedded CJK font and :mod:`.linebreak` for Chinese line
breaking.
"""

from __future__ import annotations

from .document import ExportCancelled, ExportError, ExportResult, export_pdf

__all__ = ["ExportCancelled", "ExportError", "ExportResult", "export_pdf"]
