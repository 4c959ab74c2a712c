"""The table importer on the corpus: accuracy, provenance, bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pdfplumber
import pytest
from conftest import CLEAN, CLEAN_IDS, CORPUS, ROOT, corpus_pdf, corpus_truth, imported, load_scorer

from core.amounts import is_amount_text
from core.contract import to_contract
from core.errors import (
    EncryptedPdfError,
    InputFileError,
    NotADisclosureError,
    PdfReadError,
    ScannedPdfError,
)
from core.importer import import_pdf


@pytest.mark.parametrize(("kind", "seed"), CLEAN, ids=CLEAN_IDS)
def test_tables_match_the_truth(kind: str, seed: str) -> None:
    doc = imported(kind, seed)
    truth = corpus_truth(kind, seed)
    result = load_scorer().score(to_contract(doc), truth)
    per_table = {k: round(v["accuracy"], 4) for k, v in result["tables"].items()}
    assert result["cell_accuracy"] >= 0.999, per_table
    out = to_contract(doc)["tables"]
    for key, tt in truth["tables"].items():
        assert out[key]["title"] == tt["title"], key
        assert out[key]["pages"] == tt["pages"], key
        assert out[key]["no_data"] == tt["no_data"], key
        assert len(out[key]["rows"]) == len(tt["rows"]), key
    assert doc.department == truth["department"]
    assert doc.year == truth["year"]
    assert doc.unit == "万元"
    assert doc.page_count == truth["source"]["pages"]


def _visible_text(page: pdfplumber.page.Page, bbox: tuple[float, float, float, float]) -> str:
    """What pdfplumber reads inside *bbox*, without the rotated watermark and doubled glyphs."""
    x0, top, x1, bottom = bbox
    crop = page.crop((x0 - 0.5, top - 0.5, x1 + 0.5, bottom + 0.5), strict=False)
    crop = crop.filter(lambda o: o.get("object_type") != "char" or o.get("upright", True))
    crop = crop.filter(lambda o: o.get("object_type") != "char" or o.get("size", 0) < 30)
    return re.sub(r"\s+", "", crop.dedupe_chars().extract_text())


@pytest.mark.parametrize(("kind", "seed"), CLEAN, ids=CLEAN_IDS)
def test_every_amount_knows_where_it_was_printed(kind: str, seed: str) -> None:
    doc = imported(kind, seed)
    checked = 0
    with pdfplumber.open(corpus_pdf(kind, seed)) as pdf:
        for table in doc.tables.values():
            for row in table.rows:
                for cell in row.cells:
                    if not cell.printed or not is_amount_text(cell.printed):
                        continue
                    assert cell.source is not None
                    page = pdf.pages[cell.source.page - 1]
                    assert _visible_text(page, cell.source.bbox) == cell.printed, (
                        table.key,
                        cell.source,
                    )
                    checked += 1
    assert checked > 50


def test_wrapped_cell_text_is_joined_without_spaces() -> None:
    doc = imported("lo", "003")
    names = [r.cells[2].value for r in doc.tables["income_expense_summary"].rows]
    assert "十五、资源勘探工业信息等支出" in names
    assert all("\n" not in n and " " not in n for n in names)


def test_watermark_is_kept_out_of_cells_and_noted() -> None:
    doc = imported("lo", "000")
    assert any("仅供内部审核" in a for a in doc.artifacts)
    for table in doc.tables.values():
        for row in table.rows:
            for cell in row.cells:
                assert not set(cell.value) & set("仅供内部审核") or "审核" not in cell.value


def test_distractor_table_in_appended_notice_is_not_a_budget_table() -> None:
    doc = imported("chrome", "000")
    assert len(doc.tables) == 13
    pages = {p for t in doc.tables.values() for p in t.pages}
    assert max(pages) < 20


# --- bad input -------------------------------------------------------------------------

BROKEN = CORPUS / "broken"


def test_manifest_lists_the_broken_files() -> None:
    names = {e["file"] for e in json.loads((BROKEN / "manifest.json").read_text("utf-8"))}
    assert names == {"truncated.pdf", "encrypted.pdf", "empty.pdf", "notapdf.pdf"}


@pytest.mark.parametrize(
    ("name", "error", "zh"),
    [
        ("empty.pdf", InputFileError, "空"),
        ("notapdf.pdf", InputFileError, "不是 PDF"),
        ("truncated.pdf", PdfReadError, "损坏"),
        ("encrypted.pdf", EncryptedPdfError, "密码"),
    ],
)
def test_broken_files_give_a_clear_error(name: str, error: type, zh: str) -> None:
    with pytest.raises(error) as info:
        import_pdf(BROKEN / name)
    assert zh in info.value.zh and info.value.en


def test_encrypted_file_opens_with_its_password() -> None:
    with pytest.raises(EncryptedPdfError, match="密码不正确"):
        import_pdf(BROKEN / "encrypted.pdf", password="wrong")
    doc = import_pdf(BROKEN / "encrypted.pdf", password="budget2024")
    result = load_scorer().score(to_contract(doc), corpus_truth("lo", "003"))
    assert result["cell_accuracy"] >= 0.999


def test_scanned_pdf_is_recognised_as_a_scan() -> None:
    with pytest.raises(ScannedPdfError) as info:
        import_pdf(CORPUS / "scan" / "003.pdf")
    assert "扫描" in info.value.zh


def test_missing_file(tmp_path) -> None:
    with pytest.raises(InputFileError, match="不存在"):
        import_pdf(tmp_path / "nope.pdf")


def test_pdf_without_budget_tables_says_what_was_looked_for(tmp_path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "letter.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 720, "关于召开全县财务工作会议的通知")
    c.drawString(72, 700, "各单位：定于下周一召开会议，请准时参加。")
    c.save()
    with pytest.raises(NotADisclosureError) as info:
        import_pdf(path)
    assert "预算收支总表" in info.value.zh and "项目支出预算表" in info.value.zh


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def test_cli_extract_writes_the_contract(tmp_path) -> None:
    out = tmp_path / "003.json"
    r = _cli("extract", str(corpus_pdf("lo", "003")), "-o", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text("utf-8"))
    assert data["schema"] == "budget-disclosure/1"
    assert len(data["tables"]) == 13


@pytest.mark.parametrize("name", ["empty.pdf", "notapdf.pdf", "truncated.pdf", "encrypted.pdf"])
def test_cli_extract_bad_input_exits_nonzero_with_a_message(tmp_path, name: str) -> None:
    out = tmp_path / "x.json"
    r = _cli("extract", str(BROKEN / name), "-o", str(out))
    assert r.returncode != 0
    assert "错误" in r.stderr and "Error" in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()
