"""Getting at a project file safely: inspect it before SQLite touches it, connect with
the project's lock, and replace files atomically.

The order matters. :func:`inspect` reads the header itself (no SQLite): not ours, from a
newer version, truncated — refused before any connection. :func:`probe` runs
``quick_check`` through a read-only connection, which can change nothing. Only then does
:func:`connect` open the file for writing and take the exclusive lock, held until close.
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import tempfile
from pathlib import Path
from urllib.parse import quote

from core.errors import (
    ProjectFileError,
    ProjectLockedError,
    ProjectReadOnlyError,
    ProjectVersionError,
)
from core.store import schema
from core.store.header import Header, journal_is_hot, read_header

logger = logging.getLogger(__name__)


def name(path: Path) -> str:
    return path.name or str(path)


def inspect(path: Path) -> Header:
    """The header of a file that looks like one of our projects, or a clear error."""
    if not path.exists():
        raise ProjectFileError(f"找不到项目文件：{path}", f"project file not found: {path}")
    if not path.is_file():
        raise ProjectFileError(f"这不是一个文件：{path}", f"not a file: {path}")
    try:
        header = read_header(path)
    except OSError as exc:
        raise ProjectFileError(
            f"无法读取项目文件：{path}（{exc.strerror or exc}）",
            f"cannot read the project file {path}: {exc}",
        ) from exc
    if header is None:
        raise ProjectFileError(
            f"“{name(path)}”不是预算公开工作台的项目文件（文件内容不是项目格式），文件未作改动。",
            f"{name(path)} is not a workbench project file (not an SQLite database); "
            "the file was not changed",
        )
    if not header.is_ours:
        raise ProjectFileError(
            f"“{name(path)}”是其他程序的数据库，不是预算公开工作台的项目文件，文件未作改动。",
            f"{name(path)} is another program's SQLite database, not a workbench project; "
            "the file was not changed",
        )
    if header.user_version > schema.current_version():
        raise ProjectVersionError(
            f"“{name(path)}”由较新版本的预算公开工作台创建（项目格式第 {header.user_version} 版，"
            f"本程序只支持到第 {schema.current_version()} 版）。请升级工作台后再打开；文件未作改动。",
            f"{name(path)} was written by a newer version of the workbench (format "
            f"{header.user_version}, this program reads up to {schema.current_version()}); "
            "upgrade to open it. The file was not changed.",
        )
    if header.user_version == 0:
        raise damaged(path, "缺少格式版本", "no format version")
    if header.truncated and not journal_is_hot(path):
        raise damaged(path, "文件不完整（可能被截断或没有复制完整）", "the file is truncated")
    return header


def damaged(path: Path, zh: str, en: str) -> ProjectFileError:
    return ProjectFileError(
        f"项目文件“{name(path)}”已损坏，无法打开：{zh}。文件未作改动；"
        "请使用备份，或从原 PDF 重新新建项目。",
        f"the project file {name(path)} is damaged ({en}); it was not changed — use a "
        "backup or create the project again from the PDF",
    )


def locked(path: Path) -> ProjectLockedError:
    return ProjectLockedError(
        f"项目文件“{name(path)}”正被另一个程序打开（可能是另一个工作台窗口）。"
        "请先在那里关闭它，再重新打开。",
        f"the project file {name(path)} is open in another program (another workbench "
        "window?); close it there first",
    )


def needs_recovery(path: Path) -> ProjectFileError:
    return ProjectFileError(
        f"项目文件“{name(path)}”上次没有正常关闭，需要先恢复，但它所在的位置不能写入。"
        "请把它复制到可写的文件夹再打开。",
        f"{name(path)} was not closed properly and needs recovery, but its location is "
        "read-only; copy it to a writable folder first",
    )


def uri(path: Path, mode: str) -> str:
    """A SQLite URI for *path* (mode=ro never writes, mode=rw never creates).

    Built by hand rather than with Path.as_uri(): SQLite refuses a URI authority, so a
    Windows share (//server/share/x) must become file:////server/share/x.
    """
    posix = path.resolve().as_posix()
    if not posix.startswith("/"):
        posix = "/" + posix  # C:/x -> /C:/x, which SQLite reads back as C:/x on Windows
    prefix = "file://" if posix.startswith("//") else "file:"
    return f"{prefix}{quote(posix, safe='/:')}?mode={mode}"


def errorname(exc: sqlite3.Error) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def is_busy(exc: sqlite3.Error) -> bool:
    return errorname(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)


def probe(path: Path) -> bool:
    """Check the file through a read-only connection (which can change nothing).

    Returns False when a hot journal (an interrupted transaction) must first be rolled
    back by a writer; raises a clear error when the file is locked or damaged.
    """
    conn = sqlite3.connect(uri(path, "ro"), uri=True, timeout=0)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as exc:
        if errorname(exc) == "SQLITE_READONLY_ROLLBACK":
            return False
        if is_busy(exc):
            raise locked(path) from exc
        raise damaged(path, str(exc), str(exc)) from exc
    finally:
        conn.close()
    if rows != [("ok",)]:
        detail = "；".join(str(r[0]) for r in rows[:3])
        raise damaged(path, f"数据库校验失败（{detail}）", f"integrity check failed: {detail}")
    return True


def writable(path: Path) -> ProjectReadOnlyError | None:
    """Why *path* cannot be written (file or folder read-only), or None."""
    try:
        with path.open("r+b"):
            pass
    except OSError as exc:
        return ProjectReadOnlyError(
            f"项目文件“{name(path)}”是只读的，已以只读方式打开：可以查看，不能修改。"
            "如需修改，请“另存为”到其他位置。",
            f"the project file {name(path)} is read-only ({exc.strerror or exc}); opened "
            "read-only — use Save As to keep working",
        )
    try:
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as exc:
        return ProjectReadOnlyError(
            f"项目文件所在的文件夹“{path.parent}”不能写入，已以只读方式打开：可以查看，不能修改。"
            "如需修改，请“另存为”到其他位置。",
            f"the folder {path.parent} is read-only ({exc.strerror or exc}); opened "
            "read-only — use Save As to keep working",
        )
    return None


def configure(conn: sqlite3.Connection) -> None:
    # EXCLUSIVE: once taken, the lock is kept until close — no second writer, and no
    # reader sees a half-applied step. DELETE journal: the main file is complete after
    # every commit. FULL: the commit is on disk before apply() returns.
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def connect(path: Path, read_only: bool) -> sqlite3.Connection:
    """A connection holding the project's lock (shared when read-only, else exclusive)."""
    conn = sqlite3.connect(
        uri(path, "ro" if read_only else "rw"),
        uri=True,
        timeout=0,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        configure(conn)
        if read_only:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        else:
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
    except BaseException:
        conn.close()
        raise
    if not read_only:
        remove_spent_journal(path)
    return conn


def remove_spent_journal(path: Path) -> None:
    """Delete a finished journal a killed instance left behind (its header zeroed at
    commit, so it holds nothing), lest it sit beside the project. Safe only while we
    hold the exclusive lock: nobody else can be writing it."""
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and not journal_is_hot(path):
        try:
            journal.unlink()
        except OSError as exc:
            logger.debug("cannot remove %s: %s", journal, exc)


def recover(path: Path) -> None:
    """Let SQLite roll back an interrupted transaction (its hot journal) and let go."""
    try:
        conn = connect(path, read_only=False)
    except sqlite3.Error as exc:
        if is_busy(exc):
            raise locked(path) from exc
        raise damaged(path, str(exc), str(exc)) from exc
    conn.close()


def fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def replace_file(tmp: Path, target: Path) -> None:
    """Move the finished database *tmp* onto *target*, on disk before returning.

    A journal left beside *target* by a crashed writer belongs to the file being
    replaced: SQLite would play it back into the new one, so it goes first (the caller
    has made sure no instance has *target* open).
    """
    fsync_file(tmp)
    target.with_name(target.name + "-journal").unlink(missing_ok=True)
    os.replace(tmp, target)
    fsync_dir(target.parent)


def temp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")


def remove_temp(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-journal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def refuse_overwrite(target: Path, overwrite: bool) -> None:
    if not target.exists():
        return
    if not overwrite:
        raise ProjectFileError(
            f"文件已存在：{target}。请换一个文件名，或确认覆盖。",
            f"{target} already exists (choose another name or confirm overwriting)",
        )
    if target.is_dir():
        raise ProjectFileError(f"这是一个文件夹：{target}", f"{target} is a folder")
    # Never replace a project another instance has open under its feet.
    if read_header(target) is not None:
        conn = sqlite3.connect(uri(target, "ro"), uri=True, timeout=0)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except sqlite3.Error as exc:
            if is_busy(exc):
                raise locked(target) from exc
        finally:
            conn.close()


def cannot_write(target: Path, exc: BaseException) -> ProjectFileError:
    detail = getattr(exc, "strerror", None) or str(exc)
    return ProjectFileError(
        f"无法写入项目文件：{target}（{detail}）",
        f"cannot write the project file {target}: {exc}",
    )
