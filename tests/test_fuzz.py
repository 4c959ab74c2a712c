"""Fuzzing the importer with damaged PDFs (模糊测试).

Small real disclosures — one drawn by tests/synth.py, three excerpts of corpus PDFs — are
damaged in many ways (bytes flipped, the file cut short, objects dropped, the xref table or
stream lengths garbled, chunks duplicated), and every damaged file is imported. Each must
either import or fail with our clear :class:`~core.errors.WorkbenchError`: never another
exception, never a hang (each file has a time limit). The mutations come from a fixed seed,
so a run is repeatable; the count is bounded so CI stays fast.

Deeper runs by hand (the files that fail are kept in --out):

    .venv/bin/python tests/test_fuzz.py --count 5000 --seed 7 --out /tmp/fuzz
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CORPUS = ROOT.parent / "shared" / "corpus"
REPRODUCERS = TESTS / "data" / "fuzz"

SEED = 20240601
COUNT = 520  # mutated files per CI run (the issue asks for at least 500)
TIME_LIMIT = 20.0  # seconds per file; an import of these 1–4 page files takes ~0.2 s
WORKERS = 2

# Corpus pages for the excerpts (0-based): tables over a page break, 三公, projects; the
# summary table with the overall form and performance forms (forms are only parsed in a
# document that has a budget table).
EXCERPTS = {
    "lo-003": ("lo/003.pdf", [3, 4, 14]),
    "chrome-000": ("chrome/000.pdf", [3, 13, 15]),
    "chrome-001-forms": ("chrome/001.pdf", [3, 20, 21, 22, 50]),
}


# --- the seed files ---------------------------------------------------------------------


def build_seeds(folder: Path) -> dict[str, bytes]:
    """The undamaged inputs: a synthetic disclosure (compressed and not) and three corpus
    excerpts."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    seeds: dict[str, bytes] = {}
    seeds["synth"] = _build_synth(folder / "synth.pdf").read_bytes()
    # The same with uncompressed content streams: damage there changes text, positions
    # and rules instead of breaking the compression, and so reaches the table finder.
    seeds["synth-plain"] = _build_synth(folder / "synth-plain.pdf", compress=False).read_bytes()
    for name, (rel, pages) in EXCERPTS.items():
        src = pdfium.PdfDocument(str(CORPUS / rel))
        new = pdfium.PdfDocument.new()
        try:
            new.import_pages(src, pages)
            out = folder / f"{name}.pdf"
            new.save(str(out))
        finally:
            new.close()
            src.close()
        seeds[name] = out.read_bytes()
    return seeds


def _build_synth(path: Path, compress: bool = True) -> Path:
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from reportlab import rl_config
    from synth import Style, TableSpecSynth, build

    summary = TableSpecSynth(
        "2024年预算收支总表",
        [120, 60, 130, 60],
        [[("收入", 2), ("支出", 2)], [("项目", 1), ("预算数", 1), ("项目", 1), ("预算数", 1)]],
        [
            ["一、一般公共预算", "1,457.38", "一、一般公共服务支出", "1,341.58"],
            ["二、政府性基金预算", "", "八、社会保障和就业支出", "115.80"],
            ["本年收入合计", "1,457.38", "本年支出合计", "1,457.38"],
        ],
        label="表一",
    )
    expense = TableSpecSynth(
        "2024年支出总表",
        [70, 150, 60, 60, 60],
        [[("科目编码", 1), ("科目名称", 1), ("合计", 1), ("基本支出", 1), ("项目支出", 1)]],
        [
            ["", "合计", "1,457.38", "1,200.00", "257.38"],
            ["201", "一般公共服务支出", "1,341.58", "1,100.00", "241.58"],
            ["20101", "人大事务", "1,341.58", "1,100.00", "241.58"],
            ["2010101", "行政运行", "1,341.58", "1,100.00", "241.58"],
            ["208", "社会保障和就业支出", "115.80", "100.00", "15.80"],
        ],
        rules="horizontal",
    )
    saved = rl_config.pageCompression
    rl_config.pageCompression = 1 if compress else 0
    try:
        return build(
            path,
            [summary, expense],
            Style(fake_bold=True, watermark="仅供内部审核"),
            narrative=["一、部门预算收支数据变动情况及原因：2024年收入总计1,457.38万元。"],
        )
    finally:
        rl_config.pageCompression = saved


# --- mutations --------------------------------------------------------------------------

_OBJ = re.compile(rb"\d+ \d+ obj\b.*?endobj", re.S)
_LENGTH = re.compile(rb"/Length (\d+)")
_STREAM = re.compile(rb"stream\r?\n")


