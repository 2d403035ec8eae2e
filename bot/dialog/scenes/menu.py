"""The menu: where a conversation starts and comes back; /start, /aide, /annuler."""

from __future__ import annotations

from bot.dialog import views
from bot.dialog.scene import STAY, WAIT, Next, Scene, Step
from bot.dialog.scenes.question import answer
from bot.dialog.turn import Turn


def show_menu(turn: Turn) -> None:
    turn.add(views.menu(has_draft=turn.draft() is not None, reviewer=turn.parts.review.is_reviewer(turn.user_id)))


def on_text(turn: Turn, text: str) -> Next:
    """Free text at the menu is a question; the menu's buttons come with the answer."""
    answer(turn, text)
    turn.attach(views.menu_buttons(has_draft=turn.draft() is not None))
    return WAIT


def cmd_start(turn: Turn, args: str) -> Next:
    """/start: the welcome, then the menu (a deep-link payload is followed by the router)."""
    turn.session.detour = None
    turn.say("welcome")
    turn.privacy_notice()
    return Next("menu")


def cmd_help(turn: Turn, args: str) -> Next:
    """The help; at the menu, one message with the menu's buttons under it (not the help, then the
    menu again); elsewhere the step is asked again after it."""
    turn.say("help")
    if turn.step == "menu":
        turn.attach(views.menu_buttons(has_draft=turn.draft() is not None,
                                       reviewer=turn.parts.review.is_reviewer(turn.user_id)))
        return WAIT
    return STAY


def cmd_cancel(turn: Turn, args: str) -> Next:
    if turn.step == "menu":
        turn.session.detour = None
        turn.say("nothing_to_cancel")
    else:
        turn.session.interrupt()
        turn.say("cancelled")
    return Next("menu")


def go_menu(turn: Turn, arg: str) -> Next:
    turn.session.detour = None
    return Next("menu")


SCENE = Scene(
    name="menu",
    steps={"menu": Step(show_menu, on_text)},
    commands={"start": cmd_start, "aide": cmd_help, "help": cmd_help, "annuler": cmd_cancel},
    actions={"go:menu": go_menu, "go:help": cmd_help},
    deep_links={"aide": "go:help"},
)
