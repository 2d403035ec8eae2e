"""Lines the form holds while something else waits for the person: a line typed on past a confirmation
(kept for the next field), a line typed over an answer the team gave meanwhile (kept until they say
whether it replaces it), a line that answers a step the form did not ask (its answer deduced). Nothing typed is
dropped silently."""

from __future__ import annotations

from bot.candidature import form
from bot.candidature.form import FieldError
from bot.dialog.scene import Next
from bot.dialog.texts import t
from bot.dialog.turn import Turn, button


def parses(field: form.Field, text: str) -> bool:
    try:
        field.parse(text)
    except FieldError:
        return False
    return True


def typed_on(turn: Turn, field: form.Field, text: str) -> Next:
    """A line typed while an answer waits for « Oui, c'est correct », which does not answer that field (a
    hurried person going on to the next question): the answer is shown again to confirm, and the line is
    kept, offered at the next field rather than lost."""
    following = form.next_field(turn.draft(), after=field.name, skipped=set(turn.form.skipped))
    if following is None:
        turn.say("confirm_first_last")
    else:
        turn.form.prefill[following.name] = text
        if following.name not in turn.form.carried:
            turn.form.carried.append(following.name)
        turn.say("confirm_first", label=following.label)
    return Next("confirm")


def answered_meanwhile(turn: Turn, field: form.Field, text: str) -> Next:
    """The field was empty when the person was asked it, and someone of the team has answered it
    since (each answer is committed with its turn): theirs is shown, and the line is kept until the
    person says whether it replaces it."""
    record = turn.record()
    who = turn.parts.review.last_editor(record, field.name)
    turn.form.held, turn.form.blank = text, None
    turn.say("answered_meanwhile", [button("meanwhile_buttons.replace", "form:mine"),
                                    button("meanwhile_buttons.keep", "form:continue")],
             who=turn.parts.conversations.name_of(who) if who else t("review.someone"),
             label=field.label, value=form.show(record.draft.get(field.name)))
    return Next("form", prompt=False)


def answers_a_deduced_step(turn: Turn, field: form.Field, text: str) -> Next | None:
    """A line that does not answer `field` but answers a step the form did not ask, its answer deduced (« CC du
    Val Vert » states the type): a hurried person answering the question they expected. It is taken as that
    step's answer (the deduction confirmed, or corrected) and `field` is asked again; None when it is not one."""
    draft = turn.draft()
    for deduced in form.inferred(draft):
        if deduced is field:
            continue
        try:
            value = deduced.parse(text)
        except FieldError:
            continue
        same = value == draft.get(deduced.name)
        if not same:
            form.answer(draft, deduced, value)
            turn.touch_draft()
        turn.say("deduced_confirmed" if same else "deduced_corrected", label=deduced.label, value=form.show(value))
        return Next("form")
    return None
