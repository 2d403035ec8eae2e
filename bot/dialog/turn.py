"""One turn of conversation: the user's state, and the replies being built for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialog.texts import t
from bot.dialog.types import Button, Reply
from bot.store import DialogState

if TYPE_CHECKING:
    from bot.dialog.engine import Engine


class Turn:
    """What a step handler works with: `state` to read and change, `replies` to fill."""

    def __init__(self, engine: "Engine", user_id: str, state: DialogState):
        self.engine = engine
        self.services = engine.services
        self.store = engine.store
        self.user_id = user_id
        self.state = state
        self.replies: list[Reply] = []

    # -- state ------------------------------------------------------------------------------
    @property
    def step(self) -> str:
        return self.state.step

    @property
    def data(self) -> dict:
        return self.state.data

    def goto(self, step: str, prompt: bool = True) -> None:
        """Move to `step` and (by default) say its prompt."""
        self.state.step = step
        if prompt:
            self.engine.prompt(self)

    # -- replies ------------------------------------------------------------------------------
    def send(self, text: str, buttons: list[Button] | None = None, **kwargs) -> Reply:
        reply = Reply(text=text, buttons=buttons or [], **kwargs)
        self.replies.append(reply)
        return reply

    def say(self, key: str, buttons: list[Button] | None = None, **values) -> Reply:
        return self.send(t(key, **values), buttons)

    def attach(self, buttons: list[Button]) -> None:
        """Put buttons on the last reply (or on a new one if there is none)."""
        if self.replies and not self.replies[-1].buttons and self.replies[-1].document is None:
            self.replies[-1].buttons = buttons
        else:
            self.send(t("menu"), buttons)


def button(key: str, value: str, **values) -> Button:
    return Button(label=t(key, **values), value=value)
