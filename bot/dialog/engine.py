"""The engine: `Engine(parts).handle(user_id, Input) -> list[Reply]`.

Per input:
1. the raw input is written to the `events` table at once, before anything can fail: a crash in
   the middle of the turn must not lose what the user typed. An input the face gave a key
   (`Input.key`) is written once, as it arrives, and handled once (`bot.dialog.delivery`);
2. the user's session is read (a new one for a new user); the router names the handler; the
   handler changes the session and the draft in memory, adds replies and notifications, and
   returns where to go; the engine prompts that step;
3. **one transaction** for everything the turn changed: the draft's new version (what this turn
   changed, merged field by field into the stored draft: a co-editor may have answered meanwhile),
   the review's writes the scenes prepared (`Turn.later`: a transition, a comment, an invitation),
   the session, the replies, the notifications for other people and the questions asked are written
   together, or none of them is. When a handler fails, its changes are dropped: an apology and the
   step again are written instead; when a write is refused at that moment (the draft was submitted
   or decided meanwhile), the person is told why. After /supprimer, the person's data is erased in
   that same transaction, and the file compacted after it;
4. the replies are returned for the face to deliver (they are committed before); those of a keyed
   input until the face marks them sent (`bot.dialog.delivery`).

Inputs of one user are handled one at a time (a lock per user); different users run concurrently,
sharing the store (which serialises its own writes). Nothing is held locked while the model works.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from bot.dialog.delivery import Delivery
from bot.dialog.router import Router
from bot.dialog.scene import Next, Scene
from bot.dialog.scenes import SCENES
from bot.dialog.session import Session
from bot.dialog.turn import Parts, Turn
from bot.dialog.texts import t
from bot.privacy import Privacy
from bot.pseudonym import pseudonym
from bot.dialog.types import Input, Reply, reply_record
from bot.review.workflow import Conflict, Refused
from bot.store import Conversations
from bot.store.asked import AskedLog
from bot.store.personal import PersonalData

log = logging.getLogger(__name__)

MAX_HOPS = 8  # prompts that redirect (no draft: the menu) in one turn, at most


class EngineParts(Parts):
    """`Parts` plus where conversations are kept."""

    @property
    def conversations(self) -> Conversations: ...


class Engine(Delivery):
    """Transport-free conversation engine.

    >>> engine = Engine(App(settings), out_dir=Path("exports"))          # doctest: +SKIP
    >>> engine.handle("42", Input.parse("/start"))                      # doctest: +SKIP
    [Reply(text='Bonjour ! ...'), Reply(text='Que voulez-vous faire ?', buttons=[...], version=1)]
    """

    def __init__(self, parts: EngineParts, out_dir: str | Path | None = None,
                 scenes: Iterable[Scene] | None = None):
        self.parts = parts
        self.conversations = parts.conversations
        self.out_dir = Path(out_dir) if out_dir is not None else Path.cwd()
        self.router = Router(SCENES if scenes is None else scenes)
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()

    def warm_up(self) -> None:
        """Load the model and the indexes now, so that the first reply is as fast as the others."""
        self.parts.answerer.answer("Le programme est-il gratuit ?")
        try:
            self.parts.checker
        except Exception:  # the form and the idea test say so in French when it is missing
            log.warning("eligibility checker unavailable", exc_info=True)

    def state(self, user_id: str | int) -> Session:
        """The user's current session (a fresh one for an unknown user)."""
        return Session.from_stored(self.conversations.load_session(str(user_id)))

    def handle(self, user_id: str | int, inp: Input | str) -> list[Reply]:
        """Handle one user input; everything it changed is committed before the replies are returned."""
        user = str(user_id)
        if isinstance(inp, str):
            inp = Input.parse(inp)
        with self._lock(user):
            try:
                session = self.state(user)
                event = self._log_input(user, inp, session.step)
                if event is None:  # delivered again, handled before (here, or by another process)
                    return self._not_sent(inp.key)
            except Exception as error:  # the database cannot take the input (locked too long, disk full): say so
                log.error("could not write the input of user %s: %s", pseudonym(user), getattr(error, "reason", error))
                return [Reply(text=t("error_not_saved"))]
            turn = self._new_turn(user, session, inp.name)
            try:
                self._settle(turn, self.router.dispatch(turn, inp))
            except Exception:  # never a traceback to the user; the input is already saved
                log.exception("dialog failure for user %s on a %s input", pseudonym(user), inp.kind)
                turn = self._apology(user)
            tracked = inp.key is not None
            try:
                self._commit(turn, event, tracked)
            except (Refused, Conflict) as refusal:  # the draft moved meanwhile (submitted, decided): say so
                log.info("a write of user %s was refused at commit: %s", pseudonym(user), type(refusal).__name__)
                turn = self._apology(user, refusal)
                self._commit(turn, event, tracked)
            except Exception:  # the turn's writes failed together: nothing of it was kept
                log.exception("could not save the turn of user %s", pseudonym(user))
                turn = self._apology(user)
                try:
                    self._commit(turn, event, tracked)
                except Exception:  # not even the apology fits (disk full): said, not stored
                    log.exception("could not save the apology to user %s", pseudonym(user))
            return turn.replies

    def open(self, user_id: str | int) -> list[Reply]:
        """What a face shows when a person comes to the conversation before typing anything (the
        terminal's first screen): for a new user what /start shows (welcome and menu), for a
        returning one « bon retour » and the step they were at, asked again."""
        if self.conversations.load_session(str(user_id)) is None:
            return self.handle(user_id, Input(kind="command", text="start"))
        return self.resume(user_id, "open", welcome_back=True)

    def resume(self, user_id: str | int, reason: str = "", welcome_back: bool = False,
               key: str | None = None) -> list[Reply]:
        """The user's current step asked again, with a fresh keyboard (buttons shown earlier
        become stale). For faces that received something the engine cannot read (a photo, a
        voice message…): they say so themselves, then show these replies. `reason` (e.g.
        « photo ») is written to the events table; `key` as in `Input.key`."""
        user = str(user_id)
        with self._lock(user):
            session = self.state(user)
            event = self.conversations.log_event(user, "resume", reason, step=session.step, key=key)
            if event is None:  # delivered again
                return self._not_sent(key)
            if session.step not in self.router.steps:
                session.step = "menu"
            turn = self._new_turn(user, session)
            if welcome_back:
                turn.say("welcome_back")
            try:
                self._settle(turn, Next())
            except Exception:
                log.exception("resume failure for user %s at %s", pseudonym(user), session.step)
                turn = self._new_turn(user, self.state(user))  # the working data (the draft) is kept
                self._settle(turn, Next("menu"))
            self._commit(turn, event, key is not None)
            return turn.replies

    # -- internals ------------------------------------------------------------------------
    def _new_turn(self, user: str, session: Session, name: str | None = None) -> Turn:
        return Turn(user, session, self.parts, self.out_dir, name)

    def _settle(self, turn: Turn, outcome: Next) -> None:
        """Go where the handler said and ask that step (following prompts that redirect)."""
        for _ in range(MAX_HOPS):
            if outcome.step is not None:
                turn.session.step = outcome.step
            if not outcome.prompt:
                return
            outcome = self.router.prompt(turn)
            if outcome is None:
                return
        raise RuntimeError(f"prompts redirect more than {MAX_HOPS} times from {turn.step!r}")

    def _apology(self, user: str, refusal: Exception | None = None) -> Turn:
        """A fresh turn from the saved session: the apology (or why the write was refused), then
        the step asked again."""
        turn = self._new_turn(user, self.state(user))
        if isinstance(refusal, Refused):
            from bot.candidature.status import status_label

            values = {k: status_label(v) if k == "status" else v for k, v in refusal.values.items()}
            turn.say(f"review.refused.{refusal.reason}", **values)
        elif isinstance(refusal, Conflict):
            turn.say("review.conflict_at_save")
        else:
            turn.say("error")
        try:
            self._settle(turn, Next())
        except Exception:
            log.exception("prompt failure for user %s at %s", pseudonym(user), turn.step)
            turn = self._new_turn(user, self.state(user))
            turn.say("error")
            self._settle(turn, Next("menu"))
        return turn

    def _commit(self, turn: Turn, event: int, tracked: bool = False) -> None:
        """One transaction: the draft, the session, the replies, the notifications of input `event`.
        `tracked`: the face gave the input a key and marks its replies sent (`sent`)."""
        self._seal_keyboard(turn)
        talk = self.conversations
        with talk.store.atomic():
            record = turn.record() if turn.draft_changed else None
            if record is not None:
                new = record.id is None
                changed = self.parts.review.save_edit(record, turn.before, turn.user_id)
                turn.session.form.draft_id = record.id
                if changed and not new:
                    self._tell_team(turn, record, changed)
            for write in turn.writes:
                write()
            talk.save_session(turn.user_id, turn.session.step, turn.session.data(), turn.session.keyboard_version)
            if tracked:
                talk.done(event)
            ids = talk.log_replies(turn.user_id, event, [reply_record(r) for r in turn.replies], tracked)
            for reply, row in zip(turn.replies, ids):
                reply.id = row if tracked else None
            for note in turn.notifications:
                note.id = talk.notify(note.recipient, note.reply.model_dump(mode="json"),
                                      sender=note.sender, event_id=event)
            if turn.asks:  # questions and ideas, counted by `candibot stats`
                AskedLog(talk.store).log(turn.user_id, event, turn.asks)
            erased = PersonalData(talk.store).erase(turn.user_id) if turn.forget_me else None
        if erased is not None:  # /supprimer: their files too, and no readable remnant in the database file
            Privacy.remove_files(erased, turn.user_id, self.out_dir)
            PersonalData(talk.store).compact()

    def _tell_team(self, turn: Turn, record, changed: list[str]) -> None:
        """The draft's other people (owner, co-editors) are told which rubrics changed, and by whom."""
        from bot.candidature import form

        labels = ", ".join(f"« {form.label(name)} »" for name in changed)
        for person in self.parts.review.others(record, turn.user_id):
            turn.notify(person, Reply(text=t("review.edited", who=turn.name, number=record.id,
                                             title=record.title or t("review.untitled"), labels=labels)))

    def _lock(self, user: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks[user]

    @staticmethod
    def _seal_keyboard(turn: Turn) -> None:
        """Number this turn's keyboard: buttons of earlier turns become stale."""
        turn.session.keyboard_version += 1
        active: dict[str, str] = {}
        for reply in turn.replies:
            if reply.buttons:
                reply.version = turn.session.keyboard_version
                active.update({b.value: b.label for b in reply.buttons})
        turn.session.buttons = active
