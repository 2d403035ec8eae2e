"""Drafts as rows: the candidature's JSON and its numbered versions (review rows: `review.py`).

    rows = DraftRows(store)
    draft_id = rows.create("42", {...})
    rows.save(draft_id, {...}, title="Dépôts sauvages", status="draft")   # a new version if it changed
    rows.get(draft_id)                                                      # StoredDraft | None

The candidature's own model (`bot.candidature`) reads and writes them through `DraftRepository`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from bot.store.db import Store, now


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


class DraftRows:
    def __init__(self, store: Store):
        self.store = store

    def create(self, user_id: str, data: dict[str, Any], title: str = "", status: str = "draft") -> int:
        with self.store.atomic():
            stamp = now()
            self.store.execute(
                "INSERT INTO users (id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING",
                [str(user_id), stamp, stamp],
            )
            payload = json.dumps(data, ensure_ascii=False)
            cursor = self.store.execute(
                "INSERT INTO drafts (user_id, status, title, data, version, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, 1, ?, ?)",
                [str(user_id), status, title, payload, stamp, stamp],
            )
            draft_id = int(cursor.lastrowid)
            self.store.execute(
                "INSERT INTO draft_versions (draft_id, version, data, created_at) VALUES (?, 1, ?, ?)",
                [draft_id, payload, stamp],
            )
            return draft_id

    def save(self, draft_id: int, data: dict[str, Any], title: str | None = None, status: str | None = None) -> int:
        """Store a new version of a draft; returns its version number. No-op if nothing changed."""
        with self.store.atomic():
            found = self.store.rows("SELECT data, version, title, status FROM drafts WHERE id = ?", [draft_id])
            if not found:
                raise KeyError(draft_id)
            row = found[0]
            payload = json.dumps(data, ensure_ascii=False)
            new_title = row["title"] if title is None else title
            new_status = row["status"] if status is None else status
            changed = payload != row["data"]
            if not changed and new_title == row["title"] and new_status == row["status"]:
                return int(row["version"])
            version = int(row["version"]) + changed
            stamp = now()
            self.store.execute(
                "UPDATE drafts SET data = ?, version = ?, title = ?, status = ?, updated_at = ? WHERE id = ?",
                [payload, version, new_title, new_status, stamp, draft_id],
            )
            if changed:
                self.store.execute(
                    "INSERT INTO draft_versions (draft_id, version, data, created_at) VALUES (?, ?, ?, ?)",
                    [draft_id, version, payload, stamp],
                )
            return version

    def head(self, draft_id: int) -> tuple[int, str] | None:
        """The draft's (version, status), or None: enough to tell whether it moved since it was read."""
        rows = self.store.rows("SELECT version, status FROM drafts WHERE id = ?", [int(draft_id)])
        return (int(rows[0]["version"]), rows[0]["status"]) if rows else None

    def get(self, draft_id: int) -> StoredDraft | None:
        rows = self.store.rows("SELECT * FROM drafts WHERE id = ?", [int(draft_id)])
        return self._draft(rows[0]) if rows else None

    def list(self, status: str | None = None, user_id: str | None = None) -> list[StoredDraft]:
        """Drafts, most recently updated first, optionally filtered by status and/or user."""
        clauses, params = [], []
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if user_id is not None:
            clauses.append("user_id = ?")
            params.append(str(user_id))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.store.rows(f"SELECT * FROM drafts {where} ORDER BY updated_at DESC, id DESC", params)
        return [self._draft(row) for row in rows]

    def versions(self, draft_id: int) -> list[dict[str, Any]]:
        rows = self.store.rows("SELECT * FROM draft_versions WHERE draft_id = ? ORDER BY version", [draft_id])
        return [{**row, "data": json.loads(row["data"])} for row in rows]

    @staticmethod
    def _draft(row: dict[str, Any]) -> StoredDraft:
        return StoredDraft(**{**row, "data": json.loads(row["data"] or "{}"), "title": row["title"] or ""})
