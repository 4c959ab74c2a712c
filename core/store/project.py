"""The project file (项目文件, ``.bwproj``): one SQLite file through sqlite-utils.

A project holds the source PDF byte for byte (so it opens anywhere), the document as
imported, every edit in the order made, and the findings of the last check. The current
document is the imported one with every edit replayed; undo and redo are stored as edits
too (an undo is the inverse edit), so the log is the complete history.

Nothing is lost (DESIGN.md §3):

- every step (one edit, or a multi-cell paste) is one transaction, committed with
  ``synchronous=FULL`` before :meth:`Project.apply` returns — a crash or ``kill -9``
  afterwards loses nothing;
- the rollback journal (``journal_mode=DELETE``) keeps the ``.bwproj`` file complete after
  every commit, so the one file can be copied or mailed as it is;
- the connection holds an exclusive lock (``locking_mode=EXCLUSIVE``) for as long as the
  project is open: a second instance gets a clear message instead of a second writer;
- a file is inspected before SQLite may touch it (header, application id, version,
  length, ``quick_check`` through a read-only connection): a file that is not ours, is
  damaged, or comes from a newer version is refused and left byte-identical.

    with Project.create("dept.bwproj", "dept.pdf", doc) as p:
        step = p.apply(SetValue(CellRef("income_summary", 0, 2), "4991.70", "4981.70"))
        p.undo(step.id)

Call a Project from one thread at a time (the GUI thread); a lock guards the connection.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlite_utils import Database

from core import __version__
from core.contract import ContractError, from_contract, to_contract
from core.edits import (
    Change,
    Edit,
    EditError,
    Ref,
    SetValue,
    apply_edit,
    current_value,
    edit_from_dict,
    edit_to_dict,
    printed_value,
)
from core.errors import (
    ProjectFileError,
    ProjectReadOnlyError,
)
from core.model import Disclosure
from core.store import access, schema
from core.store.audit import AuditEntry, entry_columns, filter_entries
from core.validation.findings import Finding

logger = logging.getLogger(__name__)

__all__ = ["EXTENSION", "LastCheck", "Project", "Step"]

EXTENSION = ".bwproj"
FORMAT_NAME = "预算公开工作台项目 / Budget Disclosure Workbench project"
# Kinds of step that the undo/redo history treats as actions of their own.
UNDO, REDO = "undo", "redo"


@dataclass(frozen=True, slots=True)
class Step:
    """One stored action: its id (for :meth:`Project.undo`), kind, edits and changes."""

    id: int
    kind: str
    edits: tuple[Edit, ...]
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class LastCheck:
    """The findings of the last check stored in the project."""

    findings: list[Finding]
    time: datetime
    edit_seq: int  # the last edit the check saw
    up_to_date: bool  # no edit since

    @property
    def local_time(self) -> datetime:
        return self.time.astimezone()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# --- writing steps ----------------------------------------------------------------------


def _revert(doc: Disclosure, done: list[Edit]) -> None:
    for e in reversed(done):
        apply_edit(doc, e.inverse())


def _apply_step(doc: Disclosure, edits: Sequence[Edit]) -> tuple[list[dict], list[Change]]:
    """Apply *edits* to *doc* (all or nothing) and return their audit rows and changes."""
    rows: list[dict] = []
    changes: list[Change] = []
    done: list[Edit] = []
    try:
        for e in edits:
            row = entry_columns(doc, e)
            changes.append(apply_edit(doc, e))
            done.append(e)
            row["edit"] = json.dumps(edit_to_dict(e), ensure_ascii=False)
            rows.append(row)
    except (EditError, KeyError, IndexError) as exc:
        _revert(doc, done)
        if isinstance(exc, EditError):
            raise
        raise EditError(f"找不到修改位置 (no such place): {exc}") from exc
    return rows, changes


def _write_step(
    db: Database, rows: list[dict], kind: str, reason: str, target: int | None, time: str
) -> int:
    """Insert one step with its edits; the caller holds the transaction."""
    cur = db.execute(
        "INSERT INTO steps (time, kind, target) VALUES (?, ?, ?)", [time, kind, target]
    )
    step_id = int(cur.lastrowid or 0)
    db.table("edits").insert_all(
        ({**r, "step": step_id, "reason": reason} for r in rows), batch_size=500
    )
    return step_id


def _document_json(doc: Disclosure) -> str:
    return json.dumps(to_contract(doc, provenance=True), ensure_ascii=False)


class Project:
    """An open project file. Build with :meth:`create`, :meth:`from_pdf` or :meth:`open`;
    close with :meth:`close` (or use it as a context manager).

    ``document`` is the current document: read it freely, change it only through
    :meth:`apply`, :meth:`undo`, :meth:`redo` and :meth:`restore_printed`.
    """

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        *,
        read_only: bool,
        read_only_reason: ProjectReadOnlyError | None,
    ) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = conn
        self._db = Database(conn, execute_plugins=False)
        self._lock = threading.RLock()
        # Open read-only (asked for, or the file/folder cannot be written); the reason
        # is set when it was not asked for, for the GUI to show.
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self._undo: list[int] = []
        self._redo: list[int] = []
        self.document = Disclosure()
        self.meta: dict[str, str] = {}
        self.last_seq = 0

    # --- opening and creating ---------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Project:
        """Open a project file.

        Raises :class:`~core.errors.ProjectFileError` (missing, not a project, damaged),
        :class:`~core.errors.ProjectVersionError` (from a newer version) or
        :class:`~core.errors.ProjectLockedError` (open in another instance); the file is
        then left byte-identical. A read-only file or folder opens read-only with
        ``read_only_reason`` set. An older format is migrated (after a backup copy
        ``NAME.bwproj.vN.bak`` beside it; in memory only when read-only).
        """
        p = Path(path)
        header = access.inspect(p)
        reason = None if read_only else access.writable(p)
        ro = read_only or reason is not None
        clean = access.probe(p)
        if not clean and ro:
            # An interrupted transaction must be rolled back by a writer first.
            if reason is not None or access.writable(p) is not None:
                raise access.needs_recovery(p)
            access.recover(p)
            header = access.inspect(p)
            clean = access.probe(p)
        try:
            conn = access.connect(p, ro)
        except sqlite3.Error as exc:
            if access.is_busy(exc):
                raise access.locked(p) from exc
            raise access.damaged(p, str(exc), str(exc)) from exc
        project = cls(p, conn, read_only=ro, read_only_reason=reason)
        try:
            if not clean:
                # SQLite rolled the interrupted transaction back; check the result.
                rows = conn.execute("PRAGMA quick_check").fetchall()
                if rows != [("ok",)]:
                    raise access.damaged(
                        p, "恢复后校验失败", "integrity check failed after recovery"
                    )
                header = access.inspect(p)
            if header.user_version < schema.current_version():
                project._migrate(header.user_version, in_memory=ro)
            project._load()
        except BaseException:
            project.close()
            raise
        if reason is not None:
            logger.warning("%s", reason.en)
        logger.info(
            "opened project %s: %d edits%s", p, project.last_seq, " (read-only)" if ro else ""
        )
        return project

    @classmethod
    def create(
        cls,
        path: str | Path,
        source: str | Path | bytes,
        document: Disclosure,
        *,
        source_name: str | None = None,
        history: Iterable[Sequence[Edit]] = (),
        overwrite: bool = False,
        source_password_required: bool = False,
    ) -> Project:
        """Create a project file from the source PDF and its document *as imported*.

        *history*: steps already made on the document before the project existed (the
        GUI's undo stack up to its current index, oldest first); each is stored as one
        ``edit`` step. The file is built beside *path* and moved into place, so it is
        either complete or absent. Refuses an existing *path* unless *overwrite*.
        """
        target = Path(path)
        if isinstance(source, bytes):
            data = source
            name = source_name or "source.pdf"
        else:
            src = Path(source)
            try:
                data = src.read_bytes()
            except OSError as exc:
                raise ProjectFileError(
                    f"无法读取源 PDF：{src}（{exc.strerror or exc}）",
                    f"cannot read the source PDF {src}: {exc}",
                ) from exc
            name = source_name or src.name
        access.refuse_overwrite(target, overwrite)
        try:
            tmp = access.temp_path(target)
            conn = sqlite3.connect(tmp, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise access.cannot_write(target, exc) from exc
        try:
            try:
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("PRAGMA synchronous = FULL")
                db = Database(conn, execute_plugins=False)
                now = _now()
                doc_json = _document_json(document)
                work = from_contract(json.loads(doc_json))
                with db.atomic():
                    schema.migrate(db, 0)
                    digest = hashlib.sha256(data).hexdigest()
                    meta = {
                        "format": FORMAT_NAME,
                        "app_version": __version__,
                        "created": now,
                        "source_name": name,
                        "source_sha256": digest,
                        "source_size": str(len(data)),
                        "source_password_required": "1" if source_password_required else "0",
                        "department": document.department,
                        "year": "" if document.year is None else str(document.year),
                    }
                    db.table("meta").upsert_all(
                        ({"key": k, "value": v} for k, v in meta.items()), pk="key"
                    )
                    db.execute(
                        "INSERT INTO source (id, name, sha256, size, data) VALUES (1, ?, ?, ?, ?)",
                        [name, digest, len(data), data],
                    )
                    db.execute(
                        "INSERT INTO document (id, created, json) VALUES (1, ?, ?)",
                        [now, doc_json],
                    )
                    for edits in history:
                        rows, _ = _apply_step(work, tuple(edits))
                        if rows:
                            _write_step(db, rows, "edit", "", None, now)
            finally:
                conn.close()
            access.replace_file(tmp, target)
        except (OSError, sqlite3.Error) as exc:
            access.remove_temp(tmp)
            raise access.cannot_write(target, exc) from exc
        except BaseException:
            access.remove_temp(tmp)
            raise
        logger.info("created project %s from %s (%d bytes)", target, name, len(data))
        return cls.open(target)

    @classmethod
    def from_pdf(
        cls,
        path: str | Path,
        pdf: str | Path,
        *,
        password: str | None = None,
        overwrite: bool = False,
        **import_options: Any,
    ) -> Project:
        """新建: import *pdf* and create the project *path* from it."""
        from core.importer import import_pdf

        target = Path(path)
        access.refuse_overwrite(target, overwrite)  # fail before a long import
        doc = import_pdf(pdf, password, **import_options)
        return cls.create(
            target,
            pdf,
            doc,
            overwrite=overwrite,
            source_password_required=password is not None,
        )

    def _migrate(self, from_version: int, *, in_memory: bool) -> None:
        """Upgrade an older file: in memory when read-only, else after a backup copy."""
        assert self._conn is not None
        if in_memory:
            mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            self._conn.backup(mem)
            self._conn.close()
            self._conn, self._db = mem, Database(mem, execute_plugins=False)
            mem.execute("PRAGMA foreign_keys = ON")
        else:
            backup = self.path.with_name(f"{self.path.name}.v{from_version}.bak")
            if not backup.exists():
                self.copy_to(backup)
        with self._transaction():
            schema.migrate(self._db, from_version)
        logger.info("migrated %s from format %d", self.path, from_version)

    def _load(self) -> None:
        """Read meta, the base document and replay every edit."""
        db = self._db
        names = set(db.table_names())
        missing = [t for t in schema.REQUIRED_TABLES if t not in names]
        if missing:
            raise access.damaged(
                self.path, f"缺少数据表 {', '.join(missing)}", f"missing {missing}"
            )
        self.meta = {r["key"]: r["value"] for r in db.query("SELECT key, value FROM meta")}
        doc = self._base()
        seq = 0
        try:
            for r in db.query("SELECT seq, edit FROM edits ORDER BY seq"):
                seq = r["seq"]
                apply_edit(doc, edit_from_dict(json.loads(r["edit"])))
        except (EditError, ValueError, KeyError, TypeError) as exc:
            raise access.damaged(
                self.path, f"第 {seq} 条修改记录无法重做（{exc}）", f"edit {seq} does not replay"
            ) from exc
        self.document = doc
        self.last_seq = seq
        self._rebuild_history()

    def _base(self) -> Disclosure:
        row = next(iter(self._db.query("SELECT json FROM document WHERE id = 1")), None)
        if row is None:
            raise access.damaged(self.path, "缺少文档内容", "no document")
        try:
            return from_contract(json.loads(row["json"]))
        except (ValueError, ContractError) as exc:
            raise access.damaged(
                self.path, "文档内容无法读取", f"unreadable document: {exc}"
            ) from exc

    def _rebuild_history(self) -> None:
        """The undo/redo stacks from the stored steps (so they survive a reopen)."""
        undo: list[int] = []
        redo: list[int] = []
        for r in self._db.query("SELECT id, kind, target FROM steps ORDER BY id"):
            kind, target = r["kind"], r["target"]
            if kind == UNDO:
                if undo and undo[-1] == target:
                    redo.append(undo.pop())
                    continue
            elif kind == REDO:
                if redo and redo[-1] == target:
                    undo.append(redo.pop())
                    continue
            else:
                undo.append(r["id"])
                redo.clear()
                continue
            logger.warning("%s: step %s does not fit the undo history", self.path, r["id"])
            undo.clear()
            redo.clear()
        self._undo, self._redo = undo, redo

    # --- state --------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._conn is None

    @property
    def source_name(self) -> str:
        return self.meta.get("source_name", "")

    @property
    def source_sha256(self) -> str:
        return self.meta.get("source_sha256", "")

    @property
    def source_password_required(self) -> bool:
        return self.meta.get("source_password_required") == "1"

    @property
    def schema_version(self) -> int:
        return int(self.meta.get("schema_version", "0"))

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_steps(self) -> tuple[int, ...]:
        """Ids of the steps :meth:`undo` would reverse, oldest first."""
        return tuple(self._undo)

    @property
    def redo_steps(self) -> tuple[int, ...]:
        """Ids of the steps :meth:`redo` would repeat, the next one last."""
        return tuple(self._redo)

    @property
    def has_unsaved_changes(self) -> bool:
        """Always False: every edit is on disk when :meth:`apply` returns."""
        return False

    def base_document(self) -> Disclosure:
        """A fresh copy of the document as imported (before any edit)."""
        with self._lock:
            return self._base()

    # --- editing ------------------------------------------------------------------------

    def apply(self, edits: Edit | Sequence[Edit], *, kind: str = "edit", reason: str = "") -> Step:
        """Apply one step (an edit, or several as one action — a paste) and store it in
        one transaction. On return the step is on disk.

        *kind* names the action for the log (``edit``, ``restore``, ``excel_import`` …;
        undo and redo go through :meth:`undo`/:meth:`redo`). Raises EditError (document
        and file unchanged) when an edit does not fit, ProjectReadOnlyError when the
        project is read-only, ProjectFileError when the file cannot be written (the
        document is then rolled back too).
        """
        if kind in (UNDO, REDO):
            raise ValueError("use Project.undo()/redo() for undo and redo")
        batch = (edits,) if not isinstance(edits, Sequence) else tuple(edits)
        if not batch:
            raise ValueError("a step needs at least one edit")
        with self._lock:
            step = self._commit(batch, kind, reason, None)
            self._undo.append(step.id)
            self._redo.clear()
            return step

    def undo(self, step: int | None = None) -> Step | None:
        """Reverse the latest step (stored as its inverse edits, kind ``undo``).

        *step*, when given, must be that latest step (the GUI's undo stack passes the id
        :meth:`apply` returned). Returns None when there is nothing to undo.
        """
        with self._lock:
            if not self._undo:
                return None
            top = self._undo[-1]
            if step is not None and step != top:
                raise EditError(f"只能撤销最近一步 (step {step} is not the latest, {top} is)")
            original = self._step_edits(top)
            done = self._commit(tuple(e.inverse() for e in reversed(original)), UNDO, "", top)
            self._redo.append(self._undo.pop())
            return done

    def redo(self, step: int | None = None) -> Step | None:
        """Repeat the latest undone step (stored again, kind ``redo``)."""
        with self._lock:
            if not self._redo:
                return None
            top = self._redo[-1]
            if step is not None and step != top:
                raise EditError(f"只能重做最近撤销的一步 (step {step} is not next, {top} is)")
            done = self._commit(self._step_edits(top), REDO, "", top)
            self._undo.append(self._redo.pop())
            return done

    def restore_printed(self, refs: Ref | Iterable[Ref], *, reason: str = "") -> Step | None:
        """恢复印刷值: set each place back to the value printed in the PDF, as one step
        (kind ``restore``). Returns None when every place already shows its printed value."""
        many = [refs] if not isinstance(refs, Iterable) else list(refs)
        with self._lock:
            edits = []
            for ref in many:
                now, printed = current_value(self.document, ref), printed_value(self.document, ref)
                if now != printed:
                    edits.append(SetValue(ref, now, printed))
            if not edits:
                return None
            return self.apply(edits, kind="restore", reason=reason)

    def set_reason(self, seq: int, reason: str) -> None:
        """Record (or change) the clerk's reason for the edit *seq* of the audit log."""
        with self._lock:
            self._check_writable()
            with self._transaction() as db:
                db.execute("UPDATE edits SET reason = ? WHERE seq = ?", [reason, seq])

    def _step_edits(self, step: int) -> tuple[Edit, ...]:
        rows = self._db.query("SELECT edit FROM edits WHERE step = ? ORDER BY seq", [step])
        return tuple(edit_from_dict(json.loads(r["edit"])) for r in rows)

    def _commit(self, edits: tuple[Edit, ...], kind: str, reason: str, target: int | None) -> Step:
        self._check_writable()
        rows, changes = _apply_step(self.document, edits)
        try:
            with self._transaction() as db:
                step_id = _write_step(db, rows, kind, reason, target, _now())
                seq = db.execute("SELECT max(seq) FROM edits").fetchone()[0]
        except sqlite3.Error as exc:
            _revert(self.document, list(edits))
            raise access.cannot_write(self.path, exc) from exc
        self.last_seq = int(seq)
        return Step(step_id, kind, edits, tuple(changes))

    def _check_writable(self) -> None:
        if self._conn is None:
            raise ProjectFileError("项目已关闭", "the project is closed")
        if self.read_only:
            raise self.read_only_reason or ProjectReadOnlyError(
                "项目以只读方式打开，不能修改。", "the project is open read-only"
            )

    @contextmanager
    def _transaction(self) -> Iterator[Database]:
        """One write transaction: committed (and on disk) at the end, or rolled back."""
        conn = self._conn
        if conn is None:
            raise ProjectFileError("项目已关闭", "the project is closed")
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    # --- the audit log ------------------------------------------------------------------

    def audit_log(self, **filters: Any) -> list[AuditEntry]:
        """修改记录: every stored edit, oldest first, filtered as
        :func:`~core.store.audit.filter_entries` describes (table=, form=, overall=,
        text=, since=, until=, kinds=)."""
        with self._lock:
            rows = list(
                self._db.query(
                    "SELECT e.*, s.time AS time, s.kind AS kind FROM edits e "
                    "JOIN steps s ON s.id = e.step ORDER BY e.seq"
                )
            )
        entries = [
            AuditEntry(
                seq=r["seq"],
                step=r["step"],
                time=datetime.fromisoformat(r["time"]),
                kind=r["kind"],
                place=r["place"],
                target=r["target"],
                item=r["item"],
                field=r["field"],
                printed=r["printed"],
                old=r["old"],
                new=r["new"],
                reason=r["reason"],
                edit=edit_from_dict(json.loads(r["edit"])),
            )
            for r in rows
        ]
        return filter_entries(entries, **filters) if filters else entries

    def export_audit_log(self, path: str | Path, **filters: Any) -> Path:
        """Write the (filtered) audit log to an Excel workbook."""
        from core.store.audit_excel import export_audit_log

        title = f"修改记录 — {self.source_name}（项目 {access.name(self.path)}）"
        return export_audit_log(self.audit_log(**filters), path, title=title)

    # --- findings -----------------------------------------------------------------------

    def save_findings(self, findings: Iterable[Finding]) -> None:
        """Store the findings of a check of the current document (replacing the last)."""
        payload = json.dumps([f.to_dict() for f in findings], ensure_ascii=False)
        with self._lock:
            self._check_writable()
            with self._transaction() as db:
                db.execute(
                    "INSERT OR REPLACE INTO findings (id, time, edit_seq, json) "
                    "VALUES (1, ?, ?, ?)",
                    [_now(), self.last_seq, payload],
                )

    def last_check(self) -> LastCheck | None:
        """The stored findings, or None when the project was never checked."""
        with self._lock:
            row = next(iter(self._db.query("SELECT * FROM findings WHERE id = 1")), None)
        if row is None:
            return None
        findings = [Finding.from_dict(d) for d in json.loads(row["json"])]
        return LastCheck(
            findings=findings,
            time=datetime.fromisoformat(row["time"]),
            edit_seq=row["edit_seq"],
            up_to_date=row["edit_seq"] == self.last_seq,
        )

    def load_findings(self) -> list[Finding]:
        """The findings of the last check (empty when never checked)."""
        last = self.last_check()
        return last.findings if last else []

    # --- the source PDF -----------------------------------------------------------------

    def source_bytes(self) -> bytes:
        """The source PDF as copied in, verified against its SHA-256."""
        with self._lock:
            row = next(iter(self._db.query("SELECT sha256, data FROM source WHERE id = 1")), None)
        if row is None:
            raise access.damaged(self.path, "缺少源 PDF", "no source PDF")
        data = bytes(row["data"])
        if hashlib.sha256(data).hexdigest() != row["sha256"]:
            raise access.damaged(self.path, "源 PDF 校验值不符", "source PDF hash mismatch")
        return data

    def extract_source(self, directory: str | Path) -> Path:
        """Write the source PDF into *directory* (for the PDF view) and return its path.

        An identical file already there is reused; another file of that name is never
        overwritten (a suffix is added).
        """
        data = self.source_bytes()
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", Path(self.source_name).name) or "source.pdf"
        stem, suffix = Path(name).stem, Path(name).suffix or ".pdf"
        digest = self.source_sha256
        for n in range(100):
            candidate = folder / (name if n == 0 else f"{stem}-{n}{suffix}")
            if candidate.exists():
                if hashlib.sha256(candidate.read_bytes()).hexdigest() == digest:
                    return candidate
                continue
            tmp = access.temp_path(candidate)
            try:
                tmp.write_bytes(data)
                os.replace(tmp, candidate)
            except OSError as exc:
                access.remove_temp(tmp)
                raise access.cannot_write(candidate, exc) from exc
            return candidate
        raise ProjectFileError(f"无法导出源 PDF 到 {folder}", f"cannot write the PDF to {folder}")

    # --- saving -------------------------------------------------------------------------

    def save(self) -> None:
        """保存: nothing to do — every edit is already on disk. Kept for the GUI's menu."""

    def copy_to(self, path: str | Path, *, overwrite: bool = True) -> Path:
        """Write a consistent copy of the project to *path* (SQLite backup API, built
        beside the target and moved into place). The open project stays where it is."""
        target = Path(path)
        access.refuse_overwrite(target, overwrite)
        with self._lock:
            if self._conn is None:
                raise ProjectFileError("项目已关闭", "the project is closed")
            try:
                tmp = access.temp_path(target)
                dest = sqlite3.connect(tmp)
            except (OSError, sqlite3.Error) as exc:
                raise access.cannot_write(target, exc) from exc
            try:
                try:
                    self._conn.backup(dest)
                finally:
                    dest.close()
                access.replace_file(tmp, target)
            except (OSError, sqlite3.Error) as exc:
                access.remove_temp(tmp)
                raise access.cannot_write(target, exc) from exc
        return target

    def save_as(self, path: str | Path, *, overwrite: bool = False) -> None:
        """另存为: copy the project to *path* and carry on working there (the old file
        stays as it was). A read-only project becomes writable in its new place."""
        target = Path(path)
        if target.exists() and target.resolve() == self.path.resolve():
            return
        with self._lock:
            self.copy_to(target, overwrite=overwrite)
            reason = access.writable(target)
            conn = access.connect(target, reason is not None)
            old, self._conn = self._conn, conn
            self._db = Database(conn, execute_plugins=False)
            if old is not None:
                old.close()
            self.path = target
            self.read_only = reason is not None
            self.read_only_reason = reason
        logger.info("saved project as %s", target)

    # --- closing ------------------------------------------------------------------------

    def close(self) -> None:
        """Release the file (and its lock). Safe to call twice."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else ("read-only" if self.read_only else "open")
        return f"<Project {self.path} {state} edits={self.last_seq}>"
