"""The standardized PDF (core.export.pdf): layout, fonts, line breaking, atomic writes,
and the round trip through our own importer.

The documents are built from the corpus truth files (``from_contract``). The lo/ and
chrome/ truths of a seed hold the same document (they differ only in page numbers), so
the round trip runs over the distinct documents: the three seeds and errors/003.

How the round trip compares (the exporter normalises amounts, see core.export.pdf.tables):
amount columns compare as Decimals (``957.2`` was printed ``957.20``, ``1457.38`` as
``1,457.38``, ``-`` as ``0.00``); text columns compare exactly. Form fields, indicators and
narrative compare after removing whitespace, as the corpus scorer does: a line break
inside a cell or paragraph is not a character.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from core.amounts import parse_amount
from core.catalog import TABLES, spec, standard_title
from core.contract import CONTRACT_FORM_FIELDS, CONTRACT_INDICATOR_FIELDS, from_contract
from core.edits import CellRef, FieldRef, SetValue, apply_edit
from core.export.pdf import ExportCancelled, export_pdf
from core.export.pdf import document as pdf_document
from core.export.pdf.linebreak import NO_END, NO_START, break_lines
from core.export.pdf.tables import NO_DATA_NOTE, is_empty, print_amount, table_title
from core.model import Disclosure, Field, Indicator, PerformanceForm
from core.resources import resource_path
from tests.conftest import CORPUS

# The distinct documents of the corpus (see the module docstring).
DOCS = ["chrome/000", "chrome/001", "chrome/003", "errors/003"]
FORBIDDEN_LINE_START = "，。；：）”"


def load_truth(doc_id: str) -> Disclosure:
    with (CORPUS / f"{doc_id}.truth.json").open(encoding="utf-8") as fh:
        return from_contract(json.load(fh))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each document exported once for the module: doc id -> PDF path."""
    out = tmp_path_factory.mktemp("export")
    paths = {}
    for doc_id in DOCS:
        path = out / (doc_id.replace("/", "-") + ".pdf")
        export_pdf(load_truth(doc_id), path)
        paths[doc_id] = path
    return paths


_imported: dict[str, Disclosure] = {}


def imported(exported: dict[str, Path], doc_id: str) -> Disclosure:
    """The exported PDF read back by our importer (cached: importing is the slow part)."""
    if doc_id not in _imported:
        from core.importer import import_pdf

        _imported[doc_id] = import_pdf(exported[doc_id], workers=1)
    return _imported[doc_id]


def squash(text: str) -> str:
    return "".join(text.split())


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def is_toc_page(text: str) -> bool:
    return ". . . ." in text


def first_page_with(texts: list[str], words: str) -> int:
    """Index of the first page (not a 目录 page) that prints *words*."""
    return next(i for i, t in enumerate(texts) if not is_toc_page(t) and squash(words) in squash(t))


# --- resources and fonts ------------------------------------------------------------------


def test_font_and_licence_are_bundled() -> None:
    font = resource_path("fonts", "wqy-microhei.ttc")
    assert font.is_file()
    assert 1_000_000 < font.stat().st_size < 8_000_000
    licence = resource_path("fonts", "LICENSE-wqy-microhei.txt").read_text(encoding="utf-8")
    assert "Apache License" in licence and "WenQuanYi" in licence


