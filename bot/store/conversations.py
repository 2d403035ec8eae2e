"""Who talks with the bot and what was said: users, inputs (`events`), replies, dialog sessions,
and the outbox of messages for other people.

    talk = Conversations(store)
    event = talk.log_event("42", "text", "bonjour", step="menu", key="telegram:7")  # None: key taken
    talk.undone(since=stamp)                               # keyed inputs whose turn never committed
    with store.atomic():                                   # one turn, one transaction
        talk.done(event)
        talk.log_replies("42", event, [{"text": "Bonjour !", "buttons": [], "document": None}],
                         tracked=True)                     # their row ids: unsent until marked
        talk.save_session("42", step="menu", data={...}, keyboard_version=3)
        talk.notify("7", {"text": "…"}, sender="42", event_id=event)
    talk.sent([reply_id])                                  # a face sent it
    talk.unsent(since=stamp)                               # replies of keyed inputs not sent yet
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
                  name: str | None = None, key: str | None = None, version: int | None = None) -> int | None:
        """Record what a user did (raw text); committed with the block around it, or at once.
        With a `key` (the face's id of the input), the input is recorded once: None when an input
        with that key is already there (delivered again: see `event_of_key`)."""
        with self.store.atomic():
            self.ensure_user(user_id, name)
            cursor = self.store.execute(
                "INSERT OR IGNORE INTO events (user_id, ts, kind, text, args, step, input_key, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [str(user_id), now(), kind, text, args, step, key, version],
            )
            return int(cursor.lastrowid) if cursor.rowcount == 1 else None

    def event_of_key(self, key: str) -> dict[str, Any] | None:
        """The input recorded with `key` ({id, user_id, done_at…}), if any."""
        rows = self.store.rows("SELECT * FROM events WHERE input_key = ?", [key])
        return rows[0] if rows else None

    def done(self, event_id: int) -> None:
        """Input `event_id` was handled (write it in the turn's transaction)."""
        self.store.execute("UPDATE events SET done_at = ? WHERE id = ? AND done_at IS NULL", [now(), event_id])

    def undone(self, since: str) -> list[dict[str, Any]]:
        """Keyed inputs written after `since` and never handled (a crash between their arrival and
        their turn's commit), oldest first, with the name of the person."""
        return self.store.rows(
            "SELECT events.*, users.name AS name FROM events JOIN users ON users.id = events.user_id "
            "WHERE input_key IS NOT NULL AND done_at IS NULL AND ts >= ? AND kind IN ('text', 'button', 'command') "
            "ORDER BY events.id", [since])

    def step_of(self, user_id: str) -> str:
        """The step the user's stored session is at ('' for a new user)."""
        rows = self.store.rows("SELECT step FROM dialog_state WHERE user_id = ?", [str(user_id)])
        return rows[0]["step"] if rows else ""

    def events(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Inputs, oldest first (every user's when `user_id` is None)."""
        if user_id is None:
            return self.store.rows("SELECT * FROM events ORDER BY id")
        return self.store.rows("SELECT * FROM events WHERE user_id = ? ORDER BY id", [str(user_id)])

    # -- replies --------------------------------------------------------------------------
    def log_replies(self, user_id: str, event_id: int | None, replies: list[dict[str, Any]],
                    tracked: bool = False) -> list[int]:
        """What the bot answered to input `event_id`: each reply's text, button labels, document
        name, and how to send it again (`delivery`). `tracked` replies stay unsent until a face
        marks them (`sent`); the others count as shown at once. Returns their row ids."""
        stamp = now()
        ids = []
        for reply in replies:
            cursor = self.store.execute(
                "INSERT INTO replies (user_id, event_id, ts, text, buttons, document, delivery, sent_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [str(user_id), event_id, stamp, reply.get("text") or "",
                 json.dumps(reply.get("buttons") or [], ensure_ascii=False), reply.get("document"),
                 json.dumps(reply.get("delivery") or {}, ensure_ascii=False), None if tracked else stamp],
            )
            ids.append(int(cursor.lastrowid))
        return ids

    def replies(self, user_id: str) -> list[dict[str, Any]]:
        rows = self.store.rows("SELECT * FROM replies WHERE user_id = ? ORDER BY id", [str(user_id)])
        return [_parsed(row) for row in rows]

    def sent(self, ids: list[int]) -> None:
        """Mark replies sent (never handed out again by `unsent`)."""
        if ids:
            with self.store.atomic():
                marks = ",".join("?" * len(ids))
                self.store.execute(f"UPDATE replies SET sent_at = ? WHERE sent_at IS NULL AND id IN ({marks})",
                                   [now(), *ids])

    def unsent(self, since: str | None = None, event_id: int | None = None) -> list[dict[str, Any]]:
        """Replies never marked sent, oldest first: those written after `since` (ISO timestamp),
        or those answering input `event_id`."""
        where, params = ("AND event_id = ?", [event_id]) if event_id is not None else ("AND ts >= ?", [since or ""])
        rows = self.store.rows(f"SELECT * FROM replies WHERE sent_at IS NULL {where} ORDER BY id", params)
        return [_parsed(row) for row in rows]

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


def _parsed(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "buttons": json.loads(row["buttons"]), "delivery": json.loads(row.get("delivery") or "{}")}
