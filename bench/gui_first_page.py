"""Time from "file chosen" to "first page shown" in the real window.

    .venv/bin/python bench/gui_first_page.py [--repeat N] [PDF ...]

For each PDF (default: the example disclosure and the corpus lo/003, chrome/003), N times
in a fresh window (``QT_QPA_PLATFORM=offscreen`` unless a display is set):

- ``page 1``: from the call that opens the chosen file (MainWindow.open_file, what the
  file dialog's OK runs) until the view has painted page 1's image (PdfView's
  ``first_page_shown``, emitted from its paint event);
- ``parsed``: until the parsed document is in the window (import in the worker thread
  and the checks) — what a window that parses before it shows anything would make the
  clerk wait; ``ratio`` = page 1 / parsed;
- ``floor``: pypdfium2 alone opening the file and rendering page 1 at the same zoom, no
  window (the least any viewer could do); ``overhead`` = page 1 / floor.

Medians of N. Figures only: nothing is asserted. ``measure(pdf)`` is also used by
bench/run.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"


def _app():
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui.app import create_app

    return create_app([])


def _pump(app, until, timeout_s: float) -> bool:
    deadline = time.perf_counter() + timeout_s
    while not until():
        if time.perf_counter() > deadline:
            return False
        app.processEvents()
        time.sleep(0.001)
    return True


def open_once(pdf: Path, wait_parse: bool = True) -> dict:
    """One window, one file: seconds to page 1 and to the parsed document."""
    import logging

    logging.disable(logging.WARNING)
    from gui import dialogs
    from gui.main_window import MainWindow
    from gui.settings import Settings

    app = _app()
    with tempfile.TemporaryDirectory(prefix="bw-bench-") as tmp:
        window = MainWindow(Settings(Path(tmp) / "settings.ini"))
        window.resize(1400, 900)
        window.show()
        _pump(app, lambda: window.isVisible(), 5)
        app.processEvents()
        shown: list[float] = []
        loaded: list[float] = []
        window.pdf_view.first_page_shown.connect(lambda: shown.append(time.perf_counter()))
        window.document_loaded.connect(lambda: loaded.append(time.perf_counter()))
        chosen = time.perf_counter()
        window.open_file(pdf)
        _pump(app, lambda: bool(shown), 30)
        zoom = window.pdf_view.zoom * window.pdf_view.devicePixelRatioF()
        if wait_parse:
            _pump(app, lambda: bool(loaded) or not window.is_loading(), 300)
        with dialogs.silenced(answer=dialogs.DISCARD):
            window.close()
        app.processEvents()
    return {
        "page1_s": shown[0] - chosen if shown else float("nan"),
        "parsed_s": loaded[0] - chosen if loaded else float("nan"),
        "scale": zoom,
    }


def floor(pdf: Path, scale: float) -> float:
    """pypdfium2 alone: open the file, render page 1 into a QImage."""
    from gui.pdf_pages import PdfPages

    t = time.perf_counter()
    pages = PdfPages(pdf)
    pages.render(0, scale)
    elapsed = time.perf_counter() - t
    pages.close()
    return elapsed


def measure(pdf: Path, repeat: int = 3) -> dict:
    """Medians over *repeat* windows (after one warm-up), for bench/run.py."""
    open_once(pdf, wait_parse=False)  # warm-up: imports, fonts, Qt's first window
    runs = [open_once(pdf) for _ in range(repeat)]
    page1 = statistics.median(r["page1_s"] for r in runs)
    parsed = statistics.median(r["parsed_s"] for r in runs)
    bare = statistics.median(floor(pdf, runs[0]["scale"]) for _ in range(repeat))
    return {
        "source": "bench/gui_first_page.py (MainWindow.open_file → page 1 painted)",
        "open_s": page1,
        "parsed_s": parsed,
        "ratio_to_parsed": page1 / parsed if parsed else float("nan"),
        "floor_s": bare,
        "overhead": page1 / bare if bare else float("nan"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = args.files or [
        ROOT / "resources" / "examples" / "xinzhou-2023.pdf",
        CORPUS / "lo" / "003.pdf",
        CORPUS / "chrome" / "003.pdf",
    ]
    head = f"{'file':<22}{'page 1 s':>10}{'parsed s':>10}{'ratio':>8}{'floor s':>9}{'overhead':>10}"
    print(head)
    print("-" * len(head))
    for pdf in files:
        m = measure(pdf, args.repeat)
        name = f"{pdf.parent.name}/{pdf.name}"
        print(
            f"{name:<22}{m['open_s']:>10.3f}{m['parsed_s']:>10.2f}{m['ratio_to_parsed']:>8.3f}"
            f"{m['floor_s']:>9.3f}{m['overhead']:>9.1f}x",
            flush=True,
        )
    print("page 1: file chosen → first page painted; parsed: → document in the window;")
    print("ratio = page 1 / parsed; floor: pypdfium2 open + render page 1, no window.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
