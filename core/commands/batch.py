"""``python main.py batch FOLDER -o REPORT.xlsx`` — check every PDF in a folder.

Every PDF under FOLDER (recursively) is imported and checked in parallel worker
processes; a file that cannot be read is listed with its reason and never stops the
batch. A progress bar is drawn on stderr when it is a terminal. Exit 0 when the batch ran
(even when some files could not be read).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from core.errors import InputFileError

_BAR = 28


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="批量检查一个文件夹中的所有 PDF，生成 Excel 报告 (check a folder)",
        description="检查文件夹（含子文件夹）中的每个部门预算公开 PDF，生成 Excel 报告："
        "“汇总”列出每个文件的部门、年度、页数、错误和警告数及状态，“问题明细”列出全部问题。"
        "无法读取的文件会标明原因，不会中断检查。",
    )
    p.add_argument("folder", help="要检查的文件夹")
    p.add_argument("-o", "--output", required=True, help="输出的 Excel 报告（.xlsx）")
    p.add_argument("--workers", type=int, default=None, help="并行进程数（默认 CPU 数，最多 4）")
    p.set_defaults(func=run)


class ProgressBar:
    """A text progress bar on *stream*: redrawn in place on a terminal; elsewhere only
    the final line is printed."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.live:
            return
        filled = round(_BAR * done / total) if total else _BAR
        bar = "#" * filled + "." * (_BAR - filled)
        shown = name if len(name) <= 40 else "…" + name[-39:]
        self.stream.write(f"\r[{bar}] {done}/{total} {shown}\x1b[K")
        self.stream.flush()

    def close(self, total: int) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")
        elapsed = time.perf_counter() - self.started
        self.stream.write(f"已检查 {total} 个文件，用时 {elapsed:.1f} 秒 / checked {total} files\n")
        self.stream.flush()


def run(args: argparse.Namespace) -> int:
    from core.batch import (
        STATUS_CRASHED,
        STATUS_OK,
        STATUS_UNREADABLE,
        find_pdfs,
        run_batch,
        write_report,
    )

    if args.workers is not None and args.workers < 1:
        raise InputFileError("--workers 至少为 1", "--workers must be at least 1")
    if not find_pdfs(args.folder):
        print(f"文件夹中没有 PDF 文件：{args.folder} / no PDF files found", file=sys.stderr)
    bar = ProgressBar(sys.stderr)
    result = run_batch(args.folder, workers=args.workers, progress=bar)
    bar.close(len(result.files))
    path = write_report(result, args.output)
    errors = sum(f.count("error") for f in result.files)
    warnings = sum(f.count("warning") for f in result.files)
    print(
        f"报告：{path}\n"
        f"共 {len(result.files)} 个文件：正常 {result.count(STATUS_OK)}，"
        f"无法读取 {result.count(STATUS_UNREADABLE)}，程序错误 {result.count(STATUS_CRASHED)}；"
        f"错误 {errors} 个，警告 {warnings} 个"
    )
    for f in result.files:
        if f.status != STATUS_OK:
            print(f"  {f.status}：{f.file} — {f.reason}")
    return 0
