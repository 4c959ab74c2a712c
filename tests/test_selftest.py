"""The self-test's failure path (the passing run is in test_no_network and test_installer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import selftest


def test_a_missing_resource_fails_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selftest, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    lines: list[str] = []
    assert selftest.run_self_test(out=lines.append) == 1
    assert lines[-1].startswith("自检失败 / self-test FAILED: 资源文件 / resources: 缺少资源文件")
    assert "xinzhou-2023.pdf" in lines[-1]


def test_an_unexpected_error_fails_with_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(out):
        raise KeyError("cmap")

    monkeypatch.setattr(selftest, "_check_cmaps", broken)
    lines: list[str] = []
    assert selftest.run_self_test(out=lines.append) == 1
    failed = [line for line in lines if line.startswith("自检失败")]
    assert failed == [
        "自检失败 / self-test FAILED: 中文字符映射 / pdfminer CMaps: KeyError: 'cmap'"
    ]
    assert lines[-1] == "KeyError: 'cmap'"  # the traceback follows
    assert not any(line.startswith("自检通过") for line in lines)
