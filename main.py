"""预算公开工作台 (Budget Disclosure Workbench).

python main.py                 the window
python main.py FILE.pdf|PROJECT    the window with a file
python main.py SUBCOMMAND …    the command line (python main.py --help)
python main.py --self-test     check that the (installed) program works, exit 0 when it does
"""

from __future__ import annotations

import logging
import multiprocessing
import sys

from core.cli import COMMANDS


def main(argv: list[str] | None = None) -> int:
    # First of all: in a frozen program a worker process (the importer reads long PDFs in
    # several) starts this executable again, and this call turns it into the worker.
    multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else argv
    from core.logsetup import setup_logging

    if argv and argv[0] == "--self-test":
        setup_logging(console_level=logging.WARNING)
        from core.selftest import main as self_test

        return self_test(argv[1:], gui_check=_gui_check())
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "-v", "--verbose")):
        from core.cli import run

        verbose = "-v" in argv or "--verbose" in argv
        # The command line logs to the file too; its console shows warnings (-v: debug).
        setup_logging(
            level=logging.DEBUG if verbose else logging.INFO,
            console_level=logging.DEBUG if verbose else logging.WARNING,
        )
        return run(argv)
    setup_logging()
    from gui.app import run_gui

    return run_gui(argv)


def _gui_check():
    """The window part of the self-test (Qt lives outside core/), if the GUI is there."""
    try:
        from gui.selftest import gui_smoke
    except ImportError as exc:
        if exc.name and exc.name.startswith("gui"):
            return None
        raise
    return gui_smoke


if __name__ == "__main__":
    sys.exit(main())
