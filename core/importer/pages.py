"""Reading PDF pages into glyphs and rule segments (pdfplumber / pdfminer.six).

:func:`read_pages` opens a PDF with pdfplumber and turns every page into a
:class:`PageContent`: the glyphs of its text layer and the horizontal/vertical rule
segments of its drawings, in the page's displayed orientation with the origin at the
top-left (pdfplumber's coordinates, so ``page.crop(bbox)`` finds what we report).

On the way it removes what is not content:

- watermark text (``仅供内部审核``) drawn rotated or huge and pale over the page — it is
  kept aside in :attr:`PageContent.watermark` for rule C09;
- fake bold: a glyph drawn twice (or more) at almost the same place.

It reads pdfminer's layout objects directly instead of pdfplumber's per-object dicts (the
conversion costs about as much as the parse), and spreads the pages over worker processes
for long documents.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from statistics import median

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from core.errors import EncryptedPdfError, InputFileError, PdfReadError

logger = logging.getLogger(__name__)

__all__ = ["Glyph", "PageContent", "Segment", "open_pdf", "read_pages"]

# A rule is a drawn line or a rectangle thinner than this (points).
RULE_THICKNESS = 2.5
# Pages per worker below which parallel reading does not pay for its start-up.
PARALLEL_MIN_PAGES = 8


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str = ""

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class Segment:
    """An axis-aligned rule: ``h`` at y=pos from start to end (x), ``v`` at x=pos."""

    orientation: str  # "h" or "v"
    pos: float
    start: float
    end: float


@dataclass(slots=True)
class PageContent:
    number: int  # 1-based physical page
    width: float
    height: float
    rotation: int = 0
    glyphs: list[Glyph] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    watermark: list[str] = field(default_factory=list)
    has_images: bool = False
    error: str = ""  # set when this page could not be read

    @property
    def has_text(self) -> bool:
        return any(not g.text.isspace() for g in self.glyphs)


# --- opening ----------------------------------------------------------------------------


def open_pdf(path: str | Path, password: str | None = None) -> pdfplumber.PDF:
    """Open a PDF with pdfplumber, turning every failure into a clear WorkbenchError."""
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"文件不存在：{p}", f"file not found: {p}")
    if p.is_dir():
        raise InputFileError(f"这是一个文件夹，不是 PDF 文件：{p}", f"is a directory: {p}")
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputFileError(
            f"无法读取文件：{p}（{exc.strerror}）", f"cannot read {p}: {exc}"
        ) from exc
    if size == 0:
        raise InputFileError(f"文件是空的（0 字节）：{p.name}", f"empty file (0 bytes): {p.name}")
    if b"%PDF-" not in head:
        raise InputFileError(
            f"不是 PDF 文件：{p.name}（文件开头没有 PDF 标记）",
            f"not a PDF file: {p.name} (no %PDF- header)",
        )
    try:
        pdf = pdfplumber.open(p, password=password or "")
        _ = pdf.pages  # forces the page tree: a truncated file fails here
        if not pdf.pages:
            raise PdfReadError(f"PDF 文件中没有页面：{p.name}", f"the PDF has no pages: {p.name}")
        return pdf
    except PdfReadError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        if _is_password_error(exc):
            raise _password_error(p.name, password) from exc
        raise PdfReadError(
            f"PDF 文件已损坏或不完整，无法读取：{p.name}（{type(exc).__name__}）",
            f"the PDF is damaged or truncated and cannot be read: {p.name} ({exc})",
        ) from exc


def _password_error(name: str, password: str | None) -> EncryptedPdfError:
    if password:
        return EncryptedPdfError(
            f"密码不正确，无法打开加密的 PDF：{name}", f"wrong password for encrypted PDF: {name}"
        )
    return EncryptedPdfError(
        f"PDF 已加密，需要密码才能打开：{name}（命令行请使用 --password）",
        f"the PDF is encrypted; a password is required: {name} (use --password)",
    )


def _is_password_error(exc: BaseException | None) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, PDFPasswordIncorrect):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


# --- reading ----------------------------------------------------------------------------


def read_pages(
    path: str | Path,
    password: str | None = None,
    *,
    workers: int | None = None,
    pages: Iterable[int] | None = None,
) -> list[PageContent]:
    """Read every page (or the 1-based *pages*) of a PDF.

    *workers*: processes to spread the pages over; ``None`` picks by page count and CPU
    count, ``1`` reads in this process.
    """
    with open_pdf(path, password) as pdf:
        n = len(pdf.pages)
        wanted = sorted(set(pages)) if pages is not None else list(range(1, n + 1))
        wanted = [i for i in wanted if 1 <= i <= n]
        if workers is None:
            workers = min(os.cpu_count() or 1, 4, max(1, len(wanted) // PARALLEL_MIN_PAGES))
        if workers <= 1 or len(wanted) < 2:
            return [_read_page_safely(pdf, i) for i in wanted]
    # Every process (this one included) claims the next unread page from a shared
    # counter, so the pages are shared out however long the others take to start. Spawn,
    # not fork: safe from the GUI's worker thread and the same on Windows.
    ctx = get_context("spawn")
    counter = ctx.Value("i", 0)
    with ProcessPoolExecutor(
        max_workers=workers - 1, mp_context=ctx, initializer=_init_worker, initargs=(counter,)
    ) as pool:
        futures = [
            pool.submit(_read_claimed, str(path), password, wanted) for _ in range(workers - 1)
        ]
        out = _read_claimed(str(path), password, wanted, counter)
        for f in futures:
            out.extend(f.result())
    out.sort(key=lambda pc: pc.number)
    return out


_counter = None


def _init_worker(counter) -> None:
    global _counter
    _counter = counter


def _read_claimed(path: str, password: str | None, wanted: list[int], counter=None) -> list:
    counter = counter if counter is not None else _counter
    out: list[PageContent] = []
    pdf = None
    try:
        while True:
            with counter.get_lock():
                i = counter.value
                counter.value = i + 1
            if i >= len(wanted):
                return out
            if pdf is None:
                pdf = open_pdf(path, password)
            out.append(_read_page_safely(pdf, wanted[i]))
    finally:
        if pdf is not None:
            pdf.close()


def _read_page_safely(pdf: pdfplumber.PDF, number: int) -> PageContent:
    page = pdf.pages[number - 1]
    try:
        return read_page(page)
    except (PSException, PDFSyntaxError, Exception) as exc:  # a damaged content stream
        logger.warning("page %d could not be read: %s", number, exc)
        return PageContent(
            number,
            float(page.width),
            float(page.height),
            page.rotation,
            error=f"{type(exc).__name__}: {exc}",
        )
    finally:
        page.close()


def read_page(page: pdfplumber.page.Page) -> PageContent:
    """Glyphs and rules of one pdfplumber page, watermark and fake bold removed."""
    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    content = PageContent(page.page_number, float(page.width), height, int(page.rotation))
    chars: list[tuple[Glyph, float, float, float, float, tuple]] = []
    for obj in _walk(page.layout):
        if isinstance(obj, LTChar):
            text = obj.get_text()
            if not text:
                continue
            a, b, c, d, _, _ = obj.matrix
            g = Glyph(
                text,
                obj.x0 + mb_x0,
                height - obj.y1 + mb_top,
                obj.x1 + mb_x0,
                height - obj.y0 + mb_top,
                float(obj.size),
                obj.fontname if isinstance(obj.fontname, str) else "",
            )
            color = obj.graphicstate.ncolor
            chars.append((g, a, b, c, d, color if isinstance(color, tuple) else (color,)))
        elif isinstance(obj, LTLine | LTRect | LTCurve):
            _add_rules(content.segments, obj, height, mb_x0, mb_top)
        elif isinstance(obj, LTImage):
            content.has_images = True
    content.glyphs = _drop_watermark(chars, content.watermark)
    content.glyphs = _drop_overprint(content.glyphs)
    return content


def _walk(container: LTContainer) -> Iterator:
    for obj in container:
        if isinstance(obj, LTContainer) and not isinstance(obj, LTChar):
            if obj.__class__.__name__ == "LTFigure":
                # Figures may be images (scans) or form XObjects holding text.
                yield from _walk(obj)
                continue
            yield from _walk(obj)
        else:
            yield obj


def _add_rules(out: list[Segment], obj, height: float, mb_x0: float, mb_top: float) -> None:
    stroke = bool(getattr(obj, "stroke", False))
    fill = bool(getattr(obj, "fill", False))
    if not (stroke or fill):
        return

    def y(v: float) -> float:
        return height - v + mb_top

    if isinstance(obj, LTRect):
        x0, x1 = obj.x0 + mb_x0, obj.x1 + mb_x0
        top, bottom = y(obj.y1), y(obj.y0)
        w, h = x1 - x0, bottom - top
        if h <= RULE_THICKNESS and w > h:
            out.append(Segment("h", (top + bottom) / 2, x0, x1))
        elif w <= RULE_THICKNESS and h > w:
            out.append(Segment("v", (x0 + x1) / 2, top, bottom))
        elif stroke:
            out.append(Segment("h", top, x0, x1))
            out.append(Segment("h", bottom, x0, x1))
            out.append(Segment("v", x0, top, bottom))
            out.append(Segment("v", x1, top, bottom))
        return
    # Lines and general paths: every straight axis-aligned piece of the path.
    pts = [(px + mb_x0, y(py)) for px, py in obj.pts]
    if isinstance(obj, LTCurve) and not isinstance(obj, LTLine):
        if not stroke:
            # A filled path: only thin ones are rules (a filled bar drawn as a polygon).
            bw, bh = obj.x1 - obj.x0, obj.y1 - obj.y0
            if bh <= RULE_THICKNESS and bw > bh:
                out.append(Segment("h", y((obj.y0 + obj.y1) / 2), obj.x0 + mb_x0, obj.x1 + mb_x0))
            elif bw <= RULE_THICKNESS and bh > bw:
                out.append(Segment("v", (obj.x0 + obj.x1) / 2 + mb_x0, y(obj.y1), y(obj.y0)))
            return
        pieces = _path_pieces(obj, y, mb_x0) or list(zip(pts, pts[1:], strict=False))
    else:
        pieces = list(zip(pts, pts[1:], strict=False))
    for (xa, ya), (xb, yb) in pieces:
        if abs(ya - yb) <= 0.5 and abs(xa - xb) > 0.5:
            out.append(Segment("h", (ya + yb) / 2, min(xa, xb), max(xa, xb)))
        elif abs(xa - xb) <= 0.5 and abs(ya - yb) > 0.5:
            out.append(Segment("v", (xa + xb) / 2, min(ya, yb), max(ya, yb)))


def _path_pieces(obj: LTCurve, y, mb_x0: float) -> list:
    """Straight pieces of a path from its original path commands (m/l/h)."""
    path = getattr(obj, "original_path", None)
    if not path:
        return []
    pieces = []
    start = cur = None
    for cmd, *pts in path:
        if cmd == "m" and pts:
            start = cur = (pts[0][0] + mb_x0, y(pts[0][1]))
        elif cmd == "l" and pts and cur is not None:
            nxt = (pts[0][0] + mb_x0, y(pts[0][1]))
            pieces.append((cur, nxt))
            cur = nxt
        elif cmd == "h" and cur is not None and start is not None:
            pieces.append((cur, start))
            cur = start
        elif pts:
            cur = (pts[-1][0] + mb_x0, y(pts[-1][1]))
    return pieces


def _drop_watermark(chars: list, removed: list[str]) -> list[Glyph]:
    """Keep horizontal text of ordinary size; set aside rotated or huge pale text."""
    if not chars:
        return []
    sizes = [g.size for g, *_ in chars if g.size > 0]
    body = median(sizes) if sizes else 10.0
    kept: list[Glyph] = []
    dropped: list[Glyph] = []
    for g, a, b, c, d, color in chars:
        horizontal = abs(b) <= 1e-3 * max(abs(a), 1e-9) and abs(c) <= 1e-3 * max(abs(d), 1e-9)
        upright = horizontal and a > 0 and d > 0
        if not upright:
            dropped.append(g)
        elif g.size > 3.0 * body and _is_pale(color):
            dropped.append(g)
        else:
            kept.append(g)
    if dropped:
        text = "".join(g.text for g in sorted(dropped, key=lambda g: (g.cx, g.cy)))
        removed.append(text)
    return kept


def _is_pale(color: tuple) -> bool:
    vals = [v for v in color if isinstance(v, int | float)]
    if not vals:
        return False
    if len(vals) == 4:  # CMYK: pale when little ink
        return max(vals) < 0.35
    return min(vals) > 0.55


def _drop_overprint(glyphs: list[Glyph]) -> list[Glyph]:
    """Remove copies of a glyph drawn again at (almost) the same place (fake bold)."""
    if len(glyphs) < 2:
        return glyphs
    out: list[Glyph] = []
    seen: dict[tuple[str, int, int], list[Glyph]] = {}
    for g in glyphs:
        if g.text.isspace():
            out.append(g)
            continue
        tol = max(g.size * 0.2, 0.6)
        kx, ky = int(math.floor(g.x0 / 4)), int(math.floor(g.top / 4))
        dup = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for h in seen.get((g.text, kx + dx, ky + dy), ()):
                    if abs(h.x0 - g.x0) <= tol and abs(h.top - g.top) <= tol:
                        dup = True
                        break
                if dup:
                    break
            if dup:
                break
        if dup:
            continue
        seen.setdefault((g.text, kx, ky), []).append(g)
        out.append(g)
    return out
