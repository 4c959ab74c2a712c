"""The program's log file (日志文件): what a clerk sends when something goes wrong.

    from core.logsetup import setup_logging, log_file_path, log_dir
    setup_logging()                    # once, at start-up (main.py does it)
    log_dir()                          # the folder for 帮助 › 打开日志文件夹

Imports, checks, exports and every error (with its traceback) go to a rotating file
``workbench.log`` (1 MB × 5 old copies) in the user's data folder:

- Windows: ``%LOCALAPPDATA%\\BudgetWorkbench\\logs``
- elsewhere: ``$XDG_STATE_HOME/budget-workbench/logs`` (``~/.local/state/…``)
- ``BUDGET_WORKBENCH_HOME`` overrides the data folder (tests, portable use): its ``logs``.

Uncaught exceptions — in the main thread, in other threads, and in Qt slots (PySide6
passes them to :data:`sys.excepthook`) — are written with their traceback before the
usual handling. Logging never stops the program: when the folder cannot be written the
file log is simply off.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path
from typing import cast

__all__ = [
    "APP_DIR_NAME",
    "app_version",
    "ENV_HOME",
    "LOG_FILE_NAME",
    "log_dir",
    "log_file_path",
    "setup_logging",
    "user_data_dir",
]

logger = logging.getLogger(__name__)

APP_DIR_NAME = "BudgetWorkbench"  # Windows
XDG_DIR_NAME = "budget-workbench"  # elsewhere
ENV_HOME = "BUDGET_WORKBENCH_HOME"
LOG_FILE_NAME = "workbench.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FILE_FORMAT = "%(asctime)s %(levelname)-7s %(processName)s %(name)s: %(message)s"
CONSOLE_FORMAT = "%(levelname)s %(name)s: %(message)s"

# The handlers this module installed, so a second call replaces rather than adds.
_OWN_ATTR = "_budget_workbench_handler"
_hooks_installed = False


def user_data_dir() -> Path:
    """The per-user folder for the program's own files (logs), not the user's projects."""
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_DIR_NAME
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / XDG_DIR_NAME


def log_dir(app_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the log files (``app_dir/logs``; the user data folder's by default)."""
    return (Path(app_dir) if app_dir is not None else user_data_dir()) / "logs"


def log_file_path(app_dir: str | os.PathLike[str] | None = None) -> Path:
    """The current log file (older ones beside it end in ``.1`` … ``.5``)."""
    return log_dir(app_dir) / LOG_FILE_NAME


def setup_logging(
    app_dir: str | os.PathLike[str] | None = None,
    *,
    level: int = logging.INFO,
    console_level: int | None = None,
) -> Path | None:
    """Send log records of *level* and above to the rotating log file; returns its path,
    or None when the folder cannot be written (the program runs on without a file log).

    *console_level*: also print records of that level and above on stderr (the command
    line: warnings by default, debug with ``-v``). Calling again replaces the handlers
    installed before. Uncaught exceptions are logged with their traceback.
    """
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, _OWN_ATTR, False):
            root.removeHandler(h)
            h.close()
    file = log_file_path(app_dir)
    path: Path | None = file
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            file, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
        )
        # WORKAROUND: probe the folder now: with delay=True an unwritable folder would
        # only show up on the first record, as a logging error on stderr.
        with open(file, "a", encoding="utf-8"):
            pass
    except OSError:
        path = None
    else:
        handler.setLevel(level)
        handler.setFormatter(logging.Formatter(FILE_FORMAT))
        setattr(handler, _OWN_ATTR, True)
        root.addHandler(handler)
    if console_level is not None:
        console = _ConsoleHandler()
        console.setLevel(console_level)
        console.setFormatter(logging.Formatter(CONSOLE_FORMAT))
        setattr(console, _OWN_ATTR, True)
        root.addHandler(console)
        level = min(level, console_level)
    root.setLevel(level)
    # Noisy third-party debug output would drown the clerk's log.
    for name in ("pdfminer", "PIL", "fontTools"):
        logging.getLogger(name).setLevel(max(logging.WARNING, level))
    _install_hooks()
    if path is not None:
        logger.info(
            "log started: %s %s, Python %s, %s%s",
            _app_name(),
            app_version() or "(version unknown)",
            sys.version.split()[0],
            sys.platform,
            " (frozen)" if getattr(sys, "frozen", False) else "",
        )
    return path


class _ConsoleHandler(logging.StreamHandler):
    """Writes to whatever :data:`sys.stderr` is at the time (None in a windowed program)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        if sys.stderr is not None:
            super().emit(record)


def _install_hooks() -> None:
    """Log uncaught exceptions (main thread, threads, Qt slots) before the default handling."""
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    previous = sys.excepthook

    def excepthook(exc_type, exc, tb) -> None:
        if not issubclass(exc_type, KeyboardInterrupt):
            logging.getLogger("uncaught").critical(
                "uncaught exception", exc_info=(exc_type, exc, tb)
            )
        previous(exc_type, exc, tb)

    sys.excepthook = excepthook
    previous_thread = threading.excepthook

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit:
            name = args.thread.name if args.thread is not None else "?"
            logging.getLogger("uncaught").critical(
                "uncaught exception in thread %s",
                name,
                # cast: typeshed wants an exception instance, but exc_value may be None
                # and logging formats (type, None, tb) fine at runtime.
                exc_info=(
                    args.exc_type,
                    cast(BaseException, args.exc_value),
                    args.exc_traceback,
                ),
            )
        previous_thread(args)

    threading.excepthook = thread_excepthook


def _app_name() -> str:
    return "budget-workbench"


def app_version() -> str:
    """The program's version: the frozen bundle's VERSION file (written by the PyInstaller
    spec), the installed package's metadata, or the source checkout's pyproject.toml."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        try:
            return (Path(bundle) / "VERSION").read_text(encoding="utf-8").strip()
        except OSError:
            return ""
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("budget-workbench")
    except (ImportError, PackageNotFoundError):
        pass
    try:
        import tomllib

        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, ValueError):
        return ""
