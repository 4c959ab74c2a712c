"""Opening any input the command line accepts: a PDF, a JSON document, a project file.

    from core.loading import load_document
    doc = load_document(path)        # IN.pdf | IN.json | PROJECT.bwproj

The kind is decided by the file's content, not its name: a SQLite header is a project
(its current document: the import with every edit replayed), ``%PDF`` is a PDF (imported),
a JSON object is a budget-disclosure/1 document. Bad input raises a
:class:`~core.errors.WorkbenchError` with a Chinese message.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Literal

from core.contract import ContractError, from_contract
from core.errors import InputFileError
from core.model import Disclosure
from core.store.header import SQLITE_MAGIC

logger = logging.getLogger(__name__)

__all__ = ["InputKind", "load_document", "sniff"]

InputKind = Literal["project", "pdf", "json"]

_SNIFF_BYTES = 1024


def sniff(path: str | Path) -> InputKind:
    """What kind of input *path* holds, judged by its first bytes (then its suffix).

    Raises InputFileError when the file is missing or unreadable. A file of no known
    kind is called a PDF so the importer reports it clearly ("not a PDF").
    """
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"找不到文件：{p}", f"file not found: {p}")
    if not p.is_file():
        raise InputFileError(f"这不是一个文件：{p}", f"not a file: {p}")
    try:
        with p.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputFileError(
            f"无法读取文件：{p}（{exc.strerror or exc}）", f"cannot read {p}: {exc}"
        ) from exc
    if head.startswith(SQLITE_MAGIC):
        return "project"
    if b"%PDF-" in head:
        return "pdf"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"{"):
        return "json"
    suffix = p.suffix.lower()
    if suffix == ".bwproj":
        return "project"
    if suffix == ".json":
        return "json"
    return "pdf"


def load_document(path: str | Path, password: str | None = None) -> Disclosure:
    """The document *path* holds: a project's current document, an imported PDF
    (*password* for an encrypted one), or a budget-disclosure/1 JSON document.

    A project is opened read-only and released at once; it is never changed.
    """
    p = Path(path)
    kind = sniff(p)
    logger.debug("loading %s as %s", p, kind)
    if kind == "project":
        from core.store import Project

        with Project.open(p, read_only=True) as project:
            return project.document
    if kind == "json":
        return _load_json(p)
    from core.importer import import_pdf

    return import_pdf(p, password)


def _load_json(p: Path) -> Disclosure:
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputFileError(
            f"无法读取 JSON 文件：{p}（{exc}）", f"cannot read the JSON file {p}: {exc}"
        ) from exc
    try:
        return from_contract(data)
    except ContractError as exc:
        raise InputFileError(
            f"“{p.name}”不是预算公开提取结果 JSON：{exc}",
            f"{p.name} is not a budget-disclosure/1 document",
        ) from exc
