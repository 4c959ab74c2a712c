"""Recent files (最近打开的文件): a short list kept in a JSON file in the user's
config folder, newest first.

    recent = RecentFiles()              # or RecentFiles(tmp_path / "recent.json") in tests
    recent.add("D:/预算/兴县县委办.bwproj")
    for path in recent.paths(): ...

A damaged or missing list is an empty list, never an error; the file is replaced
atomically.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

logger = logging.getLogger(__name__)

__all__ = ["RecentFiles", "default_recent_path"]

APP_DIR_NAME = "BudgetWorkbench"
_FORMAT = 1


def default_recent_path() -> Path:
    """``%APPDATA%\\BudgetWorkbench\\recent.json`` on Windows, else under
    ``$XDG_CONFIG_HOME`` (``~/.config``)."""
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP_DIR_NAME / "recent.json"


def _key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


class RecentFiles:
    """The recent-files list stored at *store* (default :func:`default_recent_path`)."""

    def __init__(self, store: str | Path | None = None, limit: int = 10) -> None:
        self.store = Path(store) if store is not None else default_recent_path()
        self.limit = limit

    def paths(self) -> list[Path]:
        """The files, newest first (files that no longer exist included: the GUI may
        show them greyed out or call :meth:`prune`)."""
        return [Path(e["path"]) for e in self._read()]

    def add(self, path: str | Path) -> None:
        """Put *path* first (moving it up when it is already in the list)."""
        p = Path(os.path.abspath(path))
        entries = [e for e in self._read() if _key(Path(e["path"])) != _key(p)]
        entries.insert(0, {"path": str(p), "opened": datetime.now(UTC).isoformat()})
        self._write(entries[: self.limit])

    def remove(self, path: str | Path) -> None:
        key = _key(Path(path))
        self._write([e for e in self._read() if _key(Path(e["path"])) != key])

    def prune(self) -> list[Path]:
        """Drop the files that no longer exist; return what was dropped."""
        keep: list[dict[str, str]] = []
        gone: list[dict[str, str]] = []
        for e in self._read():
            (keep if Path(e["path"]).exists() else gone).append(e)
        if gone:
            self._write(keep)
        return [Path(e["path"]) for e in gone]

    def clear(self) -> None:
        self._write([])

    def _read(self) -> list[dict[str, str]]:
        try:
            data = json.loads(self.store.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            logger.warning("ignoring an unreadable recent-files list %s: %s", self.store, exc)
            return []
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, list):
            return []
        return [
            {"path": str(e["path"]), "opened": str(e.get("opened", ""))}
            for e in files
            if isinstance(e, dict) and isinstance(e.get("path"), str) and e["path"]
        ][: self.limit]

    def _write(self, entries: list[dict[str, str]]) -> None:
        text = json.dumps({"format": _FORMAT, "files": entries}, ensure_ascii=False, indent=1)
        try:
            self.store.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(
                prefix=f".{self.store.name}.", suffix=".tmp", dir=self.store.parent
            )
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                os.replace(tmp, self.store)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            # A recent-files list is a convenience: never fail the user's action for it.
            logger.warning("cannot write the recent-files list %s: %s", self.store, exc)
