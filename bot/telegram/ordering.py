"""Updates of different users processed concurrently, those of one user strictly in order, each
update id once, each written (`inbox`: the engine's `receive`, through the face) as it arrives.

python-telegram-bot starts one task per update, in arrival order; `process_update` runs the
start of each task without yielding until it queues on its user's lock, and asyncio locks are
fair (FIFO), so one user's updates run one after the other in the order Telegram sent them.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)


class UpdateLog(Protocol):
    """Remembers handled update ids. `first_time(id)` is True once per id, then False."""

    def first_time(self, update_id: int) -> bool: ...


class RecentUpdates:
    """In-memory `UpdateLog` of the last `size` update ids: a replay within one process never
    reaches the engine. Across restarts and processes, the engine itself handles an input once
    (the update id is its `Input.key`, written with the input)."""

    def __init__(self, size: int = 100_000):
        self.size = size
        self._seen: OrderedDict[int, None] = OrderedDict()

    def first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True


class PerUserOrder(BaseUpdateProcessor):
    """Concurrent across users, sequential per user, duplicates dropped."""

    def __init__(self, max_concurrent_updates: int = 256, seen: UpdateLog | None = None,
                 inbox: Callable[[object], bool] | None = None):
        super().__init__(max_concurrent_updates)
        self.seen = seen or RecentUpdates()
        self.inbox = inbox
        self._locks: dict[Any, asyncio.Lock] = {}
        self._waiting: dict[Any, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if isinstance(update, Update) and not self._first_time(update.update_id):
            log.info("update %s delivered again: ignored", update.update_id)
            if hasattr(coroutine, "close"):
                coroutine.close()
            return
        if self.inbox is not None and not self._received(update):
            log.info("update %s was handled before: ignored", getattr(update, "update_id", None))
            if hasattr(coroutine, "close"):
                coroutine.close()
            return
        key = _user_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    def _first_time(self, update_id: int) -> bool:
        try:
            return self.seen.first_time(update_id)
        except Exception:  # the log is unavailable: better handled twice than never
            log.exception("update %s: could not check whether it was already handled", update_id)
            return True

    def _received(self, update: object) -> bool:
        """The input written as it arrives, before it waits on its user's lock (synchronously:
        a short write, and the order of arrival is kept)."""
        try:
            return self.inbox(update)
        except Exception:  # better handled twice than never
            log.exception("an update could not be written on arrival")
            return True

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _user_key(update: object) -> Any:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
    return None
