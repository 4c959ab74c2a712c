"""Recognising a project file from its first 100 bytes, before SQLite touches it.

SQLite will happily create, extend or "recover" any file it is pointed at. So the store
reads the database header itself first (https://www.sqlite.org/fileformat.html#the_database_header)
and opens nothing that is not plainly one of ours: the magic string, our application id,
the schema version (``user_version``) and the page count that tells a truncated copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "APPLICATION_ID",
    "SQLITE_MAGIC",
    "Header",
    "is_sqlite_file",
    "journal_is_hot",
    "read_header",
]

SQLITE_MAGIC = b"SQLite format 3\x00"
# Written at offset 68 of every project file ("BWPJ": 预算公开工作台项目).
APPLICATION_ID = int.from_bytes(b"BWPJ", "big")
HEADER_SIZE = 100
# The first 8 bytes of a rollback journal that still has to be played back.
_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


@dataclass(frozen=True, slots=True)
class Header:
    """What the 100-byte SQLite header says about a file."""

    file_size: int
    page_size: int
    page_count: int  # the in-header database size; 0 when not valid
    user_version: int  # our schema version
    application_id: int

    @property
    def is_ours(self) -> bool:
        return self.application_id == APPLICATION_ID

    @property
    def truncated(self) -> bool:
        """The file is shorter than the database its header describes."""
        if self.file_size < HEADER_SIZE or self.page_size == 0:
            return True
        if self.file_size % self.page_size:
            return True
        return bool(self.page_count) and self.file_size < self.page_count * self.page_size


def is_sqlite_file(path: Path) -> bool:
    """True when *path* starts with the SQLite magic string (reads 16 bytes only)."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def read_header(path: Path) -> Header | None:
    """The header of *path*, or None when it is not a SQLite database at all.

    Raises OSError when the file cannot be read.
    """
    with path.open("rb") as fh:
        raw = fh.read(HEADER_SIZE)
        size = fh.seek(0, 2)
    if not raw.startswith(SQLITE_MAGIC):
        return None
    if len(raw) < HEADER_SIZE:
        return Header(size, 0, 0, 0, 0)

    def u32(offset: int) -> int:
        return int.from_bytes(raw[offset : offset + 4], "big")

    page_size = int.from_bytes(raw[16:18], "big")
    if page_size == 1:
        page_size = 65536
    if page_size < 512 or page_size & (page_size - 1):
        page_size = 0  # not a power of two: a damaged header
    # The in-header size is valid only when the change counter matches version-valid-for.
    page_count = u32(28) if u32(24) == u32(92) else 0
    return Header(
        file_size=size,
        page_size=page_size,
        page_count=page_count,
        user_version=u32(60),
        application_id=u32(68),
    )


def journal_is_hot(path: Path) -> bool:
    """True when a rollback journal beside *path* holds an interrupted transaction.

    (A journal whose header was zeroed after its commit is harmless: SQLite ignores it.)
    """
    journal = path.with_name(path.name + "-journal")
    try:
        with journal.open("rb") as fh:
            return fh.read(len(_JOURNAL_MAGIC)) == _JOURNAL_MAGIC
    except OSError:
        return False
