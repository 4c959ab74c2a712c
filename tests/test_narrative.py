"""The cover, the narrative of 第一部分/第三部分 and the glossary (名词解释).

The corpus: headings, texts (paragraph by paragraph), the cover title and the glossary
equal the truth's after removing whitespace. The one tolerated difference is a
punctuation mark the truth has where the PDF never printed it: LibreOffice drops a
、/，that falls at the end of a full line, so the text layer (checked with pdfium here)
has the line break and no mark.

Synthetic documents drawn with reportlab check what the corpus does not show: a part
heading wrapped onto two lines, a 目录 with dot leaders, list items that are not
headings, paragraphs without first-line indent, a paragraph running over a page break,
an unnumbered appended title, running headers.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import CLEAN, CLEAN_IDS, corpus_pdf, corpus_truth, imported
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from core.contract import to_contract
from core.importer.narrative import parse_narrative
from core.importer.pages import read_pages

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_WS = re.compile(r"\s+")


def _w(text: str) -> str:
    return _WS.sub("", text or "")


_PDF_LINES: dict[tuple[str, str], str] = {}


def _pdf_text_lines(kind: str, seed: str) -> str:
    """The PDF's text layer, whitespace removed inside lines, lines joined by "|"."""
    key = (kind, seed)
    if key not in _PDF_LINES:
        doc = pdfium.PdfDocument(str(corpus_pdf(kind, seed)))
        parts = []
        for page in doc:
            text = page.get_textpage().get_text_range()
            parts.append("|".join(_w(ln) for ln in text.splitlines()))
        doc.close()
        _PDF_LINES[key] = "|".join(parts)
    return _PDF_LINES[key]


