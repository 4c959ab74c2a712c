"""The project file's tables, and the migrations that build and upgrade them.

``MIGRATIONS[i]`` turns a version-*i* file into version *i + 1*; a new file is built by
running them all from 0. The version lives in the SQLite header (``PRAGMA user_version``)
so it can be read without opening the database, and in ``meta`` for people. A migration
is frozen once released: a later change to the schema is a new migration, never an edit
of an old one.

Version 1::

    meta(key, value)                 format, schema_version, app_version, created,
                                     source_name, source_sha256, source_size, …
    source(id=1, name, sha256, size, data)        the PDF, byte for byte
    document(id=1, created, json)    the document AS IMPORTED (budget-disclosure/1 with
                                     provenance); never changed after creation
    steps(id, time, kind, target)    one row per user action (one transaction): kind is
                                     edit | undo | redo | restore | excel_import …;
                                     target = the step an undo/redo reverses/repeats
    edits(seq, step, edit, place, target, item, field, printed, old, new, reason)
                                     every edit in the order applied (undo stored as the
                                     inverse edit), with the audit-log columns
    findings(id=1, time, edit_seq, json)          the last check, and the edit it saw

The current document is ``document`` + every row of ``edits`` applied in ``seq`` order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlite_utils import Database

from core.store.header import APPLICATION_ID

logger = logging.getLogger(__name__)

__all__ = ["MIGRATIONS", "REQUIRED_TABLES", "current_version", "migrate"]

REQUIRED_TABLES = ("meta", "source", "document", "steps", "edits", "findings")


def _v0_to_v1(db: Database) -> None:
    for sql in (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE source (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            data BLOB NOT NULL)""",
        """CREATE TABLE document (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            created TEXT NOT NULL,
            json TEXT NOT NULL)""",
        """CREATE TABLE steps (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            kind TEXT NOT NULL,
            target INTEGER REFERENCES steps(id))""",
        """CREATE TABLE edits (
            seq INTEGER PRIMARY KEY,
            step INTEGER NOT NULL REFERENCES steps(id),
            edit TEXT NOT NULL,
            place TEXT NOT NULL,
            target TEXT NOT NULL,
            item INTEGER,
            field TEXT NOT NULL DEFAULT '',
            printed TEXT NOT NULL DEFAULT '',
            old TEXT NOT NULL DEFAULT '',
            new TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX edits_step ON edits(step)",
        """CREATE TABLE findings (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            time TEXT NOT NULL,
            edit_seq INTEGER NOT NULL,
            json TEXT NOT NULL)""",
    ):
        db.execute(sql)


# MIGRATIONS[i]: version i -> i + 1. Append; never edit a released one.
MIGRATIONS: list[Callable[[Database], None]] = [_v0_to_v1]


def current_version() -> int:
    """The schema version this program writes."""
    return len(MIGRATIONS)


def migrate(db: Database, from_version: int) -> int:
    """Bring *db* from *from_version* to the current version; the caller holds the
    transaction (the version stamp is part of it). Returns the new version."""
    target = current_version()
    for version in range(from_version, target):
        logger.info("migrating project schema %d -> %d", version, version + 1)
        MIGRATIONS[version](db)
    # PRAGMA values cannot be bound parameters; both are our own integers.
    db.execute(f"PRAGMA application_id = {int(APPLICATION_ID)}")
    db.execute(f"PRAGMA user_version = {int(target)}")
    db.table("meta").upsert({"key": "schema_version", "value": str(target)}, pk="key")
    return target
