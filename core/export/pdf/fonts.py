"""The exporter's one font: WenQuanYi Micro Hei (文泉驿微米黑), a TrueType CJK face.

It ships in ``resources/fonts/`` with its licence (Apache-2.0). reportlab embeds TrueType
fonts as subsets with a ToUnicode map, so the output is searchable and prints the same
everywhere. Registering it also makes it reportlab's default canvas and graphics font, so
no unembedded base-14 font (Helvetica) appears in an exported PDF.
"""

from __future__ import annotations

import logging
import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from core.resources import resource_path

__all__ = ["FONT_FILE", "FONT_NAME", "register_fonts"]

logger = logging.getLogger(__name__)

FONT_NAME = "WenQuanYiMicroHei"
FONT_FILE = ("fonts", "wqy-microhei.ttc")
# Index of "WenQuanYi Micro Hei" in the collection (1 is the monospaced face).
_SUBFONT = 0

_lock = threading.Lock()


def register_fonts() -> str:
    """Register the CJK font once per process and make it the default; its name."""
    with _lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            path = resource_path(*FONT_FILE)
            if not path.is_file():
                raise FileNotFoundError(f"缺少字体文件 (font missing): {path}")
            logger.debug("registering %s from %s", FONT_NAME, path)
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=_SUBFONT))
            # Bold/italic map to the same face: Micro Hei has no bold, and a <b> must not
            # fall back to Helvetica-Bold.
            pdfmetrics.registerFontFamily(
                FONT_NAME,
                normal=FONT_NAME,
                bold=FONT_NAME,
                italic=FONT_NAME,
                boldItalic=FONT_NAME,
                baseFontFor="canvas graphics",
            )
    return FONT_NAME
