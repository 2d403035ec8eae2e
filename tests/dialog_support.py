"""Helpers for driving the dialog engine in tests: reply texts, button presses, a fake answerer
and a fake eligibility checker (behind the engine's Protocols) for tests that are not about answers."""

from __future__ import annotations

from types import SimpleNamespace

from bot.dialog import Input, Reply
from bot.dialog.scene import STAY, Scene


class FakeAnswerer:
    def answer(self, question: str):
        return SimpleNamespace(answer=f"(réponse à : {question})", abstained=False)


def lean_app_on(settings):
    """A new App (a process restarted) on `settings`, with the fake answerer and checker."""
    from bot.app import App

    app = App(settings)
    app.__dict__.update(answerer=FakeAnswerer(), checker=FakeChecker())  # what cached_property reads
    return app


class FakeChecker:
    """Eligible, unless the idea is about an open data portal (a data-only project)."""

    def check(self, idea: str):
        from bot.eligibility import Verdict

        if "portail" in idea.lower():
            return Verdict(idea=idea, verdict="not_priority")
        return Verdict(idea=idea, verdict="eligible", domains=["déchets"])


def texts(replies) -> str:
    return "\n".join(r.text for r in replies)


def press(engine, user, replies, value):
    """Press the button `value` on the latest keyboard of `replies`."""
    version = next(r.version for r in reversed(replies) if r.buttons)
    return engine.handle(user, Input(kind="button", text=value, version=version))


def has_button(replies, value) -> bool:
    return any(b.value == value for r in replies for b in r.buttons)


def stored_session(db_path, user):
    """The session saved for `user` in the database file (what a new process would read)."""
    from bot.dialog.session import Session
    from bot.store import Conversations, Store

    store = Store(db_path)
    try:
        return Session.from_stored(Conversations(store).load_session(user))
    finally:
        store.close()


def stored_draft(db_path, draft_id):
    """The draft numbered `draft_id` in the database file (a `DraftRecord`)."""
    from bot.candidature.drafts import DraftRepository
    from bot.store import DraftRows, Store

    store = Store(db_path)
    try:
        return DraftRepository(DraftRows(store)).get(draft_id)
    finally:
        store.close()


def _signal(turn, args):
    """/signaler DESTINATAIRE : a message for someone else (what a review action will do)."""
    turn.notify(args, Reply(text=f"{turn.user_id} vous signale quelque chose."))
    turn.send("Signalé.")
    if args == "boom":
        raise RuntimeError("after the notification, before the end of the turn")
    return STAY


SIGNAL = Scene(name="signal", commands={"signaler": _signal})  # a test scene: nothing else notifies yet
