"""A copy of the database file taken while the bot runs, with SQLite's online backup API.

    info = backup_database("candibot.db", "sauvegardes/candibot-2026-12-02.db")
    info.path, info.size, info.drafts

The copy is one consistent snapshot (one read transaction over the whole file: in WAL mode the
bot keeps writing meanwhile, its writes after that instant are not in the copy). It is written
beside its destination, checked (`PRAGMA integrity_check`), turned into a single self-contained
file (rollback journal, no `-wal` beside it) and only then renamed into place: a backup
interrupted half-way never leaves a half-written file under the final name.

Restoring is copying the file back while the bot is stopped (docs/operations.md); the next
start switches it to WAL again and applies any newer migration.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.store.db import BUSY_TIMEOUT_MS, StoreUnavailable, failure_reason

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int  # bytes
    drafts: int  # drafts in the copy (0 when the file has no drafts table yet)


def default_name(moment: dt.datetime | None = None) -> str:
    """`candibot-AAAAMMJJ-HHMMSS.db` (UTC): the file name used when the target is a folder."""
    moment = moment or dt.datetime.now(dt.timezone.utc)
    return f"candibot-{moment:%Y%m%d-%H%M%S}.db"


def backup_database(source: str | Path, target: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> BackupInfo:
    """Copy the database `source` to `target` (a file, or a folder: then `default_name()` in it).

    Raises `StoreUnavailable` with reason `missing` (no database at `source`: none is created),
    `not_sqlite`, `locked`, `full` (no room for the copy) or `no_folder`."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise StoreUnavailable("missing", source)
    if target.is_dir():
        target = target / default_name()
    if target.resolve() == source.resolve():
        raise StoreUnavailable("same_file", target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreUnavailable("no_folder", target, str(error)) from error
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(str(source), timeout=busy_timeout_ms / 1000, isolation_level=None)
        try:
            src.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            dst = sqlite3.connect(str(partial), isolation_level=None)
            try:
                src.backup(dst)  # all pages in one step: one snapshot
                dst.execute("PRAGMA journal_mode = DELETE")
                check = dst.execute("PRAGMA integrity_check").fetchone()[0]
                if check != "ok":
                    raise sqlite3.DatabaseError(f"database disk image is malformed: {check}")
                has_drafts = dst.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'drafts'").fetchone()
                drafts = dst.execute("SELECT COUNT(*) FROM drafts").fetchone()[0] if has_drafts else 0
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, target)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        reason = failure_reason(error) or "unreadable"
        log.error("backup of %s failed (%s): %s", source.name, reason, error)
        raise StoreUnavailable(reason, source if reason != "full" else target, str(error)) from error
    except OSError as error:
        partial.unlink(missing_ok=True)
        reason = "full" if getattr(error, "errno", None) == 28 else "no_folder"  # ENOSPC
        log.error("backup of %s failed (%s): %s", source.name, reason, error)
        raise StoreUnavailable(reason, target, str(error)) from error
    size = target.stat().st_size
    log.info("backup of %s written: %s (%d bytes, %d drafts)", source.name, target, size, drafts)
    return BackupInfo(path=target, size=size, drafts=drafts)
