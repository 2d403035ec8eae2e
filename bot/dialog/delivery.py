"""What an engine keeps for its faces so that nothing is lost or done twice across a crash: inputs
written as they arrive and handled once (`receive`, `unhandled`), replies marked once sent (`sent`,
`unsent`), notifications for other people (the outbox: `pending`, `delivered`).

    engine.receive(user, Input(..., key="telegram:<update_id>"))   # False: handled before, drop it
    engine.handle(user, inp)                  # replies with their row ids; the face marks them sent
    engine.sent(replies)
    engine.unhandled(since) / engine.unsent(since)   # at a face's start: what a crash left
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.dialog.types import Input, Notification, Reply, reply_from_record
from bot.pseudonym import pseudonym
from bot.store import Conversations

log = logging.getLogger(__name__)


class Delivery:
    """The part of `Engine` that faces call besides `handle` (it needs `self.conversations`)."""

    conversations: Conversations

    def receive(self, user_id: str | int, inp: Input) -> bool:
        """Write a keyed input the moment it arrives, before it waits for its turn (a face calls
        this first, then `handle`): a crash meanwhile leaves it to be handled at the next start
        (`unhandled`). False when that input was handled before (delivered again): drop it."""
        if inp.key is None:
            return True
        user = str(user_id)
        try:
            return self._log_input(user, inp, self.conversations.step_of(user)) is not None
        except Exception as error:  # the database cannot take it now: `handle` tries again, and says so
            log.warning("could not write an input of user %s on arrival: %s", pseudonym(user), error)
            return True

    def unhandled(self, since: str) -> list[tuple[str, Input]]:
        """(user, input) of keyed inputs written after `since` (ISO timestamp) whose turn never
        committed (the face was stopped in between), oldest first: a face handles them at start."""
        return [(row["user_id"], Input(kind=row["kind"], text=row["text"], args=row["args"] or "",
                                       version=row["version"], name=row["name"], key=row["input_key"]))
                for row in self.conversations.undone(since)]

    # -- replies a crash kept from being sent ------------------------------------------------
    def sent(self, replies: Iterable[Reply]) -> None:
        """A face sent these replies (of inputs it gave a key): they are never handed out again."""
        self.conversations.sent([r.id for r in replies if r.id is not None])

    def unsent(self, since: str) -> list[tuple[str, Reply]]:
        """(user, reply) of inputs given a key, written after `since` (ISO timestamp) and never
        marked sent (the face was stopped between the turn's commit and its sending), oldest first."""
        return [(row["user_id"], reply_from_record(row)) for row in self.conversations.unsent(since=since)]

    def _log_input(self, user: str, inp: Input, step: str) -> int | None:
        """The input's row in `events`: written now, or (keyed) when it arrived (`receive`) or by a
        run that stopped before its turn; None when it was handled before (delivered again)."""
        talk = self.conversations
        # a keyed input is most often written already (`receive`): a read, not a second write
        known = talk.event_of_key(inp.key) if inp.key is not None else None
        if known is None:
            event = talk.log_event(user, inp.kind, inp.text, inp.args, step=step, name=inp.name,
                                   key=inp.key, version=inp.version)
            if event is not None:
                return event
            known = talk.event_of_key(inp.key)  # written meanwhile by another process
        return known["id"] if known["done_at"] is None else None

    def _not_sent(self, key: str) -> list[Reply]:
        """An input delivered again, handled before: what its turn said that was never sent (often nothing)."""
        log.info("an input delivered again was handled before: not handled twice")
        event = self.conversations.event_of_key(key)["id"]
        return [reply_from_record(row) for row in self.conversations.unsent(event_id=event)]

    # -- notifications for other people -----------------------------------------------------
    def pending(self, user_id: str | int | None = None) -> list[Notification]:
        """Messages for this user (for anyone: None) that no face has delivered yet, oldest first."""
        rows = self.conversations.pending(None if user_id is None else str(user_id))
        return [Notification(id=row["id"], recipient=row["recipient"], sender=row["sender"],
                             reply=Reply.model_validate(row["payload"])) for row in rows]

    def delivered(self, notifications: Iterable[Notification]) -> None:
        self.conversations.delivered([n.id for n in notifications if n.id is not None])

