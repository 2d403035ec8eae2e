"""What a scene declares, and what its handlers return.

A scene is one part of the conversation (the menu, a question, the form…). It declares its steps
(each with a `prompt`, what is said on entering it or to ask it again, and `on_text`, what typed
text means there), its commands (« /recap ») and its button actions (« edit:<field> »). Handlers
never call another step's prompt: they *return* where to go, and the engine prompts.

    def on_title(turn, text):
        ...
        return Next("recap")        # move, then the engine asks the recap
        return STAY                 # ask the current step again
        return WAIT                 # stay; the handler's own reply is the question

A prompt returns None when it has asked, or a `Next` to redirect (no draft: the menu).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.dialog.turn import Turn


@dataclass(frozen=True)
class Next:
    """Where a turn goes: `step` (None: the current one), asked (`prompt`) or not."""

    step: str | None = None
    prompt: bool = True


STAY = Next()
WAIT = Next(prompt=False)

Outcome = Next
Prompt = Callable[["Turn"], "Next | None"]
Handler = Callable[["Turn", str], Next]  # (turn, text or command args or button argument)


@dataclass(frozen=True)
class Step:
    prompt: Prompt
    on_text: Handler


@dataclass(frozen=True)
class Scene:
    """One unit of the conversation: its steps, commands and button actions (« name:arg »)."""

    name: str
    steps: dict[str, Step] = field(default_factory=dict)
    commands: dict[str, Handler] = field(default_factory=dict)
    actions: dict[str, Handler] = field(default_factory=dict)
    deep_links: dict[str, str] = field(default_factory=dict)  # /start payload -> a button value;
    # a payload ending with « _ » is a prefix: /start join_K7 presses « join:K7 »
    open_actions: frozenset[str] = frozenset()  # actions pressable from any message (notifications):
    # their handlers check the person's rights themselves
