"""The flow, declared in one place: the steps, the commands, the button actions.

A step has a `prompt` (what to say on entering it, or to ask again) and an `on_text` (what typed text
means there). Buttons carry an action value « name:arg » dispatched by `ACTIONS`. The picture of this
table is `docs/dialog.mmd`; keep both in step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.dialog import form
from bot.dialog.texts import t
from bot.dialog.turn import Turn, button


@dataclass(frozen=True)
class Step:
    prompt: Callable[[Turn], None]
    on_text: Callable[[Turn, str], None]


# -- menu, questions, ideas ------------------------------------------------------------------
def menu_buttons() -> list:
    return [
        button("menu_buttons.question", "go:question"),
        button("menu_buttons.idea", "go:idea"),
        button("menu_buttons.draft", "go:draft"),
        button("menu_buttons.export", "go:export"),
        button("menu_buttons.help", "go:help"),
    ]


def menu_prompt(turn: Turn) -> None:
    turn.say("menu", menu_buttons())


def answer(turn: Turn, question: str) -> None:
    """Answer a question from the knowledge base."""
    result = turn.services.answerer.answer(question)
    turn.send(result.answer, slow=True)


def answer_then_menu_buttons(turn: Turn, text: str) -> None:
    """Free text at the menu is a question; the menu's buttons come with the answer."""
    answer(turn, text)
    turn.attach(menu_buttons())


def answer_then_prompt(turn: Turn, text: str) -> None:
    """Free text at a step that expects a button: answered as a question, then the step again."""
    answer(turn, text)
    STEPS[turn.step].prompt(turn)


def question_prompt(turn: Turn) -> None:
    turn.say("ask_question")


def on_question(turn: Turn, text: str) -> None:
    answer(turn, text)
    back_to = turn.data.pop("return_to", "menu")
    if back_to == "menu":
        turn.state.step = "menu"
        turn.attach(menu_buttons())
    else:
        turn.say("question_resume")
        turn.goto(back_to)


def idea_prompt(turn: Turn) -> None:
    turn.say("ask_idea")


def check_idea(turn: Turn, idea: str) -> None:
    checked = form.check_eligibility(turn, idea)
    turn.data["idea"] = idea
    turn.data["idea_verdict"] = checked[0] if checked else None
    if checked is None:
        turn.say("eligibility_unavailable_idea")
    else:
        turn.send(checked[1], slow=True)
    turn.goto("idea_result")


def idea_result_prompt(turn: Turn) -> None:
    turn.say(
        "idea_next",
        [
            button("idea_buttons.draft", "draft:idea"),
            button("idea_buttons.rephrase", "go:idea"),
            button("idea_buttons.menu", "go:menu"),
        ],
    )


def help_prompt(turn: Turn) -> None:
    turn.say("help")


# -- the table of steps ----------------------------------------------------------------------
STEPS: dict[str, Step] = {
    "menu": Step(menu_prompt, answer_then_menu_buttons),
    "question": Step(question_prompt, on_question),
    "idea": Step(idea_prompt, check_idea),
    "idea_result": Step(idea_result_prompt, answer_then_prompt),
    "draft_choice": Step(form.draft_choice_prompt, answer_then_prompt),
    "form": Step(form.ask_field, form.on_answer),
    "confirm": Step(form.confirm_prompt, form.on_answer),
    "eligibility": Step(form.eligibility_prompt, form.on_rephrase),
    "recap": Step(form.recap_prompt, answer_then_prompt),
    "export": Step(form.export_prompt, form.on_export_text),
}


# -- commands ----------------------------------------------------------------------------------
def cmd_start(turn: Turn, args: str) -> None:
    """/start [payload]: welcome; a deep-link payload opens the matching part."""
    turn.data.pop("return_to", None)
    turn.say("welcome")
    target = DEEP_LINKS.get(args.strip().lower())
    if target is None:
        turn.goto("menu")
    else:
        ACTIONS[target[0]](turn, target[1])


def cmd_help(turn: Turn, args: str) -> None:
    turn.say("help")
    resume(turn)


def cmd_question(turn: Turn, args: str) -> None:
    if args:
        answer(turn, args)
        if turn.step == "menu":
            turn.attach(menu_buttons())
        else:
            turn.say("question_resume")
            resume(turn)
        return
    if turn.step != "question":
        turn.data["return_to"] = turn.step if turn.step in form.FORM_STEPS else "menu"
    turn.goto("question")


def cmd_eligibility(turn: Turn, args: str) -> None:
    if args:
        check_idea(turn, args)
    else:
        turn.goto("idea")


def cmd_draft(turn: Turn, args: str) -> None:
    form.open_draft(turn, from_idea=False)


def cmd_recap(turn: Turn, args: str) -> None:
    form.show_recap(turn)


def cmd_edit(turn: Turn, args: str) -> None:
    form.edit(turn, args)


def cmd_skip(turn: Turn, args: str) -> None:
    form.skip(turn)


def cmd_back(turn: Turn, args: str) -> None:
    form.back(turn)


def cmd_cancel(turn: Turn, args: str) -> None:
    turn.data.pop("return_to", None)
    if turn.step == "menu":
        turn.say("nothing_to_cancel")
    else:
        form.clear_pending(turn)
        turn.say("cancelled")
    turn.goto("menu")


def cmd_export(turn: Turn, args: str) -> None:
    form.start_export(turn, args)


def resume(turn: Turn) -> None:
    """Ask the current step again (once)."""
    STEPS[turn.step].prompt(turn)


COMMANDS: dict[str, Callable[[Turn, str], None]] = {
    "start": cmd_start,
    "aide": cmd_help,
    "help": cmd_help,
    "question": cmd_question,
    "eligibilite": cmd_eligibility,
    "éligibilité": cmd_eligibility,
    "candidature": cmd_draft,
    "recap": cmd_recap,
    "récap": cmd_recap,
    "modifier": cmd_edit,
    "passer": cmd_skip,
    "retour": cmd_back,
    "annuler": cmd_cancel,
    "export": cmd_export,
    "exporter": cmd_export,
}


# -- button actions (« name:arg ») -------------------------------------------------------------
def act_go(turn: Turn, where: str) -> None:
    if where == "menu":
        turn.data.pop("return_to", None)
        turn.goto("menu")
    elif where == "question":
        cmd_question(turn, "")
    elif where == "idea":
        turn.goto("idea")
    elif where == "draft":
        form.open_draft(turn, from_idea=False)
    elif where == "export":
        form.start_export(turn, "")
    elif where == "help":
        turn.say("help")
        resume(turn)
    elif where == "recap":
        form.show_recap(turn)


ACTIONS: dict[str, Callable[[Turn, str], None]] = {
    "go": act_go,
    "draft": form.act_draft,
    "form": form.act_form,
    "edit": form.act_edit,
    "fmt": form.act_format,
}

# deep-link payloads of /start → an action
DEEP_LINKS: dict[str, tuple[str, str]] = {
    "question": ("go", "question"),
    "eligibilite": ("go", "idea"),
    "idee": ("go", "idea"),
    "candidature": ("go", "draft"),
    "export": ("go", "export"),
    "aide": ("go", "help"),
}


def press(turn: Turn, value: str) -> None:
    name, _, arg = value.partition(":")
    handler = ACTIONS.get(name)
    if handler is None:
        turn.say("unknown_button")
        resume(turn)
        return
    handler(turn, arg)
