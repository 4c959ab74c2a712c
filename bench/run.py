"""The benchmark suite: one command, every corpus PDF, every stage.

    .venv/bin/python bench/run.py [--repeat N] [--workers W] [--json OUT.json] [PDF ...]

For each PDF (default: ../shared/corpus/lo/*.pdf and chrome/*.pdf), in a fresh child
process of its own:

- import: best of N, next to pdfplumber's bare parse (open, touch every page's chars,
  rects and lines) measured in the same process, alternately, best of N — the method of
  bench/import_bench.py, whose functions are used — and their ratio;
- check: median of N runs of every rule (core.validation.engine.run_checks);
- export PDF and export Excel: median of N, into a temporary folder;
- peak memory: the child's peak resident set size (``ru_maxrss``, RUSAGE_SELF) after one
  import (in-process, ``workers=1``), check, PDF and Excel export of the file, taken before
  the timing runs — the honest figure for "how much memory does this file need", Python
  and the libraries included; ``baseline`` is the same figure for a child that only imports
  the program's modules. (Timed imports use ``--workers``, default the importer's choice.)

And the window's time to first page: a fresh process (``QT_QPA_PLATFORM=offscreen``) that
starts Qt, opens the PDF with the GUI's renderer (gui.pdf_pages.PdfPages, pypdfium2) and
paints page 1 into a QImage shown in a QLabel; ``cold`` counts from before importing Qt,
``open`` from opening the file. Uses bench/gui_first_page.py's ``measure`` when it exists.

Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CORPUS = ROOT.parent / "shared" / "corpus"
for p in (str(ROOT), str(BENCH)):
    if p not in sys.path:
        sys.path.insert(0, p)


def _maxrss_mb(who: int) -> float:
    import resource

    rss = resource.getrusage(who).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes / KiB


def _median_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# --- children -----------------------------------------------------------------------------


def child_file(pdf: Path, repeat: int, workers: int | None) -> dict:
    """Every stage of one PDF, in this (fresh) process."""
    import logging

    logging.disable(logging.WARNING)
    import resource

    import pdfplumber
    from import_bench import bare_parse, best_of

    from core.export.excel import export_workbook
    from core.export.pdf import export_pdf
    from core.importer import import_pdf
    from core.validation.engine import run_checks

    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
    # Memory first, in this process alone (one import worker: pool workers would be other
    # processes, and a forked child inherits its parent's high-water mark).
    with tempfile.TemporaryDirectory(prefix="bw-bench-") as tmp:
        doc = import_pdf(pdf, workers=1)
        findings = run_checks(doc)
        export_pdf(doc, Path(tmp) / "out.pdf")
        export_workbook(doc, findings, Path(tmp) / "out.xlsx")
    peak = _maxrss_mb(resource.RUSAGE_SELF)
    del doc, findings
    bare = best_of(lambda: bare_parse(pdf), repeat)
    docs = []
    ours = best_of(lambda: docs.append(import_pdf(pdf, workers=workers)), repeat)
    doc = docs[-1]
    del docs[:-1]
    findings = []
    check = _median_of(lambda: findings.__setitem__(slice(None), run_checks(doc)), repeat)
    with tempfile.TemporaryDirectory(prefix="bw-bench-") as tmp:
        out_pdf = Path(tmp) / "out.pdf"
        out_xlsx = Path(tmp) / "out.xlsx"
        pdf_s = _median_of(lambda: export_pdf(doc, out_pdf), repeat)
        xlsx_s = _median_of(lambda: export_workbook(doc, findings, out_xlsx), repeat)
    return {
        "file": f"{pdf.parent.name}/{pdf.name}",
        "pages": pages,
        "tables": len(doc.tables),
        "findings": len(findings),
        "bare_s": bare,
        "import_s": ours,
        "ratio": ours / bare,
        "check_s": check,
        "export_pdf_s": pdf_s,
        "export_xlsx_s": xlsx_s,
        "peak_mb": peak,
    }


def child_baseline() -> dict:
    import resource

    import pdfplumber  # noqa: F401

    import core.export.excel  # noqa: F401
    import core.export.pdf  # noqa: F401
    import core.importer  # noqa: F401
    import core.validation.engine  # noqa: F401

    return {"peak_mb": _maxrss_mb(resource.RUSAGE_SELF)}


def child_first_page(pdf: Path, t_start: float) -> dict:
    """Time to the first page in the window's renderer, in a fresh process.

    *t_start* is ``time.time()`` taken by the parent just before starting this process,
    so ``cold`` includes Python's start-up, the imports and Qt's start."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from gui_first_page import measure  # the GUI engineer's own benchmark, if present
    except ImportError:
        measure = None
    if measure is not None:
        result = dict(measure(pdf))
        result.setdefault("source", "bench/gui_first_page.py")
        result.setdefault("cold_s", time.time() - t_start)
        return result
    t_imports = time.time()
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QApplication, QLabel

    from gui.pdf_pages import PdfPages

    app = QApplication.instance() or QApplication([])
    t_open = time.perf_counter()
    pages = PdfPages(pdf)
    image = pages.render(0, 1.5)  # about 100 dpi: the page view's first zoom
    label = QLabel()
    label.setPixmap(QPixmap.fromImage(image))
    label.show()
    app.processEvents()
    open_s = time.perf_counter() - t_open
    cold_s = time.time() - t_start
    label.close()
    pages.close()
    return {
        "source": "bench/run.py (gui.pdf_pages.PdfPages → QLabel)",
        "cold_s": cold_s,
        "python_start_s": t_imports - t_start,
        "open_s": open_s,
        "size": [image.width(), image.height()],
    }


