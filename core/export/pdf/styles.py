"""Paragraph styles of the standardized PDF, all in the one embedded CJK font."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

__all__ = ["Styles", "make_styles"]


@dataclass(frozen=True)
class Styles:
    font: str
    cover_department: ParagraphStyle
    cover_title: ParagraphStyle
    toc_title: ParagraphStyle
    toc_levels: tuple[ParagraphStyle, ...]
    part: ParagraphStyle
    h1: ParagraphStyle
    h_title: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    table_title: ParagraphStyle
    table_meta: ParagraphStyle
    table_meta_right: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    form_title: ParagraphStyle
    form_subtitle: ParagraphStyle
    form_cell: ParagraphStyle
    form_label: ParagraphStyle
    form_amount: ParagraphStyle
    chart_title: ParagraphStyle
    chart_note: ParagraphStyle

    # Table grid geometry (points).
    cell_font_size: float = 9.0
    cell_padding: float = 3.0
    rule_width: float = 0.6


def _style(name: str, font: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=font,
        fontSize=size,
        leading=leading,
        wordWrap="CJK",
        alignment=kw.pop("alignment", TA_LEFT),
        **kw,
    )


def make_styles(font: str) -> Styles:
    """All styles in *font* (nothing falls back to a base-14 font)."""
    cell = _style("cell", font, 9, 11.5)
    return Styles(
        font=font,
        cover_department=_style("cover_department", font, 22, 32, alignment=TA_CENTER),
        cover_title=_style(
            "cover_title", font, 30, 42, alignment=TA_CENTER, spaceBefore=18, spaceAfter=12
        ),
        toc_title=_style("toc_title", font, 18, 26, alignment=TA_CENTER, spaceAfter=18),
        toc_levels=(
            _style("toc0", font, 12, 18, leftIndent=0, firstLineIndent=0, spaceBefore=6),
            _style("toc1", font, 10.5, 15, leftIndent=21, firstLineIndent=0),
            _style("toc2", font, 10, 15, leftIndent=42, firstLineIndent=0),
        ),
        part=_style("part", font, 18, 26, alignment=TA_CENTER, spaceAfter=16),
        h1=_style("h1", font, 12.5, 20, spaceBefore=10, spaceAfter=4, keepWithNext=1),
        h_title=_style(
            "h_title",
            font,
            16,
            24,
            alignment=TA_CENTER,
            spaceBefore=14,
            spaceAfter=8,
            keepWithNext=1,
        ),
        h2=_style("h2", font, 11, 18, leftIndent=21, spaceBefore=6, spaceAfter=2, keepWithNext=1),
        body=_style("body", font, 10.5, 18, firstLineIndent=21, spaceAfter=2),
        table_title=_style("table_title", font, 15, 21, alignment=TA_CENTER, spaceAfter=8),
        table_meta=_style("table_meta", font, 9.5, 13),
        table_meta_right=_style("table_meta_right", font, 9.5, 13, alignment=TA_RIGHT),
        note=_style("note", font, 9, 13, spaceBefore=4),
        cell=cell,
        cell_center=_style("cell_center", font, 9, 11.5, alignment=TA_CENTER),
        form_title=_style("form_title", font, 14, 20, alignment=TA_CENTER, keepWithNext=1),
        form_subtitle=_style(
            "form_subtitle", font, 10.5, 16, alignment=TA_CENTER, spaceAfter=4, keepWithNext=1
        ),
        form_cell=_style("form_cell", font, 9, 11.5),
        form_label=_style("form_label", font, 9, 11.5, alignment=TA_CENTER),
        form_amount=_style("form_amount", font, 9, 11.5, alignment=TA_RIGHT),
        chart_title=_style(
            "chart_title", font, 12.5, 20, alignment=TA_CENTER, spaceBefore=12, spaceAfter=6
        ),
        chart_note=_style("chart_note", font, 9, 13, alignment=TA_CENTER),
    )
