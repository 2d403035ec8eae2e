"""The SQLite file: one connection shared by threads, its pragmas, its migrations, its transactions.

    store = Store("candibot.db")
    with store.atomic():            # BEGIN IMMEDIATE … COMMIT (nested blocks are savepoints)
        store.db.execute("INSERT …")

WAL journal, foreign keys on, and a busy timeout so that another process sharing the file (the
Telegram bot and `candibot export`, two terminals) waits instead of failing. The tables are read and
written by `Conversations` and `DraftRows` (this package) and by the Telegram face's update log.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlite_utils import Database

from bot.store.migrations import migrate

BUSY_TIMEOUT_MS = 5000


def now() -> str:
    """The timestamp every table uses: UTC, ISO 8601, milliseconds."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class Store:
    """One database file: WAL, busy timeout, foreign keys on, schema migrated on open."""

    def __init__(self, db_path: str | Path):
        self.path = Path(db_path)
        if str(db_path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are ours (`atomic`), never opened behind our back
        conn = sqlite3.connect(
            str(db_path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None
        )
        self._lock = threading.RLock()
        self.db = Database(conn)
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db.execute("PRAGMA foreign_keys = ON")
        if str(db_path) != ":memory:":
            self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        with self._lock:
            self.schema_version = migrate(self.db)

    @contextmanager
    def atomic(self) -> Iterator["Store"]:
        """One transaction (re-entrant, thread-safe): all of the block's writes or none.

        The outermost block takes the write lock at once (BEGIN IMMEDIATE), so two processes
        queue on the busy timeout instead of failing half-way; nested blocks are savepoints."""
        with self._lock:
            conn = self.db.conn
            if conn.in_transaction:
                name = f"sp_{secrets.token_hex(8)}"
                conn.execute(f"SAVEPOINT {name}")
                try:
                    yield self
                except BaseException:
                    if conn.in_transaction:
                        conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                        conn.execute(f"RELEASE SAVEPOINT {name}")
                    raise
                conn.execute(f"RELEASE SAVEPOINT {name}")
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

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
