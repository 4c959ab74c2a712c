"""Checking a whole folder of disclosures (批量检查).

    from core.batch import run_batch, write_report
    result = run_batch("2024/", progress=lambda done, total, name: ...)
    write_report(result, "report.xlsx")

Every ``*.pdf`` under the folder (recursively, any case of the suffix) is imported and
checked in its own worker process (spawned, at most four, each importing with one
worker so pools do not nest). A bad file never stops the batch: a damaged, encrypted,
scanned or unrelated PDF gets the status 无法读取 with the importer's reason; anything
else that goes wrong gets 程序错误 with the exception, and a worker process that dies is
replaced. The report has a summary sheet (汇总: one row per file) and a findings sheet
(问题明细: every finding of every file).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import InputFileError
from core.validation.findings import Finding

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "STATUS_CRASHED",
    "STATUS_OK",
    "STATUS_UNREADABLE",
    "BatchResult",
    "FileResult",
    "check_file",
    "find_pdfs",
    "run_batch",
    "write_report",
]

logger = logging.getLogger(__name__)

STATUS_OK = "正常"
STATUS_UNREADABLE = "无法读取"
STATUS_CRASHED = "程序错误"

MAX_WORKERS = 4

Progress = Callable[[int, int, str], None]


@dataclass
class FileResult:
    """One file of the batch: what it is, how the checks went, and its findings."""

    file: str  # path relative to the batch folder, with "/"
    status: str = STATUS_OK
    reason: str = ""
    department: str = ""
    year: int | None = None
    pages: int = 0
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    # Each finding's first location in words (same order as findings).
    places: list[str] = field(default_factory=list)
    detail: str = ""  # the traceback of a 程序错误

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass
class BatchResult:
    folder: Path
    files: list[FileResult]
    seconds: float

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)


def find_pdfs(folder: str | Path) -> list[Path]:
    """Every PDF under *folder* (recursively, ``.pdf`` in any case), sorted by path."""
    root = Path(folder)
    if not root.is_dir():
        raise InputFileError(f"找不到文件夹：{root}", f"folder not found: {root}")
    found = [p for p in root.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def check_file(path: str, name: str) -> FileResult:
    """Import and check one PDF (runs in a worker process; never raises)."""
    from core.errors import WorkbenchError
    from core.export.excel.locations import describe_location
    from core.importer import import_pdf
    from core.validation.engine import run_checks

    started = time.perf_counter()
    result = FileResult(file=name)
    try:
        doc = import_pdf(path, workers=1)
        result.department = doc.department
        result.year = doc.year
        result.pages = doc.page_count
        result.findings = run_checks(doc)
        result.places = [
            describe_location(doc, f.locations[0]) if f.locations else "" for f in result.findings
        ]
    except WorkbenchError as exc:
        result.status = STATUS_UNREADABLE
        result.reason = exc.zh
    except Exception as exc:  # a bad file must not stop the batch
        result.status = STATUS_CRASHED
        result.reason = f"{type(exc).__name__}: {exc}"
        # Logged by the parent process (a spawned worker has no logging set up).
        result.detail = traceback.format_exc()
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _crashed(name: str, why: str) -> FileResult:
    return FileResult(file=name, status=STATUS_CRASHED, reason=why)


def default_workers(n_files: int) -> int:
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS, n_files))


def run_batch(
    folder: str | Path,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Check every PDF under *folder*. *progress(done, total, file)* is called in this
    process as each file finishes. The results are in file order."""
    started = time.perf_counter()
    root = Path(folder)
    pdfs = find_pdfs(root)
    names = [p.relative_to(root).as_posix() for p in pdfs]
    total = len(pdfs)
    results: dict[str, FileResult] = {}
    done = 0

    def finished(r: FileResult) -> None:
        nonlocal done
        results[r.file] = r
        done += 1
        if progress is not None:
            progress(done, total, r.file)

    if total:
        n = workers or default_workers(total)
        lost = _run_pool(list(zip(map(str, pdfs), names, strict=True)), n, finished)
        # A worker that died (killed, out of memory) takes its pool down with it: try each
        # file whose result was lost alone, so only the file that kills a worker fails.
        for path, name in lost:
            got: list[FileResult] = []
            if _run_pool([(path, name)], 1, got.append) or not got:
                got = [_crashed(name, "检查时工作进程异常退出（文件可能过大或已损坏）")]
            finished(got[0])
    files = [results[name] for name in names]
    return BatchResult(root, files, round(time.perf_counter() - started, 2))


def _run_pool(
    jobs: list[tuple[str, str]], workers: int, finished: Callable[[FileResult], None]
) -> list[tuple[str, str]]:
    """Run *jobs* in a pool of spawned processes; return the jobs whose worker died."""
    lost: list[tuple[str, str]] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: dict[Future[FileResult], tuple[str, str]] = {
            pool.submit(check_file, path, name): (path, name) for path, name in jobs
        }
        for fut in as_completed(futures):
            path, name = futures[fut]
            try:
                r = fut.result()
            except BrokenProcessPool:
                lost.append((path, name))
                continue
            except Exception as exc:  # e.g. a result that cannot be sent back
                r = _crashed(name, f"{type(exc).__name__}: {exc}")
            if r.status == STATUS_CRASHED:
                logger.warning("检查 %s 时程序出错：%s", name, r.reason)
                logger.debug("%s", r.detail)
            finished(r)
    return lost


