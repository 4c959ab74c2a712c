"""Median time of a full check (all rules) per corpus document, from its truth JSON.

    .venv/bin/python bench/check_bench.py [--repeat 50] [TRUTH.json ...]

The budget is 20 ms for the largest corpus document (DESIGN: checks re-run on every
keystroke). Parsing the JSON and building the Disclosure are not timed; the check is
(context, layouts, narrative, form matching and every rule). CPU time is printed too:
on a shared machine it is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.contract import from_contract  # noqa: E402
from core.validation.engine import run_checks  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def bench(path: Path, repeat: int) -> tuple[float, float, int]:
    """(median wall ms, median CPU ms, number of findings)."""
    doc = from_contract(json.loads(path.read_text(encoding="utf-8")))
    run_checks(doc)  # warm up: imports, code lists, compiled patterns
    wall, cpu = [], []
    n = 0
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        n = len(run_checks(doc))
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu), n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    files = args.files or sorted(CORPUS.glob("*/*.truth.json"))
    print("document\tsize\tfindings\tmedian wall ms\tmedian CPU ms")
    for path in files:
        wall, cpu, n = bench(path, args.repeat)
        size = path.stat().st_size
        print(f"{path.parent.name}/{path.name}\t{size / 1024:.1f} KiB\t{n}\t{wall:.2f}\t{cpu:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
