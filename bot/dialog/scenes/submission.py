"""The applicant's side of the review: /soumettre, /statut, /retirer, /inviter, /rejoindre CODE.

Only the owner submits or withdraws; a co-editor sees the status and can tell the owner their part
is done. Each transition is written in the turn's transaction (`Turn.later`) with the notifications
it causes: the reviewers get the document, the draft's other people are told.
"""

from __future__ import annotations

import logging

from bot.candidature import form
from bot.candidature.status import status_label
from bot.dialog import views
from bot.dialog.scene import STAY, WAIT, Next, Scene, Step
from bot.dialog.scenes.draft import join_form
from bot.dialog.scenes.export import export_meta
from bot.dialog.scenes.question import answer_then_ask
from bot.dialog.scenes.recap import no_draft
from bot.dialog.texts import t
from bot.dialog.turn import Turn, button
from bot.dialog.types import Button, Reply
from bot.review import Refused
from bot.review import workflow
from bot.review.access import OWNER
from bot.review.service import JOIN_PREFIX

log = logging.getLogger(__name__)


def refuse(turn: Turn, reason: str, draft_id: int | None = None, **values) -> Next:
    """A clear French refusal, written to the draft's history; nothing else changes."""
    review = turn.parts.review
    turn.later(lambda: review.refusal(turn.user_id, reason, draft_id))
    values = {k: status_label(v) if k == "status" else v for k, v in values.items()}
    turn.say(f"review.refused.{reason}", **values)
    return WAIT if turn.step in ("menu",) else STAY


def title_of(record) -> str:
    return record.title or t("review.untitled")


def tell(turn: Turn, recipients: list[str], key: str, record) -> None:
    """One notification to each of `recipients` but the person acting: who did what to which draft."""
    for person in recipients:
        if person != turn.user_id:
            turn.notify(person, Reply(text=t(key, number=record.id, title=title_of(record), who=turn.name)))


# -- /soumettre -------------------------------------------------------------------------------
def cmd_submit(turn: Turn, args: str = "") -> Next:
    record = turn.record()
    if record is None:
        return no_draft(turn)
    turn.session.interrupt()
    if turn.parts.review.role(turn.user_id, record) != OWNER:
        turn.say("review.submit_owner_only", [button("review.buttons.tell_owner", "tell:owner"),
                                              button("recap_buttons.menu", "go:menu")])
        return Next("menu", prompt=False)
    if not workflow.editable(record.status):  # submitted or approved
        turn.say("review.submit_not_now", status=status_label(record.status))
        return Next("menu")
    missing = form.missing_fields(record.draft)
    if missing:
        turn.say("review.submit_missing", views.fill_buttons(missing), labels=", ".join(f.label for f in missing))
        return Next("menu", prompt=False)
    return Next("submit_confirm")


def confirm(turn: Turn, key: str, yes: Button, no: Button) -> Next | None:
    """A confirmation before a transition: what it does to which draft, yes or no."""
    record = turn.record()
    if record is None:
        return no_draft(turn)
    turn.say(key, [yes, no], number=record.id, title=title_of(record))
    return None


def ask_submit_confirm(turn: Turn) -> Next | None:
    return confirm(turn, "review.submit_confirm", button("review.buttons.submit_yes", "sub:yes"),
                   button("review.buttons.not_yet", "go:menu"))


def take(turn: Turn, action: str):
    """The owner's transition `action` checked now, and written with the turn: (the draft, the
    status and version seen), or a refusal said to the person (a `Next`)."""
    record = turn.record()
    if record is None:
        return no_draft(turn)
    try:
        workflow.check(action, record.status, complete=not form.missing_fields(record.draft))
    except Refused as refusal:
        return refuse(turn, refusal.reason, record.id, **refusal.values)
    review, seen = turn.parts.review, (record.status, record.version)
    turn.later(lambda: review.transition(record, turn.user_id, action, seen=seen))
    return record