def _run_child(args: list[str], env: dict | None = None) -> dict:
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
    )
    if result.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the table -----------------------------------------------------------------------------


def _print_table(rows: list[dict], baseline: dict, first_pages: list[dict]) -> None:
    head = (
        f"{'file':<17}{'pages':>6}{'bare s':>8}{'import s':>9}{'ratio':>7}{'check s':>9}"
        f"{'PDF s':>7}{'xlsx s':>8}{'peak MB':>9}{'page 1 s':>9}"
    )
    print(head)
    print("-" * len(head))
    for r, fp in zip(rows, first_pages, strict=True):
        print(
            f"{r['file']:<17}{r['pages']:>6}{r['bare_s']:>8.2f}{r['import_s']:>9.2f}"
            f"{r['ratio']:>7.2f}{r['check_s']:>9.3f}{r['export_pdf_s']:>7.2f}"
            f"{r['export_xlsx_s']:>8.2f}{r['peak_mb']:>9.0f}"
            f"{fp.get('open_s', float('nan')):>9.2f}"
        )
    print("-" * len(head))
    worst = max(rows, key=lambda r: r["ratio"])
    print(f"worst import/bare ratio: {worst['ratio']:.2f} ({worst['file']})")
    print(f"baseline peak (modules imported, no file): {baseline['peak_mb']:.0f} MB")
    colds = [fp["cold_s"] for fp in first_pages if "cold_s" in fp]
    opens = [fp["open_s"] for fp in first_pages if "open_s" in fp]
    if colds:
        print(
            f"window, time to first page: open → page 1 shown {min(opens):.2f}–{max(opens):.2f} s; "
            f"cold (process start → page 1) {min(colds):.2f}–{max(colds):.2f} s "
            f"[{first_pages[0].get('source', '?')}]"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (default 3)")
    ap.add_argument("--workers", type=int, default=None, help="import worker processes")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("--child", choices=["file", "baseline", "first-page"], help=argparse.SUPPRESS)
    ap.add_argument("--t-start", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child == "file":
        print(json.dumps(child_file(args.pdfs[0], args.repeat, args.workers)))
        return 0
    if args.child == "baseline":
        print(json.dumps(child_baseline()))
        return 0
    if args.child == "first-page":
        print(json.dumps(child_first_page(args.pdfs[0], args.t_start)))
        return 0

    pdfs = args.pdfs or sorted(p for d in ("lo", "chrome") for p in (CORPUS / d).glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs (looked in {CORPUS})", file=sys.stderr)
        return 2
    workers = [] if args.workers is None else ["--workers", str(args.workers)]
    print(
        f"repeat {args.repeat}, import workers {args.workers or 'auto'}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n",
        flush=True,
    )
    baseline = _run_child(["--child", "baseline"])
    rows, first_pages = [], []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for pdf in pdfs:
        rows.append(
            _run_child(["--child", "file", "--repeat", str(args.repeat), *workers, str(pdf)])
        )
        fp = _run_child(["--child", "first-page", "--t-start", repr(time.time()), str(pdf)], env)
        first_pages.append(fp)
        print(f"  measured {rows[-1]['file']}", file=sys.stderr, flush=True)
    _print_table(rows, baseline, first_pages)
    if args.json:
        args.json.write_text(
            json.dumps({"files": rows, "baseline": baseline, "first_page": first_pages}, indent=1),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
