"""The Telegram face's own table: update ids already taken in hand, so that each update is handled
once across restarts and processes (a polling replay after a crash, a webhook retry).

    seen = StoredUpdates(store)
    seen.first_time(update_id)     # True once, then False (here or in any process on the file)
"""

from __future__ import annotations

import datetime as dt
import logging

from bot.store.db import Store, now

log = logging.getLogger(__name__)


class StoredUpdates:
    """`UpdateLog` kept in the database (table `telegram_updates`): an update id is handled once
    even when Telegram delivers it again after a restart, or to another process sharing the
    database. Ids older than `keep_days` are forgotten at start and every `cleanup_every` claims.

    An update is claimed when it arrives, before it is handled: a crash in the middle of its
    handling does not replay it (the user's raw input is already in the events table)."""

    def __init__(self, store: Store, keep_days: float = 7, cleanup_every: int = 10_000):
        self.store = store
        self.keep_days = keep_days
        self.cleanup_every = cleanup_every
        self._claims = 0
        self._cleanup()

    def first_time(self, update_id: int) -> bool:
        self._claims += 1
        if self._claims % self.cleanup_every == 0:
            self._cleanup()
        return self.claim(update_id)

    def _cleanup(self) -> None:
        try:
            removed = self.forget(self.keep_days)
        except Exception:  # a busy database: cleaning up can wait for the next time
            log.warning("could not forget old update ids", exc_info=True)
            return
        if removed:
            log.info("forgot %d update ids older than %s days", removed, self.keep_days)


    def claim(self, update_id: int) -> bool:
        """True the first time `update_id` is claimed, False ever after (in this process or any
        other sharing the file, across restarts): one atomic INSERT OR IGNORE, committed."""
        with self.store.atomic():
            cursor = self.store.execute(
                "INSERT OR IGNORE INTO telegram_updates (update_id, ts) VALUES (?, ?)", [int(update_id), now()]
            )
            return cursor.rowcount == 1

    def forget(self, older_than_days: float = 7) -> int:
        """Delete update ids claimed more than `older_than_days` ago (Telegram keeps undelivered
        updates 24 hours at most); returns how many were deleted."""
        cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=older_than_days)
        with self.store.atomic():
            cursor = self.store.execute(
                "DELETE FROM telegram_updates WHERE ts < ?", [cutoff.isoformat(timespec="milliseconds")]
            )
            return cursor.rowcount
