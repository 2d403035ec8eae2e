"""Opening a draft: resume the current one, start a new one, or start from the idea just tested."""

from __future__ import annotations

from bot.candidature import form
from bot.dialog import views
from bot.dialog.scene import Next, Scene, Step
from bot.dialog.scenes.question import answer_then_ask
from bot.dialog.scenes.recap import frozen, show_recap
from bot.dialog.session import FORM_STEPS, FormProgress, Session
from bot.dialog.turn import Turn


def new_draft(turn: Turn, prefill: dict[str, str] | None = None) -> Next:
    turn.start_draft()
    turn.session.form = FormProgress(field=form.FIELDS[0].name, prefill=prefill or {})
    turn.privacy_notice()  # before the first personal data (the contact, the binôme) is asked
    turn.say("draft_started", total=len(form.FIELDS))
    return Next("form")


def open_draft(turn: Turn, from_idea: bool = False) -> Next:
    """« Rédiger / reprendre » : resume the current draft, or start one."""
    turn.session.interrupt()
    if from_idea:
        return new_draft(turn, {form.DESCRIPTION_FIELD: turn.session.idea or ""})
    if turn.draft() is None:
        return new_draft(turn)
    return Next("draft_choice")


def choice_prompt(turn: Turn) -> Next | None:
    draft = turn.draft()
    if draft is None:
        return new_draft(turn)
    turn.add(views.draft_choice(draft, idea_tested=bool(turn.session.idea)))
    return None


def resume_form(turn: Turn) -> Next:
    draft = turn.draft()
    if draft is None:
        return new_draft(turn)
    refused = frozen(turn)
    if refused is not None:
        return refused
    turn.form.fails = 0
    turn.form.editing = False
    # the first answer not given yet, those left for later last: « Continuer la saisie » reaches them too
    nxt = form.next_field(draft, after=None, skipped=set(turn.form.skipped)) or form.next_field(draft, after=None)
    if nxt is None:
        return show_recap(turn)
    turn.say("draft_resumed")
    turn.form.field = nxt.name
    return Next("form")


def join_form(turn: Turn, record) -> Next:
    """A co-editor who just joined `record` is put where the draft is: on the field its owner is
    being asked (what they type next is its answer, as for the owner), else on the first field left
    but those the owner left for later; the recap when nothing is left, as the owner sees it."""
    owner = Session.from_stored(turn.parts.conversations.load_session(record.owner))
    same = owner.form.draft_id == record.id
    turn.session.form = FormProgress(skipped=list(owner.form.skipped) if same else [])
    turn.work_on(record)
    refused = frozen(turn)  # submitted or approved: nothing to write now
    if refused is not None:
        return refused
    at = form.field(owner.form.field) if same and owner.step in FORM_STEPS else None
    if at is None or form.is_filled(record.draft, at):
        at = form.next_field(record.draft, after=None, skipped=set(turn.form.skipped))
    if at is None:
        return show_recap(turn)
    turn.form.field = at.name
    return Next("form")


def on_choice(turn: Turn, arg: str) -> Next:
    if arg == "idea":
        return open_draft(turn, from_idea=True)
    if arg == "new":
        return new_draft(turn)
    return resume_form(turn)


def cmd_draft(turn: Turn, args: str) -> Next:
    return open_draft(turn)


SCENE = Scene(
    name="draft",
    steps={"draft_choice": Step(choice_prompt, answer_then_ask)},
    commands={"candidature": cmd_draft},
    actions={"draft": on_choice, "go:draft": cmd_draft},
    deep_links={"candidature": "go:draft"},
)
