"""Excel export and import (core.export.excel): real workbooks written and read back.

The corpus truth documents stand in for imported ones; one test goes through the real
importer. Workbooks are read back with openpyxl and, for edits, changed with openpyxl
the way a clerk changes them in Excel.
"""

from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CORPUS, imported
from openpyxl import Workbook, load_workbook

from core.amounts import parse_amount
from core.catalog import TABLE_KEYS, spec
from core.cli import run as cli_run
from core.contract import from_contract, to_contract
from core.edits import CellRef, FieldRef, IndicatorRef, SetValue, apply_edits
from core.errors import ExcelImportError
from core.export.excel import export_workbook, read_workbook
from core.export.excel.layout import (
    FINDINGS_SHEET,
    FORMS_SHEET,
    META_SHEET,
    table_sheet_name,
)
from core.model import Disclosure
from core.validation.engine import run_checks

TRUTHS = sorted(CORPUS.glob("*/*.truth.json"))
TRUTH_IDS = [f"{p.parent.name}/{p.name.split('.')[0]}" for p in TRUTHS]
ERRORS_TRUTH = CORPUS / "errors" / "003.truth.json"
INJECTIONS = ("=1+1", '=HYPERLINK("http://x","y")', "+cmd", "-1+2", "@SUM(A1)")


def truth_doc(path: Path = ERRORS_TRUTH) -> Disclosure:
    with path.open(encoding="utf-8") as fh:
        return from_contract(json.load(fh))


