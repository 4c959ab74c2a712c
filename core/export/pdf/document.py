"""Disclosure → standardized disclosure PDF (标准化部门预算公开文件).

The document, in order:

1. 封面: the department and ``20XX年度部门预算公开``;
2. 目录 with the real page numbers (a two-pass build: platypus ``multiBuild``);
3. 第一部分 概况: its numbered sections;
4. 第二部分 部门预算报表: 表一 … 表十三 (:mod:`.tables`), wide tables on landscape pages,
   then the two charts (:mod:`.charts`) on a page of their own;
5. 第三部分 情况说明: its sections; the performance forms (:mod:`.forms`) follow the
   sections of 十、绩效管理情况;
6. 第四部分 名词解释.

Pages after the 目录 are numbered ``- N -`` from 1. There is no watermark and no running
header. The file is written atomically: built into a temporary file in the target folder
and moved over the target only when complete.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from core.atomic import AtomicWriteError, atomic_write
from core.catalog import TABLES
from core.errors import WorkbenchError
from core.model import Disclosure, Section

from .charts import function_class_pie, three_public_bars
from .fonts import register_fonts
from .forms import overall_form_flowables, project_form_flowables
from .linebreak import CJKParagraph
from .pages import (
    FOOTER_Y,
    LANDSCAPE,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PORTRAIT,
    PORTRAIT_WIDTH,
)
from .styles import Styles, make_styles
from .tables import table_flowables, table_is_wide

__all__ = [
    "ExportCancelled",
    "ExportError",
    "ExportResult",
    "Progress",
    "build_story",
    "export_pdf",
]

logger = logging.getLogger(__name__)

# progress(done, total, message); cancel() -> True to stop.
Progress = Callable[[int, int, str], None]

CREATOR = "预算公开工作台 (Budget Disclosure Workbench)"
_LEVEL1 = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_LEVEL3 = re.compile(r"^\d+[、.．]")
_PERFORMANCE = re.compile(r"^十[、.．]\s*绩效")


class ExportCancelled(Exception):
    """The export was cancelled (the target file is left as it was)."""


class ExportError(WorkbenchError):
    """The output file cannot be written."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    pages: int
    seconds: float


# --- the story -------------------------------------------------------------------------


def _entry(flowable: Flowable, level: int, text: str, key: str) -> Flowable:
    """Mark *flowable* (a heading) as an entry of the 目录 and of the PDF outline; the
    template records the page it lands on."""
    flowable.toc_entry = (level, text, key)  # type: ignore[attr-defined]
    return flowable


