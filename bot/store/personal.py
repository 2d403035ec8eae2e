"""Personal data in the database, table by table: everything stored about one person (to give it
to them), erasing it, and purging what is older than its retention. Rules (what to keep of a shared
draft, when to purge) are `bot.privacy`'s; this module only reads and deletes rows.

    personal = PersonalData(store)
    personal.collect("telegram:42")           # a dict, ready for JSON
    personal.erase("telegram:42")             # inside a transaction; then personal.compact()
"""

from __future__ import annotations

import json
from typing import Any

from bot.store.db import Store

ERASED = "[supprimé]"  # what replaces an erased person's id in rows that belong to someone else


class PersonalData:
    def __init__(self, store: Store):
        self.store = store

    # -- what is stored about a person ----------------------------------------------------------
    def owned_drafts(self, user: str) -> list[int]:
        return [r["id"] for r in self.store.rows("SELECT id FROM drafts WHERE user_id = ? ORDER BY id", [user])]

    def coedited_drafts(self, user: str) -> list[int]:
        return [r["draft_id"] for r in self.store.rows(
            "SELECT draft_id FROM draft_members WHERE user_id = ? ORDER BY draft_id", [user])]

    def collect(self, user: str) -> dict[str, Any]:
        """Everything stored about `user`: profile, drafts they own (versions, comments addressed to
        them, history), drafts they co-edit (their membership and their own edits), their messages
        and the replies, invitations, questions asked, messages left for them."""
        rows = self.store.rows

        def parsed(items: list[dict], *keys: str) -> list[dict]:
            return [{**i, **{k: json.loads(i[k]) for k in keys if i.get(k) is not None}} for i in items]

        owned = []
        for draft_id in self.owned_drafts(user):
            (draft,) = parsed(rows("SELECT * FROM drafts WHERE id = ?", [draft_id]), "data")
            owned.append({
                **draft,
                "versions": parsed(rows("SELECT version, created_at, data FROM draft_versions WHERE draft_id = ? "
                                        "ORDER BY version", [draft_id]), "data"),
                "comments": rows("SELECT field, body, created_at, version FROM review_comments "
                                 "WHERE draft_id = ? AND private = 0 ORDER BY id", [draft_id]),
                "change_requests": rows("SELECT comment, created_at, resolved_at, cancelled_at FROM change_requests "
                                        "WHERE draft_id = ? ORDER BY id", [draft_id]),
                "history": rows("SELECT ts, actor, action, from_status, to_status, version, field, comment "
                                "FROM draft_history WHERE draft_id = ? ORDER BY id", [draft_id]),
                "members": rows("SELECT user_id, role, added_at FROM draft_members WHERE draft_id = ?", [draft_id]),
            })
        coedited = [{
            "draft_id": draft_id,
            "title": (rows("SELECT title FROM drafts WHERE id = ?", [draft_id]) or [{"title": None}])[0]["title"],
            "membership": rows("SELECT role, added_at FROM draft_members WHERE draft_id = ? AND user_id = ?", [draft_id, user]),
            "my_edits": rows("SELECT ts, action, field, version FROM draft_history WHERE draft_id = ? AND actor = ? "
                             "ORDER BY id", [draft_id, user]),
        } for draft_id in self.coedited_drafts(user)]
        return {
            "user": (rows("SELECT * FROM users WHERE id = ?", [user]) or [None])[0],
            "session": parsed(rows("SELECT step, data, updated_at FROM dialog_state WHERE user_id = ?", [user]), "data"),
            "drafts_owned": owned,
            "drafts_coedited": coedited,
            "messages": rows("SELECT id, ts, kind, text, args, step FROM events WHERE user_id = ? ORDER BY id", [user]),
            "replies": parsed(rows("SELECT ts, event_id, text, buttons, document FROM replies WHERE user_id = ? "
                                   "ORDER BY id", [user]), "buttons"),
            "questions_and_ideas": rows("SELECT ts, kind, text, outcome, ref FROM asked WHERE user_id = ? ORDER BY id", [user]),
            "invitations": rows("SELECT draft_id, created_by, created_at, expires_at, used_by, used_at FROM invitations "
                                "WHERE created_by = ? OR used_by = ?", [user, user]),
            "notifications": parsed(rows("SELECT created_at, sender, payload, delivered_at FROM outbox WHERE recipient = ? "
                                         "ORDER BY id", [user]), "payload"),
            "comments_written": rows("SELECT draft_id, field, body, private, created_at FROM review_comments "
                                     "WHERE author = ? ORDER BY id", [user]),
        }

    # -- erasing ----------------------------------------------------------------------------------
    def erase_draft(self, draft_id: int) -> None:
        """A draft and everything hanging from it (call inside a transaction)."""
        for table in ("draft_versions", "review_comments", "draft_history", "change_requests", "draft_members",
                      "invitations"):
            self.store.execute(f"DELETE FROM {table} WHERE draft_id = ?", [draft_id])
        self.store.execute("DELETE FROM drafts WHERE id = ?", [draft_id])

    def erase(self, user: str) -> list[int]:
        """Erase `user` (call inside a transaction): drafts they own with all their rows, their
        messages, replies, session, questions, notifications and profile. In drafts of others (one
        they co-edit, one they reviewed) their id is replaced by « [supprimé] ». Returns the
        numbers of the drafts erased (their exported files are the caller's to remove)."""
        execute = self.store.execute
        execute("PRAGMA secure_delete = ON")  # deleted content is overwritten with zeros, not left in free pages
        owned = self.owned_drafts(user)
        # what others were shown of these drafts (a co-editor's recap, a reviewer's notification)
        # goes too: every message that holds a name or an e-mail address written in them
        for identifier in self._identifiers(user, owned):
            pattern = f"%{identifier}%"
            execute("DELETE FROM replies WHERE text LIKE ? OR delivery LIKE ?", [pattern, pattern])
            execute("DELETE FROM outbox WHERE payload LIKE ?", [pattern])
        for draft_id in owned:
            self.erase_draft(draft_id)
        execute("DELETE FROM draft_members WHERE user_id = ?", [user])
        for table, column in (("draft_history", "actor"), ("review_comments", "author"),
                              ("change_requests", "requested_by"), ("invitations", "used_by"),
                              ("invitations", "created_by"), ("draft_members", "added_by")):
            execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", [ERASED, user])
        execute("DELETE FROM asked WHERE user_id = ?", [user])
        execute("DELETE FROM replies WHERE user_id = ?", [user])
        execute("DELETE FROM outbox WHERE recipient = ? OR sender = ?", [user, user])
        # what others' rows keep of this person's inputs: the link goes, the row stays
        for table in ("replies", "outbox", "asked"):
            execute(f"UPDATE {table} SET event_id = NULL WHERE event_id IN (SELECT id FROM events WHERE user_id = ?)",
                    [user])
        execute("DELETE FROM events WHERE user_id = ?", [user])
        execute("DELETE FROM dialog_state WHERE user_id = ?", [user])
        execute("DELETE FROM users WHERE id = ?", [user])
        return owned

    def _identifiers(self, user: str, drafts: list[int]) -> set[str]:
        """The names and e-mail addresses held by `drafts` (contact, binôme) and the user's own name."""
        found = {r["name"] for r in self.store.rows("SELECT name FROM users WHERE id = ?", [user]) if r["name"]}
        for draft_id in drafts:
            for row in self.store.rows("SELECT data FROM draft_versions WHERE draft_id = ?", [draft_id]):
                data = json.loads(row["data"] or "{}")
                people = [data.get("contact")] + list((data.get("binome") or {}).values())
                for person in people:
                    if isinstance(person, dict):
                        found |= {str(person.get(k)) for k in ("name", "email") if person.get(k)}
        return {f for f in found if len(f) >= 3}

    def compact(self) -> None:
        """Leave no readable remnant of deleted rows in the file or its journal (outside a transaction)."""
        self.store.execute("VACUUM")
        self.store.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- retention --------------------------------------------------------------------------------
    def purge_events(self, before: str) -> int:
        """Raw inputs older than `before` (ISO timestamp), with the replies that answered them."""
        execute = self.store.execute
        execute("PRAGMA secure_delete = ON")
        old = "SELECT id FROM events WHERE ts < ?"
        execute(f"DELETE FROM replies WHERE event_id IN ({old})", [before])
        for table in ("outbox", "asked"):
            execute(f"UPDATE {table} SET event_id = NULL WHERE event_id IN ({old})", [before])
        return execute("DELETE FROM events WHERE ts < ?", [before]).rowcount

    def idle_drafts(self, before: str) -> list[dict[str, Any]]:
        """Drafts whose last change is older than `before`: {id, user_id, title, status, updated_at}."""
        return self.store.rows("SELECT id, user_id, title, status, updated_at FROM drafts WHERE updated_at < ? "
                               "ORDER BY id", [before])

    def noticed(self, draft_id: int, action: str, since: str) -> bool:
        """Whether `action` (a notice, a reminder) was written to the draft's history since `since`."""
        return bool(self.store.rows("SELECT 1 FROM draft_history WHERE draft_id = ? AND action = ? AND ts >= ?",
                                    [draft_id, action, since]))
