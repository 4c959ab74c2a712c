"""Chinese line breaking (中文断行) for reportlab paragraphs.

reportlab's CJK wrapping breaks anywhere and lets only one character of its own
"cannot start a line" list hang into the margin; that list lacks the full-width comma,
semicolon, colon and the closing quote, and it happily breaks inside ``957.23``. Here a
line may not start with closing punctuation (``，。；：）”`` …), may not end with opening
punctuation (``（“`` …), and a run of digits/Latin letters (an amount, a percentage, a
code) is kept whole when it fits on a line. Nothing hangs into the margin, so text never
crosses a table cell's border.

:class:`CJKParagraph` is a :class:`~reportlab.platypus.Paragraph` that uses these rules
for plain text (one font, no inline markup), which is all the exporter draws.
"""

from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus import Paragraph

__all__ = ["NO_END", "NO_START", "CJKParagraph", "break_lines", "cell_text"]

# Characters that may not begin a line (closing punctuation and the like).
NO_START = frozenset(
    "，。、；：？！）》」』】〕〉”’…—·%‰℃,.;:?!)]}>"
    "\uff09\uff3d\uff5d\u3001\u3002\uff0c\uff1b\uff1a\uff1f\uff01\uff05"
)
# Characters that may not end a line (opening punctuation).
NO_END = frozenset("（《「『【〔〈“‘([{<\uff08\uff3b\uff5b")
# Characters that form unbreakable runs (amounts, percentages, codes, Latin words).
_RUN = frozenset(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,%-+/_@#&*=０１２３４５６７８９"
)
_FUZZ = 1e-6


@lru_cache(maxsize=65536)
def _char_width(ch: str, font: str, size: float) -> float:
    return stringWidth(ch, font, size)


def _breakable(text: str, b: int) -> bool:
    """May a line break fall before ``text[b]``?"""
    prev, cur = text[b - 1], text[b]
    if cur in NO_START or prev in NO_END:
        return False
    return not (prev in _RUN and cur in _RUN)


def _allowed(text: str, b: int) -> bool:
    """The hard rule only: no closing punctuation first, no opening punctuation last."""
    return text[b] not in NO_START and text[b - 1] not in NO_END


def break_lines(
    text: str, max_widths: list[float], font: str, size: float
) -> list[tuple[float, str]]:
    """Break *text* into lines: ``[(spare width, line text), …]``.

    ``max_widths[i]`` is the width of line *i* (the last one repeats).
    """
    lines: list[tuple[float, str]] = []
    n = len(text)
    start = 0
    while start < n:
        # Spaces do not begin a continuation line.
        if lines:
            while start < n and text[start] == " ":
                start += 1
            if start >= n:
                break
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used = 0.0
        i = start
        while i < n:
            w = _char_width(text[i], font, size)
            if used + w > max_width + _FUZZ and i > start:
                break
            used += w
            i += 1
        if i >= n:
            lines.append((max_width - used, text[start:]))
            break
        # text[i] does not fit: find the last good break at or before i.
        b = i
        while b > start + 1 and not _breakable(text, b):
            b -= 1
        if b <= start + 1 and not _breakable(text, b):
            # One long run (a long number or word): honour only the punctuation rule.
            b = i
            while b > start + 1 and not _allowed(text, b):
                b -= 1
            if b <= start + 1 and not _allowed(text, b):
                b = i  # a single glyph wider than the line; nothing better exists
        line = text[start:b].rstrip(" ")
        width = sum(_char_width(c, font, size) for c in line)
        lines.append((max_width - width, line))
        start = b
    return lines


class CJKParagraph(Paragraph):
    """A paragraph wrapped by :func:`break_lines` (style ``wordWrap='CJK'``)."""

    def breakLinesCJK(self, maxWidths):  # noqa: N802 - reportlab's method name
        frags = self.frags
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        style = self.style
        if (
            len(frags) != 1
            or hasattr(frags[0], "cbDefn")
            or style.endDots
            or not hasattr(frags[0], "text")
        ):
            return super().breakLinesCJK(maxWidths)
        f = frags[0]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return f.clone(kind=0, lines=self.blPara.lines)
        self.height = 0
        lines = break_lines(f.text, list(maxWidths), f.fontName, f.fontSize)
        ascent, descent = getAscentDescent(f.fontName, f.fontSize)
        return f.clone(
            kind=0, lines=[(spare, [line]) for spare, line in lines], ascent=ascent, descent=descent
        )


def cell_text(text: str, style: ParagraphStyle) -> CJKParagraph | list[CJKParagraph]:
    """Plain text as paragraph(s) in *style*: one per line of *text*, escaped."""
    lines = (text or "").split("\n")
    if len(lines) == 1:
        return CJKParagraph(escape(lines[0]), style)
    return [CJKParagraph(escape(line), style) for line in lines]
