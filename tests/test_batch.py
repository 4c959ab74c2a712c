"""Batch checking (core.batch): a whole folder, bad files included, never stops.

The batch runs once over a copy of the whole corpus (the importer on every PDF, in
spawned worker processes); the other tests use only files that fail fast.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CORPUS
from openpyxl import load_workbook

from core.batch import (
    FINDINGS_SHEET,
    STATUS_CRASHED,
    STATUS_OK,
    STATUS_UNREADABLE,
    SUMMARY_SHEET,
    check_file,
    find_pdfs,
    run_batch,
    write_report,
)
from core.cli import run as cli_run

# What each PDF of the corpus must get: (status, words of the reason).
EXPECTED = {
    "broken/EMPTY.PDF": (STATUS_UNREADABLE, "空"),
    "broken/encrypted.pdf": (STATUS_UNREADABLE, "密码"),
    "broken/notapdf.pdf": (STATUS_UNREADABLE, "不是 PDF"),
    "broken/truncated.pdf": (STATUS_UNREADABLE, "损坏"),
    "scan/003.pdf": (STATUS_UNREADABLE, "扫描件"),
    "chrome/000.pdf": (STATUS_OK, ""),
    "chrome/001.pdf": (STATUS_OK, ""),
    "chrome/003.pdf": (STATUS_OK, ""),
    "errors/003.pdf": (STATUS_OK, ""),
    "lo/000.pdf": (STATUS_OK, ""),
    "lo/001.pdf": (STATUS_OK, ""),
    "lo/003.pdf": (STATUS_OK, ""),
}


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    # The suffix in capitals is a PDF too; other files are not.
    (folder / "broken" / "empty.pdf").rename(folder / "broken" / "EMPTY.PDF")
    (folder / "notes.txt").write_text("not a pdf", encoding="utf-8")
    return folder


def test_batch_over_the_corpus(corpus_copy: Path, tmp_path: Path) -> None:
    assert [p.relative_to(corpus_copy).as_posix() for p in find_pdfs(corpus_copy)] == sorted(
        EXPECTED
    )
    seen: list[tuple[int, int]] = []
    result = run_batch(corpus_copy, workers=2, progress=lambda d, t, _: seen.append((d, t)))
    assert seen[-1] == (12, 12) and len(seen) == 12

    got = {f.file: f for f in result.files}
    assert list(got) == sorted(EXPECTED)
    for name, (status, words) in EXPECTED.items():
        f = got[name]
        assert f.status == status, (name, f.reason)
        assert words in f.reason, (name, f.reason)
        if status == STATUS_OK:
            assert f.department and f.year and f.pages > 10, name
            assert f.findings and len(f.places) == len(f.findings)
    # errors/003 carries 8 injected errors.
    assert got["errors/003.pdf"].count("error") > got["lo/003.pdf"].count("error")

    report = write_report(result, tmp_path / "report.xlsx")
    wb = load_workbook(report, read_only=True)
    try:
        summary = list(wb[SUMMARY_SHEET].iter_rows(values_only=True))
        assert summary[0][:9] == (
            "文件",
            "部门",
            "年度",
            "页数",
            "错误",
            "警告",
            "提示",
            "状态",
            "原因",
        )
        rows = {r[0]: r for r in summary[1:13]}
        assert set(rows) == set(EXPECTED)
        assert rows["broken/encrypted.pdf"][7] == STATUS_UNREADABLE
        assert "密码" in rows["broken/encrypted.pdf"][8]
        assert rows["errors/003.pdf"][4] == got["errors/003.pdf"].count("error")
        findings = list(wb[FINDINGS_SHEET].iter_rows(min_row=2, values_only=True))
        assert len(findings) == sum(len(f.findings) for f in result.files)
        assert {r[0] for r in findings} == {n for n, (s, _) in EXPECTED.items() if s == STATUS_OK}
    finally:
        wb.close()


def test_unexpected_failure_is_reported_not_raised(monkeypatch, tmp_path: Path) -> None:
    import core.importer

    def boom(*args, **kwargs):
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(core.importer, "import_pdf", boom)
    r = check_file(str(tmp_path / "x.pdf"), "x.pdf")
    assert r.status == STATUS_CRASHED
    assert r.reason == "RuntimeError: something unexpected"
    assert "Traceback" in r.detail


def test_cli_batch(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "in"
    shutil.copytree(CORPUS / "broken", folder / "broken")
    out = tmp_path / "report.xlsx"
    assert cli_run(["batch", str(folder), "-o", str(out), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert "已检查 4 个文件" in captured.err  # not a terminal: the final line only
    assert "无法读取 4" in captured.out and "broken/encrypted.pdf" in captured.out
    wb = load_workbook(out, read_only=True)
    try:
        assert wb.sheetnames == [SUMMARY_SHEET, FINDINGS_SHEET]
    finally:
        wb.close()
    assert cli_run(["batch", str(tmp_path / "missing"), "-o", str(out)]) == 2
