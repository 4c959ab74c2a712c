"""The architecture's hard line: nothing under core/ imports Qt."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "core"
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "shiboken2", "qtpy")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_core_never_imports_qt() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert files, "core/ has no Python files"
    offenders = [
        f"{p.relative_to(CORE.parent)}: {name}"
        for p in files
        for name in _imports(p)
        if name.split(".")[0] in QT_MODULES
    ]
    assert offenders == []


def test_core_qt_check_catches_an_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert any(n.startswith("PySide6") for n in _imports(bad))
