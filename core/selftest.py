"""The self-test (自检): ``main.py --self-test`` / ``BudgetWorkbench.exe --self-test``.

It proves that an installed (frozen) program has everything it needs, with no network and
no user files: the bundled resources, pdfminer's CMap data (Chinese text), worker
processes (the importer's parallel page reading), the checks, the PDF and Excel exporters
and, when the caller passes one, a check of the window (Qt plugins, the bundled font)::

    python main.py --self-test [--workers N] [--no-gui] [--keep DIR]

Steps: open ``resources/examples/xinzhou-2023.pdf`` with *N* worker processes (2 by
default, so the frozen multiprocessing path runs), run every check (a rule that crashes
fails the test), export the standardized PDF to a temporary folder and read it back (13
tables), export the Excel workbook and read it back. Prints one line per step and
``自检通过 / self-test passed``; exits 0, or 1 with the failing step. Everything is
written to the log file too.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from core.resources import resource_path

__all__ = ["EXAMPLE", "PASSED", "SelfTestFailure", "main", "run_self_test"]

logger = logging.getLogger(__name__)

EXAMPLE = ("examples", "xinzhou-2023.pdf")
# Resources the program cannot run without (checked before anything else).
REQUIRED_RESOURCES = (
    EXAMPLE,
    ("fonts", "wqy-microhei.ttc"),
    ("classification", "functional.json"),
    ("classification", "economic.json"),
)
EXPECTED_TABLES = 13
PASSED = "自检通过 / self-test passed"
FAILED = "自检失败 / self-test FAILED"
# A worker process that does not answer in this time means a broken frozen start-up
# (e.g. a missing freeze_support: the child would start the program again).
WORKER_TIMEOUT = 120.0

GuiCheck = Callable[[Path], str]


class SelfTestFailure(Exception):
    """A step of the self-test found something wrong."""


def _child_pid() -> int:
    return os.getpid()


def _out(line: str) -> None:
    # A windowed frozen program has no stdout (None): the log file keeps the lines.
    logger.info("%s", line)
    stream = sys.stdout
    if stream is None:
        return
    try:
        print(line, file=stream, flush=True)
    except UnicodeEncodeError:  # a console that cannot show Chinese (CI's cp1252 pipe)
        enc = getattr(stream, "encoding", None) or "ascii"
        with contextlib.suppress(OSError):
            print(line.encode(enc, "backslashreplace").decode(enc), file=stream, flush=True)
    except OSError:  # a closed pipe: the log file keeps the lines
        pass


def run_self_test(
    *,
    workers: int = 2,
    gui_check: GuiCheck | None = None,
    keep: Path | None = None,
    out: Callable[[str], None] = _out,
) -> int:
    """Run the self-test; 0 when every step passed, 1 otherwise (the failure is printed).

    *gui_check(example_pdf)* is called last when given (the Qt part lives outside core/)
    and returns a one-line description of what it checked.
    """
    started = time.perf_counter()
    step = "start"
    try:
        out(f"预算公开工作台 自检 / Budget Disclosure Workbench self-test ({_where()})")
        step = "资源文件 / resources"
        example = _check_resources(out)
        step = "中文字符映射 / pdfminer CMaps"
        _check_cmaps(out)
        step = "工作进程 / worker processes"
        _check_worker_process(out)
        step = "导入 / import"
        doc = _import(example, workers, out)
        step = "检查 / checks"
        findings = _checks(doc, out)
        with tempfile.TemporaryDirectory(prefix="bw-selftest-") as tmp:
            folder = Path(keep) if keep is not None else Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            step = "导出 PDF / PDF export"
            _export_pdf(doc, folder / "selftest.pdf", out)
            step = "导出 Excel / Excel export"
            _export_excel(doc, findings, folder / "selftest.xlsx", out)
        if gui_check is not None:
            step = "界面 / window"
            out(f"界面 / window: {gui_check(example)}")
        else:
            out("界面 / window: 未检查 (not checked)")
    except Exception as exc:
        logger.error("self-test failed at %s", step, exc_info=True)
        detail = str(exc) if isinstance(exc, SelfTestFailure) else f"{type(exc).__name__}: {exc}"
        out(f"{FAILED}: {step}: {detail}")
        if not isinstance(exc, SelfTestFailure):
            for line in traceback.format_exc().rstrip().splitlines():
                out(line)
        return 1
    out(f"{PASSED} ({time.perf_counter() - started:.1f} s)")
    return 0


def main(argv: list[str] | None = None, *, gui_check: GuiCheck | None = None) -> int:
    """``--self-test`` with its options (*argv* without ``--self-test`` itself)."""
    ap = argparse.ArgumentParser(prog="main.py --self-test", description="自检 (self-test)")
    ap.add_argument("--workers", type=int, default=2, help="导入时的工作进程数 (default 2)")
    ap.add_argument("--no-gui", action="store_true", help="不检查界面 (skip the window check)")
    ap.add_argument("--keep", type=Path, help="把导出的文件保存到这个文件夹 (keep the outputs)")
    args = ap.parse_args(argv or [])
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")
    return run_self_test(
        workers=args.workers, gui_check=None if args.no_gui else gui_check, keep=args.keep
    )


# --- the steps ---------------------------------------------------------------------------


def _where() -> str:
    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    utf8 = ", UTF-8 mode" if sys.flags.utf8_mode else ""
    return f"{frozen}, Python {sys.version.split()[0]}, {sys.platform}{utf8}"


def _check_resources(out: Callable[[str], None]) -> Path:
    missing = [resource_path(*parts) for parts in REQUIRED_RESOURCES]
    missing = [p for p in missing if not p.is_file()]
    if missing:
        raise SelfTestFailure("缺少资源文件 (missing resources): " + ", ".join(map(str, missing)))
    out(f"资源文件 / resources: {resource_path()}")
    return resource_path(*EXAMPLE)


def _check_cmaps(out: Callable[[str], None]) -> None:
    # pdfminer reads CJK CMaps from its package data (cmap/*.pickle.gz); a bundle
    # without them reads Chinese text of some PDFs as (cid:…) codes.
    from pdfminer.cmapdb import CMapDB

    umap = CMapDB.get_unicode_map("Adobe-GB1", vertical=False)
    cmap = CMapDB.get_cmap("UniGB-UCS2-H")
    text = umap.get_unichr(next(iter(cmap.decode("预".encode("utf-16-be")))))
    if text != "预":
        raise SelfTestFailure(f"CMap 数据不对 (wrong CMap data): {text!r}")
    out("中文字符映射 / pdfminer CMaps: Adobe-GB1 ok")


def _check_worker_process(out: Callable[[str], None]) -> None:
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    try:
        pid = pool.submit(_child_pid).result(timeout=WORKER_TIMEOUT)
    except TimeoutError:
        # Leaving the pool's context would wait for the stuck worker forever.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise SelfTestFailure(
            f"工作进程 {WORKER_TIMEOUT:.0f} 秒内没有响应 (no answer from a worker process)"
        ) from None
    pool.shutdown()
    if pid == os.getpid():
        raise SelfTestFailure("工作进程没有启动 (no worker process)")
    out(f"工作进程 / worker processes: spawn ok (pid {pid})")


def _import(example: Path, workers: int, out: Callable[[str], None]):
    from core.importer import import_pdf

    t = time.perf_counter()
    doc = import_pdf(example, workers=workers)
    seconds = time.perf_counter() - t
    if len(doc.tables) != EXPECTED_TABLES:
        raise SelfTestFailure(
            f"示例文件只找到 {len(doc.tables)} 张表 (found {len(doc.tables)} of "
            f"{EXPECTED_TABLES} tables)"
        )
    if not any("\u4e00" <= ch <= "\u9fff" for ch in doc.department or ""):
        raise SelfTestFailure(
            f"部门名称不是中文 (department not read as Chinese): {doc.department!r}"
        )
    out(
        f"导入 / import: {example.name}, {doc.page_count} 页, {len(doc.tables)} 张表, "
        f"{len(doc.performance_forms)} 张绩效目标表, {doc.department} "
        f"({workers} workers, {seconds:.1f} s)"
    )
    return doc


def _checks(doc, out: Callable[[str], None]) -> list:
    from core.validation.engine import all_rules, run_checks

    t = time.perf_counter()
    findings = run_checks(doc, strict=True)  # a rule that crashes fails the self-test
    by = Counter(f.severity for f in findings)
    out(
        f"检查 / checks: {len(all_rules())} 条规则, {len(findings)} 条结果 "
        f"(error {by['error']}, warning {by['warning']}, info {by['info']}; "
        f"{time.perf_counter() - t:.2f} s)"
    )
    return findings


def _export_pdf(doc, target: Path, out: Callable[[str], None]) -> None:
    from core.export.pdf import export_pdf
    from core.importer import import_pdf

    t = time.perf_counter()
    result = export_pdf(doc, target)
    if not target.is_file():
        raise SelfTestFailure(f"没有生成 PDF 文件 (no PDF written): {target}")
    with target.open("rb") as fh:
        if not fh.read(5) == b"%PDF-":
            raise SelfTestFailure(f"导出的文件不是 PDF (not a PDF): {target}")
    back = import_pdf(target, workers=1)
    if len(back.tables) != EXPECTED_TABLES:
        raise SelfTestFailure(
            f"导出的 PDF 读回只有 {len(back.tables)} 张表 (read back {len(back.tables)} tables)"
        )
    out(
        f"导出 PDF / PDF export: {result.pages} 页, {target.stat().st_size // 1024} KB, "
        f"读回 {len(back.tables)} 张表 ({time.perf_counter() - t:.1f} s)"
    )


def _export_excel(doc, findings: list, target: Path, out: Callable[[str], None]) -> None:
    try:
        from core.export.excel import export_workbook
    except ImportError as exc:
        # Only the exporter itself may be missing (it is still being written); a missing
        # third-party module (openpyxl in a bundle) is a failure.
        if exc.name and not exc.name.startswith("core."):
            raise
        out("导出 Excel / Excel export: 未检查 (exporter not available)")
        return
    from openpyxl import load_workbook

    t = time.perf_counter()
    export_workbook(doc, findings, target)
    with target.open("rb") as fh:
        if fh.read(2) != b"PK":
            raise SelfTestFailure(f"导出的文件不是 xlsx (not an xlsx): {target}")
    wb = load_workbook(target, read_only=True)
    try:
        sheets = len(wb.sheetnames)
    finally:
        wb.close()
    out(
        f"导出 Excel / Excel export: {sheets} 个工作表, {target.stat().st_size // 1024} KB "
        f"({time.perf_counter() - t:.1f} s)"
    )
