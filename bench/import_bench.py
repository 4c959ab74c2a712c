"""Import speed: our import of each corpus PDF next to pdfplumber's bare parse.

    .venv/bin/python bench/import_bench.py [--repeat N] [PDF ...]

The baseline opens the PDF with pdfplumber and touches every page's chars, rects and
lines — what any pdfplumber-based reader pays at least. Both are measured in the same
process, alternately, and the best of N runs is kept, so the ratio is robust to a busy
machine. Prints one line per file and the worst ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from core.importer import import_pdf  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def bare_parse(path: Path) -> int:
    n = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            n += len(page.chars) + len(page.rects) + len(page.lines)
    return n


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None, help="import worker processes")
    args = ap.parse_args()
    pdfs = args.pdfs or sorted(p for d in ("lo", "chrome") for p in (CORPUS / d).glob("*.pdf"))
    print(f"{'file':<22}{'pages':>6}{'bare s':>9}{'import s':>10}{'ratio':>8}")
    worst = 0.0
    for pdf in pdfs:
        with pdfplumber.open(pdf) as doc:
            pages = len(doc.pages)
        base = best_of(lambda p=pdf: bare_parse(p), args.repeat)
        ours = best_of(lambda p=pdf: import_pdf(p, workers=args.workers), args.repeat)
        ratio = ours / base
        worst = max(worst, ratio)
        name = f"{pdf.parent.name}/{pdf.name}"
        print(f"{name:<22}{pages:>6}{base:>9.2f}{ours:>10.2f}{ratio:>8.2f}")
    print(f"worst import/bare ratio: {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
