"""The command line: ``python main.py SUBCOMMAND …`` (DESIGN.md §4).

Each subcommand lives in its own module under :mod:`core.commands` with
``add_parser(subparsers)`` and ``run(args) -> int``. Errors caused by input are
:class:`~core.errors.WorkbenchError`: printed in Chinese with the English gist, exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from core.errors import WorkbenchError

logger = logging.getLogger(__name__)

# Subcommand modules, in the order `--help` lists them.
COMMANDS = ("extract", "check", "export", "excel", "batch", "project")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="预算公开工作台 — 部门预算公开文件的提取、检查、修改与重新生成"
        " (Budget Disclosure Workbench). 不带参数运行打开图形界面。",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="输出调试日志 (debug log)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"core.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"core.commands.{name}":
                raise
            continue
        module.add_parser(sub)
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except WorkbenchError as exc:
        logger.info("%s (exit %d): %s", type(exc).__name__, exc.exit_code, exc.en)
        print(exc.user_message(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已取消 / cancelled", file=sys.stderr)
        return 130
