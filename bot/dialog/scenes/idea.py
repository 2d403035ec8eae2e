"""Testing a project idea: is it eligible, why, which examples it resembles."""

from __future__ import annotations

import logging

from bot.dialog import views
from bot.dialog.scene import Next, Scene, Step
from bot.dialog.scenes.question import answer_then_ask
from bot.dialog.turn import Turn

log = logging.getLogger(__name__)


def check_eligibility(turn: Turn, idea: str) -> tuple[str | None, str] | None:
    """(verdict, French explanation) of `idea`, or None when the checker is unavailable
    (an answer being saved is saved all the same; the user is told the check was not done)."""
    try:
        from bot.eligibility import render_fr

        verdict = turn.parts.checker.check(idea)
        text = render_fr(verdict)
    except Exception:
        log.exception("eligibility check unavailable")
        return None
    turn.asked("idea", idea, verdict.verdict, ", ".join(verdict.domains) or None)
    return verdict.verdict, text


def ask(turn: Turn) -> None:
    turn.say("ask_idea")


def check_idea(turn: Turn, idea: str) -> Next:
    checked = check_eligibility(turn, idea)
    turn.session.idea = idea
    turn.session.idea_verdict = checked[0] if checked else None
    if checked is None:
        turn.say("eligibility_unavailable_idea")
    else:
        turn.send(checked[1], slow=True)
    return Next("idea_result")


def what_next(turn: Turn) -> None:
    turn.add(views.idea_next())


def cmd_eligibility(turn: Turn, args: str) -> Next:
    return check_idea(turn, args) if args else Next("idea")


def go_idea(turn: Turn, arg: str) -> Next:
    return Next("idea")


SCENE = Scene(
    name="idea",
    steps={"idea": Step(ask, check_idea), "idea_result": Step(what_next, answer_then_ask)},
    commands={"eligibilite": cmd_eligibility, "éligibilité": cmd_eligibility},
    actions={"go:idea": go_idea},
    deep_links={"eligibilite": "go:idea", "idee": "go:idea"},
)
