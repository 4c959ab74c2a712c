"""Shared fixtures: the corpus in ../shared, and an offscreen Qt platform."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The log file of programs the tests start (main.py in a subprocess) goes to a temporary
# folder, not to the user's data folder (core.logsetup).
os.environ.setdefault("BUDGET_WORKBENCH_HOME", tempfile.mkdtemp(prefix="bw-test-home-"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SCORE = CORPUS / "score.py"
SCORE_CHECKS = CORPUS / "score_checks.py"

# The clean corpus PDFs with their truth files: (typesetter, seed).
CLEAN = [(kind, seed) for kind in ("lo", "chrome") for seed in ("000", "001", "003")]
CLEAN_IDS = [f"{k}/{s}" for k, s in CLEAN]


def corpus_pdf(kind: str, seed: str) -> Path:
    return CORPUS / kind / f"{seed}.pdf"


def corpus_truth(kind: str, seed: str) -> dict:
    with (CORPUS / kind / f"{seed}.truth.json").open(encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing: {CORPUS}")
    return CORPUS


_IMPORTED: dict[tuple[str, str], object] = {}


def imported(kind: str, seed: str):
    """The Disclosure imported from a corpus PDF, parsed once per test session."""
    from core.importer import import_pdf

    key = (kind, seed)
    if key not in _IMPORTED:
        _IMPORTED[key] = import_pdf(corpus_pdf(kind, seed))
    return _IMPORTED[key]


def load_scorer():
    """shared/corpus/score.py as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("corpus_score", SCORE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
