"""SQLite storage (one file, WAL), in four parts:

- `db.Store`: the connection, its pragmas, migrations and transactions (`atomic`);
- `conversations.Conversations`: users, inputs (events), replies, dialog sessions, the outbox;
- `drafts.DraftRows`: drafts and their versions;
- `review.ReviewRows`: the review workflow's members, invitations, history, comments, change requests.

    store = Store("candibot.db")
    talk, drafts = Conversations(store), DraftRows(store)
    with store.atomic():
        talk.log_event("42", "text", "bonjour")
        drafts.create("42", {})
"""

from bot.store.conversations import Conversations
from bot.store.db import Store
from bot.store.drafts import DraftRows, StoredDraft
from bot.store.review import ReviewRows

__all__ = ["Conversations", "DraftRows", "ReviewRows", "Store", "StoredDraft"]
