"""The `Store` class: every read and write Candibot does to its SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlite_utils import Database

from bot.store.migrations import migrate

BUSY_TIMEOUT_MS = 5000


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class DialogState(BaseModel):
    """Where a user is in the conversation: a step name and the step's working data."""

    step: str = "menu"
    data: dict[str, Any] = Field(default_factory=dict)
    keyboard_version: int = 0
    updated_at: str | None = None


class StoredDraft(BaseModel):
    """A draft candidature as stored: `data` is the candidature's JSON (see bot.candidature)."""

    id: int
    user_id: str
    status: str
    title: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    version: int = 1
    created_at: str
    updated_at: str


class Store:
    """sqlite-utils over one database file: WAL, busy timeout, foreign keys on, schema migrated."""

    def __init__(self, db_path: str | Path):
        self.path = Path(db_path)
        if str(db_path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        self._lock = threading.RLock()
        self.db = Database(conn)
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db.execute("PRAGMA foreign_keys = ON")
        if str(db_path) != ":memory:":
            self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        with self._lock:
            self.schema_version = migrate(self.db)

    # -- plumbing -------------------------------------------------------------------------
    @contextmanager
    def atomic(self):
        """Group writes in one transaction (re-entrant, thread-safe)."""
        with self._lock, self.db.atomic():
            yield self

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def pragma(self, name: str) -> Any:
        with self._lock:
            return self.db.execute(f"PRAGMA {name}").fetchone()[0]

    # -- users ----------------------------------------------------------------------------
    def ensure_user(self, user_id: str) -> None:
        with self.atomic():
            now = _now()
            self.db.execute(
                "INSERT INTO users (id, created_at, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at",
                [str(user_id), now, now],
            )

    # -- events ---------------------------------------------------------------------------
    def log_event(
        self, user_id: str, kind: str, text: str = "", args: str = "", step: str = ""
    ) -> int:
        """Record what a user did (raw text); committed before this returns."""
        with self.atomic():
            self.ensure_user(user_id)
            cursor = self.db.execute(
                "INSERT INTO events (user_id, ts, kind, text, args, step) VALUES (?, ?, ?, ?, ?, ?)",
                [str(user_id), _now(), kind, text, args, step],
            )
            return int(cursor.lastrowid)

    def events(self, user_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            if user_id is None:
                return list(self.db["events"].rows_where(order_by="id"))
            return list(self.db["events"].rows_where("user_id = ?", [str(user_id)], order_by="id"))

    # -- dialog state ---------------------------------------------------------------------
    def load_state(self, user_id: str) -> DialogState | None:
        with self._lock:
            row = self.db.execute(
                "SELECT step, data, keyboard_version, updated_at FROM dialog_state WHERE user_id = ?",
                [str(user_id)],
            ).fetchone()
        if row is None:
            return None
        return DialogState(
            step=row[0], data=json.loads(row[1] or "{}"), keyboard_version=row[2] or 0, updated_at=row[3]
        )

    def save_state(self, user_id: str, state: DialogState) -> None:
        with self.atomic():
            self.ensure_user(user_id)
            self.db.execute(
                "INSERT INTO dialog_state (user_id, step, data, keyboard_version, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET step = excluded.step, "
                "data = excluded.data, keyboard_version = excluded.keyboard_version, "
                "updated_at = excluded.updated_at",
                [
                    str(user_id),
                    state.step,
                    json.dumps(state.data, ensure_ascii=False),
                    state.keyboard_version,
                    _now(),
                ],
            )

    # -- drafts ---------------------------------------------------------------------------
    def create_draft(self, user_id: str, data: dict[str, Any], title: str = "", status: str = "draft") -> int:
        with self.atomic():
            self.ensure_user(user_id)
            now = _now()
            payload = json.dumps(data, ensure_ascii=False)
            cursor = self.db.execute(
                "INSERT INTO drafts (user_id, status, title, data, version, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, 1, ?, ?)",
                [str(user_id), status, title, payload, now, now],
            )
            draft_id = int(cursor.lastrowid)
            self.db.execute(
                "INSERT INTO draft_versions (draft_id, version, data, created_at) VALUES (?, 1, ?, ?)",
                [draft_id, payload, now],
            )
            return draft_id

    def save_draft(
        self, draft_id: int, data: dict[str, Any], title: str | None = None, status: str | None = None
    ) -> int:
        """Store a new version of a draft; returns its version number. No-op if nothing changed."""
        with self.atomic():
            row = self.db.execute(
                "SELECT data, version, title, status FROM drafts WHERE id = ?", [draft_id]
            ).fetchone()
            if row is None:
                raise KeyError(draft_id)
            payload = json.dumps(data, ensure_ascii=False)
            new_title = row[2] if title is None else title
            new_status = row[3] if status is None else status
            if payload == row[0] and new_title == row[2] and new_status == row[3]:
                return int(row[1])
            version = int(row[1]) + (payload != row[0])
            now = _now()
            self.db.execute(
                "UPDATE drafts SET data = ?, version = ?, title = ?, status = ?, updated_at = ? WHERE id = ?",
                [payload, version, new_title, new_status, now, draft_id],
            )
            if payload != row[0]:
                self.db.execute(
                    "INSERT INTO draft_versions (draft_id, version, data, created_at) VALUES (?, ?, ?, ?)",
                    [draft_id, version, payload, now],
                )
            return version

    def get_draft(self, draft_id: int) -> StoredDraft | None:
        with self._lock:
            rows = list(self.db["drafts"].rows_where("id = ?", [int(draft_id)]))
        return self._draft(rows[0]) if rows else None

    def list_drafts(self, status: str | None = None, user_id: str | None = None) -> list[StoredDraft]:
        """Drafts, most recently updated first, optionally filtered by status and/or user."""
        clauses, params = [], []
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if user_id is not None:
            clauses.append("user_id = ?")
            params.append(str(user_id))
        with self._lock:
            rows = list(
                self.db["drafts"].rows_where(
                    " AND ".join(clauses) or None, params, order_by="updated_at DESC, id DESC"
                )
            )
        return [self._draft(row) for row in rows]

    def draft_versions(self, draft_id: int) -> list[dict[str, Any]]:
        with self._lock:
            rows = list(self.db["draft_versions"].rows_where("draft_id = ?", [draft_id], order_by="version"))
        return [{**row, "data": json.loads(row["data"])} for row in rows]

    @staticmethod
    def _draft(row: dict[str, Any]) -> StoredDraft:
        return StoredDraft(**{**row, "data": json.loads(row["data"] or "{}"), "title": row["title"] or ""})

    # -- Telegram updates -----------------------------------------------------------------
    def claim_update(self, update_id: int) -> bool:
        """True the first time `update_id` is claimed, False ever after (in this process or any
        other sharing the file, across restarts): one atomic INSERT OR IGNORE, committed."""
        with self.atomic():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO telegram_updates (update_id, ts) VALUES (?, ?)", [int(update_id), _now()]
            )
            return cursor.rowcount == 1

    def forget_updates(self, older_than_days: float = 7) -> int:
        """Delete update ids claimed more than `older_than_days` ago (Telegram keeps undelivered
        updates 24 hours at most); returns how many were deleted."""
        cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=older_than_days)
        with self.atomic():
            cursor = self.db.execute(
                "DELETE FROM telegram_updates WHERE ts < ?", [cutoff.isoformat(timespec="milliseconds")]
            )
            return cursor.rowcount

    # -- review comments (for later) -----------------------------------------------------
    def add_comment(self, draft_id: int, author: str, body: str) -> int:
        with self.atomic():
            cursor = self.db.execute(
                "INSERT INTO review_comments (draft_id, author, body, created_at) VALUES (?, ?, ?, ?)",
                [draft_id, author, body, _now()],
            )
            return int(cursor.lastrowid)

    def comments(self, draft_id: int) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.db["review_comments"].rows_where("draft_id = ?", [draft_id], order_by="id"))
