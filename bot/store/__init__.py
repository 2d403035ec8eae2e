"""SQLite storage (one file, WAL), in three parts:

- `db.Store`: the connection, its pragmas, migrations and transactions (`atomic`);
- `conversations.Conversations`: users, inputs (events), replies, dialog sessions, the outbox;
- `drafts.DraftRows`: drafts, their versions, review comments.

    store = Store("candibot.db")
    talk, drafts = Conversations(store), DraftRows(store)
    with store.atomic():
        talk.log_event("42", "text", "bonjour")
        drafts.create("42", {})
"""

from bot.store.conversations import Conversations
from bot.store.db import Store
from bot.store.drafts import DraftRows, StoredDraft

__all__ = ["Conversations", "DraftRows", "Store", "StoredDraft"]
