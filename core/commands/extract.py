"""``python main.py extract IN.pdf -o OUT.json`` — the budget-disclosure/1 JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from core.atomic import atomic_write
from core.contract import to_contract


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract",
        help="从 PDF 提取表格、绩效目标表和情况说明，写成 JSON (extract to JSON)",
        description="读取部门预算公开 PDF，输出 budget-disclosure/1 JSON。",
    )
    p.add_argument("input", help="部门预算公开 PDF 文件")
    p.add_argument("-o", "--output", required=True, help="输出 JSON 文件（- 表示标准输出）")
    p.add_argument("--password", help="加密 PDF 的密码")
    p.add_argument(
        "--provenance", action="store_true", help="同时输出每个单元格在 PDF 上的位置和原印刷值"
    )
    p.add_argument("--workers", type=int, default=None, help="并行读取页面的进程数")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.importer import import_pdf

    doc = import_pdf(args.input, args.password, workers=args.workers)
    data = to_contract(doc, provenance=args.provenance)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if args.output == "-":
        print(text)
        return 0
    write_text_atomic(Path(args.output), text)
    return 0


def write_text_atomic(path: Path, text: str) -> None:
    """Write *text* (and a final newline) to *path* through a temporary file in the same
    folder (:func:`core.atomic.atomic_write`): a failure leaves *path* as it was."""
    with atomic_write(path, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.write("\n")
