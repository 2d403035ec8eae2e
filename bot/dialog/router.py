"""The flow in one table: every scene's steps, commands and button actions gathered, and the
dispatch of one input to the handler it names. `docs/dialog.mmd` draws this table (a test keeps
the two in step).

    router = Router(SCENES)
    outcome = router.dispatch(turn, Input.parse("/recap"))   # Next("recap")
    router.prompt(turn)                                      # the current step's question
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.dialog import smalltalk
from bot.dialog.scene import STAY, Handler, Next, Scene, Step
from bot.dialog.turn import Turn
from bot.dialog.types import Input
from bot.prompts import texts

MAX_INPUT_CHARS = 4000


def _merge(scenes: Iterable[Scene], part: str) -> dict:
    table: dict = {}
    for scene in scenes:
        for key, value in getattr(scene, part).items():
            if key in table:
                raise ValueError(f"{part[:-1]} {key!r} is declared twice (scene {scene.name})")
            table[key] = value
    return table


def confirmation_word(text: str) -> str | None:
    """« yes » or « no » when `text` is one of the words typed to say yes or no (prompts/dialog.yaml,
    `confirm_words`): the active keyboard's button of that answer (« form:yes », « sub:no ») is pressed."""
    said = " ".join(text.lower().replace("’", "'").strip(" .!,").split())
    words = texts("dialog")["confirm_words"]
    return next((key for key in ("yes", "no") if said in words[key]), None)


class Router:
    def __init__(self, scenes: Iterable[Scene]):
        scenes = list(scenes)
        self.scenes = scenes
        self.steps: dict[str, Step] = _merge(scenes, "steps")
        self.commands: dict[str, Handler] = _merge(scenes, "commands")
        self.actions: dict[str, Handler] = _merge(scenes, "actions")
        self.deep_links: dict[str, str] = _merge(scenes, "deep_links")
        self.open_actions: frozenset[str] = frozenset().union(*(s.open_actions for s in scenes))
        if "menu" not in self.steps or "start" not in self.commands:
            raise ValueError("a conversation needs a « menu » step and a /start command")

    def prompt(self, turn: Turn) -> Next | None:
        """Ask the current step's question; a prompt may redirect (returns where to)."""
        return self.steps[turn.step].prompt(turn)

    def dispatch(self, turn: Turn, inp: Input) -> Next:
        """What one input does: the handler it names, or a French message and the step again."""
        if turn.step not in self.steps:  # a step removed by an upgrade: back to the menu
            turn.session.step = "menu"
        if inp.kind == "command":
            return self.command(turn, inp.text, inp.args.strip())
        active = turn.session.buttons
        if inp.kind == "button":
            stale = inp.version is not None and inp.version != turn.session.keyboard_version
            if (stale or inp.text not in active) and inp.text.partition(":")[0] not in self.open_actions:
                turn.say("stale_button")
                return STAY
            return self.press(turn, inp.text)
        text = inp.text.strip()
        if not text:
            turn.say("empty")
            return STAY
        if len(text) > MAX_INPUT_CHARS:
            turn.say("too_long", length=len(text), limit=MAX_INPUT_CHARS)
            return STAY
        by_label = {label.casefold(): value for value, label in active.items()}
        if text.casefold() in by_label:
            return self.press(turn, by_label[text.casefold()])
        said = confirmation_word(text)  # « oui », « c'est bon » typed under « Oui, c'est correct / Non »
        answered = next((value for value in active if said and value.partition(":")[2] == said), None)
        if answered is not None:
            return self.press(turn, answered)
        intent = smalltalk.intent(text)
        if intent is not None:  # « merci », « bonjour », « qui es-tu ? »: a word back, then the step again
            if intent == "help":
                turn.say("help")
            else:
                turn.send(smalltalk.reply(intent))
            return STAY
        return self.steps[turn.step].on_text(turn, text)

    def command(self, turn: Turn, name: str, args: str) -> Next:
        handler = self.commands.get(name)
        if handler is None:
            turn.say("unknown_command", name=name[:40])
            return STAY
        outcome = handler(turn, args)
        if name == "start" and args:  # a deep-link payload (t.me/<bot>?start=eligibilite) opens its part
            target = self.deep_links.get(args.lower())
            if target is not None:
                return self.press(turn, target)
            for prefix, action in self.deep_links.items():  # « join_K7 »: the action « join » with « K7 »
                if prefix.endswith("_") and args.lower().startswith(prefix):
                    return self.press(turn, f"{action}:{args[len(prefix):]}")
        return outcome

    def press(self, turn: Turn, value: str) -> Next:
        """A button's action: « go:recap » by its whole value, « edit:<field> » by its name."""
        if value in self.actions:
            return self.actions[value](turn, "")
        name, _, arg = value.partition(":")
        handler = self.actions.get(name)
        if handler is None:
            turn.say("unknown_button")
            return STAY
        return handler(turn, arg)