class _BodyStart(Flowable):
    """Marks the first numbered page (第一部分 starts page 1)."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        pass


def _heading_level(heading: str) -> int:
    h = heading.strip()
    if _LEVEL2.match(h) or _LEVEL3.match(h):
        return 2
    return 1


def _section_flowables(sec: Section, styles: Styles, key: str) -> list[Flowable]:
    level = _heading_level(sec.heading)
    style = styles.h1 if level == 1 else styles.h2
    if level == 1 and not _LEVEL1.match(sec.heading.strip()):
        # An unnumbered heading is an appended document's title (山西省财政厅文件).
        style = styles.h_title
    heading = CJKParagraph(escape(sec.heading.strip()), style)
    out: list[Flowable] = [_entry(heading, 1, sec.heading.strip(), key) if level == 1 else heading]
    for line in sec.text.value.split("\n"):
        if line.strip():
            out.append(CJKParagraph(escape(line.strip()), styles.body))
    return out


def _part_heading(text: str, styles: Styles, key: str) -> list[Flowable]:
    return [_entry(CJKParagraph(escape(text), styles.part), 0, text, key)]


def _default_parts(year: int | None) -> tuple[str, str, str, str]:
    y = f"{year}年" if year else ""
    return (
        "第一部分 概况",
        f"第二部分 {y}部门预算报表",
        f"第三部分 {y}度部门预算情况说明" if year else "第三部分 部门预算情况说明",
        "第四部分 名词解释",
    )


def _split_parts(doc: Disclosure) -> tuple[str, list[Section], str, list[Section]]:
    p1, _, p3, _ = _default_parts(doc.year)
    part1 = [s for s in doc.narrative if s.part.strip().startswith("第一部分")]
    part3 = [s for s in doc.narrative if not s.part.strip().startswith("第一部分")]
    if part1:
        p1 = part1[0].part.strip() or p1
    if part3 and part3[0].part.strip().startswith("第三部分"):
        p3 = part3[0].part.strip()
    return p1, part1, p3, part3


def _forms_position(sections: list[Section]) -> int:
    """Index in *sections* before which the forms go: after 十、绩效管理情况 and its
    sub-sections, or at the end."""
    start = next((k for k, s in enumerate(sections) if _PERFORMANCE.match(s.heading.strip())), None)
    if start is None:
        return len(sections)
    k = start + 1
    while k < len(sections) and _heading_level(sections[k].heading) == 2:
        k += 1
    return k


def build_story(doc: Disclosure, styles: Styles) -> list[Flowable]:
    """The flowables of the whole document (see the module docstring for the order)."""
    year = doc.year
    department = doc.department.strip()
    p1, part1, p3, part3 = _split_parts(doc)
    _, p2, _, p4 = _default_parts(year)
    cover_title = f"{year}年度部门预算公开" if year else (doc.cover_title or "部门预算公开")
    story: list[Flowable] = [
        NextPageTemplate("front"),
        Spacer(1, 190),
        CJKParagraph(escape(department), styles.cover_department),
        CJKParagraph(escape(cover_title), styles.cover_title),
        PageBreak(),
        CJKParagraph("目　　录", styles.toc_title),
        _toc(styles),
        NextPageTemplate("portrait"),
        PageBreak(),
        _BodyStart(),
    ]
    # 第一部分
    story += _part_heading(p1, styles, "part-1")
    for k, sec in enumerate(part1):
        story += _section_flowables(sec, styles, f"p1-{k}")
    # 第二部分
    for n, spec_ in enumerate(TABLES):
        table = doc.tables.get(spec_.key)
        wide = table_is_wide(spec_.key, table, styles)
        story += [NextPageTemplate("landscape" if wide else "portrait"), PageBreak()]
        if n == 0:
            story += _part_heading(p2, styles, "part-2")
        unit = (table.unit if table and table.unit else doc.unit) or "万元"
        story += table_flowables(
            spec_.key, table, department or (table.department if table else ""), unit, year, styles
        )
    story += [NextPageTemplate("portrait"), PageBreak()]
    story += _charts(doc, styles)
    # 第三部分
    story += [PageBreak()]
    story += _part_heading(p3, styles, "part-3")
    forms_at = _forms_position(part3)
    for k, sec in enumerate(part3):
        if k == forms_at:
            story += _forms(doc, styles)
            story.append(PageBreak())
        story += _section_flowables(sec, styles, f"p3-{k}")
    if forms_at == len(part3):
        story += _forms(doc, styles)
    # 第四部分
    story += [PageBreak()]
    story += _part_heading(p4, styles, "part-4")
    for g in doc.glossary:
        for line in g.value.split("\n"):
            if line.strip():
                story.append(CJKParagraph(escape(line.strip()), styles.body))
    return story


def _charts(doc: Disclosure, styles: Styles) -> list[Flowable]:
    y = f"{doc.year}年" if doc.year else ""
    out: list[Flowable] = []
    charts = (
        (f"图一  {y}一般公共预算当年拨款结构图", function_class_pie, ""),
        (f"图二  {y}“三公”经费分布图", three_public_bars, "单位：万元"),
    )
    for n, (title, make, note) in enumerate(charts):
        out.append(_entry(CJKParagraph(escape(title), styles.chart_title), 1, title, f"chart-{n}"))
        if note:
            out.append(CJKParagraph(note, styles.chart_note))
        out += make(doc, styles, PORTRAIT_WIDTH)
        out.append(Spacer(1, 18))
        out.append(CondPageBreak(200))
    return out


def _forms(doc: Disclosure, styles: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for o in doc.overall_forms:
        out += overall_form_flowables(o, doc.year, styles)
    for f in doc.performance_forms:
        out += project_form_flowables(f, doc.year, styles)
    return out


def _toc(styles: Styles) -> TableOfContents:
    # Every reportlab Table sets its cells' font, so the 目录's own table needs ours too.
    table_style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), styles.font),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
    )
    toc = TableOfContents(dotsMinLevel=0, tableStyle=table_style)
    toc.levelStyles = list(styles.toc_levels)
    return toc


# --- the document template ---------------------------------------------------------------


class _DisclosureTemplate(BaseDocTemplate):
    """Front pages (cover, 目录) without numbers; body pages numbered ``- N -``."""

    def __init__(
        self,
        filename: str,
        styles: Styles,
        *,
        step: Callable[[int], None] | None = None,
        **kw: object,
    ) -> None:
        super().__init__(filename, pagesize=PORTRAIT, **kw)
        self.styles = styles
        self.body_start: int | None = None
        self._step = step

        def frame(size: tuple[float, float], name: str) -> Frame:
            return Frame(
                MARGIN_X,
                MARGIN_BOTTOM,
                size[0] - 2 * MARGIN_X,
                size[1] - MARGIN_TOP - MARGIN_BOTTOM,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
                id=name,
            )

        self.addPageTemplates(
            [
                PageTemplate("front", [frame(PORTRAIT, "front")], pagesize=PORTRAIT),
                PageTemplate(
                    "portrait",
                    [frame(PORTRAIT, "portrait")],
                    onPageEnd=self._footer,
                    pagesize=PORTRAIT,
                ),
                PageTemplate(
                    "landscape",
                    [frame(LANDSCAPE, "landscape")],
                    onPageEnd=self._footer,
                    pagesize=LANDSCAPE,
                ),
            ]
        )

    def beforeDocument(self) -> None:  # noqa: N802 - reportlab hook
        self.body_start = None

    def display_page(self) -> int:
        return self.page - (self.body_start or 1) + 1

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab hook
        if isinstance(flowable, _BodyStart):
            self.body_start = self.page
        entry = getattr(flowable, "toc_entry", None)
        if entry:
            level, text, key = entry
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
            self.notify("TOCEntry", (level, escape(text), self.display_page(), key))

    def afterPage(self) -> None:  # noqa: N802 - reportlab hook
        if self._step:
            self._step(self.page)

    def _footer(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        if self.body_start is None:
            return
        width = canv._pagesize[0]
        canv.saveState()
        canv.setFont(self.styles.font, 9)
        canv.drawCentredString(width / 2, FOOTER_Y, f"- {self.display_page()} -")
        canv.restoreState()


# --- export ----------------------------------------------------------------------------------


def _metadata(doc: Disclosure) -> dict[str, str]:
    year = f"{doc.year}年度" if doc.year else ""
    return {
        "title": f"{doc.department}{year}部门预算公开".strip(),
        "author": doc.department,
        "subject": f"{year}部门预算公开",
        "creator": CREATOR,
        "keywords": "部门预算公开",
    }


def _build(
    doc: Disclosure, target: str, progress: Progress | None, cancel: Callable[[], bool] | None
) -> int:
    """Build the PDF into *target*; the number of pages."""
    font = register_fonts()
    styles = make_styles(font)
    # Progress runs over two passes (the first finds the 目录's page numbers). The first
    # pass estimates the page count; the second knows it.
    state = {"pass": 1, "pages": max(doc.page_count, 20 + len(doc.performance_forms))}

    def step(page: int) -> None:
        if cancel is not None and cancel():
            raise ExportCancelled
        if progress is not None:
            total = 2 * state["pages"]
            done = min(page, state["pages"]) + (state["pass"] - 1) * state["pages"]
            progress(min(done, total - 1), total, f"正在生成第{page}页")

    def on_progress(kind: str, value: int) -> None:
        if kind == "PASS":
            if value > 1:
                state["pages"] = max(template.page, 1)
            state["pass"] = min(value, 2)

    template = _DisclosureTemplate(target, styles, step=step, lang="zh-CN", **_metadata(doc))
    template.setProgressCallBack(on_progress)
    template.multiBuild(build_story(doc, styles), maxPasses=6)
    return template.page


def export_pdf(
    doc: Disclosure,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write the standardized PDF of *doc* to *path* (atomically).

    Raises :class:`ExportCancelled` when *cancel* returns True, :class:`ExportError` when
    the target cannot be written. On any failure the file at *path* is left untouched.
    """
    t0 = time.perf_counter()
    target = Path(path)
    try:
        with atomic_write(target) as tmp:
            pages = _build(doc, str(tmp), progress, cancel)
    except AtomicWriteError as exc:
        raise ExportError(exc.zh, exc.en) from exc
    seconds = time.perf_counter() - t0
    if progress is not None:
        progress(1, 1, "完成")
    logger.info("exported %s: %d pages in %.2fs", target, pages, seconds)
    return ExportResult(target, pages, seconds)
