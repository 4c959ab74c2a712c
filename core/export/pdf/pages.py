"""Page geometry of the standardized PDF: A4 portrait for text and narrow tables, A4
landscape for wide tables."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4, landscape

__all__ = [
    "LANDSCAPE",
    "LANDSCAPE_WIDTH",
    "MARGIN_BOTTOM",
    "MARGIN_TOP",
    "MARGIN_X",
    "PORTRAIT",
    "PORTRAIT_WIDTH",
    "frame_width",
]

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN_X = 48.0
MARGIN_TOP = 50.0
MARGIN_BOTTOM = 54.0
# The page number sits this far above the bottom edge.
FOOTER_Y = 28.0

PORTRAIT_WIDTH = PORTRAIT[0] - 2 * MARGIN_X
LANDSCAPE_WIDTH = LANDSCAPE[0] - 2 * MARGIN_X


def frame_width(wide: bool) -> float:
    return LANDSCAPE_WIDTH if wide else PORTRAIT_WIDTH
