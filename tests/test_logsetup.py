"""The log file (core.logsetup): where it is, what goes in, rotation, uncaught exceptions."""

from __future__ import annotations

import logging
import logging.handlers
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from core import logsetup
from core.logsetup import log_dir, log_file_path, setup_logging, user_data_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clean_logging():
    """Undo what setup_logging does to this (pytest's) process."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = (sys.excepthook, threading.excepthook, logsetup._hooks_installed)
    yield
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
            h.close()
    root.setLevel(level)
    sys.excepthook, threading.excepthook, logsetup._hooks_installed = hooks


def _ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if getattr(h, logsetup._OWN_ATTR, False)]


def test_user_data_dir_per_platform(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(logsetup.ENV_HOME, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", r"C:\Users\clerk\AppData\Local")
    assert user_data_dir() == Path(r"C:\Users\clerk\AppData\Local") / "BudgetWorkbench"
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert user_data_dir() == tmp_path / "state" / "budget-workbench"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert user_data_dir() == tmp_path / ".local" / "state" / "budget-workbench"
    monkeypatch.setenv(logsetup.ENV_HOME, str(tmp_path / "portable"))
    assert user_data_dir() == tmp_path / "portable"
    assert log_dir() == tmp_path / "portable" / "logs"
    assert log_file_path() == tmp_path / "portable" / "logs" / "workbench.log"


def test_records_go_to_the_rotating_file(tmp_path: Path, clean_logging) -> None:
    path = setup_logging(tmp_path)
    assert path == tmp_path / "logs" / "workbench.log"
    logging.getLogger("core.importer.document").info("imported 某县.pdf: 25 pages")
    logging.getLogger("core.importer.document").debug("not at INFO")
    try:
        raise ValueError("损坏")
    except ValueError:
        logging.getLogger("core.export").exception("export failed")
    text = path.read_text(encoding="utf-8")
    assert "log started: budget-workbench" in text
    assert "INFO    MainProcess core.importer.document: imported 某县.pdf: 25 pages" in text
    assert "not at INFO" not in text
    assert "ERROR   MainProcess core.export: export failed" in text
    assert "Traceback (most recent call last)" in text and "ValueError: 损坏" in text
    (handler,) = _ours()
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 5)


def test_the_file_rotates(tmp_path: Path, clean_logging) -> None:
    setup_logging(tmp_path)
    (handler,) = _ours()
    handler.maxBytes = 2000
    for i in range(200):
        logging.getLogger("bench").info("line %d %s", i, "x" * 40)
    names = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert names == ["workbench.log"] + [f"workbench.log.{i}" for i in range(1, 6)]


def test_calling_again_replaces_the_handlers(tmp_path: Path, clean_logging) -> None:
    setup_logging(tmp_path / "a", console_level=logging.WARNING)
    setup_logging(tmp_path / "b", console_level=logging.WARNING)
    assert len(_ours()) == 2  # one file, one console
    logging.getLogger("x").warning("only in b")
    assert "only in b" in (tmp_path / "b" / "logs" / "workbench.log").read_text(encoding="utf-8")
    assert "only in b" not in (tmp_path / "a" / "logs" / "workbench.log").read_text(
        encoding="utf-8"
    )


def test_an_unwritable_folder_turns_the_file_off(tmp_path: Path, clean_logging) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    assert setup_logging(blocker) is None
    logging.getLogger("x").warning("no crash")  # and nothing raised


def _run(code: str, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, BUDGET_WORKBENCH_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_uncaught_exceptions_are_logged_with_their_traceback(tmp_path: Path) -> None:
    code = (
        "import threading\n"
        "from core.logsetup import setup_logging\n"
        "setup_logging()\n"
        "t = threading.Thread(target=lambda: 1 / 0, name='worker-1'); t.start(); t.join()\n"
        "raise RuntimeError('意外错误')\n"
    )
    result = _run(code, tmp_path)
    assert result.returncode == 1
    assert "RuntimeError: 意外错误" in result.stderr  # the usual report still happens
    text = (tmp_path / "logs" / "workbench.log").read_text(encoding="utf-8")
    assert "CRITICAL MainProcess uncaught: uncaught exception\nTraceback" in text
    assert "RuntimeError: 意外错误" in text
    assert "uncaught exception in thread worker-1" in text and "ZeroDivisionError" in text


def test_the_command_line_logs_to_the_file_and_stays_quiet(tmp_path: Path) -> None:
    env = dict(os.environ, BUDGET_WORKBENCH_HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "main.py", "extract", str(tmp_path / "missing.pdf"), "-o", "x.json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("错误：")  # the message, no log lines on the console
    text = (tmp_path / "logs" / "workbench.log").read_text(encoding="utf-8")
    assert "log started" in text and "InputFileError (exit 2)" in text


@pytest.mark.gui
def test_help_menu_opens_the_log_folder(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    from gui.main_window import MainWindow
    from gui.settings import Settings

    monkeypatch.setenv(logsetup.ENV_HOME, str(tmp_path / "home"))
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    window = MainWindow(Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("帮助"))
    action = next(a for a in help_menu.actions() if a.text() == "打开日志文件夹")
    action.trigger()
    assert opened == [str(tmp_path / "home" / "logs")]
    assert (tmp_path / "home" / "logs").is_dir()
