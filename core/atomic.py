"""Atomic file writes (原子写入): a new file appears whole or not at all.

Every exporter writes its output beside the target under a temporary name and moves it
into place with :func:`os.replace`, so a failed or cancelled export never leaves half a
file where a good one was::

    from core.atomic import atomic_write

    with atomic_write(target) as tmp:      # tmp: a Path in the target's folder
        workbook.save(tmp)                 # anything that writes a file by name
    # here target is the new file; on an exception it is untouched and tmp is gone

    with atomic_write(target, "w", encoding="utf-8") as fh:   # or an open file object
        fh.write(text)

The temporary file lives in the target's folder (``.NAME.XXXX.tmp``) because a rename is
only atomic within one file system. It is flushed to disk before the rename.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from core.errors import WorkbenchError

__all__ = ["TEMP_SUFFIX", "AtomicWriteError", "atomic_write", "fsync_path"]

TEMP_SUFFIX = ".tmp"


class AtomicWriteError(WorkbenchError):
    """The output file cannot be written: its folder is missing or not writable, or the
    target is open in another program (Windows)."""


def fsync_path(path: str | os.PathLike[str]) -> None:
    """Flush a written file to disk (best effort on file systems that refuse)."""
    try:
        with open(path, "rb+") as fh:
            os.fsync(fh.fileno())
    except OSError:
        pass


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str | None = None, **open_kwargs: Any
) -> Iterator[Any]:
    """Write *path* atomically.

    Without *mode* the block gets the temporary :class:`~pathlib.Path` to write by name
    (reportlab, openpyxl, SQLite). With *mode* (``"w"``, ``"wb"``) it gets the temporary
    file opened in that mode, with *open_kwargs* (``encoding=…``). When the block ends
    normally the temporary file replaces *path*; when it raises, *path* is untouched and
    the temporary file is removed. Raises :class:`AtomicWriteError` when the folder does
    not exist or cannot be written, or the target cannot be replaced.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise AtomicWriteError(
            f"输出文件夹不存在：{folder}", f"output folder does not exist: {folder}"
        )
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise AtomicWriteError(
            f"无法写入输出文件夹：{folder}（{exc.strerror or exc}）",
            f"cannot write to the folder {folder}: {exc}",
        ) from exc
    tmp = Path(name)
    try:
        try:
            if mode is None:
                os.close(fd)
                yield tmp
            else:
                if "w" not in mode:
                    os.close(fd)
                    raise ValueError(f"atomic_write needs a writing mode, not {mode!r}")
                fh: IO[Any]
                with os.fdopen(fd, mode, **open_kwargs) as fh:
                    yield fh
                    fh.flush()
        except OSError as exc:
            # Disk full, a file system that went away, no permission: say so plainly.
            raise AtomicWriteError(
                f"无法写入输出文件：{target.name}（{exc.strerror or exc}；磁盘是否已满或没有写权限？）",
                f"cannot write {target}: {exc}",
            ) from exc
        fsync_path(tmp)
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise AtomicWriteError(
                f"无法写入输出文件：{target}（{exc.strerror or exc}，文件可能已在其他程序中打开）",
                f"cannot replace {target} (is it open in another program?): {exc}",
            ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
