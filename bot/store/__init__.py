"""SQLite store (sqlite-utils, one file, WAL): users, dialog state, drafts, versions, events, comments.

    store = Store("candibot.db")
    store.log_event("42", "text", "bonjour")          # committed at once
    store.save_state("42", step="menu", data={})      # committed at once
    store.load_state("42")                            # DialogState(step="menu", data={}, ...)

One connection, shared by threads under a lock (check_same_thread off); busy timeout for other
processes (the Telegram bot and `candibot export` may share the file).
"""

from bot.store.store import DialogState, Store, StoredDraft

__all__ = ["DialogState", "Store", "StoredDraft"]
