"""``python main.py export IN.pdf|IN.json|PROJECT -o OUT.pdf`` — the standardized PDF.

The document is checked first. When error findings remain they are printed and the
export is refused (exit 3) unless ``--force`` is given; warnings never stop it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from core.errors import WorkbenchError

if TYPE_CHECKING:
    from core.model import Disclosure
    from core.validation.findings import Finding

logger = logging.getLogger(__name__)

# Exit status when error findings remain and --force was not given.
EXIT_FINDINGS = 3
# How many error findings are printed before "… and N more".
_SHOWN = 30


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="生成标准化的部门预算公开 PDF (export a standardized PDF)",
        description="读取部门预算公开 PDF、提取结果 JSON 或项目文件，检查后生成标准化 PDF。"
        "仍有错误时列出错误并停止，加 --force 仍然导出。",
    )
    p.add_argument("input", help="部门预算公开 PDF、budget-disclosure/1 JSON 或项目文件")
    p.add_argument("-o", "--output", required=True, help="输出 PDF 文件")
    p.add_argument("--force", action="store_true", help="有错误检查结果时仍然导出")
    p.add_argument("--password", help="加密 PDF 的密码")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.export.pdf import export_pdf
    from core.loading import load_document

    doc = load_document(args.input, args.password)
    errors = _error_findings(doc)
    if errors:
        print(f"检查发现 {len(errors)} 个错误 / {len(errors)} error finding(s):", file=sys.stderr)
        for f in errors[:_SHOWN]:
            print(f"  [{f.rule}] {f.message}", file=sys.stderr)
        if len(errors) > _SHOWN:
            print(
                f"  … 另有 {len(errors) - _SHOWN} 个 / and {len(errors) - _SHOWN} more",
                file=sys.stderr,
            )
        if not args.force:
            print(
                "未导出：请先改正错误，或加 --force 仍然导出。\n"
                "Not exported: correct the errors first, or use --force to export anyway.",
                file=sys.stderr,
            )
            return EXIT_FINDINGS
        print("已指定 --force，仍然导出。 / --force given: exporting anyway.", file=sys.stderr)
    try:
        result = export_pdf(doc, args.output)
    except OSError as exc:
        raise WorkbenchError(
            f"无法写入输出文件：{args.output}（{exc.strerror or exc}）",
            f"cannot write {args.output}: {exc}",
        ) from exc
    print(f"已导出 {result.pages} 页：{result.path} / exported {result.pages} pages")
    return 0


def _error_findings(doc: Disclosure) -> list[Finding]:
    """The error-severity findings of *doc* (warnings and infos do not stop an export)."""
    from core.validation.engine import run_checks

    return [f for f in run_checks(doc) if f.severity == "error"]