def _flip(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        i = rng.randrange(len(b))
        b[i] ^= rng.randint(1, 255)
    return bytes(b)


def _flip_streams(data: bytes, rng: random.Random) -> bytes:
    # Damage inside compressed content streams (flate errors, garbled operators).
    starts = [m.end() for m in _STREAM.finditer(data)]
    if not starts:
        return _flip(data, rng)
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        i = rng.choice(starts) + rng.randint(0, 64)
        if i < len(b):
            b[i] ^= rng.randint(1, 255)
    return bytes(b)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randint(16, len(data) - 1)]


def _drop_object(data: bytes, rng: random.Random) -> bytes:
    spans = [m.span() for m in _OBJ.finditer(data)]
    if not spans:
        return _truncate(data, rng)
    out = data
    for start, end in sorted(rng.sample(spans, min(len(spans), rng.randint(1, 3))), reverse=True):
        out = out[:start] + out[end:]
    return out


def _garble_xref(data: bytes, rng: random.Random) -> bytes:
    i = data.rfind(b"startxref")
    if i < 0:
        return _flip(data, rng)
    choice = rng.randrange(4)
    if choice == 0:  # startxref points somewhere else
        tail = data[i:].split(b"\n")
        if len(tail) > 1:
            tail[1] = str(rng.randrange(len(data) * 2)).encode()
        return data[:i] + b"\n".join(tail)
    if choice == 1:  # xref offsets shuffled
        j = data.rfind(b"xref", 0, i)
        if j < 0:
            return _flip(data, rng)
        table = bytearray(data[j:i])
        for _ in range(rng.randint(1, 20)):
            k = rng.randrange(len(table))
            if chr(table[k]).isdigit():
                table[k] = ord(str(rng.randrange(10)))
        return data[:j] + bytes(table) + data[i:]
    if choice == 2:  # the trailer twice, the second one garbled
        j = data.rfind(b"trailer")
        if j < 0:
            return data + data[i:]
        return data + _flip(data[j:], rng)
    return data[:i] + b"startxref\n0\n%%EOF\n"  # no usable xref at all


def _bad_lengths(data: bytes, rng: random.Random) -> bytes:
    matches = list(_LENGTH.finditer(data))
    if not matches:
        return _flip(data, rng)
    out = data
    for m in sorted(
        rng.sample(matches, min(len(matches), rng.randint(1, 4))), key=lambda m: -m.start()
    ):
        new = rng.choice([b"0", b"1", b"999999999", str(int(m.group(1)) // 2).encode(), b"-5"])
        out = out[: m.start(1)] + new + out[m.end(1) :]
    return out


def _splice(data: bytes, rng: random.Random) -> bytes:
    # A chunk of the file copied over another place, or random bytes inserted.
    n = len(data)
    size = rng.randint(1, min(4096, n // 2))
    a, b = rng.randrange(n - size), rng.randrange(n - size)
    if rng.random() < 0.5:
        return data[:b] + data[a : a + size] + data[b + size :]
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 256)))
    return data[:b] + junk + data[b:]


def _swap_tokens(data: bytes, rng: random.Random) -> bytes:
    # PDF keywords replaced by others: dictionaries that are not dictionaries, etc.
    tokens = [b"obj", b"endobj", b"stream", b"endstream", b"<<", b">>", b"[", b"]", b"/Type",
              b"/Page", b"/Pages", b"/Kids", b"/Count", b"/Contents", b"/Font", b"/Resources",
              b"/MediaBox", b"/Filter", b"/FlateDecode", b"null", b"R"]  # fmt: skip
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        old = rng.choice(tokens)
        positions = [m.start() for m in re.finditer(re.escape(old), out)]
        if positions:
            p = rng.choice(positions)
            out[p : p + len(old)] = rng.choice(tokens)
    return bytes(out)


_NUMBER = re.compile(rb"(?<![\w/#.])-?\d+(?:\.\d+)?(?![\w.])")


def _numbers(data: bytes, rng: random.Random) -> bytes:
    # Numbers changed (coordinates, sizes, object numbers): glyphs and rules move, grids
    # lose or gain lines, references point elsewhere.
    matches = list(_NUMBER.finditer(data))
    if not matches:
        return _flip(data, rng)
    out = data
    picked = rng.sample(matches, min(len(matches), rng.randint(1, 40)))
    for m in sorted(picked, key=lambda m: -m.start()):
        old = float(m.group())
        new = rng.choice([0.0, -old, old * rng.uniform(0.5, 1.5), old + rng.uniform(-30, 30), 1e6])
        out = out[: m.start()] + f"{new:.2f}".encode() + out[m.end() :]
    return out


def _drop_lines(data: bytes, rng: random.Random) -> bytes:
    # Lines of content streams deleted or repeated: text without its font, a path without
    # its end, a text object never closed, everything drawn twice.
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 30)):
        i = rng.randrange(len(lines))
        if rng.random() < 0.7:
            del lines[i]
        else:
            lines.insert(i, lines[rng.randrange(len(lines))])
        if len(lines) < 2:
            break
    return b"\n".join(lines)


