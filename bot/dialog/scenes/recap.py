"""The recap of a draft: every answer, what is missing, a button to change each one; /recap, /modifier."""

from __future__ import annotations

from bot.candidature import form
from bot.candidature.status import status_label
from bot.dialog import views
from bot.dialog.scene import Next, Scene, Step
from bot.dialog.scenes.question import answer_then_ask
from bot.dialog.turn import Turn, button
from bot.review import workflow


def no_draft(turn: Turn) -> Next:
    turn.say("no_draft")
    return Next("menu")


def show_recap(turn: Turn, args: str = "") -> Next:
    return no_draft(turn) if turn.draft() is None else Next("recap")


def frozen(turn: Turn) -> Next | None:
    """A submitted or approved draft cannot be edited: say so (and how to withdraw it), go to the
    menu. None when the draft may be edited."""
    record = turn.record()
    if record is None or workflow.editable(record.status):
        return None
    owner = record.owner == turn.user_id
    buttons = [button("review.buttons.withdraw", "go:withdraw")] if owner and record.status == workflow.SUBMITTED else []
    key = "review.frozen_owner" if owner and record.status == workflow.SUBMITTED else "review.frozen"
    turn.say(key, buttons + [button("recap_buttons.menu", "go:menu")], status=status_label(record.status))
    return Next("menu", prompt=False)


def recap_prompt(turn: Turn) -> Next | None:
    record = turn.record()
    if record is None:
        return no_draft(turn)
    comments = turn.parts.review.rows.comments(record.id) if record.id is not None else []  # never private notes
    turn.add(views.recap(record.draft, record.status, comments, turn.parts.conversations.name_of,
                         editable=workflow.editable(record.status), can_submit=record.owner == turn.user_id))
    return None


def edit_field(turn: Turn, name: str) -> Next:
    """Ask one field again, then come back to the recap."""
    field = form.field(name)
    if field is None or turn.draft() is None:
        return show_recap(turn)
    refused = frozen(turn)
    if refused is not None:
        return refused
    turn.session.interrupt()
    turn.form.field = field.name
    turn.form.editing = True
    return Next("form")


def cmd_edit(turn: Turn, name: str) -> Next:
    """/modifier [champ]: that field (by name, label or number), or the recap to choose one."""
    if turn.draft() is None:
        return no_draft(turn)
    if name:
        field = form.find(name)
        if field is not None:
            return edit_field(turn, field.name)
        turn.say("edit_unknown", name=name[:80])
    return show_recap(turn)


SCENE = Scene(
    name="recap",
    steps={"recap": Step(recap_prompt, answer_then_ask)},
    commands={"recap": show_recap, "récap": show_recap, "modifier": cmd_edit},
    actions={"edit": edit_field, "go:recap": show_recap},
)
