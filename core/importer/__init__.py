"""PDF → :class:`~core.model.Disclosure` (pdfplumber).

    from core.importer import import_pdf
    doc = import_pdf("dept.pdf", progress=lambda done, total, msg: ..., cancel=lambda: False)

Stages: :mod:`.pages` reads glyphs and rules; :mod:`.grid` rebuilds ruled grids;
:mod:`.tables` finds the 13 tables; :mod:`.forms` the performance forms; :mod:`.narrative`
the cover, the narrative sections and the glossary.
"""

from __future__ import annotations

from core.importer.document import ImportCancelled, import_pdf

__all__ = ["ImportCancelled", "import_pdf"]
