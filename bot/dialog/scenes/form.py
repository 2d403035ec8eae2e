"""The guided form: one field per step, validated, resumable; /passer (every field can be left for
later: the draft stays incomplete, the recap offers to fill it), /retour.

Steps: `form` (a field asked), `confirm` (a grouped answer shown back), `eligibility` (the description
raised a point of attention: rephrase or continue). The answers go to the draft; where the user is
goes to `session.form`.
"""

from __future__ import annotations

from typing import Any

from bot.candidature import form
from bot.candidature.form import FieldError
from bot.dialog import views
from bot.dialog.scene import STAY, WAIT, Next, Scene, Step
from bot.dialog.reading import read_line
from bot.dialog.scenes.form_held import answered_meanwhile, answers_a_deduced_step, parses, typed_on
from bot.dialog.scenes.idea import check_eligibility
from bot.dialog.scenes.question import answer
from bot.dialog.scenes.recap import frozen, no_draft, show_recap
from bot.dialog.session import FORM_STEPS
from bot.dialog.texts import t
from bot.dialog.turn import Turn, button

MAX_FAILS = 3
BINOME_LAST = "binome.referent_metier"  # after it, the owner is offered to invite the binôme


def current_field(turn: Turn) -> form.Field:
    return form.field(turn.form.field) or form.FIELDS[0]


# -- asking ---------------------------------------------------------------------------------
def ask_field(turn: Turn) -> Next | None:
    draft = turn.draft()
    if draft is None:
        return no_draft(turn)
    refused = frozen(turn)  # submitted meanwhile (by the owner, for a co-editor): no more answers
    if refused is not None:
        return refused
    field = current_field(turn)
    turn.form.blank = None if form.is_filled(draft, field) else field.name
    turn.add(views.field_question(draft, field, turn.form.prefill.get(field.name), field.name in turn.form.carried))
    return None


def ask_confirm(turn: Turn) -> Next | None:
    if turn.form.pending is None:
        return Next("form")
    turn.add(views.confirm(turn.form.pending))
    return None


def ask_rephrase_or_continue(turn: Turn) -> None:
    buttons = views.eligibility_buttons()
    if turn.replies and not turn.replies[-1].buttons and turn.replies[-1].document is None:
        turn.attach(buttons)  # right under the warning just given
    else:  # asked again on its own (resume, help): say what the buttons are about
        turn.say("eligibility_choice", buttons)


# -- answering ------------------------------------------------------------------------------
def on_text(turn: Turn, text: str) -> Next:
    """Typed text during the form: a question on the programme (answered, the same step asked
    again, the field untouched), the answer to the current field, or, when it could be either,
    the person is asked which (never a question stored silently)."""
    refused = frozen(turn)
    if refused is not None:
        return refused
    field = current_field(turn)
    waiting = turn.step == "confirm" and turn.form.pending is not None
    reading, known = read_line(text, field.name, turn.parts.answerer)
    if reading == "question":
        return answer_and_resume(turn, text, known)
    if waiting and not parses(field, text):
        return typed_on(turn, field, text)
    turn.form.pending = None
    if turn.form.blank == field.name and form.is_filled(turn.draft(), field):
        return answered_meanwhile(turn, field, text)
    if reading == "unclear":
        turn.form.held = text
        turn.say("reading_unclear", [button("reading_buttons.answer", "form:mine"),
                                     button("reading_buttons.question", "form:asked")])
        return Next("form", prompt=False)
    return accept(turn, field, text)


def answer_and_resume(turn: Turn, text: str, known=None) -> Next:
    answer(turn, text, known)
    turn.say("question_resume")
    return Next("form") if turn.step == "eligibility" else STAY


def accept(turn: Turn, field: form.Field, text: str) -> Next:
    try:
        value = field.parse(text)
    except FieldError as error:
        deduced = answers_a_deduced_step(turn, field, text)
        if deduced is not None:
            return deduced
        turn.form.fails += 1
        turn.send(t("invalid", message=error.message_fr))
        if turn.form.fails >= MAX_FAILS:  # its help, its example, and the way on
            turn.add(*views.field_help(field))
            turn.say("retry_offer", [button("form_buttons.help", "form:help"),
                                     button("form_buttons.skip" if field.optional else "form_buttons.later", "form:skip")])
        return Next("form", prompt=False)
    turn.form.fails = 0
    if field.confirm:
        turn.form.pending = form.jsonable(value)
        return Next("confirm")
    return commit(turn, field, value)


