"""One turn of conversation: the user's session, the replies and notifications being built, and the
draft being worked on. Nothing is written here: the engine commits it all at the end of the turn.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from bot.candidature.drafts import DraftRecord, DraftRepository
from bot.candidature.models import Draft
from bot.dialog.session import Session
from bot.dialog.texts import t
from bot.dialog.types import Button, Notification, Reply


class Answerer(Protocol):
    def answer(self, question: str) -> Any: ...  # an object with `.answer` (text) and `.abstained`


class Checker(Protocol):
    def check(self, idea: str) -> Any: ...  # a `bot.eligibility.Verdict`


class Parts(Protocol):
    """What the engine needs from the application; read lazily (the model loads on first use)."""

    @property
    def answerer(self) -> Answerer: ...

    @property
    def checker(self) -> Checker: ...

    @property
    def drafts(self) -> DraftRepository: ...

    @property
    def review(self) -> Any: ...  # a `bot.review.Review`


class Turn:
    """What a handler works with: `session` to read and change, replies to add, the draft to edit."""

    def __init__(self, user_id: str, session: Session, parts: Parts, out_dir: Path, name: str | None = None):
        self.user_id = user_id
        self.name = name or user_id.removeprefix("telegram:")  # how other people see who acted
        self.session = session
        self.parts = parts
        self.out_dir = out_dir
        self.replies: list[Reply] = []
        self.notifications: list[Notification] = []
        self._record: DraftRecord | None = None
        self._loaded = False
        self.before: Draft | None = None  # the draft as loaded: the turn's own changes are what differs
        self.draft_changed = False
        self.writes: list[Callable[[], Any]] = []
        self.forget_me = False  # erase everything about this user once the turn is committed (/supprimer)
        self.asks: list[dict[str, Any]] = []  # questions answered and ideas checked, for the statistics

    # -- session shortcuts ----------------------------------------------------------------
    @property
    def step(self) -> str:
        return self.session.step

    @property
    def form(self):
        return self.session.form

    # -- the draft being worked on --------------------------------------------------------
    def record(self) -> DraftRecord | None:
        """The user's current draft (their own, or one they co-edit), loaded once per turn."""
        if not self._loaded:
            self._record = self.parts.review.workable(self.user_id, self.form.draft_id)
            self.before = self._record.draft.clone() if self._record is not None else None
            self._loaded = True
        return self._record

    def work_on(self, record: DraftRecord) -> None:
        """The session now points at `record`, already read (one joined in this turn: the store
        makes the person its co-editor only when the turn is committed)."""
        self.form.draft_id = record.id
        self._record = record
        self.before = record.draft.clone()
        self._loaded = True

    def draft(self) -> Draft | None:
        record = self.record()
        return record.draft if record is not None else None

    def start_draft(self, draft: Draft | None = None) -> Draft:
        """A new draft, created when the turn is committed (its number then goes to the session)."""
        self._record = DraftRecord(id=None, owner=self.user_id, status="draft", version=0, draft=draft or Draft())
        self.before = None
        self._loaded = True
        self.form.draft_id = None
        self.draft_changed = True
        return self._record.draft

    def touch_draft(self) -> None:
        """The draft was changed: it is saved with the turn."""
        self.draft_changed = True

    def privacy_notice(self) -> None:
        """The short privacy notice, once: at first contact, and before the first personal data is asked."""
        if not self.session.notice_given:
            from bot.prompts import say

            self.send(say("privacy", "short_notice"))
            self.session.notice_given = True

    def later(self, write: Callable[[], Any]) -> None:
        """A write to the store (a transition, a comment…), run in the turn's transaction, in order."""
        self.writes.append(write)

    # -- replies ----------------------------------------------------------------------------
    def send(self, text: str, buttons: list[Button] | None = None, **kwargs) -> Reply:
        reply = Reply(text=text, buttons=buttons or [], **kwargs)
        self.replies.append(reply)
        return reply

    def add(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def say(self, key: str, buttons: list[Button] | None = None, **values) -> Reply:
        return self.send(t(key, **values), buttons)

    def attach(self, buttons: list[Button]) -> None:
        """Put buttons on the last reply (or on a new one if there is none)."""
        if self.replies and not self.replies[-1].buttons and self.replies[-1].document is None:
            self.replies[-1].buttons = buttons
        else:
            self.send(t("menu"), buttons)

    def notify(self, recipient: str, reply: Reply) -> None:
        """A message for someone else, stored with the turn and delivered by their face."""
        self.notifications.append(Notification(recipient=str(recipient), reply=reply, sender=self.user_id))

    def asked(self, kind: str, text: str, outcome: str, ref: str | None = None) -> None:
        """A question (`answered`/`abstained`) or an idea (its verdict) to count, stored with the turn."""
        self.asks.append({"kind": kind, "text": text, "outcome": outcome, "ref": ref})


def button(key: str, value: str, **values) -> Button:
    return Button(label=t(key, **values), value=value)
