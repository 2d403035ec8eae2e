"""Who talks with the bot and what was said: users, inputs (`events`), replies, dialog sessions,
and the outbox of messages for other people.

    talk = Conversations(store)
    with store.atomic():                                   # one turn, one transaction
        event = talk.log_event("42", "text", "bonjour", step="menu")
        talk.log_replies("42", event, [{"text": "Bonjour !", "buttons": [], "document": None}])
        talk.save_session("42", step="menu", data={...}, keyboard_version=3)
        talk.notify("7", {"text": "…"}, sender="42", event_id=event)
    talk.pending("7")                                      # [(id, payload)], oldest first
    talk.delivered([id])

Sessions are stored as JSON whose shape belongs to the dialog (`bot.dialog.session`); this module
only keeps them.
"""

from __future__ import annotations

import json
from typing import Any

from bot.store.db import Store, now


class Conversations:
    def __init__(self, store: Store):
        self.store = store

    # -- users ----------------------------------------------------------------------------
    def ensure_user(self, user_id: str, name: str | None = None) -> None:
        """The user's row; `name` (how others on a shared draft see them) is kept when given."""
        stamp = now()
        self.store.execute(
            "INSERT INTO users (id, created_at, updated_at, name) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, name = coalesce(excluded.name, name)",
            [str(user_id), stamp, stamp, name],
        )

    def name_of(self, user_id: str) -> str:
        """How a user is shown to others: their name when a face gave one, else their id."""
        rows = self.store.rows("SELECT name FROM users WHERE id = ?", [str(user_id)])
        name = rows[0]["name"] if rows else None
        return name or str(user_id).removeprefix("telegram:")

    # -- inputs ---------------------------------------------------------------------------
    def log_event(self, user_id: str, kind: str, text: str = "", args: str = "", step: str = "",
                  name: str | None = None) -> int:
        """Record what a user did (raw text); committed with the block around it, or at once."""
        with self.store.atomic():
            self.ensure_user(user_id, name)
            cursor = self.store.execute(
                "INSERT INTO events (user_id, ts, kind, text, args, step) VALUES (?, ?, ?, ?, ?, ?)",
                [str(user_id), now(), kind, text, args, step],
            )
            return int(cursor.lastrowid)

    def events(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Inputs, oldest first (every user's when `user_id` is None)."""
        if user_id is None:
            return self.store.rows("SELECT * FROM events ORDER BY id")
        return self.store.rows("SELECT * FROM events WHERE user_id = ? ORDER BY id", [str(user_id)])

    # -- replies --------------------------------------------------------------------------
    def log_replies(self, user_id: str, event_id: int | None, replies: list[dict[str, Any]]) -> None:
        """What the bot answered to input `event_id`: each reply's text, button labels, document name."""
        stamp = now()
        for reply in replies:
            self.store.execute(
                "INSERT INTO replies (user_id, event_id, ts, text, buttons, document) VALUES (?, ?, ?, ?, ?, ?)",
                [str(user_id), event_id, stamp, reply.get("text") or "",
                 json.dumps(reply.get("buttons") or [], ensure_ascii=False), reply.get("document")],
            )

    def replies(self, user_id: str) -> list[dict[str, Any]]:
        rows = self.store.rows("SELECT * FROM replies WHERE user_id = ? ORDER BY id", [str(user_id)])
        return [{**row, "buttons": json.loads(row["buttons"])} for row in rows]

    # -- sessions -------------------------------------------------------------------------
    def load_session(self, user_id: str) -> dict[str, Any] | None:
        """The stored session: {step, data (parsed JSON), keyboard_version, updated_at}, or None."""
        rows = self.store.rows(
            "SELECT step, data, keyboard_version, updated_at FROM dialog_state WHERE user_id = ?", [str(user_id)]
        )
        if not rows:
            return None
        row = rows[0]
        return {**row, "data": json.loads(row["data"] or "{}"), "keyboard_version": row["keyboard_version"] or 0}

    def save_session(self, user_id: str, step: str, data: dict[str, Any], keyboard_version: int) -> None:
        with self.store.atomic():
            self.ensure_user(user_id)
            self.store.execute(
                "INSERT INTO dialog_state (user_id, step, data, keyboard_version, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET step = excluded.step, "
                "data = excluded.data, keyboard_version = excluded.keyboard_version, "
                "updated_at = excluded.updated_at",
                [str(user_id), step, json.dumps(data, ensure_ascii=False), keyboard_version, now()],
            )

    # -- outbox ---------------------------------------------------------------------------
    def notify(self, recipient: str, payload: dict[str, Any], sender: str | None = None,
               event_id: int | None = None) -> int:
        """A message for `recipient`, kept until a face delivers it (write it in the turn's transaction)."""
        cursor = self.store.execute(
            "INSERT INTO outbox (created_at, recipient, sender, event_id, payload) VALUES (?, ?, ?, ?, ?)",
            [now(), str(recipient), sender, event_id, json.dumps(payload, ensure_ascii=False)],
        )
        return int(cursor.lastrowid)

    def pending(self, recipient: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Undelivered messages, oldest first: {id, recipient, sender, created_at, payload}."""
        where, params = ("AND recipient = ?", [str(recipient)]) if recipient is not None else ("", [])
        rows = self.store.rows(
            f"SELECT id, recipient, sender, created_at, payload FROM outbox WHERE delivered_at IS NULL {where} "
            "ORDER BY id LIMIT ?", [*params, limit],
        )
        return [{**row, "payload": json.loads(row["payload"])} for row in rows]

    def delivered(self, ids: list[int]) -> None:
        """Mark messages delivered (they are never handed out again)."""
        if ids:
            with self.store.atomic():
                marks = ",".join("?" * len(ids))
                self.store.execute(
                    f"UPDATE outbox SET delivered_at = ? WHERE delivered_at IS NULL AND id IN ({marks})",
                    [now(), *ids],
                )
