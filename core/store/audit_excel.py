"""The audit log (修改记录) as an Excel workbook (openpyxl), written atomically."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from core.atomic import atomic_write
from core.store.audit import AuditEntry

logger = logging.getLogger(__name__)

__all__ = ["AUDIT_COLUMNS", "export_audit_log"]

AUDIT_COLUMNS = ("时间", "位置", "原印刷值", "修改前", "修改后", "原因", "类型")
_WIDTHS = (20, 44, 16, 16, 16, 24, 12)
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def _text(value: str) -> str:
    # Control characters are not allowed in an xlsx cell; a garbled PDF can carry them.
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def export_audit_log(entries: Iterable[AuditEntry], path: str | Path, *, title: str = "") -> Path:
    """Write *entries* to the workbook *path* (one sheet 修改记录) and return the path.

    Values stay text exactly as typed (never turned into numbers or formulas); times are
    the clerk's local time. The file is written beside the target and moved into place,
    so a failure never leaves half a workbook.
    """
    target = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "修改记录"
    row0 = 1
    if title:
        ws.cell(row=1, column=1, value=_text(title)).font = Font(bold=True)
        row0 = 3
    for j, (name, width) in enumerate(zip(AUDIT_COLUMNS, _WIDTHS, strict=True), start=1):
        cell = ws.cell(row=row0, column=j, value=name)
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = ws.cell(row=row0 + 1, column=1)
    wrap = Alignment(wrap_text=True, vertical="top")
    n = 0
    for i, e in enumerate(entries, start=row0 + 1):
        n += 1
        when = ws.cell(row=i, column=1, value=e.local_time.replace(tzinfo=None, microsecond=0))
        when.number_format = TIME_FORMAT
        texts = (e.place, e.printed, e.old, e.new, e.reason, e.kind_label)
        for j, text in enumerate(texts, start=2):
            cell = ws.cell(row=i, column=j, value=_text(text))
            # A value such as "=SUM(A1)" must stay text, not become a formula.
            cell.data_type = "s"
            cell.number_format = "@"
            cell.alignment = wrap
    if n:
        ws.auto_filter.ref = (
            f"A{row0}:{ws.cell(row=row0 + n, column=len(AUDIT_COLUMNS)).coordinate}"
        )
    _save_atomically(wb, target)
    logger.info("audit log: %d entries -> %s", n, target)
    return target


def _save_atomically(wb: Workbook, target: Path) -> None:
    with atomic_write(target) as tmp:
        wb.save(tmp)
