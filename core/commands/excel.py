"""``python main.py excel …`` — the document as an Excel workbook, and back.

    excel IN.pdf|IN.json|PROJECT -o OUT.xlsx [--password PW]   导出Excel (with 问题清单)
    excel PROJECT --import BOOK.xlsx [--dry-run]                从Excel导入 into a project

Import applies the workbook's changes to the project as one step (kind ``excel_import``,
recorded in its audit log, undoable in the GUI); nothing is applied when anything in the
workbook is wrong.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from core.errors import InputFileError

logger = logging.getLogger(__name__)

# How many imported edits are listed.
_SHOWN = 50


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "excel",
        help="导出为 Excel 工作簿，或从修改过的工作簿导入 (export to / import from Excel)",
        description="把部门预算公开 PDF、提取结果 JSON 或项目文件导出为 Excel 工作簿：每张表一个"
        "工作表，另有绩效目标表、情况说明和问题清单。加 --import 时把修改过的工作簿导入项目文件。",
    )
    p.add_argument("input", help="部门预算公开 PDF、budget-disclosure/1 JSON 或项目文件")
    p.add_argument("-o", "--output", help="输出的 Excel 文件（.xlsx）")
    p.add_argument("--password", help="加密 PDF 的密码")
    p.add_argument(
        "--import",
        dest="import_book",
        metavar="BOOK.xlsx",
        help="把这个（由本程序导出并修改过的）工作簿导入 INPUT 项目文件",
    )
    p.add_argument("--dry-run", action="store_true", help="导入时只列出修改，不写入项目")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.import_book:
        if args.output:
            raise InputFileError(
                "--import 与 -o 不能同时使用", "--import and -o cannot be used together"
            )
        return _import(Path(args.input), Path(args.import_book), dry_run=args.dry_run)
    if not args.output:
        raise InputFileError(
            "请用 -o 指定输出的 Excel 文件", "give the output workbook with -o OUT.xlsx"
        )
    return _export(args.input, args.output, args.password)


def _export(source: str, output: str, password: str | None) -> int:
    from core.export.excel import export_workbook
    from core.loading import load_document
    from core.validation.engine import run_checks

    doc = load_document(source, password)
    findings = run_checks(doc)
    path = export_workbook(doc, findings, output)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    print(
        f"已导出：{path}（{len(doc.tables)} 张表，{len(doc.performance_forms)} 张绩效目标表；"
        f"问题清单：错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}）\n"
        f"exported {path}: {len(doc.tables)} tables, {len(doc.performance_forms)} forms, "
        f"{len(findings)} findings"
    )
    return 0


def _import(project_path: Path, book: Path, *, dry_run: bool) -> int:
    from core.export.excel import read_workbook
    from core.loading import sniff
    from core.store import Project

    if sniff(project_path) != "project":
        raise InputFileError(
            f"从 Excel 导入需要项目文件（.bwproj），“{project_path.name}”不是项目文件。"
            "请先用 project 命令新建项目。",
            f"--import needs a project file; {project_path.name} is not one",
        )
    with Project.open(project_path, read_only=dry_run) as project:
        edits = read_workbook(book, project.document)
        if not edits:
            print(f"“{book.name}”与项目内容一致，没有需要导入的修改。 / no changes to import")
            return 0
        for e in edits[:_SHOWN]:
            print(f"  {e.ref.describe()}：{e.old!r} → {e.new!r}")  # type: ignore[union-attr]
        if len(edits) > _SHOWN:
            print(f"  … 另有 {len(edits) - _SHOWN} 处")
        if dry_run:
            print(
                f"共 {len(edits)} 处修改（--dry-run：未写入项目）/ {len(edits)} edit(s), not applied"
            )
            return 0
        project.apply(edits, kind="excel_import", reason=f"从Excel导入：{book.name}")
    print(
        f"已从“{book.name}”导入 {len(edits)} 处修改到 {project_path}（可在工作台中撤销）\n"
        f"imported {len(edits)} edit(s) into {project_path}",
        file=sys.stdout,
    )
    return 0
