"""Atomic exports (原子写入): a failed export never leaves half a file where a good one was.

For core.atomic and for every exporter: an existing good file survives a failure that
happens while the new one is being written, and no temporary file is left behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import corpus_truth

from core.atomic import AtomicWriteError, atomic_write
from core.errors import WorkbenchError

GOOD = b"the good file from yesterday\n"


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "result.bin"
    path.write_bytes(GOOD)
    return path


def assert_untouched(target: Path) -> None:
    assert target.read_bytes() == GOOD
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name], "temp file left"


def assert_replaced(target: Path) -> None:
    assert target.read_bytes() != GOOD
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name], "temp file left"


@pytest.fixture(scope="module")
def doc():
    from core.contract import from_contract

    return from_contract(corpus_truth("lo", "003"))


class Boom(Exception):
    pass


# --- core.atomic -----------------------------------------------------------------------


def test_atomic_write_by_name(target: Path) -> None:
    with atomic_write(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        tmp.write_bytes(b"new")
        assert target.read_bytes() == GOOD  # not yet
    assert target.read_bytes() == b"new"
    assert_replaced(target)


def test_atomic_write_file_object(target: Path) -> None:
    with atomic_write(target, "w", encoding="utf-8") as fh:
        fh.write("新的内容")
    assert target.read_text(encoding="utf-8") == "新的内容"
    assert_replaced(target)


def test_atomic_write_new_file(tmp_path: Path) -> None:
    path = tmp_path / "new.txt"
    with atomic_write(path, "wb") as fh:
        fh.write(b"x")
    assert path.read_bytes() == b"x"
    assert [p.name for p in tmp_path.iterdir()] == ["new.txt"]


@pytest.mark.parametrize("mode", [None, "wb"])
def test_atomic_write_failure_keeps_the_old_file(target: Path, mode: str | None) -> None:
    with pytest.raises(Boom), atomic_write(target, mode) as out:
        if mode is None:
            out.write_bytes(b"half a fi")
        else:
            out.write(b"half a fi")
        raise Boom
    assert_untouched(target)


def test_atomic_write_interrupted_by_keyboard(target: Path) -> None:
    with pytest.raises(KeyboardInterrupt), atomic_write(target) as tmp:
        tmp.write_bytes(b"half")
        raise KeyboardInterrupt
    assert_untouched(target)


def test_atomic_write_missing_folder(tmp_path: Path) -> None:
    with (
        pytest.raises(AtomicWriteError, match="输出文件夹不存在"),
        atomic_write(tmp_path / "no" / "x"),
    ):
        pass


def test_atomic_write_cannot_replace(tmp_path: Path) -> None:
    # The target is a folder with something in it: the rename fails (on Windows: a file
    # open in Excel). The temporary file goes, the folder stays.
    target = tmp_path / "busy"
    target.mkdir()
    (target / "inside").write_text("x")
    with pytest.raises(AtomicWriteError) as info, atomic_write(target) as tmp:
        tmp.write_bytes(b"new")
    assert isinstance(info.value, WorkbenchError) and info.value.zh
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]


def test_atomic_write_rejects_reading_modes(target: Path) -> None:
    with pytest.raises(ValueError), atomic_write(target, "rb"):
        pass
    assert_untouched(target)


# --- the exporters ---------------------------------------------------------------------


def test_pdf_export_cancelled_keeps_the_old_file(target: Path, doc) -> None:
    from core.export.pdf import ExportCancelled, export_pdf

    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 5  # part-way through the first pass

    with pytest.raises(ExportCancelled):
        export_pdf(doc, target, cancel=cancel)
    assert_untouched(target)


def test_pdf_export_failing_while_writing_keeps_the_old_file(
    target: Path, doc, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.export.pdf import document, export_pdf

    def half_written(doc, path, progress, cancel):
        Path(path).write_bytes(b"%PDF-1.4\nhalf a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(document, "_build", half_written)
    with pytest.raises(WorkbenchError) as info:
        export_pdf(doc, target)
    assert "磁盘" in info.value.zh
    assert_untouched(target)


def test_pdf_export_replaces_the_old_file(target: Path, doc) -> None:
    from core.export.pdf import export_pdf

    export_pdf(doc, target)
    assert target.read_bytes().startswith(b"%PDF-")
    assert_replaced(target)


def _failing_save(monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.workbook.workbook import Workbook

    def save(self, filename):
        Path(filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", save)


def test_excel_export_failing_while_writing_keeps_the_old_file(
    target: Path, doc, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.export.excel import export_workbook

    _failing_save(monkeypatch)
    with pytest.raises(WorkbenchError):
        export_workbook(doc, [], target)
    assert_untouched(target)


def test_excel_export_replaces_the_old_file(target: Path, doc) -> None:
    from core.export.excel import export_workbook

    export_workbook(doc, [], target)
    assert target.read_bytes().startswith(b"PK")
    assert_replaced(target)


def test_audit_log_export_failing_while_writing_keeps_the_old_file(
    target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.store.audit_excel import export_audit_log

    _failing_save(monkeypatch)
    with pytest.raises((OSError, WorkbenchError)):
        export_audit_log([], target, title="修改记录")
    assert_untouched(target)


def test_audit_log_export_replaces_the_old_file(target: Path) -> None:
    from core.store.audit_excel import export_audit_log

    export_audit_log([], target, title="修改记录")
    assert target.read_bytes().startswith(b"PK")
    assert_replaced(target)


def test_extract_json_failing_while_writing_keeps_the_old_file(target: Path) -> None:
    from core.commands.extract import write_text_atomic

    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(target, '{"text": "半个文件' + "\ud800" + '"}')  # a lone surrogate
    assert_untouched(target)


def test_extract_json_replaces_the_old_file(target: Path) -> None:
    from core.commands.extract import write_text_atomic

    write_text_atomic(target, json.dumps({"部门": "某县财政局"}, ensure_ascii=False))
    assert json.loads(target.read_text(encoding="utf-8")) == {"部门": "某县财政局"}
    assert_replaced(target)


def test_batch_report_failing_while_writing_keeps_the_old_file(
    tmp_path: Path, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.cli import run

    folder = tmp_path / "pdfs"
    folder.mkdir()
    _failing_save(monkeypatch)
    code = run(["batch", str(folder), "-o", str(target)])  # WorkbenchError → exit 2
    assert code == 2
    assert_untouched(target)
