"""The review workflow's rows: members of a draft, invitations, the draft's history, comments by
rubric, change requests. Rules live in `bot.review`; this module only reads and writes.

    rows = ReviewRows(store)
    rows.add_member(12, "telegram:7", role="coeditor", added_by="telegram:42")
    rows.log(12, actor="telegram:42", action="submit", from_status="draft", to_status="submitted", version=5)
    rows.comment(12, author="relecteur", body="Précisez les données.", field="project.data", private=False, version=5)
"""

from __future__ import annotations

from typing import Any

from bot.store.db import Store, now


class ReviewRows:
    def __init__(self, store: Store):
        self.store = store

    # -- members ----------------------------------------------------------------------------
    def add_member(self, draft_id: int, user_id: str, role: str, added_by: str | None = None) -> None:
        self.store.execute(
            "INSERT INTO draft_members (draft_id, user_id, role, added_at, added_by) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(draft_id, user_id) DO UPDATE SET role = excluded.role",
            [int(draft_id), str(user_id), role, now(), added_by],
        )

    def members(self, draft_id: int) -> list[dict[str, Any]]:
        return self.store.rows("SELECT * FROM draft_members WHERE draft_id = ? ORDER BY added_at", [int(draft_id)])

    def shared_with(self, user_id: str) -> list[int]:
        """The drafts `user_id` co-edits (not those they own)."""
        rows = self.store.rows("SELECT draft_id FROM draft_members WHERE user_id = ? ORDER BY added_at", [str(user_id)])
        return [int(r["draft_id"]) for r in rows]

    def is_member(self, draft_id: int, user_id: str) -> bool:
        return bool(self.store.rows("SELECT 1 FROM draft_members WHERE draft_id = ? AND user_id = ?",
                                    [int(draft_id), str(user_id)]))

    # -- invitations ------------------------------------------------------------------------
    def add_invitation(self, code: str, draft_id: int, created_by: str, expires_at: str) -> None:
        self.store.execute(
            "INSERT INTO invitations (code, draft_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            [code, int(draft_id), str(created_by), now(), expires_at],
        )

    def invitation(self, code: str) -> dict[str, Any] | None:
        rows = self.store.rows("SELECT * FROM invitations WHERE code = ?", [code])
        return rows[0] if rows else None

    def use_invitation(self, code: str, user_id: str) -> bool:
        """Mark the invitation used by `user_id`; False when it was already used (a race lost)."""
        cursor = self.store.execute(
            "UPDATE invitations SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL",
            [str(user_id), now(), code],
        )
        return cursor.rowcount == 1

    # -- history ----------------------------------------------------------------------------
    def log(self, draft_id: int | None, actor: str, action: str, from_status: str | None = None,
            to_status: str | None = None, version: int | None = None, field: str | None = None,
            comment: str | None = None) -> int:
        cursor = self.store.execute(
            "INSERT INTO draft_history (draft_id, ts, actor, action, from_status, to_status, version, field, comment) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [draft_id, now(), str(actor), action, from_status, to_status, version, field, comment],
        )
        return int(cursor.lastrowid)

    def history(self, draft_id: int) -> list[dict[str, Any]]:
        return self.store.rows("SELECT * FROM draft_history WHERE draft_id = ? ORDER BY id", [int(draft_id)])

    def last_transition(self, draft_id: int, to_status: str) -> dict[str, Any] | None:
        rows = self.store.rows(
            "SELECT * FROM draft_history WHERE draft_id = ? AND to_status = ? ORDER BY id DESC LIMIT 1",
            [int(draft_id), to_status],
        )
        return rows[0] if rows else None

    def last_submitted(self) -> dict[int, str]:
        """Each draft's last submission time, in one query (the reviewers' queue)."""
        rows = self.store.rows("SELECT draft_id, MAX(ts) AS ts FROM draft_history WHERE action = 'submit' "
                               "GROUP BY draft_id")
        return {row["draft_id"]: row["ts"] for row in rows}

    def submissions(self, draft_id: int) -> list[dict[str, Any]]:
        return self.store.rows(
            "SELECT * FROM draft_history WHERE draft_id = ? AND action = 'submit' ORDER BY id", [int(draft_id)]
        )

    # -- comments ---------------------------------------------------------------------------
    def comment(self, draft_id: int, author: str, body: str, field: str | None, private: bool,
                version: int | None) -> int:
        cursor = self.store.execute(
            "INSERT INTO review_comments (draft_id, author, body, created_at, field, private, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [int(draft_id), str(author), body, now(), field, int(bool(private)), version],
        )
        return int(cursor.lastrowid)

    def comments(self, draft_id: int, include_private: bool = False) -> list[dict[str, Any]]:
        where = "" if include_private else "AND private = 0"
        rows = self.store.rows(f"SELECT * FROM review_comments WHERE draft_id = ? {where} ORDER BY id", [int(draft_id)])
        return [{**row, "private": bool(row["private"])} for row in rows]

    # -- change requests --------------------------------------------------------------------
    def request_changes(self, draft_id: int, requested_by: str, comment: str) -> int:
        cursor = self.store.execute(
            "INSERT INTO change_requests (draft_id, comment, requested_by, created_at) VALUES (?, ?, ?, ?)",
            [int(draft_id), comment, str(requested_by), now()],
        )
        return int(cursor.lastrowid)

    def open_change_request(self, draft_id: int) -> dict[str, Any] | None:
        rows = self.store.rows(
            "SELECT * FROM change_requests WHERE draft_id = ? AND resolved_at IS NULL AND cancelled_at IS NULL "
            "ORDER BY id DESC LIMIT 1", [int(draft_id)],
        )
        return rows[0] if rows else None

    def resolve_change_request(self, request_id: int, version: int) -> None:
        self.store.execute("UPDATE change_requests SET resolved_at = ?, resolved_version = ? WHERE id = ?",
                           [now(), version, int(request_id)])

    def cancel_change_request(self, request_id: int) -> None:
        self.store.execute("UPDATE change_requests SET cancelled_at = ? WHERE id = ?", [now(), int(request_id)])

    # -- the draft's status, changed only when it is still what the actor saw ---------------
    def set_status(self, draft_id: int, expected: str, status: str) -> bool:
        cursor = self.store.execute(
            "UPDATE drafts SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
            [status, now(), int(draft_id), expected],
        )
        return cursor.rowcount == 1
