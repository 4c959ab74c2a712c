"""The whole import: PDF file → :class:`~core.model.Disclosure`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from core.errors import NotADisclosureError, PdfReadError, ScannedPdfError
from core.importer import forms, narrative, tables
from core.importer.pages import PageContent, read_pages
from core.model import Disclosure

logger = logging.getLogger(__name__)

__all__ = ["ImportCancelled", "import_pages", "import_pdf"]

Progress = Callable[[int, int, str], None]


class ImportCancelled(Exception):
    """The user cancelled the import."""


def import_pdf(
    path: str | Path,
    password: str | None = None,
    *,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> Disclosure:
    """Read a 部门预算公开 PDF into a Disclosure.

    *progress(done, total, message)* is called as the work advances; *cancel()* is polled
    between stages and raises :class:`ImportCancelled` when it returns True. Bad input
    raises a :class:`~core.errors.WorkbenchError` with a Chinese message.
    """
    started = time.perf_counter()
    p = Path(path)

    def step(done: int, message: str) -> None:
        if cancel is not None and cancel():
            raise ImportCancelled()
        if progress is not None:
            progress(done, 4, message)

    step(0, "读取页面")
    pages = read_pages(p, password, workers=workers)
    step(1, "识别表格")
    doc = import_pages(pages, p.name, step)
    logger.info(
        "imported %s: %d pages in %.2f s", p.name, len(pages), time.perf_counter() - started
    )
    return doc


def import_pages(
    pages: list[PageContent], file_name: str = "", step: Callable[[int, str], None] | None = None
) -> Disclosure:
    """Build the Disclosure from pages already read."""
    step = step or (lambda done, message: None)
    if pages and all(p.error for p in pages):
        raise PdfReadError(
            f"PDF 页面内容已损坏，无法读取：{file_name}",
            f"the PDF's page contents are damaged and cannot be read: {file_name}",
        )
    text_pages = [p for p in pages if p.has_text]
    if not text_pages:
        raise ScannedPdfError(
            f"这个 PDF 没有文字层，看起来是扫描件（共 {len(pages)} 页）：{file_name}。"
            "请使用带文字的原始 PDF，或先做文字识别（OCR）。",
            f"the PDF has no text layer; it looks like a scan ({len(pages)} pages): {file_name}",
        )
    doc = Disclosure(source_file=file_name, page_count=len(pages))
    doc.scanned_pages = [p.number for p in pages if not p.has_text and p.has_images]
    for p in pages:
        for w in p.watermark:
            if w and w not in doc.artifacts:
                doc.artifacts.append(w)
    found = tables.find_tables(pages)
    if not found.tables:
        looked_for = "、".join(s.name for s in tables.TABLES)
        raise NotADisclosureError(
            f"没有找到任何一张部门预算公开表格，这个 PDF 看起来不是部门预算公开文件：{file_name}。"
            f"查找的表格：{looked_for}",
            f"none of the 13 budget tables was found; this does not look like a budget "
            f"disclosure: {file_name}",
        )
    doc.tables = found.tables
    doc.table_order = found.order
    doc.department = found.department
    doc.year = found.year
    doc.unit = found.unit or "万元"
    step(2, "识别绩效目标表")
    layouts = found.layouts
    doc.performance_forms, doc.overall_forms = forms.parse_forms(pages, layouts=layouts)
    step(3, "识别情况说明")
    text = narrative.parse_narrative(
        pages,
        found.table_pages,
        layouts=layouts,
        forms=(doc.performance_forms, doc.overall_forms),
    )
    doc.cover_title = text.cover_title
    doc.cover_title_source = text.cover_source
    doc.narrative = text.sections
    doc.glossary = text.glossary
    if not doc.department and text.department:
        doc.department = text.department
    step(4, "完成")
    return doc
