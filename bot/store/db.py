"""The SQLite file: one connection shared by threads, its pragmas, its migrations, its transactions.

    store = Store("candibot.db")
    with store.atomic():            # BEGIN IMMEDIATE … COMMIT (nested blocks are savepoints)
        store.db.execute("INSERT …")

WAL journal, foreign keys on, and a busy timeout so that another process sharing the file (the
Telegram bot and `candibot export`, two terminals) waits instead of failing. The tables are read and
written by `Conversations` and `DraftRows` (this package) and by the Telegram face's update log.

Several processes may open a new file at the same moment (two `candibot chat` started together):
the busy timeout is the connection's first setting, the switch to WAL is retried while another
process holds the file, and the migrations run under one write lock (`migrations.migrate`), so
that each process waits for the one creating the tables instead of failing.

A file that cannot be used (not a SQLite database, a folder that cannot be created, a disk full,
a lock held longer than the busy timeout) raises `StoreUnavailable`, whose `reason` a face turns
into a French message (`prompts/cli.yaml`, keys `store_<reason>`).
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlite_utils import Database

from bot.store.migrations import MIGRATIONS, current_version, migrate
from bot.errors import StoreUnavailable

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


# StoreUnavailable is defined in bot.errors: the command line catches it without importing the store


def failure_reason(error: BaseException) -> str | None:
    """What a SQLite error means for the person using the bot (a `StoreUnavailable` reason), or
    None when it is not about the file (a bug: a constraint, a syntax error…)."""
    if isinstance(error, StoreUnavailable):
        return error.reason
    if not isinstance(error, sqlite3.Error):
        return None
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        code &= 0xFF  # the primary result code of an extended one
    message = str(error).lower()
    if code in _BUSY_CODES or "database is locked" in message:
        return "locked"
    if code == sqlite3.SQLITE_FULL or "database or disk is full" in message:
        return "full"
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT) or "not a database" in message \
            or "malformed" in message:
        return "not_sqlite"
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY):
        return "unreadable"
    return None


def is_busy(error: BaseException) -> bool:
    return failure_reason(error) == "locked"


def now() -> str:
    """The timestamp every table uses: UTC, ISO 8601, milliseconds."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class Store:
    """One database file: WAL, busy timeout, foreign keys on, schema migrated on open."""

    def __init__(self, db_path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        self.path = Path(db_path)
        self.busy_timeout_ms = busy_timeout_ms
        self._lock = threading.RLock()
        memory = str(db_path) == ":memory:"
        if not memory:
            try:  # a new deployment's folder (/var/lib/candibot) is created with the file
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreUnavailable("no_folder", self.path, str(error)) from error
        try:
            # isolation_level=None: transactions are ours (`atomic`), never opened behind our back;
            # the busy timeout before anything else touches the file
            conn = sqlite3.connect(str(db_path), timeout=busy_timeout_ms / 1000, check_same_thread=False,
                                   isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self.db = Database(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            if not memory:
                self._enable_wal()
            conn.execute("PRAGMA synchronous = NORMAL")
            with self._lock:
                if current_version(self.db) < len(MIGRATIONS):  # a new or older file: under the write lock
                    with self.atomic():
                        migrate(self.db)
                self.schema_version = current_version(self.db)
        except sqlite3.Error as error:
            reason = failure_reason(error) or "unreadable"
            log.error("database %s cannot be opened (%s): %s", self.path.name, reason, error)
            raise StoreUnavailable(reason, self.path, str(error)) from error

    def _enable_wal(self) -> None:
        """WAL journal, switched while another process may be opening the same new file: the
        switch needs the file to itself for an instant, so a busy answer is retried (within the
        busy timeout) rather than fatal. Once one process has switched, the mode is the file's."""
        deadline = time.monotonic() + self.busy_timeout_ms / 1000
        delay = 0.005
        while True:
            try:
                mode = self.db.conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() == "wal":
                    return
                self.db.conn.execute("PRAGMA journal_mode = WAL").fetchone()
            except sqlite3.OperationalError as error:
                if not is_busy(error) or time.monotonic() > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    @contextmanager
    def atomic(self) -> Iterator["Store"]:
        """One transaction (re-entrant, thread-safe): all of the block's writes or none.

        The outermost block takes the write lock at once (BEGIN IMMEDIATE), so two processes
        queue on the busy timeout instead of failing half-way; nested blocks are savepoints.
        Taking the lock is retried until the busy timeout has passed (SQLite may answer « busy »
        without waiting, e.g. while another process recovers the WAL); then `StoreUnavailable`
        (`locked`). A disk full at COMMIT rolls back and raises `StoreUnavailable` (`full`)."""
        with self._lock:
            conn = self.db.conn
            if conn.in_transaction:
                # one name at every depth: SQLite rolls back to and releases the most recent savepoint of a
                # name, so nested blocks need no names of their own, and the statements are prepared once
                conn.execute("SAVEPOINT nested")
                try:
                    yield self
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK TO SAVEPOINT nested")
                        conn.execute("RELEASE SAVEPOINT nested")
                    raise
                conn.execute("RELEASE SAVEPOINT nested")
                return
            self._begin_immediate()
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                reason = failure_reason(error)
                if reason is None:
                    raise
                log.error("database %s: a transaction could not be committed (%s)", self.path.name, reason)
                raise StoreUnavailable(reason, self.path, str(error)) from error

    def _begin_immediate(self) -> None:
        deadline = time.monotonic() + self.busy_timeout_ms / 1000
        while True:
            try:
                self.db.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    raise
                if time.monotonic() > deadline:
                    log.error("database %s: still locked by another process after %d ms",
                              self.path.name, self.busy_timeout_ms)
                    raise StoreUnavailable("locked", self.path, str(error)) from error
            time.sleep(0.02)

    def execute(self, sql: str, params: list[Any] | tuple = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.db.execute(sql, list(params))

    def rows(self, sql: str, params: list[Any] | tuple = ()) -> list[dict[str, Any]]:
        """The rows of a query as dicts."""
        with self._lock:
            cursor = self.db.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def pragma(self, name: str) -> Any:
        with self._lock:
            return self.db.execute(f"PRAGMA {name}").fetchone()[0]