def _same_text(kind: str, seed: str, want: str, got: str) -> bool:
    """Equal, or different only by single marks the PDF never printed at a line end."""
    want, got = _w(want), _w(got)
    if want == got:
        return True
    layer = _pdf_text_lines(kind, seed)
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(
        None, want, got, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            continue
        if tag != "delete" or i2 - i1 != 1 or want[i1] not in "、，,；;":
            return False
        before, after = want[max(0, i1 - 4) : i1], want[i2 : i2 + 4]
        if f"{before}|{after}" not in layer or f"{before}{want[i1]}{after}" in layer:
            return False
    return True


# --- the corpus -----------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "seed"), CLEAN, ids=CLEAN_IDS)
def test_corpus_narrative_equals_the_truth(kind: str, seed: str) -> None:
    out = to_contract(imported(kind, seed))
    truth = corpus_truth(kind, seed)
    assert [(_w(s["part"]), _w(s["heading"])) for s in out["narrative"]] == [
        (_w(s["part"]), _w(s["heading"])) for s in truth["narrative"]
    ]
    for o, t in zip(out["narrative"], truth["narrative"], strict=True):
        got, want = o["text"].split("\n"), t["text"].split("\n")
        assert len(got) == len(want), t["heading"]  # the same paragraphs
        for g, w in zip(got, want, strict=True):
            assert _same_text(kind, seed, w, g), (t["heading"], w, g)


@pytest.mark.parametrize(("kind", "seed"), CLEAN, ids=CLEAN_IDS)
def test_corpus_cover_and_glossary(kind: str, seed: str) -> None:
    out = to_contract(imported(kind, seed))
    truth = corpus_truth(kind, seed)
    assert _w(out["cover_title"]) == _w(truth["cover_title"])
    assert [_w(g) for g in out["glossary"]] == [_w(g) for g in truth["glossary"]]


def test_corpus_narrative_keeps_its_sources() -> None:
    doc = imported("chrome", "000")
    assert doc.cover_title_source is not None and doc.cover_title_source.page == 1
    for sec in doc.narrative:
        assert sec.heading_source is not None
        for p in sec.paragraphs:
            assert p.source is not None and p.source.bbox[0] < p.source.bbox[2]
    assert all(g.source is not None for g in doc.glossary)
    # The forms inside 十、绩效管理情况 are not narrative: no text from their pages' grids.
    form_pages = {p for f in doc.performance_forms for p in f.pages}
    texts = "".join(s.text.value for s in doc.narrative)
    assert "负责人" not in texts and "项目名称" not in texts
    assert form_pages


def test_lost_punctuation_is_only_tolerated_where_the_pdf_lacks_it() -> None:
    assert _same_text("lo", "003", "新发展阶段、贯彻新发展理念", "新发展阶段贯彻新发展理念")
    assert not _same_text("lo", "003", "新发展阶段、贯彻新发展理念", "新发展阶段贯彻新发展")
    assert not _same_text("chrome", "003", "新发展阶段、贯彻新发展理念", "新发展阶段贯彻新发展理念")


# --- synthetic documents --------------------------------------------------------------------

LEFT, RIGHT = 60.0, 535.0


class _Doc:
    """Draws text pages: lines, wrapped paragraphs, running header and page numbers."""

    def __init__(self, path: Path, header: str = "", body: float = 10.5) -> None:
        self.path = path
        self.c = canvas.Canvas(str(path), pagesize=A4)
        self.w, self.h = A4
        self.header = header
        self.body = body
        self.n = 0
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        if self.n:
            self.c.showPage()
        self.n += 1
        self.y = 70.0
        self.c.setFont(FONT, 8)
        if self.header:
            self.c.drawCentredString(self.w / 2, self.h - 40, self.header)
        self.c.drawCentredString(self.w / 2, 30, f"第 {self.n} 页")

    def line(
        self,
        text: str,
        size: float | None = None,
        x: float = LEFT,
        center: bool = False,
        gap: float = 6.0,
    ) -> None:
        size = size or self.body
        if self.y + size > self.h - 70:
            self.new_page()
        self.c.setFont(FONT, size)
        base = self.h - self.y - size
        if center:
            self.c.drawCentredString(self.w / 2, base, text)
        else:
            self.c.drawString(x, base, text)
        self.y += size + gap

    def para(self, text: str, indent: bool = True, size: float | None = None) -> None:
        """A paragraph wrapped at the right edge (by the glyphs' widths)."""
        size = size or self.body
        lines, cur = [], ""
        for ch in text:
            x0 = LEFT + (2 * size if indent and not lines else 0)
            if x0 + pdfmetrics.stringWidth(cur + ch, FONT, size) > RIGHT:
                lines.append(cur)
                cur = ""
            cur += ch
        lines.append(cur)
        for k, ln in enumerate(lines):
            self.line(ln, size, x=LEFT + (2 * size if indent and k == 0 else 0))

    def save(self) -> Path:
        self.c.save()
        return self.path


LONG = "本部门预算收入总计957.23万元，比上年增加362.78万元，增长61.03%，主要原因是项目支出增加较多且金额较大。"


def _sample(path: Path, indent: bool = True) -> Path:
    d = _Doc(path, header="某县财政局2024年部门预算公开")
    d.line("某县财政局", 22, center=True, gap=30)
    d.line("2024年度", 26, center=True, gap=8)
    d.line("部门预算公开", 26, center=True)
    d.new_page()
    d.line("目录", 16, center=True)
    d.line("第一部分 概况" + "." * 60 + "1")
    d.line("一、部门职责" + "." * 60 + "1", x=LEFT + 21)
    d.line("第三部分 2024年度部门预算情况说明" + "." * 40 + "3")
    d.new_page()
    d.line("第一部分 概况", 16, center=True)
    d.line("一、部门职责", 12)
    d.para("（一）负责全县财政收支管理，拟订财政发展规划；", indent)
    d.para("（二）负责编制年度预算草案并组织执行；", indent)
    d.line("二、机构设置情况", 12)
    d.para("本部门内设机构如下：", indent)
    d.para("1、办公室", indent)
    d.para("2、预算股", indent)
    d.para("3、国库股", indent)
    d.new_page()
    d.line("第三部分", 16, center=True)
    d.line("2024年度部门预算情况说明", 16, center=True)
    d.line("一、部门预算收支数据变动情况及原因", 12)
    d.para(LONG * 3, indent)
    d.para("第二段：" + LONG, indent)
    d.line("二、支出预算情况说明", 12)
    while d.y < d.h - 140:
        d.para(LONG, indent)
    d.para(LONG * 4, indent)  # runs over the page break
    d.line("一般公共预算支出结构图", 9, center=True)
    d.line("三、其他说明", 12)
    d.para("无", indent)
    d.new_page()
    d.line("某省财政厅文件", 24, center=True, gap=14)
    d.para("各市、县财政局：", indent)
    d.para("一、按照修订后的目录调整集中采购项目的品目名称、编码。", indent)
    d.new_page()
    d.line("第四部分 名词解释", 16, center=True)
    d.para("一、基本支出：指为保障机构正常运转而发生的人员支出和公用支出。", indent)
    d.para("二、财政专户管理资金：", indent)
    d.para("专指教育收费。", indent)
    return d.save()


def _check_sample(path: Path) -> None:
    res = parse_narrative(read_pages(path, workers=1), set())
    assert res.cover_title == "2024年度部门预算公开"
    assert res.department == "某县财政局"
    heads = [(s.part, s.heading) for s in res.sections]
    assert heads == [
        ("第一部分 概况", "一、部门职责"),
        ("第一部分 概况", "二、机构设置情况"),
        ("第三部分 2024年度部门预算情况说明", "一、部门预算收支数据变动情况及原因"),
        ("第三部分 2024年度部门预算情况说明", "二、支出预算情况说明"),
        ("第三部分 2024年度部门预算情况说明", "三、其他说明"),
        ("第三部分 2024年度部门预算情况说明", "某省财政厅文件"),
    ]
    text = {s.heading: s.text.value.split("\n") for s in res.sections}
    assert text["一、部门职责"] == [
        "（一）负责全县财政收支管理，拟订财政发展规划；",
        "（二）负责编制年度预算草案并组织执行；",
    ]
    assert text["二、机构设置情况"] == [
        "本部门内设机构如下：",
        "1、办公室",
        "2、预算股",
        "3、国库股",
    ]
    assert [_w(p) for p in text["一、部门预算收支数据变动情况及原因"]] == [
        _w(LONG * 3),
        _w("第二段：" + LONG),
    ]
    paras = text["二、支出预算情况说明"]
    assert [_w(p) for p in paras[-2:]] == [_w(LONG * 4), "一般公共预算支出结构图"]
    assert all(_w(p) == _w(LONG) for p in paras[:-2])
    assert text["三、其他说明"] == ["无"]
    assert text["某省财政厅文件"] == [
        "各市、县财政局：",
        "一、按照修订后的目录调整集中采购项目的品目名称、编码。",
    ]
    assert [g.value for g in res.glossary] == [
        "一、基本支出：指为保障机构正常运转而发生的人员支出和公用支出。",
        "二、财政专户管理资金：专指教育收费。",
    ]
    over = next(s for s in res.sections if s.heading == "二、支出预算情况说明").paragraphs[-2]
    assert over.source is not None
    joined = "".join(s.text.value for s in res.sections)
    assert "某县财政局2024年部门预算公开" not in joined and "第 3 页" not in joined


def test_synthetic_document_with_first_line_indents(tmp_path: Path) -> None:
    _check_sample(_sample(tmp_path / "n.pdf"))


def test_synthetic_document_without_indents(tmp_path: Path) -> None:
    """Paragraphs set flush left: a paragraph ends with a sentence well short of the edge."""
    path = tmp_path / "n.pdf"
    d = _Doc(path)
    d.line("2024年度部门预算公开", 26, center=True)
    d.new_page()
    d.line("第一部分 概况", 16, center=True)
    d.line("一．部门职责")  # headings in the body type, numbered with a full stop
    d.para(LONG * 2, indent=False)
    d.para("第二段很短。", indent=False)
    d.para(LONG, indent=False)
    d.line("二．机构设置情况")
    d.para("本部门设三个股室。", indent=False)
    d.save()
    res = parse_narrative(read_pages(path, workers=1), set())
    assert [s.heading for s in res.sections] == ["一．部门职责", "二．机构设置情况"]
    assert [_w(p) for p in res.sections[0].text.value.split("\n")] == [
        _w(LONG * 2),
        "第二段很短。",
        _w(LONG),
    ]
    assert res.sections[1].text.value == "本部门设三个股室。"


def test_part_heading_under_the_last_table(tmp_path: Path) -> None:
    """第三部分 starts on the page of the last table: the table's lines are not narrative,
    what follows the part heading is."""
    path = tmp_path / "n.pdf"
    d = _Doc(path)
    d.line("2024年度部门预算公开", 26, center=True)
    d.new_page()
    d.line("2024年项目支出预算表（上年结转）", 15, center=True)
    d.line("部门名称：某县财政局    单位：万元", 9)
    d.line("注：本表无数据", 9)
    d.line("第三部分 2024年度部门预算情况说明", 16, center=True)
    d.line("一、部门预算收支数据变动情况及原因", 12)
    d.para(LONG)
    d.save()
    res = parse_narrative(read_pages(path, workers=1), {2})
    assert [(s.part, s.heading) for s in res.sections] == [
        ("第三部分 2024年度部门预算情况说明", "一、部门预算收支数据变动情况及原因"),
    ]
    assert _w(res.sections[0].text.value) == _w(LONG)