def submit(turn: Turn) -> Next:
    from bot.export import export_draft, safe_filename

    review = turn.parts.review
    record = turn.record()
    changes = review.since_previous_submission(record) if record is not None else None
    record = take(turn, "submit")
    if isinstance(record, Next):
        return record
    document = None
    try:
        turn.out_dir.mkdir(parents=True, exist_ok=True)
        document = turn.out_dir / safe_filename(record.draft, record.id, "docx")
        export_draft(record.draft, "docx", document, export_meta(turn, record, status=workflow.SUBMITTED))
    except Exception:  # the submission goes on; reviewers can ask for the document with « Lire »
        log.exception("the document of draft %s could not be made for the reviewers", record.id)
        document = None
    key = "review.to_reviewers_submitted" if changes is None else "review.to_reviewers_resubmitted"
    text = t(key, number=record.id, title=title_of(record),
             interco=record.draft.get("interco.name") or "", who=turn.name)
    if changes:
        text += "\n\n" + views.changes_text(changes)
    elif changes is not None:
        text += "\n\n" + t("review.no_change")
    for reviewer in review.reviewers.recipients():
        if reviewer != turn.user_id:
            turn.notify(reviewer, Reply(text=text, document=document,
                                        document_name=document.name if document else None,
                                        buttons=views.reviewer_buttons(record.id)))
    tell(turn, review.others(record, turn.user_id), "review.to_team_submitted", record)
    turn.say("review.submitted", number=record.id)
    return Next("menu")


# -- /retirer ---------------------------------------------------------------------------------
def cmd_withdraw(turn: Turn, args: str = "") -> Next:
    record = turn.record()
    if record is None:
        return no_draft(turn)
    turn.session.interrupt()
    if turn.parts.review.role(turn.user_id, record) != OWNER:
        turn.say("review.withdraw_owner_only")
        return Next("menu")
    if record.status not in workflow.TRANSITIONS["withdraw"].sources:
        turn.say("review.withdraw_not_now", status=status_label(record.status))
        return Next("menu")
    return Next("withdraw_confirm")


def ask_withdraw_confirm(turn: Turn) -> Next | None:
    return confirm(turn, "review.withdraw_confirm", button("review.buttons.withdraw_yes", "sub:withdraw"),
                   button("review.buttons.keep_submitted", "go:menu"))


def withdraw(turn: Turn) -> Next:
    review = turn.parts.review
    record = take(turn, "withdraw")
    if isinstance(record, Next):
        return record
    tell(turn, review.reviewers.recipients(), "review.to_reviewers_withdrawn", record)
    tell(turn, review.others(record, turn.user_id), "review.to_team_withdrawn", record)
    turn.say("review.withdrawn", number=record.id)
    return Next("menu")


# -- /inviter, /rejoindre ---------------------------------------------------------------------
def cmd_invite(turn: Turn, args: str = "") -> Next:
    record = turn.record()
    if record is None:
        return no_draft(turn)
    review = turn.parts.review
    if review.role(turn.user_id, record) != OWNER:
        turn.say("review.refused.invite_owner_only")
        return STAY
    if record.id is None:
        turn.say("no_draft")
        return Next("menu")
    code = review.new_code()
    turn.later(lambda: review.invite(record, turn.user_id, code))
    turn.send(t("review.invitation", code=code, days=review.invitation_days, number=record.id,
                title=title_of(record)), start_payload=f"{JOIN_PREFIX}{code}")
    return STAY if turn.step != "menu" else WAIT


def cmd_join(turn: Turn, code: str) -> Next:
    review = turn.parts.review
    if not code.strip():
        turn.say("review.join_usage")
        return STAY
    try:
        record = review.check_invitation(code, turn.user_id)
    except Refused as refusal:
        return refuse(turn, refusal.reason, None)
    turn.later(lambda: review.join(code, turn.user_id))
    turn.session.interrupt()
    turn.notify(record.owner, Reply(text=t("review.to_owner_joined", who=turn.name, number=record.id,
                                           title=title_of(record))))
    turn.say("review.joined", number=record.id, title=title_of(record))
    return join_form(turn, record)  # the step the draft is at, asked: the next line typed answers it


def on_button(turn: Turn, arg: str) -> Next:
    if arg == "yes":
        return submit(turn)
    if arg == "withdraw":
        return withdraw(turn)
    turn.say("unknown_button")
    return STAY


SCENE = Scene(
    name="submission",
    steps={"submit_confirm": Step(ask_submit_confirm, answer_then_ask),
           "withdraw_confirm": Step(ask_withdraw_confirm, answer_then_ask)},
    commands={"soumettre": cmd_submit, "retirer": cmd_withdraw, "inviter": cmd_invite,
              "rejoindre": cmd_join},
    actions={"sub": on_button, "go:submit": cmd_submit, "go:withdraw": cmd_withdraw, "go:invite": cmd_invite,
             "join": cmd_join},
    deep_links={JOIN_PREFIX: "join"},
)
