"""预算公开工作台 (Budget Disclosure Workbench).

python main.py                 the window
python main.py FILE.pdf|PROJECT    the window with a file
python main.py SUBCOMMAND …    the command line (python main.py --help)
"""

from __future__ import annotations

import sys

from core.cli import COMMANDS


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "-v", "--verbose")):
        from core.cli import run

        return run(argv)
    from gui.app import run_gui

    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main())
