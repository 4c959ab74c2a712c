"""The frozen program: build installer/budget_workbench.spec with PyInstaller (the same spec
the Windows build uses) and run the bundle's ``--self-test``.

The build takes about half a minute on the CI machine (2 cores); it runs once per module
and the bundle (~220 MB) is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "budget_workbench.spec"
BUILD_TIMEOUT = 1200
RUN_TIMEOUT = 300

pytestmark = pytest.mark.slow


def _exe(bundle: Path, name: str) -> Path:
    return bundle / (f"{name}.exe" if sys.platform == "win32" else name)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(base / "dist"),
            "--workpath",
            str(base / "work"),
            str(SPEC),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    yield base / "dist" / "BudgetWorkbench"
    shutil.rmtree(base, ignore_errors=True)  # ~220 MB


def _run(bundle: Path, name: str, args: list[str], home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BUDGET_WORKBENCH_HOME=str(home))
    return subprocess.run(
        [str(_exe(bundle, name)), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=home.parent,
        timeout=RUN_TIMEOUT,
    )


def test_frozen_self_test_passes(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = _run(bundle, "BudgetWorkbench", ["--self-test"], home)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "自检通过 / self-test passed" in out
    assert "(frozen, Python" in out
    assert "UTF-8 mode" in out
    # The parallel import ran in worker processes of the frozen program (freeze_support).
    assert "worker processes: spawn ok" in out
    assert "(2 workers," in out
    assert "13 张表" in out and "读回 13 张表" in out
    assert "中国共产党忻州市委员会办公室" in out  # Chinese text through pdfminer's CMaps
    # The window part ran: Qt's plugins, the font and every GUI module are in the bundle.
    assert "Qt offscreen" in out and "主窗口" in out
    log = (home / "logs" / "workbench.log").read_text(encoding="utf-8")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    assert f"log started: budget-workbench {version}" in log
    assert "imported xinzhou-2023.pdf" in log and "exported" in log


def test_frozen_command_line_extracts(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    out_json = tmp_path / "out.json"
    example = bundle / "_internal" / "resources" / "examples" / "xinzhou-2023.pdf"
    result = _run(bundle, "bwcli", ["extract", str(example), "-o", str(out_json)], home)
    assert result.returncode == 0, result.stdout + result.stderr
    text = out_json.read_text(encoding="utf-8")
    assert '"income_expense_summary"' in text and "忻州" in text
    bad = tmp_path / "not.pdf"
    bad.write_bytes(b"hello")
    result = _run(bundle, "bwcli", ["extract", str(bad), "-o", str(tmp_path / "x.json")], home)
    assert result.returncode == 2
    assert "不是 PDF 文件" in result.stderr


def test_bundle_contents(bundle: Path) -> None:
    internal = bundle / "_internal"
    for rel in (
        "resources/fonts/wqy-microhei.ttc",
        "resources/fonts/LICENSE-wqy-microhei.txt",
        "resources/classification/functional.json",
        "resources/examples/xinzhou-2023.pdf",
        "VERSION",
        "app.ico",
    ):
        assert (internal / rel).is_file(), rel
    assert list((internal / "pdfminer" / "cmap").glob("*GB*"))
    pyside = internal / "PySide6"
    modules = {p.name.split(".")[0] for p in pyside.glob("Qt*.*") if p.is_file()}
    assert {"QtCore", "QtGui", "QtWidgets"} <= modules
    # Nothing the program does not use: no network, QML or web modules.
    assert not modules & {"QtNetwork", "QtQml", "QtQuick", "QtWebEngineCore", "QtSql", "QtTest"}
    translations = [p.name for p in (pyside / "Qt" / "translations").glob("*.qm")]
    assert translations and all(("zh_CN" in n or "_en" in n) for n in translations)
    assert not (internal / "tkinter").exists()
    assert not (internal / "hypothesis").exists() and not (internal / "pytest").exists()