MUTATIONS = {
    "numbers": _numbers,
    "drop_lines": _drop_lines,
    "flip": _flip,
    "flip_streams": _flip_streams,
    "truncate": _truncate,
    "drop_object": _drop_object,
    "garble_xref": _garble_xref,
    "bad_lengths": _bad_lengths,
    "splice": _splice,
    "swap_tokens": _swap_tokens,
}


@dataclass(frozen=True)
class Case:
    index: int
    seed_name: str
    mutation: str

    @property
    def name(self) -> str:
        return f"{self.index:05d}-{self.seed_name}-{self.mutation}.pdf"


def make_cases(
    seeds: dict[str, bytes], count: int, seed: int, folder: Path
) -> list[tuple[Case, Path]]:
    """Write *count* mutated files into *folder*; the same seed gives the same files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = sorted(seeds)
    kinds = sorted(MUTATIONS)
    out = []
    for i in range(count):
        seed_name = names[i % len(names)]
        kind = kinds[(i // len(names)) % len(kinds)]
        data = MUTATIONS[kind](seeds[seed_name], rng)
        if rng.random() < 0.15:  # sometimes two kinds of damage at once
            data = MUTATIONS[rng.choice(kinds)](data, rng) if len(data) > 64 else data
        case = Case(i, seed_name, kind)
        path = folder / case.name
        path.write_bytes(data)
        out.append((case, path))
    return out


# --- running ----------------------------------------------------------------------------


def _init_worker() -> None:
    logging.disable(logging.CRITICAL)  # damaged files make pdfminer chatty
    try:
        import resource

        limit = 3 * 1024**3  # a runaway allocation becomes a MemoryError, not a swapped machine
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
    import core.importer  # noqa: F401 - imported once per worker, not per file


def import_outcome(path: str) -> tuple[str, str]:
    """Import one file in a worker: ("ok", "") / ("WorkbenchError", class) / ("unhandled", tb)."""
    from core.errors import WorkbenchError
    from core.importer import import_pdf

    try:
        import_pdf(path, workers=1)
    except WorkbenchError as exc:
        return "WorkbenchError", type(exc).__name__
    except Exception as exc:  # noqa: BLE001 - exactly what the fuzz test looks for
        return "unhandled", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
    return "ok", ""


@dataclass
class Outcome:
    case: Case
    path: Path
    kind: str  # ok | WorkbenchError | unhandled | hang | crash
    detail: str
    seconds: float


def run_cases(
    cases: list[tuple[Case, Path]], workers: int = WORKERS, time_limit: float = TIME_LIMIT
) -> list[Outcome]:
    """Import every case in worker processes, at most *workers* at a time, each within
    *time_limit* seconds. A file over the limit is a hang: the workers are killed and the
    pool started again (the other files in flight run again). A worker that dies (a
    segfault, out of memory) breaks the pool for every file in flight, so each of those
    runs once more; one that breaks it twice is a crash."""
    ctx = get_context("spawn")

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker)

    pending = deque(cases)
    tries: Counter[int] = Counter()
    results: list[Outcome] = []
    running: dict[Future, tuple[Case, Path, float]] = {}
    pool = new_pool()
    try:
        while pending or running:
            while pending and len(running) < workers:
                case, path = pending.popleft()
                running[pool.submit(import_outcome, str(path))] = (case, path, time.monotonic())
            done, _ = wait(list(running), timeout=0.25, return_when=FIRST_COMPLETED)
            restart = False
            for fut in done:
                case, path, started = running.pop(fut)
                try:
                    kind, detail = fut.result()
                except BrokenProcessPool as exc:
                    restart = True
                    tries[case.index] += 1
                    if tries[case.index] < 2:
                        pending.appendleft((case, path))
                        continue
                    kind, detail = "crash", f"worker process died: {exc}"
                results.append(Outcome(case, path, kind, detail, time.monotonic() - started))
            now = time.monotonic()
            for fut, (case, path, started) in list(running.items()):
                if now - started > time_limit:
                    del running[fut]
                    results.append(
                        Outcome(case, path, "hang", f"> {time_limit:.0f} s", now - started)
                    )
                    restart = True
            if restart:
                for case, path, _started in running.values():
                    pending.appendleft((case, path))
                running.clear()
                _kill(pool)
                pool = new_pool()
    finally:
        _kill(pool)
    results.sort(key=lambda o: o.case.index)
    return results


def _kill(pool: ProcessPoolExecutor) -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def summarize(results: list[Outcome]) -> str:
    kinds = Counter(o.kind for o in results)
    errors = Counter(o.detail for o in results if o.kind == "WorkbenchError")
    by_mutation: dict[str, Counter] = {}
    for o in results:
        by_mutation.setdefault(o.case.mutation, Counter())[o.kind] += 1
    slowest = max(results, key=lambda o: o.seconds)
    lines = [
        f"{len(results)} files: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()),
        "WorkbenchError: " + ", ".join(f"{k} {n}" for k, n in errors.most_common()),
        "by mutation: "
        + "; ".join(
            f"{m} " + "/".join(f"{k} {n}" for k, n in c.most_common())
            for m, c in sorted(by_mutation.items())
        ),
        f"slowest: {slowest.case.name} {slowest.seconds:.2f} s ({slowest.kind})",
    ]
    return "\n".join(lines)


def failures(results: list[Outcome]) -> list[Outcome]:
    return [o for o in results if o.kind not in ("ok", "WorkbenchError")]


# --- the tests --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return build_seeds(tmp_path_factory.mktemp("fuzz-seeds"))


def test_seeds_import_cleanly(seeds: dict[str, bytes], tmp_path: Path) -> None:
    # The undamaged files must import, or the mutations test nothing but the error path.
    from core.importer import import_pdf

    for name, data in seeds.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        doc = import_pdf(path, workers=1)
        assert doc.tables, name
        if "forms" in name:  # the damage must reach the form parser too
            assert doc.performance_forms, name


def test_mutations_are_repeatable(seeds: dict[str, bytes], tmp_path: Path) -> None:
    a = make_cases(seeds, 24, SEED, tmp_path / "a")
    b = make_cases(seeds, 24, SEED, tmp_path / "b")
    assert [p.read_bytes() for _, p in a] == [p.read_bytes() for _, p in b]
    assert len({p.read_bytes() for _, p in a}) == 24  # and every one differs


@pytest.mark.slow
def test_damaged_pdfs_import_or_fail_clearly(seeds: dict[str, bytes], tmp_path: Path) -> None:
    cases = make_cases(seeds, COUNT, SEED, tmp_path / "cases")
    results = run_cases(cases)
    print("\n" + summarize(results))
    assert len(results) == COUNT >= 500
    bad = failures(results)
    kept = tmp_path / "failures"
    for o in bad:
        kept.mkdir(exist_ok=True)
        shutil.copy(o.path, kept / o.case.name)
    report = "\n\n".join(f"{o.case.name}: {o.kind} {o.detail}" for o in bad[:10])
    assert not bad, f"{len(bad)} of {COUNT} damaged files (kept in {kept}):\n{report}"
    # Not every file may fail: the mutations must leave some readable (damage in fonts).
    kinds = Counter(o.kind for o in results)
    assert kinds["ok"] > 0 and kinds["WorkbenchError"] > 0


def test_reproducers() -> None:
    """Files the fuzzer once broke the importer with (tests/data/fuzz/*.pdf, see its
    README): each must now import or fail clearly, in time."""
    paths = sorted(REPRODUCERS.glob("*.pdf"))
    cases = [(Case(i, p.stem, "reproducer"), p) for i, p in enumerate(paths)]
    results = run_cases(cases, workers=1) if cases else []
    assert [(o.path.name, o.kind) for o in failures(results)] == []


def main() -> int:
    ap = argparse.ArgumentParser(description="fuzz the importer with damaged PDFs")
    ap.add_argument("--count", type=int, default=COUNT)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--workers", type=int, default=WORKERS)
    ap.add_argument("--time-limit", type=float, default=TIME_LIMIT)
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "bw-fuzz")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    seeds = build_seeds(args.out / "seeds")
    cases = make_cases(seeds, args.count, args.seed, args.out / "cases")
    t = time.perf_counter()
    results = run_cases(cases, args.workers, args.time_limit)
    print(summarize(results))
    print(f"{time.perf_counter() - t:.1f} s")
    for o in failures(results):
        print(f"\n{o.case.name}: {o.kind} ({o.seconds:.1f} s)\n{o.detail}")
    for o in results:
        if o.kind in ("ok", "WorkbenchError"):
            o.path.unlink(missing_ok=True)
    return 1 if failures(results) else 0


if __name__ == "__main__":
    sys.exit(main())
