"""The engine: `Engine(services).handle(user_id, Input) -> list[Reply]`.

Per input, in order:
1. the raw input is written to the `events` table (committed);
2. the step table (`bot.dialog.flow`) decides what to do and fills the replies;
3. the new state (step, working data, keyboard version) is committed;
4. the replies are returned for the face to deliver.

Inputs of one user are handled one at a time (a lock per user); different users run concurrently,
sharing the store (which serialises its own writes).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from pathlib import Path

from bot.dialog import flow
from bot.dialog.texts import t
from bot.dialog.turn import Turn
from bot.dialog.types import Input, Reply
from bot.store import DialogState

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 4000
ACTIVE_BUTTONS = "_buttons"  # key of the state's data holding the current keyboard {value: label}


class Engine:
    """Transport-free conversation engine.

    >>> engine = Engine(Services(settings), out_dir=Path("exports"))   # doctest: +SKIP
    >>> engine.handle("42", Input.parse("/start"))                      # doctest: +SKIP
    [Reply(text='Bonjour ! ...', buttons=[Button(label='Poser une question', value='go:question'), ...], version=1)]
    """

    def __init__(self, services, out_dir: str | Path | None = None):
        self.services = services
        self.store = services.store
        self.out_dir = Path(out_dir) if out_dir is not None else Path.cwd()
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()

    def warm_up(self) -> None:
        """Load the model and the indexes now, so that the first reply is as fast as the others."""
        self.services.answerer.answer("Le programme est-il gratuit ?")
        try:
            self.services.checker
        except Exception:  # the form and the idea test say so in French when it is missing
            log.warning("eligibility checker unavailable", exc_info=True)

    def state(self, user_id: str | int) -> DialogState:
        """The user's current state (a fresh one for an unknown user)."""
        return self.store.load_state(str(user_id)) or DialogState()

    def handle(self, user_id: str | int, inp: Input | str) -> list[Reply]:
        """Handle one user input; every answer is committed before the replies are returned."""
        user = str(user_id)
        if isinstance(inp, str):
            inp = Input.parse(inp)
        with self._lock(user):
            state = self.store.load_state(user)
            if state is None:
                state = DialogState()
            self.store.log_event(user, inp.kind, inp.text, inp.args, step=state.step)
            turn = Turn(self, user, state)
            try:
                self._dispatch(turn, inp)
            except Exception:  # never a traceback to the user; the raw input is already saved
                log.exception("dialog failure for user %s on %r", user, inp)
                turn = Turn(self, user, self.store.load_state(user) or DialogState())
                turn.say("error")
                try:
                    self.prompt(turn)
                except Exception:
                    log.exception("prompt failure for user %s", user)
                    turn.state = DialogState()
                    flow.menu_prompt(turn)
            self._seal_keyboard(turn)
            self.store.save_state(user, turn.state)
            return turn.replies

    def resume(self, user_id: str | int, reason: str = "") -> list[Reply]:
        """The user's current step asked again, with a fresh keyboard (buttons shown earlier
        become stale). For faces that received something the engine cannot read (a photo, a
        voice message…): they say so themselves, then show these replies. `reason` (e.g.
        « photo ») is written to the events table."""
        user = str(user_id)
        with self._lock(user):
            state = self.store.load_state(user) or DialogState()
            self.store.log_event(user, "resume", reason, step=state.step)
            if state.step not in flow.STEPS:
                state.step = "menu"
            turn = Turn(self, user, state)
            try:
                self.prompt(turn)
            except Exception:
                log.exception("resume failure for user %s at %s", user, state.step)
                state.step = "menu"  # the working data (the draft) is kept
                turn = Turn(self, user, state)
                flow.menu_prompt(turn)
            self._seal_keyboard(turn)
            self.store.save_state(user, turn.state)
            return turn.replies

    # -- internals ------------------------------------------------------------------------
    def prompt(self, turn: Turn) -> None:
        """Say the current step's question (with its buttons) again."""
        flow.STEPS[turn.step].prompt(turn)

    def _lock(self, user: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks[user]

    def _dispatch(self, turn: Turn, inp: Input) -> None:
        if turn.step not in flow.STEPS:  # a step removed by an upgrade: back to the menu
            turn.state.step = "menu"
        if inp.kind == "command":
            handler = flow.COMMANDS.get(inp.text)
            if handler is None:
                turn.say("unknown_command", name=inp.text[:40])
                self.prompt(turn)
                return
            handler(turn, inp.args.strip())
            return
        active: dict[str, str] = turn.data.get(ACTIVE_BUTTONS, {})
        if inp.kind == "button":
            stale = inp.version is not None and inp.version != turn.state.keyboard_version
            if stale or inp.text not in active:
                turn.say("stale_button")
                self.prompt(turn)
                return
            flow.press(turn, inp.text)
            return
        text = inp.text.strip()
        if not text:
            turn.say("empty")
            self.prompt(turn)
            return
        if len(text) > MAX_INPUT_CHARS:
            turn.say("too_long", length=len(text), limit=MAX_INPUT_CHARS)
            self.prompt(turn)
            return
        by_label = {label.casefold(): value for value, label in active.items()}
        if text.casefold() in by_label:
            flow.press(turn, by_label[text.casefold()])
            return
        flow.STEPS[turn.step].on_text(turn, text)

    @staticmethod
    def _seal_keyboard(turn: Turn) -> None:
        """Number this turn's keyboard: buttons of earlier turns become stale."""
        turn.state.keyboard_version += 1
        active: dict[str, str] = {}
        for reply in turn.replies:
            if reply.buttons:
                reply.version = turn.state.keyboard_version
                active.update({b.value: b.label for b in reply.buttons})
        turn.data[ACTIVE_BUTTONS] = active


def help_text() -> str:
    return t("help")
