"""``python main.py check IN.pdf|IN.json|PROJECT [--json FINDINGS.json]`` — run every rule.

The text report groups the findings by severity (错误/警告/提示), then by rule, and says
where each one is in words (表三 预算支出总表 第5行 合计). ``--json`` writes the findings
list of DESIGN.md §4. The exit status is 0 whenever the check ran, whatever it found;
input that cannot be read is a :class:`~core.errors.WorkbenchError` (exit 2).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from itertools import groupby
from pathlib import Path

from core.loading import load_document
from core.model import Disclosure
from core.validation.engine import get_rule, run_checks
from core.validation.findings import SEVERITIES, Finding
from core.validation.labels import describe_location

logger = logging.getLogger(__name__)

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
MAX_PLACES = 4  # locations spelled out per finding in the text report


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="检查预算公开文件：表内运算、表间核对、情况说明、绩效目标表、完整性 (run all checks)",
        description="对部门预算公开文件（PDF、提取结果 JSON 或项目文件）运行全部检查规则，"
        "按严重程度和规则分组列出检查结果。",
    )
    p.add_argument("input", help="PDF、budget-disclosure/1 JSON 或项目文件（.bwproj）")
    p.add_argument(
        "--json",
        dest="json_out",
        metavar="FINDINGS.json",
        help="把检查结果写成 JSON（- 为标准输出）",
    )
    p.add_argument("--password", help="加密 PDF 的密码")
    p.add_argument(
        "--min-severity",
        choices=SEVERITIES,
        default="info",
        help="文字报告只列出该级别及以上的结果（默认全部）",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    doc = load_document(Path(args.input), args.password)
    t0 = time.perf_counter()
    findings = run_checks(doc)
    logger.debug("checked %s in %.1f ms", args.input, (time.perf_counter() - t0) * 1000)
    if args.json_out:
        text = findings_json(findings)
        if args.json_out == "-":
            print(text)
            return 0
        from core.commands.extract import write_text_atomic

        write_text_atomic(Path(args.json_out), text)
    print(report_text(doc, findings, name=Path(args.input).name, min_severity=args.min_severity))
    return 0


def findings_json(findings: list[Finding]) -> str:
    """The findings list of DESIGN.md §4, as JSON text."""
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1)


def report_text(
    doc: Disclosure, findings: list[Finding], *, name: str = "", min_severity: str = "info"
) -> str:
    """The findings grouped by severity, then rule, with each location in words."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    head = f"检查{('「' + name + '」') if name else ''}：" + "，".join(
        f"{SEVERITY_NAMES[s]} {counts[s]} 项" for s in SEVERITIES
    )
    lines = [head]
    if not findings:
        lines.append("没有发现问题。")
        return "\n".join(lines)
    form_names = [f.value("project_name") for f in doc.performance_forms]
    shown = SEVERITIES[: SEVERITIES.index(min_severity) + 1]  # type: ignore[arg-type]
    for sev in shown:
        group = [f for f in findings if f.severity == sev]
        if not group:
            continue
        lines.append("")
        lines.append(f"【{SEVERITY_NAMES[sev]}】{len(group)} 项")
        for rule_id, grouped in groupby(group, key=lambda f: f.rule):
            items = list(grouped)
            lines.append(f"{rule_id} {get_rule(rule_id).title}（{len(items)} 项）")
            for f in items:
                lines.append(f"  · {f.message}")
                places = list(
                    dict.fromkeys(
                        describe_location(loc, form_names=form_names) for loc in f.locations
                    )
                )
                where = "；".join(places[:MAX_PLACES])
                if len(places) > MAX_PLACES:
                    where += f" 等 {len(places)} 处"
                if where:
                    lines.append(f"    位置：{where}")
    return "\n".join(lines)