def sheet_map(path: Path) -> dict[str, tuple[int, int]]:
    """sheet name → (first body row, hidden id column), from _meta."""
    wb = load_workbook(path, read_only=True)
    try:
        rows = list(wb[META_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    start = next(i for i, r in enumerate(rows) if r and r[0] == "sheet")
    return {r[0]: (int(r[3]), int(r[4])) for r in rows[start + 1 :] if r and r[0]}


def row_of(ws, id_col: int, address: object) -> int:
    for r in range(1, ws.max_row + 1):
        if ws.cell(row=r, column=id_col).value == address:
            return r
    raise AssertionError(f"no row {address!r} in {ws.title}")


def table_cell(path: Path, key: str, row: int, column: int) -> str:
    """The coordinate of a table's body cell in an exported workbook."""
    first, _ = sheet_map(path)[table_sheet_name(spec(key))]
    return f"{chr(ord('A') + column)}{first + row}"


def edit_book(path: Path, changes: dict[tuple[str, str], object], out: Path) -> Path:
    """Open *path* with openpyxl, set {(sheet, coordinate): value}, save as *out*."""
    wb = load_workbook(path)
    for (sheet, coord), value in changes.items():
        wb[sheet][coord] = value
    wb.save(out)
    wb.close()
    return out


def snapshot(doc: Disclosure) -> str:
    return json.dumps(to_contract(doc, provenance=True), ensure_ascii=False, sort_keys=True)


# --- round trip -----------------------------------------------------------------------------


def check_round_trip(doc: Disclosure, tmp_path: Path) -> int:
    """Export *doc*; every amount reads back Decimal-exact, every text as text, blank as
    blank; importing the untouched workbook gives no edit. Returns the amounts compared."""
    book = export_workbook(doc, run_checks(doc), tmp_path / "book.xlsx")
    sheets = sheet_map(book)
    compared = 0
    wb = load_workbook(book, read_only=True)
    try:
        for key in TABLE_KEYS:
            table = doc.tables.get(key)
            if table is None:
                continue
            s = spec(key)
            first, _ = sheets[table_sheet_name(s)]
            rows = list(
                wb[table_sheet_name(s)].iter_rows(
                    min_row=first, max_row=first + len(table.rows) - 1, max_col=len(s.columns)
                )
            )
            assert len(rows) == len(table.rows) or not table.rows
            amounts = set(s.amount_indices())
            for row, cells in zip(table.rows, rows, strict=False):
                for j, c in enumerate(row.cells):
                    got = cells[j].value
                    text = c.value.strip()
                    if not text:
                        assert got is None, (key, j, got)
                    elif j in amounts and isinstance(got, int | float):
                        # repr() is the shortest decimal that reads back as the same double.
                        assert Decimal(repr(got)) == parse_amount(text), (key, text, got)
                        compared += 1
                    else:
                        assert isinstance(got, str) and got == c.value.strip(), (key, text, got)
    finally:
        wb.close()
    assert read_workbook(book, doc) == []
    return compared


@pytest.mark.parametrize("path", TRUTHS, ids=TRUTH_IDS)
def test_round_trip_truth(path: Path, tmp_path: Path) -> None:
    doc = truth_doc(path)
    numbers = sum(
        1
        for t in doc.tables.values()
        for r in t.rows
        for j in spec(t.key).amount_indices()
        if r.cells[j].amount is not None and r.cells[j].value.strip() not in ("-", "—")
    )
    assert check_round_trip(doc, tmp_path) == numbers > 100


def test_round_trip_imported_pdf(tmp_path: Path) -> None:
    """A document from the importer: printed multi-row headers, sources, real layout."""
    doc = imported("chrome", "003")
    assert check_round_trip(doc, tmp_path) > 100
    wb = load_workbook(tmp_path / "book.xlsx")
    try:
        ws = wb[table_sheet_name(spec("fiscal_grant_summary"))]
        merged = {str(r) for r in ws.merged_cells.ranges}
        # 收入 over 项目/金额, 支出 over 项目 and 金额, 金额 over its four columns.
        assert {"A3:B3", "C3:G3", "D4:G4", "A4:A5", "B4:B5", "C4:C5"} <= merged
        assert ws["A1"].value.startswith("表四")
        assert ws.freeze_panes == "A6"
    finally:
        wb.close()


def test_layout_and_print_setup(tmp_path: Path) -> None:
    doc = truth_doc()
    book = export_workbook(doc, run_checks(doc), tmp_path / "b.xlsx")
    wb = load_workbook(book)
    try:
        names = wb.sheetnames
        assert names[0] == FINDINGS_SHEET
        assert [n for n in names if n.startswith("表")] == [
            table_sheet_name(spec(k)) for k in TABLE_KEYS
        ]
        assert all(len(n) <= 31 for n in names)
        assert wb[META_SHEET].sheet_state == "hidden"
        ws = wb["表三 预算支出总表"]
        assert ws["A2"].value.startswith("部门名称：")
        assert ws["E2"].value == "单位：万元"
        first, id_col = sheet_map(book)["表三 预算支出总表"]
        c = ws.cell(row=first, column=3)
        assert c.number_format == "#,##0.00" and isinstance(c.value, int | float)
        assert ws.column_dimensions[chr(ord("A") + id_col - 1)].hidden
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == f"$3:${first - 1}"
        # 问题清单: every finding, linked to its cell; the cell filled and commented.
        fs = wb[FINDINGS_SHEET]
        findings = run_checks(doc)
        assert fs.max_row - 3 == len(findings)
        linked = [r for r in range(4, fs.max_row + 1) if fs.cell(row=r, column=6).hyperlink]
        assert linked
        link = fs.cell(row=linked[0], column=6).hyperlink.location
        m = re.fullmatch(r"'(.+)'!([A-Z]+)(\d+)", link)
        assert m and m.group(1) in names
        errors = [f for f in findings if f.severity == "error"]
        three = next(f for f in errors if f.locations[0].table == "three_public")
        loc = three.locations[0]
        tp_first, _ = sheet_map(book)["表十 “三公”经费支出预算表"]
        cell = wb["表十 “三公”经费支出预算表"].cell(
            row=tp_first + loc.row, column=spec("three_public").columns.index(loc.column) + 1
        )
        assert cell.fill.fgColor.rgb.endswith("FFC7CE")
        assert three.message in cell.comment.text
    finally:
        wb.close()


# --- five edits -----------------------------------------------------------------------------


def test_five_edits_come_back_exactly(tmp_path: Path) -> None:
    doc = truth_doc()
    before = run_checks(doc)
    book = export_workbook(doc, before, tmp_path / "book.xlsx")
    sheets = sheet_map(book)
    three = table_sheet_name(spec("three_public"))
    projects = table_sheet_name(spec("project_expense_current"))
    wb = load_workbook(book)
    form_first, form_id = sheets[FORMS_SHEET]
    forms = wb[FORMS_SHEET]
    annual = row_of(forms, form_id, "form/1/annual_total")
    indicator = row_of(forms, form_id, "form/0/ind/0")
    wb.close()
    assert doc.performance_forms[1].value("annual_total") == "408,000"
    changes = {
        (three, table_cell(book, "three_public", 5, 1)): 9,  # 11.00 → 9 (typed as a number)
        (three, table_cell(book, "three_public", 5, 2)): 9.0,
        (projects, table_cell(book, "project_expense_current", 0, 0)): "领导调研经费",
        (FORMS_SHEET, f"B{annual}"): "480,000",
        (FORMS_SHEET, f"G{indicator}"): "≥12次",
        # Not changes: the same amount written another way, Excel's binary noise.
        (three, table_cell(book, "three_public", 2, 1)): "9",
        (three, table_cell(book, "three_public", 4, 1)): 9.000000000000002,
    }
    edited = edit_book(book, changes, tmp_path / "edited.xlsx")

    snap = snapshot(doc)
    edits = read_workbook(edited, doc)
    assert snapshot(doc) == snap  # reading applies nothing
    assert edits == [
        SetValue(CellRef("three_public", 5, 1), "11.00", "9.00"),
        SetValue(CellRef("three_public", 5, 2), "11.00", "9.00"),
        SetValue(CellRef("project_expense_current", 0, 0), "领导调研费", "领导调研经费"),
        SetValue(IndicatorRef("form", 0, 0, "value_annual"), "12次", "≥12次"),
        SetValue(FieldRef("form", 1, "annual_total"), "408,000", "480,000"),
    ]
    apply_edits(doc, edits)
    after = run_checks(doc)

    def at(findings, **where) -> list:
        return [
            f
            for f in findings
            if f.severity == "error"
            and any(all(getattr(loc, k) == v for k, v in where.items()) for loc in f.locations)
        ]

    assert at(before, table="three_public", row=5)
    assert not at(after, table="three_public", row=5)
    assert {f.to_dict()["message"] for f in after} != {f.to_dict()["message"] for f in before}
    # Exported again, the corrected workbook has nothing more to import.
    again = export_workbook(doc, after, tmp_path / "again.xlsx")
    assert read_workbook(again, doc) == []


def test_amount_conventions(tmp_path: Path) -> None:
    """A changed amount is written in its column's printed convention."""
    doc = truth_doc()
    t = doc.tables["expense_summary"]
    t.rows[0].cells[2].value = t.rows[0].cells[2].printed = "4,981.70"
    book = export_workbook(doc, [], tmp_path / "b.xlsx")
    sheet = table_sheet_name(spec("expense_summary"))
    edited = edit_book(
        book,
        {
            (sheet, table_cell(book, "expense_summary", 0, 2)): 4981.7,  # same value
            (sheet, table_cell(book, "expense_summary", 1, 2)): 4618.5,  # no separators here
            (sheet, table_cell(book, "expense_summary", 0, 3)): None,  # cleared: blank, not 0
            (sheet, table_cell(book, "expense_summary", 2, 4)): "-",
            (sheet, table_cell(book, "expense_summary", 3, 4)): "1,277.05",
        },
        tmp_path / "e.xlsx",
    )
    edits = read_workbook(edited, doc)
    rows = doc.tables["expense_summary"].rows
    assert edits == [
        SetValue(CellRef("expense_summary", 0, 3), rows[0].cells[3].value, ""),
        SetValue(CellRef("expense_summary", 1, 2), rows[1].cells[2].value, "4618.50"),
        SetValue(CellRef("expense_summary", 2, 4), rows[2].cells[4].value, "-"),
        SetValue(CellRef("expense_summary", 3, 4), rows[3].cells[4].value, "1277.05"),
    ]


# --- formula injection ------------------------------------------------------------------------


def test_formula_text_stays_text(tmp_path: Path) -> None:
    doc = truth_doc()
    projects = doc.tables["project_expense_current"]
    for i, text in enumerate(INJECTIONS):
        projects.rows[i].cells[0].value = text
    doc.performance_forms[0].fields["project_name"].value = INJECTIONS[1]
    book = export_workbook(doc, run_checks(doc), tmp_path / "b.xlsx")

    sheet = table_sheet_name(spec("project_expense_current"))
    wb = load_workbook(book)
    try:
        ws = wb[sheet]
        for i, text in enumerate(INJECTIONS):
            cell = ws[table_cell(book, "project_expense_current", i, 0)]
            assert cell.value == text and cell.data_type == "s"
            assert cell.quotePrefix  # Excel keeps it text even when the cell is edited
        forms = wb[FORMS_SHEET]
        _, id_col = sheet_map(book)[FORMS_SHEET]
        assert (
            forms.cell(row=row_of(forms, id_col, "form/0/project_name"), column=2).value
            == (INJECTIONS[1])
        )
    finally:
        wb.close()
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(name).decode() and "<f " not in z.read(name).decode()
    assert read_workbook(book, doc) == []


def test_formula_typed_in_excel_is_refused(tmp_path: Path) -> None:
    doc = truth_doc()
    book = export_workbook(doc, [], tmp_path / "b.xlsx")
    sheet = table_sheet_name(spec("three_public"))
    coord = table_cell(book, "three_public", 5, 1)
    edited = edit_book(book, {(sheet, coord): "=B3+B4"}, tmp_path / "e.xlsx")
    with pytest.raises(ExcelImportError) as err:
        read_workbook(edited, doc)
    assert f"{sheet}!{coord}" in err.value.zh and "公式" in err.value.zh


# --- bad input ----------------------------------------------------------------------------------


@pytest.fixture
def base(tmp_path: Path) -> tuple[Disclosure, Path]:
    doc = truth_doc()
    return doc, export_workbook(doc, [], tmp_path / "base.xlsx")


def refused(path: Path, doc: Disclosure) -> ExcelImportError:
    snap = snapshot(doc)
    with pytest.raises(ExcelImportError) as err:
        read_workbook(path, doc)
    assert snapshot(doc) == snap
    return err.value


def test_text_in_amount_cell(base, tmp_path: Path) -> None:
    doc, book = base
    sheet = table_sheet_name(spec("expense_summary"))
    coord = table_cell(book, "expense_summary", 3, 4)
    ok = table_cell(book, "expense_summary", 4, 4)
    edited = edit_book(book, {(sheet, coord): "十二", (sheet, ok): 1}, tmp_path / "e.xlsx")
    err = refused(edited, doc)
    assert f"表三 预算支出总表!{coord}：“十二”不是金额" in err.zh
    assert "没有做任何修改" in err.zh
    assert [str(p) for p in err.problems] == [f"表三 预算支出总表!{coord}：“十二”不是金额"]


def test_renamed_and_missing_sheets(base, tmp_path: Path) -> None:
    doc, book = base
    wb = load_workbook(book)
    wb["表三 预算支出总表"].title = "支出总表"
    del wb["表十 “三公”经费支出预算表"]
    wb.save(tmp_path / "e.xlsx")
    wb.close()
    err = refused(tmp_path / "e.xlsx", doc)
    assert "找不到工作表“表三 预算支出总表”（被改名或删除了？" in err.zh
    assert "找不到工作表“表十 “三公”经费支出预算表”" in err.zh
    assert len(err.problems) == 2


def test_extra_and_deleted_rows(base, tmp_path: Path) -> None:
    doc, book = base
    n = len(doc.tables["three_public"].rows)
    sheet = table_sheet_name(spec("three_public"))
    first, _ = sheet_map(book)[sheet]
    extra = first + n
    edited = edit_book(
        book, {(sheet, f"A{extra}"): "新增费用", (sheet, f"B{extra}"): 3}, tmp_path / "e.xlsx"
    )
    err = refused(edited, doc)
    assert f"{sheet}!{extra}:{extra}：第{extra}行是多出来的行" in err.zh

    wb = load_workbook(book)
    wb[sheet].delete_rows(first + 1)
    wb.save(tmp_path / "d.xlsx")
    wb.close()
    err = refused(tmp_path / "d.xlsx", doc)
    assert "第 2 行被删除了" in err.zh


def test_not_an_xlsx(base, tmp_path: Path) -> None:
    doc, _ = base
    fake = tmp_path / "fake.xlsx"
    fake.write_text("这不是工作簿", encoding="utf-8")
    assert "不是 Excel 工作簿（.xlsx）文件" in refused(fake, doc).zh
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("hello.txt", "zip, not xlsx")
    assert "无法读取 Excel 工作簿" in refused(broken, doc).zh
    plain = tmp_path / "plain.xlsx"
    wb = Workbook()
    wb.save(plain)
    wb.close()
    assert "不是由预算公开工作台导出的" in refused(plain, doc).zh


def test_workbook_of_another_document(tmp_path: Path) -> None:
    other = truth_doc(CORPUS / "lo" / "000.truth.json")
    book = export_workbook(other, [], tmp_path / "other.xlsx")
    doc = truth_doc()
    err = refused(book, doc)
    assert "是另一份文件导出的" in err.zh and other.department in err.zh


def test_stale_workbook_after_row_insert(base) -> None:
    from core.edits import InsertRow

    doc, book = base
    apply_edits(doc, [InsertRow("three_public", 0, ("新增", "1.00"))])
    assert "工作簿已过时" in refused(book, doc).zh


# --- command line -------------------------------------------------------------------------------


def test_cli_export_and_import_into_project(tmp_path: Path, capsys) -> None:
    from core.store import Project

    out = tmp_path / "out.xlsx"
    assert cli_run(["excel", str(ERRORS_TRUTH), "-o", str(out)]) == 0
    assert "已导出" in capsys.readouterr().out
    project_path = tmp_path / "p.bwproj"
    Project.create(project_path, CORPUS / "errors" / "003.pdf", truth_doc()).close()
    sheet = table_sheet_name(spec("three_public"))
    edited = edit_book(
        out, {(sheet, table_cell(out, "three_public", 5, 1)): 9}, tmp_path / "edited.xlsx"
    )
    args = ["excel", str(project_path), "--import", str(edited)]
    assert cli_run([*args, "--dry-run"]) == 0
    assert "--dry-run" in capsys.readouterr().out
    assert cli_run(args) == 0
    assert "导入 1 处修改" in capsys.readouterr().out
    with Project.open(project_path, read_only=True) as project:
        assert project.document.tables["three_public"].rows[5].cells[1].value == "9.00"
        log = project.audit_log()
        assert [e.kind for e in log] == ["excel_import"]
    # A bad workbook: exit 2, a message naming the cell, the project unchanged.
    bad = edit_book(
        out, {(sheet, table_cell(out, "three_public", 5, 2)): "九"}, tmp_path / "bad.xlsx"
    )
    assert cli_run(args[:-1] + [str(bad)]) == 2
    assert f"{sheet}!{table_cell(out, 'three_public', 5, 2)}" in capsys.readouterr().err


def test_overall_form_and_narrative(tmp_path: Path) -> None:
    from core.edits import SectionRef
    from core.export.excel.layout import NARRATIVE_SHEET, OVERALL_SHEET
    from core.model import Field, Indicator, OverallForm

    doc = truth_doc()

    def ind(l1: str, l2: str, l3: str, value: str) -> Indicator:
        return Indicator(Field.of(l1), Field.of(l2), Field.of(l3), value_annual=Field.of(value))

    doc.overall_forms.append(
        OverallForm(
            fields={
                "title": Field.of("部门整体支出绩效目标表"),
                "department": Field.of(doc.department),
                "duties": Field.of("负责市委日常运转"),
            },
            indicators=[
                ind("产出指标", "数量指标", "督查次数", "≥12次"),
                ind("产出指标", "质量指标", "办文准确率", "100%"),
                ind("效益指标", "社会效益指标", "服务保障", "有效保障"),
            ],
        )
    )
    book = export_workbook(doc, run_checks(doc), tmp_path / "b.xlsx")
    sheets = sheet_map(book)
    wb = load_workbook(book)
    overall, narrative = wb[OVERALL_SHEET], wb[NARRATIVE_SHEET]
    _, oid = sheets[OVERALL_SHEET]
    _, nid = sheets[NARRATIVE_SHEET]
    top = row_of(overall, oid, "overall/0/ind/0")
    assert f"B{top}:B{top + 1}" in {str(r) for r in overall.merged_cells.ranges}  # 产出指标
    duties = row_of(overall, oid, "overall/0/duties")
    k = next(i for i, sec in enumerate(doc.narrative) if sec.text.value.strip())
    section = row_of(narrative, nid, f"section/{k}")
    wb.close()
    text = doc.narrative[k].text.value
    edited = edit_book(
        book,
        {
            (OVERALL_SHEET, f"E{top + 1}"): "≥99%",
            (OVERALL_SHEET, f"B{duties}"): "负责市委机关日常运转",
            (NARRATIVE_SHEET, f"C{section}"): text + "（已核对）",
        },
        tmp_path / "e.xlsx",
    )
    assert read_workbook(edited, doc) == [
        SetValue(FieldRef("overall", 0, "duties"), "负责市委日常运转", "负责市委机关日常运转"),
        SetValue(IndicatorRef("overall", 0, 1, "value_annual"), "100%", "≥99%"),
        SetValue(SectionRef(k), text, text + "（已核对）"),
    ]
