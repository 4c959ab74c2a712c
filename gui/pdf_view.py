"""The PDF on the left (原文): pages in a QGraphicsView, highlights, clicks.

Scene units are PDF points: page *n* is a white rectangle of its displayed size, stacked
top to bottom with a gap. Each page's image is rendered lazily (only pages near the
viewport) at the current zoom × device pixel ratio, and re-rendered after zooming, so
text stays sharp; the image item is scaled by 1/scale to fill its page.

Highlights are rectangles over the printed value (red: error, amber: warning, blue: the
selected value). A click (not a drag) on a page emits ``page_clicked(page, x, y)`` in the
importer's coordinates, for the window to find what was printed there.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from core.model import SourceRef
from gui.pdf_pages import PdfPages
from gui.style import SELECTION_PEN, SEVERITY_PEN

logger = logging.getLogger(__name__)

GAP = 10.0  # points between pages
MARGIN = 10.0  # points around the pages
MIN_ZOOM, MAX_ZOOM = 0.2, 4.0
ZOOM_STEP = 1.2
MAX_RENDERED = 12  # pages kept as images
HIGHLIGHT_PAD = 2.0  # points around a printed value

Highlight = tuple[SourceRef, str]  # a box and "error" | "warning" | "info" | "selection"


class PdfView(QGraphicsView):
    first_page_shown = Signal()  # the first page's image has been painted after open()
    current_page_changed = Signal(int)  # 1-based
    zoom_changed = Signal(float)
    page_clicked = Signal(int, float, float)  # page (1-based), x, y in importer points

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(QColor("#7f8790"))
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._pages: PdfPages | None = None
        self._page_items: list[QGraphicsRectItem] = []
        self._pixmap_items: list[QGraphicsPixmapItem] = []
        self._rendered: OrderedDict[int, float] = OrderedDict()  # page index -> scale
        self._highlights: list[QGraphicsRectItem] = []
        self._zoom = 1.0
        self._fit_width = True
        self._current_page = 0
        self._first_pending = False
        self._press_pos = None
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(15)
        self._render_timer.timeout.connect(self._render_some)
        self.verticalScrollBar().valueChanged.connect(self._viewport_moved)
        self.horizontalScrollBar().valueChanged.connect(self._viewport_moved)
        self._placeholder: QGraphicsSimpleTextItem | None = None
        self._show_placeholder(self.tr("打开一个部门预算公开 PDF 文件（Ctrl+O）"))

    # --- the document ----------------------------------------------------------------

    @property
    def pages(self) -> PdfPages | None:
        return self._pages

    def page_count(self) -> int:
        return len(self._page_items)

    def set_pages(self, pages: PdfPages | None, message: str = "") -> None:
        """Show *pages* (None: no PDF, with *message*); the first page is rendered now."""
        self._clear()
        self._pages = pages
        if pages is None or len(pages) == 0:
            self._show_placeholder(message or self.tr("没有可显示的 PDF 页面"))
            return
        y = MARGIN
        width = max(w for w, _h in pages.sizes)
        for w, h in pages.sizes:
            page = QGraphicsRectItem(0, 0, w, h)
            page.setPos((width - w) / 2 + MARGIN, y)
            page.setBrush(QBrush(Qt.GlobalColor.white))
            page.setPen(QPen(QColor("#5a6068"), 0))
            page.setZValue(0)
            self.scene().addItem(page)
            pix = QGraphicsPixmapItem(page)
            pix.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            self._page_items.append(page)
            self._pixmap_items.append(pix)
            y += h + GAP
        self.scene().setSceneRect(QRectF(0, 0, width + 2 * MARGIN, y - GAP + MARGIN))
        self._current_page = 0
        self._apply_zoom(self._fit_zoom() if self._fit_width else self._zoom, keep_center=False)
        self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())
        self._render_page(0)  # at once: the clerk sees the first page while parsing runs
        self._first_pending = True
        self.viewport().update()
        self.current_page_changed.emit(1)
        self._render_timer.start()

    def _clear(self) -> None:
        self._render_timer.stop()
        self.clear_highlights()
        self.scene().clear()
        self._placeholder = None
        self._page_items.clear()
        self._pixmap_items.clear()
        self._rendered.clear()
        if self._pages is not None:
            self._pages.close()
        self._pages = None
        self._first_pending = False

    def _show_placeholder(self, text: str) -> None:
        self._placeholder = self.scene().addSimpleText(text)
        self._placeholder.setBrush(QColor("#f0f0f0"))
        r = self._placeholder.boundingRect()
        self.scene().setSceneRect(QRectF(-20, -20, r.width() + 40, r.height() + 40))

    # --- zoom and pages ------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return self._zoom

    @property
    def fit_width(self) -> bool:
        return self._fit_width

    def set_fit_width(self, on: bool) -> None:
        self._fit_width = on
        if on and self._page_items:
            self._apply_zoom(self._fit_zoom())

    def set_zoom(self, zoom: float) -> None:
        self._fit_width = False
        self._apply_zoom(zoom)

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / ZOOM_STEP)

    def _fit_zoom(self) -> float:
        if not self._pages:
            return self._zoom
        width = max(w for w, _h in self._pages.sizes) + 2 * MARGIN
        available = self.viewport().width() - 2
        return max(MIN_ZOOM, min(MAX_ZOOM, available / width))

    def _apply_zoom(self, zoom: float, keep_center: bool = True) -> None:
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        center = self.mapToScene(self.viewport().rect().center())
        self.setTransform(QTransform.fromScale(zoom, zoom))
        changed = abs(zoom - self._zoom) > 1e-6
        self._zoom = zoom
        if keep_center:
            self.centerOn(center)
        self._render_timer.start()
        if changed:
            self.zoom_changed.emit(zoom)

    def go_to_page(self, page: int) -> None:
        """Scroll so that *page* (1-based) starts at the top of the view."""
        if not 1 <= page <= len(self._page_items):
            return
        item = self._page_items[page - 1]
        top = self.mapFromScene(QPointF(0, item.pos().y() - GAP / 2)).y()
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + top)

    def current_page(self) -> int:
        return self._current_page + 1

    def page_rect(self, page: int) -> QRectF:
        """The scene rectangle of *page* (1-based)."""
        item = self._page_items[page - 1]
        return item.sceneBoundingRect()

    # --- highlights ------------------------------------------------------------------

    def clear_highlights(self) -> None:
        for item in self._highlights:
            if item.scene() is not None:
                self.scene().removeItem(item)
        self._highlights.clear()

    def show_highlights(self, highlights: Sequence[Highlight], reveal: bool = True) -> None:
        """Draw a rectangle per (source, kind); scroll the first into view."""
        self.clear_highlights()
        first: QRectF | None = None
        for source, kind in highlights:
            rect = self.source_rect(source)
            if rect is None:
                continue
            item = QGraphicsRectItem(rect)
            color = QColor(SEVERITY_PEN.get(kind, SELECTION_PEN))
            pen = QPen(color, 2.0)
            pen.setCosmetic(True)
            item.setPen(pen)
            fill = QColor(color)
            fill.setAlpha(40)
            item.setBrush(fill)
            item.setZValue(10)
            item.setData(0, kind)
            self.scene().addItem(item)
            self._highlights.append(item)
            if first is None:
                first = rect
        if reveal and first is not None:
            visible = self.mapToScene(self.viewport().rect()).boundingRect()
            if not visible.contains(first):
                self.centerOn(first.center())  # well inside the view, not at its edge
        elif reveal and highlights:
            # A place without a box: at least its page.
            self.go_to_page(highlights[0][0].page)

    def highlight_items(self) -> list[QGraphicsRectItem]:
        return list(self._highlights)

    def source_rect(self, source: SourceRef) -> QRectF | None:
        """The scene rectangle of an importer box (padded), or None when off the PDF."""
        if self._pages is None or not 1 <= source.page <= len(self._page_items):
            return None
        index = source.page - 1
        x0, top, x1, bottom = self._pages.to_page(index, source.bbox)
        origin = self._page_items[index].pos()
        return QRectF(
            origin.x() + x0 - HIGHLIGHT_PAD,
            origin.y() + top - HIGHLIGHT_PAD,
            (x1 - x0) + 2 * HIGHLIGHT_PAD,
            (bottom - top) + 2 * HIGHLIGHT_PAD,
        )

    def scene_to_page(self, pos: QPointF) -> tuple[int, float, float] | None:
        """(page 1-based, x, y in importer points) under a scene point, or None."""
        if self._pages is None:
            return None
        for i, item in enumerate(self._page_items):
            r = item.sceneBoundingRect()
            if r.contains(pos):
                x, y = self._pages.from_page(i, pos.x() - r.x(), pos.y() - r.y())
                return (i + 1, x, y)
        return None

    # --- rendering -------------------------------------------------------------------

    def _render_scale(self) -> float:
        return self._zoom * self.devicePixelRatioF()

    def _visible_pages(self) -> list[int]:
        area = self.mapToScene(self.viewport().rect()).boundingRect()
        return [
            i
            for i, item in enumerate(self._page_items)
            if item.sceneBoundingRect().intersects(area)
        ]

    def _render_page(self, index: int) -> None:
        assert self._pages is not None
        scale = self._render_scale()
        image = self._pages.render(index, scale)
        pixmap = QPixmap.fromImage(image)
        item = self._pixmap_items[index]
        item.setPixmap(pixmap)
        item.setScale(1.0 / scale)
        self._rendered[index] = scale
        self._rendered.move_to_end(index)
        while len(self._rendered) > MAX_RENDERED:
            old, _ = self._rendered.popitem(last=False)
            self._pixmap_items[old].setPixmap(QPixmap())

    def _render_some(self) -> None:
        """Render one visible page that is missing or at the wrong scale; then again."""
        if self._pages is None:
            return
        visible = self._visible_pages()
        if visible:
            # One page beyond the viewport each way, so scrolling shows pages at once.
            wanted = visible + [
                i for i in (visible[0] - 1, visible[-1] + 1) if 0 <= i < len(self._page_items)
            ]
        else:
            wanted = []
        scale = self._render_scale()
        for i in wanted:
            if abs(self._rendered.get(i, -1.0) - scale) > 1e-6:
                try:
                    self._render_page(i)
                except Exception:
                    logger.exception("rendering page %d failed", i + 1)
                    self._rendered[i] = scale  # do not retry forever
                self._render_timer.start()
                return
            self._rendered.move_to_end(i)

    def _viewport_moved(self) -> None:
        if not self._page_items:
            return
        self._render_timer.start()
        area = self.mapToScene(self.viewport().rect()).boundingRect()
        probe = area.top() + area.height() / 3
        current = self._current_page
        for i, item in enumerate(self._page_items):
            r = item.sceneBoundingRect()
            if r.top() - GAP <= probe <= r.bottom():
                current = i
                break
        if current != self._current_page:
            self._current_page = current
            self.current_page_changed.emit(current + 1)

    # --- events ------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if (
            self._first_pending
            and self._pixmap_items
            and not self._pixmap_items[0].pixmap().isNull()
        ):
            self._first_pending = False
            QTimer.singleShot(0, self.first_page_shown.emit)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._fit_width and self._page_items:
            self._apply_zoom(self._fit_zoom())
        self._render_timer.start()

    def wheelEvent(self, event) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self._zoom * (ZOOM_STEP**steps))
            event.accept()
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._press_pos = event.position() if event.button() == Qt.MouseButton.LeftButton else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self._press_pos is None:
            return
        moved = (event.position() - self._press_pos).manhattanLength()
        self._press_pos = None
        if moved > 4:
            return  # a drag to pan, not a click
        hit = self.scene_to_page(self.mapToScene(event.position().toPoint()))
        if hit is not None:
            self.page_clicked.emit(*hit)
