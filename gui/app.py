"""Starting the window (启动): the application, its font, the crash dialog.

    run_gui(["dept.pdf"]) -> exit code

An unexpected exception anywhere in the UI is logged (``core.logsetup``'s log file, set
up by main.py) and shown in a dialog with the details; the program keeps running.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from core.logsetup import log_file_path
from core.resources import resource_path
from gui import dialogs

logger = logging.getLogger(__name__)

APP_NAME = "预算公开工作台"
FONT_FILE = ("fonts", "wqy-microhei.ttc")


def load_cjk_font(app: QApplication) -> str | None:
    """Register the shipped CJK font and make it the application's font (so Chinese
    renders the same on every machine). Returns its family name."""
    path = resource_path(*FONT_FILE)
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        logger.warning("cannot load the font %s", path)
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return None
    font = QFont(families[0])
    font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
    app.setFont(font)
    return families[0]


def install_translations(app: QApplication) -> None:
    """Our strings are written in Chinese; an English (or other) translation is loaded
    when one ships for the system's language (resources/translations/workbench_<lang>.qm).
    Qt's own strings (standard buttons, context menus) follow the same language:
    Chinese unless our translation was loaded."""
    locale = QLocale.system()
    ours = QTranslator(app)
    translated = not locale.name().startswith("zh") and ours.load(
        locale, "workbench", "_", str(resource_path("translations"))
    )
    if translated:
        app.installTranslator(ours)
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_locale = locale if translated else QLocale("zh_CN")
    if qt.load(qt_locale, "qt", "_", qt_dir):
        app.installTranslator(qt)


def install_excepthook() -> None:
    """Show unexpected exceptions in a dialog, after the hook before (core.logsetup's
    logs them with their traceback)."""
    previous = sys.excepthook

    def hook(exc_type, exc, tb) -> None:
        previous(exc_type, exc, tb)
        if not issubclass(exc_type, KeyboardInterrupt):
            show_exception(exc_type, exc, tb)

    sys.excepthook = hook


def show_exception(exc_type, exc, tb) -> None:
    """The crash dialog: what happened, where the log is; the window stays open."""
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    if not logging.getLogger().handlers:
        logger.error("unexpected error:\n%s", details)
    try:
        dialogs.show_error(
            QApplication.activeWindow(),
            QCoreApplication.translate("app", "程序错误"),
            QCoreApplication.translate(
                "app", "发生了意外错误，已记录到日志（{log}）。您的修改仍在窗口中。\n{error}"
            ).format(log=log_file_path(), error=f"{exc_type.__name__}: {exc}"),
            details,
        )
    except Exception:  # the dialog itself failed: the log has it
        logger.exception("cannot show the error dialog")


def create_app(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "workbench", *argv])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("BudgetWorkbench")
    app.setApplicationDisplayName(APP_NAME)
    load_cjk_font(app)
    install_translations(app)
    return app  # type: ignore[return-value]


def run_gui(argv: list[str]) -> int:
    """Open the window (with the file in *argv*, if any) and run until it closes.
    (main.py has set up the log file.)"""
    files = [a for a in argv if not a.startswith("-")]
    app = create_app(argv)
    install_excepthook()
    from gui.main_window import MainWindow
    from gui.settings import Settings

    window = MainWindow(Settings())
    window.show()
    if files:
        window.open_file(Path(files[0]))
    return app.exec()