# --- the report ---------------------------------------------------------------------------------

SUMMARY_SHEET = "汇总"
FINDINGS_SHEET = "问题明细"
SUMMARY_COLUMNS = (
    ("文件", 40),
    ("部门", 34),
    ("年度", 7),
    ("页数", 6),
    ("错误", 6),
    ("警告", 6),
    ("提示", 6),
    ("状态", 9),
    ("原因", 44),
    ("用时（秒）", 10),
)
FINDING_COLUMNS = (
    ("文件", 34),
    ("部门", 28),
    ("严重程度", 9),
    ("规则", 7),
    ("说明", 70),
    ("位置", 40),
)
_SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def write_report(result: BatchResult, path: str | Path) -> Path:
    """Write the batch report workbook atomically; return its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from core.export.excel.writer import (
        SEVERITY_FILLS,
        CellStyles,
        fit_row_height,
        put_text,
        save_atomic,
        wrapped_lines,
    )

    bold = Font(name="宋体", size=10, bold=True)
    header_fill = PatternFill("solid", fgColor="E7E6E6")
    wrap = Alignment(vertical="top", wrap_text=True)
    styles = CellStyles()
    wb = Workbook()

    def sheet(title: str, columns: Iterable[tuple[str, int]], first: bool) -> Worksheet:
        ws = wb.active if first else wb.create_sheet(title)
        ws.title = title
        cols = list(columns)
        for j, (text, width) in enumerate(cols, start=1):
            cell = ws.cell(row=1, column=j, value=text)
            cell.font = bold
            cell.fill = header_fill
            ws.column_dimensions[get_column_letter(j)].width = width
        ws.freeze_panes = "A2"
        return ws

    ws = sheet(SUMMARY_SHEET, SUMMARY_COLUMNS, True)
    for i, f in enumerate(result.files, start=2):
        put_text(ws, i, 1, f.file, styles)
        put_text(ws, i, 2, f.department, styles)
        if f.year:
            ws.cell(row=i, column=3, value=f.year)
        if f.pages:
            ws.cell(row=i, column=4, value=f.pages)
        if f.status == STATUS_OK:
            ws.cell(row=i, column=5, value=f.count("error"))
            ws.cell(row=i, column=6, value=f.count("warning"))
            ws.cell(row=i, column=7, value=f.count("info"))
        status = put_text(ws, i, 8, f.status, styles)
        if f.status != STATUS_OK:
            status.fill = SEVERITY_FILLS["error"]
        elif f.count("error"):
            status.fill = SEVERITY_FILLS["warning"]
        put_text(ws, i, 9, f.reason, styles).alignment = wrap
        fit_row_height(ws, i, wrapped_lines(f.reason, SUMMARY_COLUMNS[8][1]))
        ws.cell(row=i, column=10, value=f.seconds)
    last = len(result.files) + 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(SUMMARY_COLUMNS))}{max(last, 1)}"
    foot = last + 2
    put_text(
        ws,
        foot,
        1,
        f"共 {len(result.files)} 个文件：正常 {result.count(STATUS_OK)}，"
        f"无法读取 {result.count(STATUS_UNREADABLE)}，程序错误 {result.count(STATUS_CRASHED)}；"
        f"用时 {result.seconds:.1f} 秒",
        styles,
    ).font = bold

    ws2 = sheet(FINDINGS_SHEET, FINDING_COLUMNS, False)
    r = 2
    for f in result.files:
        for finding, place in zip(f.findings, f.places, strict=False):
            put_text(ws2, r, 1, f.file, styles)
            put_text(ws2, r, 2, f.department, styles)
            sev = put_text(
                ws2, r, 3, _SEVERITY_LABELS.get(finding.severity, finding.severity), styles
            )
            if finding.severity in SEVERITY_FILLS:
                sev.fill = SEVERITY_FILLS[finding.severity]
            put_text(ws2, r, 4, finding.rule, styles)
            put_text(ws2, r, 5, finding.message, styles).alignment = wrap
            put_text(ws2, r, 6, place, styles).alignment = wrap
            lines = max(
                wrapped_lines(finding.message, FINDING_COLUMNS[4][1]),
                wrapped_lines(place, FINDING_COLUMNS[5][1]),
            )
            fit_row_height(ws2, r, lines)
            r += 1
    ws2.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_COLUMNS))}{max(r - 1, 1)}"
    for w in (ws, ws2):
        w.page_setup.paperSize = w.PAPERSIZE_A4
        w.page_setup.orientation = "landscape"
        w.page_setup.fitToWidth = 1
        w.page_setup.fitToHeight = 0
        w.sheet_properties.pageSetUpPr.fitToPage = True
        w.print_title_rows = "1:1"
    target = Path(path)
    save_atomic(wb, target)
    return target