def commit(turn: Turn, field: form.Field, value: Any) -> Next:
    """Write an accepted value to the draft (saved with the turn), then go on."""
    deduced_before = form.inferred(turn.draft())
    form.answer(turn.draft(), field, value)
    turn.touch_draft()
    for deduced in (f for f in form.inferred(turn.draft()) if f not in deduced_before):  # the step it spares
        turn.say("deduced", label=deduced.label, value=form.show(turn.draft().get(deduced.name)))
    turn.form.prefill.pop(field.name, None)
    if field.name in turn.form.carried:
        turn.form.carried.remove(field.name)
    turn.form.blank = None  # answered by this person: their next line is not « meanwhile »
    if field.name in turn.form.skipped:
        turn.form.skipped.remove(field.name)
    if field.name == form.DESCRIPTION_FIELD:
        checked = check_eligibility(turn, form.show(value))
        if checked is None:
            turn.say("eligibility_unavailable")
        elif checked[0] != "eligible":
            turn.say("eligibility_warning")
            turn.send(checked[1], slow=True)
            return Next("eligibility")
        else:
            turn.say("eligibility_ok")
    if field.name == BINOME_LAST and turn.record().owner == turn.user_id:
        # the people just named are the natural co-editors; they should also know they are named
        turn.say("review.invite_offer", [button("review.buttons.invite", "go:invite")])
    return advance(turn)


def advance(turn: Turn) -> Next:
    """The next field to ask (or the recap when none is left, or after an edit)."""
    field = current_field(turn)
    if turn.form.editing:
        turn.form.editing = False
        return show_recap(turn)
    nxt = form.next_field(turn.draft(), after=field.name, skipped=set(turn.form.skipped))
    if nxt is None:
        missing = form.missing(turn.draft())
        if missing:
            turn.say("form_done_incomplete", labels=", ".join(missing))
        else:
            turn.say("form_done")
        return show_recap(turn)
    turn.form.field = nxt.name
    return Next("form")


def on_button(turn: Turn, arg: str) -> Next:
    field = current_field(turn)
    if arg == "yes" and turn.form.pending is not None:
        value, turn.form.pending = turn.form.pending, None
        return commit(turn, field, value)
    if arg == "no":
        turn.form.pending = None
        turn.say("confirm_again")
        return Next("form", prompt=False)
    if arg == "skip":
        return skip(turn, "")
    if arg == "help":
        turn.add(*views.field_help(field))
        return WAIT
    if arg in ("mine", "asked") and turn.form.held:
        held, turn.form.held = turn.form.held, None
        return accept(turn, field, held) if arg == "mine" else answer_and_resume(turn, held)
    if arg == "keep":
        prefill = turn.form.prefill.get(field.name)
        return accept(turn, field, prefill) if prefill else Next("form")
    if arg == "continue":  # past the eligibility point, or keeping the team's answer given meanwhile
        turn.form.held = None
        return advance(turn)
    if arg == "rephrase":
        turn.say("rephrase")
        return Next("form", prompt=False)
    return STAY


# -- /passer, /retour -------------------------------------------------------------------------
def skip(turn: Turn, args: str) -> Next:
    if turn.step not in FORM_STEPS:
        turn.say("nothing_to_skip")
        return STAY
    if turn.step == "eligibility":  # the description is written: go on
        return advance(turn)
    field = current_field(turn)
    turn.form.reset_attempts()
    if field.name not in turn.form.skipped:
        turn.form.skipped.append(field.name)
    turn.say("skipped" if field.optional else "left_for_later")
    return advance(turn)


def back(turn: Turn, args: str) -> Next:
    if turn.step not in FORM_STEPS:
        turn.say("nothing_to_go_back")
        return STAY
    position = form.index(current_field(turn))
    turn.form.reset_attempts()
    if position == 0:
        turn.say("first_step")
    else:
        turn.form.field = form.FIELDS[position - 1].name
    return Next("form")


SCENE = Scene(
    name="form",
    steps={
        "form": Step(ask_field, on_text),
        "confirm": Step(ask_confirm, on_text),
        "eligibility": Step(ask_rephrase_or_continue, on_text),
    },
    commands={"passer": skip, "retour": back},
    actions={"form": on_button},
)
