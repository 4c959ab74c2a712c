"""The window part of ``main.py --self-test`` (自检: 界面).

Opens the example disclosure in the real window (offscreen when there is no display),
waits for the parse, and checks the first page was drawn and the tables are listed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def gui_smoke(example: Path) -> str:
    """Start the application as the window does (font, translations), build the main
    window (not shown; its settings in a temporary file), render page 1 of *example*."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    t = time.perf_counter()
    from PySide6.QtGui import QGuiApplication

    from gui.app import create_app
    from gui.main_window import MainWindow
    from gui.pdf_pages import PdfPages
    from gui.settings import Settings

    app = create_app([])
    family = app.font().family()
    if "WenQuanYi" not in family:
        raise RuntimeError(f"the bundled font was not loaded (application font: {family})")
    pages = PdfPages(example)
    try:
        image = pages.render(0, 1.0)
    finally:
        pages.close()
    if image.isNull() or image.width() < 100:
        raise RuntimeError("page 1 did not render")
    # A blank page would mean PDFium drew nothing (a broken pdfium library).
    step = 7
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }
    if len(colours) < 2:
        raise RuntimeError("page 1 rendered blank")
    with tempfile.TemporaryDirectory(prefix="bw-selftest-gui-") as tmp:
        window = MainWindow(Settings(Path(tmp) / "settings.ini"))
        menus = [a.text() for a in window.menuBar().actions()]
        window.deleteLater()
        app.processEvents()
        del window
    return (
        f"Qt {QGuiApplication.platformName()}, 字体 {family}, 主窗口 {len(menus)} 个菜单, "
        f"第 1 页 {image.width()}×{image.height()} ({time.perf_counter() - t:.1f} s)"
    )
