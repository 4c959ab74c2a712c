"""``python main.py project …`` — create a project file without the window, or look
into one.

    project IN.pdf -o FILE.bwproj [--password PW] [--force]      新建 from a PDF
    project IN.json --pdf SOURCE.pdf -o FILE.bwproj [--force]    from a JSON document
    project FILE.bwproj                                         what the project holds
    project FILE.bwproj --log [--table KEY] [--text WORDS]      the audit log (修改记录)
    project FILE.bwproj --log-xlsx LOG.xlsx                     the audit log as Excel
    project FILE.bwproj -o COPY.bwproj [--force]                a copy (另存为)
"""

from __future__ import annotations

import argparse
import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import InputFileError
from core.loading import load_document, sniff

if TYPE_CHECKING:
    from core.store import Project

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "project",
        help="从 PDF 新建项目文件，或查看项目文件及其修改记录 (create or inspect a project)",
        description="从部门预算公开 PDF 新建项目文件（.bwproj），或查看项目文件的内容和修改记录。",
    )
    p.add_argument("input", help="PDF、JSON 或项目文件（.bwproj）")
    p.add_argument("-o", "--output", help="要新建（或复制到）的项目文件")
    p.add_argument("--password", help="加密 PDF 的密码")
    p.add_argument("--pdf", help="输入为 JSON 时：作为源文件存入项目的 PDF")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    p.add_argument("--log", action="store_true", help="列出修改记录 (print the audit log)")
    p.add_argument("--log-xlsx", metavar="XLSX", help="把修改记录导出为 Excel")
    p.add_argument("--table", help="只列出这张表的修改 (table key)")
    p.add_argument("--text", help="只列出含有这些文字的修改")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.store import EXTENSION, Project

    src = Path(args.input)
    kind = sniff(src)
    if kind != "project":
        if not args.output:
            raise InputFileError(
                "新建项目需要用 -o 指定项目文件名", "give the new project file with -o FILE"
            )
        out = Path(args.output)
        if out.suffix.lower() != EXTENSION:
            logger.warning("the project file %s does not end in %s", out, EXTENSION)
        if kind == "pdf":
            project = Project.from_pdf(out, src, password=args.password, overwrite=args.force)
        else:
            if not args.pdf:
                raise InputFileError(
                    "从 JSON 新建项目时需要用 --pdf 指定源 PDF",
                    "creating a project from JSON needs the source PDF (--pdf)",
                )
            doc = load_document(src)
            project = Project.create(out, Path(args.pdf), doc, overwrite=args.force)
        with project:
            print(f"已新建项目 {project.path}（源文件 {project.source_name}）")
        return 0

    with Project.open(src, read_only=True) as project:
        if args.output:
            project.copy_to(Path(args.output), overwrite=args.force)
            print(f"已复制项目到 {args.output}")
        filters = {k: v for k, v in (("table", args.table), ("text", args.text)) if v}
        if args.log_xlsx:
            project.export_audit_log(Path(args.log_xlsx), **filters)
            print(f"已导出修改记录到 {args.log_xlsx}")
        if args.log:
            _print_log(project, filters)
        if not (args.output or args.log or args.log_xlsx):
            _print_summary(project)
    return 0


def _print_summary(project: Project) -> None:
    m = project.meta
    last = project.last_check()
    doc = project.document
    print(f"项目文件: {project.path}")
    created = m.get("created", "")
    if created:
        created = f"{datetime.fromisoformat(created).astimezone():%Y-%m-%d %H:%M}"
    print(f"格式版本: {project.schema_version}   创建: {created}")
    print(f"源文件: {project.source_name}  ({m.get('source_size', '?')} 字节)")
    print(f"SHA-256: {project.source_sha256}")
    print(f"部门: {doc.department}   年度: {doc.year or ''}")
    print(f"修改: {len(project.audit_log())} 条")
    if last is None:
        print("检查结果: 未保存")
    else:
        state = "最新" if last.up_to_date else "之后又有修改"
        print(f"检查结果: {len(last.findings)} 条（{last.local_time:%Y-%m-%d %H:%M}，{state}）")


def _print_log(project: Project, filters: dict[str, str]) -> None:
    for e in project.audit_log(**filters):
        when = e.local_time.strftime("%Y-%m-%d %H:%M:%S")
        reason = f"  原因: {e.reason}" if e.reason else ""
        print(
            f"{when}  {e.kind_label}  {e.place}  印刷: {e.printed!r}  {e.old!r} → {e.new!r}{reason}"
        )