def test_resource_path_in_a_frozen_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("fonts", "x.ttc") == tmp_path / "resources" / "fonts" / "x.ttc"


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_every_font_embedded_with_unicode_map(exported: dict[str, Path]) -> None:
    out = subprocess.run(
        ["pdffonts", str(exported["chrome/001"])], capture_output=True, text=True, check=True
    ).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        # name type encoding emb sub uni object-id generation (the name has no spaces)
        emb, sub, uni = row.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        assert "WenQuanYiMicroHei" in row, row


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_gives_the_chinese_text(exported: dict[str, Path]) -> None:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(exported["chrome/000"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for words in (
        "中国共产党山西省兴县委员会办公室",
        "2024年度部门预算公开",
        "第二部分 2024年部门预算报表",
        "部门名称：中国共产党山西省兴县委员会办公室",
        "单位：万元",
        "一般公共服务支出",
        "第四部分 名词解释",
    ):
        assert words in text


# --- layout ------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", DOCS)
def test_titles_department_and_values_are_printed(exported: dict[str, Path], doc_id: str) -> None:
    doc = load_truth(doc_id)
    texts = page_texts(exported[doc_id])
    whole = squash("\n".join(texts))
    assert squash(f"{doc.year}年度部门预算公开") in squash(texts[0])
    assert squash(doc.department) in squash(texts[0])
    for s in TABLES:
        assert squash(table_title(s.key, doc.year)) in whole, s.key
    assert whole.count(squash(f"部门名称：{doc.department}")) >= 13
    for key in ("expense_summary", "project_expense_current"):
        for row in doc.tables[key].rows:
            for cell, column in zip(row.cells, spec(key).columns, strict=True):
                expected = (
                    print_amount(cell.value) if column in spec(key).amount_columns else cell.value
                )
                assert squash(expected) in whole, (key, column, expected)


def test_metadata_title_and_author(exported: dict[str, Path]) -> None:
    with pdfplumber.open(exported["chrome/003"]) as pdf:
        meta = pdf.metadata
    assert meta["Author"] == "中国共产党忻州市委员会办公室"
    assert "2023年度部门预算公开" in meta["Title"]


def test_empty_tables_carry_the_note_and_wide_tables_are_landscape(
    exported: dict[str, Path],
) -> None:
    doc = load_truth("chrome/000")
    with pdfplumber.open(exported["chrome/000"]) as pdf:
        pages = [(p.extract_text() or "", p.width > p.height) for p in pdf.pages]
    texts = [t for t, _ in pages]
    for s in TABLES:
        text, landscape = pages[first_page_with(texts, table_title(s.key, doc.year))]
        assert landscape == (len(s.columns) >= 6), s.key  # no very long texts here
        if is_empty(doc.tables.get(s.key)):
            assert NO_DATA_NOTE in text, s.key
        else:
            assert NO_DATA_NOTE not in text, s.key


def test_a_narrow_table_with_very_long_names_goes_landscape() -> None:
    from core.export.pdf.fonts import register_fonts
    from core.export.pdf.styles import make_styles
    from core.export.pdf.tables import table_is_wide

    styles = make_styles(register_fonts())
    doc = load_truth("chrome/003")
    table = doc.tables["project_expense_carryover"]
    assert not table_is_wide("project_expense_carryover", table, styles)
    row = table.blank_row()
    row.cells[0].value = "很长的项目名称" * 40
    row.cells[1].value = "1.00"
    table.rows.append(row)
    assert table_is_wide("project_expense_carryover", table, styles)
    assert table_is_wide("income_summary", doc.tables["income_summary"], styles)


def test_the_toc_gives_the_real_page_numbers(exported: dict[str, Path]) -> None:
    doc = load_truth("chrome/001")
    texts = page_texts(exported["chrome/001"])
    listed: dict[str, int] = {}
    for page in texts[1:5]:
        if is_toc_page(page):
            for line in page.splitlines():
                m = re.match(r"^(.*?)\.+(\d+)$", squash(line))
                if m:
                    listed[m.group(1)] = int(m.group(2))
    footer = re.compile(r"-\s*(\d+)\s*-$")
    entries = [table_title(s.key, doc.year) for s in TABLES] + ["第三部分2024年度部门预算情况说明"]
    for title in entries:
        assert squash(title) in listed, title
        page = texts[first_page_with(texts, title)]
        printed = footer.search(page.strip())
        assert printed and int(printed.group(1)) == listed[squash(title)], title


def test_header_rows_repeat_on_continuation_pages(exported: dict[str, Path]) -> None:
    texts = page_texts(exported["chrome/001"])
    first = first_page_with(texts, table_title("project_expense_current", 2024))
    assert "项目名称" in texts[first + 1] and "一般公共预算" in texts[first + 1]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("doc_id", ["chrome/000", "chrome/001"])
def test_no_line_starts_with_closing_punctuation(exported: dict[str, Path], doc_id: str) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(exported[doc_id]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bad = [
        line
        for line in text.splitlines()
        if line.strip()[:1] in FORBIDDEN_LINE_START and line.strip()
    ]
    assert not bad


@pytest.mark.parametrize("width", [60.0, 71.0, 95.5, 120.0, 151.0])
def test_break_lines_keeps_punctuation_and_numbers(width: float) -> None:
    from core.export.pdf.fonts import register_fonts

    font = register_fonts()
    text = (
        "2024年度本部门支出预算957.23万元，其中：基本支出355.05万元，占37.09%；"
        "项目支出602.17万元（含“三公”经费4.00万元），占62.91%。一二三，四五六。七八；九十：“好”。"
    ) * 3
    lines = break_lines(text, [width], font, 10.5)
    assert "".join(line for _, line in lines) == text
    for k, (spare, line) in enumerate(lines):
        assert spare >= -1e-6, line
        if k:
            assert line[0] not in NO_START, line
        if k < len(lines) - 1:
            assert line[-1] not in NO_END, line
    # Amounts are not cut (each line is wide enough for one).
    joined_at = [len("".join(x for _, x in lines[: k + 1])) for k in range(len(lines) - 1)]
    for pos in joined_at:
        assert not (text[pos - 1].isdigit() and text[pos] in "0123456789."), text[pos - 5 : pos + 5]


def test_amount_printing() -> None:
    assert print_amount("1457.38") == "1,457.38"
    assert print_amount("340,061.1") == "340,061.10"
    assert print_amount("957.2") == "957.20"
    assert print_amount("") == ""
    assert print_amount("-") == "0.00"
    assert print_amount("见附表") == "见附表"


def test_large_amounts_stay_on_one_line(tmp_path: Path) -> None:
    doc = load_truth("chrome/003")
    table = doc.tables["income_summary"]
    big = "123456789.12"
    for cell in table.rows[0].cells[2:4]:
        cell.value = big
    path = tmp_path / "big.pdf"
    export_pdf(doc, path)
    with pdfplumber.open(path) as pdf:
        texts = [p.extract_text() or "" for p in pdf.pages]
        page = pdf.pages[first_page_with(texts, table_title("income_summary", doc.year))]
        words = [w["text"] for w in page.extract_words()]
    assert words.count("123,456,789.12") == 2


def test_a_long_form_splits_across_pages_with_its_header(tmp_path: Path) -> None:
    doc = load_truth("chrome/003")
    form = doc.performance_forms[0]
    form.indicators = [
        Indicator(
            level1=Field.of("产出指标" if k < 40 else "效益指标"),
            level2=Field.of(f"二级{k // 5}"),
            level3=Field.of(f"第{k}个三级指标，名称较长需要在单元格内换行显示"),
            value_period=Field.of(f"≥{k}%"),
            value_annual=Field.of(f"≥{k}%"),
            level3_annual=Field.of(f"第{k}个三级指标，名称较长需要在单元格内换行显示"),
        )
        for k in range(60)
    ]
    path = tmp_path / "long.pdf"
    export_pdf(doc, path)
    texts = page_texts(path)
    pages = [
        t for t in texts if "第59个三级指标" in t or "第0个三级指标" in t or "第30个三级指标" in t
    ]
    assert len(pages) >= 2
    assert all("一级指标" in t and "绩效指标" in t for t in pages)
    whole = squash("\n".join(texts))
    assert all(f"第{k}个三级指标" in whole for k in range(60))


# --- atomic writes, progress, cancel ---------------------------------------------------


def test_a_failed_export_leaves_the_old_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"%PDF-1.4 the good old file")

    def fail_on_page_five(self: object) -> None:
        if self.page >= 5:  # type: ignore[attr-defined]
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(pdf_document._DisclosureTemplate, "afterPage", fail_on_page_five)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export_pdf(load_truth("chrome/003"), target)
    assert target.read_bytes() == b"%PDF-1.4 the good old file"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]


def test_progress_and_cancel(tmp_path: Path) -> None:
    doc = load_truth("chrome/003")
    seen: list[tuple[int, int]] = []
    export_pdf(doc, tmp_path / "a.pdf", progress=lambda d, t, m: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert all(0 <= d <= t for d, t in seen)
    target = tmp_path / "b.pdf"
    with pytest.raises(ExportCancelled):
        export_pdf(doc, target, cancel=lambda: True)
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]


# --- round trip through our importer ---------------------------------------------------------


def _cells_equal(column: str, key: str, a: str, b: str) -> bool:
    if column in spec(key).amount_columns:
        try:
            return parse_amount(a) == parse_amount(b)
        except ValueError:
            return squash(a) == squash(b)
    return a == b


@pytest.mark.slow
@pytest.mark.parametrize("doc_id", DOCS)
def test_round_trip_tables(exported: dict[str, Path], doc_id: str) -> None:
    doc = load_truth(doc_id)
    back = imported(exported, doc_id)
    assert back.department == doc.department
    assert back.year == doc.year
    mismatches = []
    compared = 0
    for s in TABLES:
        t, b = doc.tables[s.key], back.tables.get(s.key)
        assert b is not None, s.key
        assert b.no_data == is_empty(t), s.key
        assert b.title == standard_title(s.key, doc.year) or squash(b.title).endswith(
            squash(standard_title(s.key, doc.year))
        ), b.title
        assert len(b.rows) == len(t.rows), s.key
        for i, (rt, rb) in enumerate(zip(t.rows, b.rows, strict=True)):
            for column, ct, cb in zip(s.columns, rt.cells, rb.cells, strict=True):
                compared += 1
                if not _cells_equal(column, s.key, ct.value, cb.value):
                    mismatches.append((s.key, i, column, ct.value, cb.value))
    assert compared > 1000
    assert not mismatches


@pytest.mark.slow
@pytest.mark.parametrize("doc_id", DOCS)
def test_round_trip_forms(exported: dict[str, Path], doc_id: str) -> None:
    doc = load_truth(doc_id)
    back = imported(exported, doc_id)
    assert len(back.performance_forms) == len(doc.performance_forms)
    assert len(back.overall_forms) == len(doc.overall_forms)
    mismatches = []
    for k, (ft, fb) in enumerate(zip(doc.performance_forms, back.performance_forms, strict=True)):
        for name in CONTRACT_FORM_FIELDS:
            if squash(ft.value(name)) != squash(fb.value(name)):
                mismatches.append((k, name, ft.value(name), fb.value(name)))
        assert len(fb.indicators) == len(ft.indicators), k
        for j, (it, ib) in enumerate(zip(ft.indicators, fb.indicators, strict=True)):
            for name in CONTRACT_INDICATOR_FIELDS:
                if squash(it.get(name).value) != squash(ib.get(name).value):
                    mismatches.append((k, j, name, it.get(name).value, ib.get(name).value))
    assert not mismatches


@pytest.mark.slow
@pytest.mark.parametrize("doc_id", DOCS)
def test_round_trip_narrative(exported: dict[str, Path], doc_id: str) -> None:
    doc = load_truth(doc_id)
    back = imported(exported, doc_id)
    assert [squash(s.heading) for s in back.narrative] == [squash(s.heading) for s in doc.narrative]
    assert [squash(s.part) for s in back.narrative] == [squash(s.part) for s in doc.narrative]
    for st, sb in zip(doc.narrative, back.narrative, strict=True):
        assert squash(sb.text.value) == squash(st.text.value), st.heading
    assert [squash(g.value) for g in back.glossary] == [squash(g.value) for g in doc.glossary]
    assert squash(back.cover_title) == squash(f"{doc.year}年度部门预算公开")


@pytest.mark.slow
def test_an_edit_is_carried_into_the_exported_pdf(tmp_path: Path) -> None:
    from core.importer import import_pdf

    doc = load_truth("chrome/003")
    row = next(
        i for i, r in enumerate(doc.tables["expense_summary"].rows) if r.cells[0].value == "201"
    )
    ref = CellRef("expense_summary", row, 2)
    old = doc.tables["expense_summary"].cell(row, 2).value
    apply_edit(doc, SetValue(ref, old, "4321.09"))
    name_ref = CellRef("project_expense_current", 0, 0)
    apply_edit(
        doc,
        SetValue(
            name_ref, doc.tables["project_expense_current"].cell(0, 0).value, "改正后的项目名称"
        ),
    )
    form_ref = FieldRef("form", 0, "project_name")
    apply_edit(
        doc, SetValue(form_ref, doc.performance_forms[0].value("project_name"), "改正后的绩效项目")
    )
    path = tmp_path / "edited.pdf"
    export_pdf(doc, path)
    whole = "\n".join(page_texts(path))
    assert "4,321.09" in whole
    assert "改正后的项目名称" in whole and "改正后的绩效项目" in whole
    back = import_pdf(path, workers=1)
    assert parse_amount(back.tables["expense_summary"].cell(row, 2).value) == Decimal("4321.09")
    assert back.tables["project_expense_current"].cell(0, 0).value == "改正后的项目名称"


def test_overall_form_and_missing_parts_do_not_break_the_export(tmp_path: Path) -> None:
    from core.model import OverallForm

    doc = load_truth("chrome/003")
    del doc.tables["state_capital"]
    doc.narrative = []
    overall = OverallForm()
    overall.get("department").value = doc.department
    overall.get("duties").value = "负责市委日常工作。"
    overall.budget_lines = {"财政拨款": Field.of("4,981.70"), "其他资金": Field.of("0.00")}
    overall.indicators = [
        Indicator(
            level1=Field.of("产出指标"),
            level2=Field.of("数量指标"),
            level3=Field.of("保障会议次数"),
            value_annual=Field.of("≥50次"),
        ),
        Indicator(
            level1=Field.of("产出指标"),
            level2=Field.of("数量指标"),
            level3=Field.of("督查事项办结率"),
            value_annual=Field.of("100%"),
        ),
    ]
    doc.overall_forms = [overall]
    doc.performance_forms.append(PerformanceForm())
    path = tmp_path / "odd.pdf"
    export_pdf(doc, path)
    whole = squash("\n".join(page_texts(path)))
    assert "部门（单位）整体支出绩效目标表" in whole and "保障会议次数" in whole
    assert squash(table_title("state_capital", doc.year)) in whole


# --- the command line ------------------------------------------------------------------------


def test_cli_refuses_on_errors_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from core.cli import run

    source = str(CORPUS / "errors" / "003.truth.json")
    out = tmp_path / "out.pdf"
    assert run(["export", source, "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert "--force" in err and "[T" in err
    assert not out.exists()
    assert run(["export", source, "-o", str(out), "--force"]) == 0
    assert out.read_bytes().startswith(b"%PDF-")


def test_cli_reports_a_missing_input(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from core.cli import run

    assert run(["export", str(tmp_path / "nope.pdf"), "-o", str(tmp_path / "o.pdf")]) == 2
    assert "找不到文件" in capsys.readouterr().err


def test_cli_exports_a_project_with_its_edits(tmp_path: Path) -> None:
    from core.cli import run
    from core.store import Project

    doc = load_truth("chrome/003")
    row = next(
        i for i, r in enumerate(doc.tables["expense_summary"].rows) if r.cells[0].value == "201"
    )
    old = doc.tables["expense_summary"].cell(row, 2).value
    edit = SetValue(CellRef("expense_summary", row, 2), old, "7654.32")
    project_path = tmp_path / "dept.bwproj"
    project = Project.create(project_path, CORPUS / "chrome" / "003.pdf", doc)
    project.apply(edit)
    project.close()
    out = tmp_path / "out.pdf"
    assert run(["export", str(project_path), "-o", str(out), "--force"]) == 0
    assert "7,654.32" in "\n".join(page_texts(out))
