"""The PDF's pages as images (页面渲染) with pypdfium2.

:class:`PdfPages` opens a PDF once and renders a page at a given scale into a QImage. It
knows each page's displayed size (after /Rotate) in points, and converts the importer's
boxes (pdfplumber's convention: top-left origin, relative to the MediaBox) into the
rendered page's coordinates (relative to the CropBox, which is what PDFium draws).

PDFium is not thread-safe: use one PdfPages from the UI thread only.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtGui import QImage

logger = logging.getLogger(__name__)

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


class PdfPasswordError(Exception):
    """The PDF needs a (different) password."""


class PdfOpenError(Exception):
    """The file cannot be opened as a PDF."""


class PdfPages:
    def __init__(self, path: str | Path, password: str | None = None) -> None:
        try:
            self._pdf = pdfium.PdfDocument(str(path), password=password)
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise PdfPasswordError(str(exc)) from exc
            raise PdfOpenError(str(exc)) from exc
        self.path = Path(path)
        # Sizes without loading the pages (fast even for long files); a page's rotation
        # and box offsets are read when first needed.
        self.sizes: list[tuple[float, float]] = [
            tuple(self._pdf.get_page_size(i))
            for i in range(len(self._pdf))  # type: ignore[misc]
        ]
        self._info: dict[int, tuple[int, float, float]] = {}  # index -> rotation, dx, dy

    def _page_info(self, index: int) -> tuple[int, float, float]:
        if index not in self._info:
            page = self._pdf[index]
            try:
                rotation = page.get_rotation() % 360
                if rotation == 0:
                    ml, _mb, _mr, mt = page.get_mediabox()
                    cl, _cb, _cr, ct = page.get_cropbox()
                    self._info[index] = (rotation, ml - cl, ct - mt)
                else:
                    # FIXME: rotated pages with a CropBox smaller than the MediaBox are
                    # drawn without the crop offset (none seen in real disclosures).
                    self._info[index] = (rotation, 0.0, 0.0)
            finally:
                page.close()
        return self._info[index]

    def __len__(self) -> int:
        return len(self.sizes)

    def close(self) -> None:
        self._pdf.close()

    def to_page(self, index: int, box: Box) -> Box:
        """An importer box (0-based page *index*) in rendered-page coordinates."""
        _r, dx, dy = self._page_info(index)
        return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)

    def from_page(self, index: int, x: float, y: float) -> tuple[float, float]:
        """A rendered-page point in the importer's coordinates."""
        _r, dx, dy = self._page_info(index)
        return (x - dx, y - dy)

    def render(self, index: int, scale: float) -> QImage:
        """Page *index* (0-based) at *scale* pixels per point."""
        page = self._pdf[index]
        try:
            bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True)
            image = QImage(
                bytes(bitmap.buffer),
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGBX8888,
            ).copy()  # own the pixels: the bitmap's buffer goes away
            bitmap.close()
        finally:
            page.close()
        return image

    def find_text(self, index: int, text: str, within: Box | None = None) -> list[Box]:
        """Boxes (importer coordinates) of the occurrences of *text* on page *index*,
        those whose centre lies in *within* when given. Empty on rotated pages."""
        text = text.strip()
        if not text or self._page_info(index)[0] != 0:
            return []
        page = self._pdf[index]
        out: list[Box] = []
        try:
            textpage = page.get_textpage()
            cl, _cb, _cr, ct = page.get_cropbox()
            searcher = textpage.search(text, match_case=True)
            while (hit := searcher.get_next()) is not None:
                start, count = hit
                boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
                left = min(b[0] for b in boxes)
                right = max(b[2] for b in boxes)
                bottom = min(b[1] for b in boxes)
                top = max(b[3] for b in boxes)
                x0, y0 = self.from_page(index, left - cl, ct - top)
                x1, y1 = self.from_page(index, right - cl, ct - bottom)
                box = (x0, y0, x1, y1)
                if within is None or _centre_in(box, within):
                    out.append(box)
            searcher.close()
            textpage.close()
        except pdfium.PdfiumError:
            logger.debug("text search failed on page %d", index + 1, exc_info=True)
        finally:
            page.close()
        return out


def _centre_in(box: Box, area: Box, slack: float = 2.0) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] - slack <= cx <= area[2] + slack and area[1] - slack <= cy <= area[3] + slack
