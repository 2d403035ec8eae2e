"""Questions on the programme: the « question » step, /question, and typed text at steps that expect a button."""

from __future__ import annotations

from bot.dialog import views
from bot.dialog.scene import STAY, WAIT, Next, Scene, Step
from bot.dialog.session import FORM_STEPS
from bot.dialog.turn import Turn


def answer(turn: Turn, question: str, known=None) -> None:
    """Answer a question from the knowledge base (`known`: its answer, when already asked)."""
    result = known if known is not None else turn.parts.answerer.answer(question)
    turn.send(result.answer, slow=True)
    sources = getattr(result, "sources", None) or []
    turn.asked("question", question, "abstained" if result.abstained else "answered",
               None if result.abstained or not sources else sources[0].id)


def answer_then_ask(turn: Turn, text: str) -> Next:
    """Free text at a step that expects a button: answered as a question, then the step again."""
    answer(turn, text)
    return STAY


def ask(turn: Turn) -> None:
    turn.say("ask_question")


def on_question(turn: Turn, text: str) -> Next:
    answer(turn, text)
    back_to = turn.session.detour or "menu"
    turn.session.detour = None
    if back_to == "menu":
        turn.attach(views.menu_buttons(has_draft=turn.draft() is not None))
        return Next("menu", prompt=False)
    turn.say("question_resume")
    return Next(back_to)


def cmd_question(turn: Turn, args: str) -> Next:
    """/question [text]: the text answered at once, or the question step (coming back to the form after)."""
    if args:
        answer(turn, args)
        if turn.step == "menu":
            turn.attach(views.menu_buttons(has_draft=turn.draft() is not None))
            return WAIT
        turn.say("question_resume")
        return STAY
    if turn.step != "question":
        turn.session.detour = turn.step if turn.step in FORM_STEPS else "menu"
    return Next("question")


SCENE = Scene(
    name="question",
    steps={"question": Step(ask, on_question)},
    commands={"question": cmd_question},
    actions={"go:question": cmd_question},
    deep_links={"question": "go:question"},
)
