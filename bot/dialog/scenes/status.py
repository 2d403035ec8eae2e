"""Where a draft stands, for its owner and co-editors: /statut (status, what is missing, the change
requested, every comment addressed to them rubric by rubric — never reviewers' private notes), and a
co-editor telling the owner their part is done."""

from __future__ import annotations

from bot.candidature import form
from bot.dialog import views
from bot.dialog.scene import Next, Scene
from bot.dialog.scenes.recap import no_draft
from bot.dialog.scenes.submission import title_of
from bot.dialog.texts import t
from bot.dialog.turn import Turn, button
from bot.dialog.types import Reply
from bot.review import workflow
from bot.review.access import OWNER


def cmd_status(turn: Turn, args: str = "") -> Next:
    record = turn.record()
    if record is None:
        return no_draft(turn)
    review = turn.parts.review
    role = review.role(turn.user_id, record)
    request = review.rows.open_change_request(record.id)
    comments = review.rows.comments(record.id)  # addressed to the applicant only: never private notes
    text = views.status_text(record, form.missing(record.draft), request, comments,
                             name_of=turn.parts.conversations.name_of)
    buttons = []
    if role == OWNER and workflow.editable(record.status) and not form.missing(record.draft):
        buttons.append(button("review.buttons.submit", "go:submit"))
    if role == OWNER and record.status in workflow.TRANSITIONS["withdraw"].sources:
        buttons.append(button("review.buttons.withdraw", "go:withdraw"))
    if role != OWNER:
        buttons.append(button("review.buttons.tell_owner", "tell:owner"))
    buttons += [button("recap_buttons.recap", "go:recap"), button("recap_buttons.menu", "go:menu")]
    turn.send(text, buttons)
    return Next("menu", prompt=False)


def tell_owner(turn: Turn) -> Next:
    """A co-editor tells the owner their part is done (with what is still missing)."""
    record = turn.record()
    if record is None:
        return no_draft(turn)
    if record.owner == turn.user_id:
        turn.say("review.tell_owner_self")
        return Next("menu")
    missing = form.missing(record.draft)
    left = t("review.still_missing", labels=", ".join(missing)) if missing else t("review.nothing_missing")
    turn.notify(record.owner, Reply(text=t("review.to_owner_done", who=turn.name, number=record.id,
                                           title=title_of(record), left=left)))
    turn.say("review.owner_told")
    return Next("menu")


def on_tell(turn: Turn, arg: str) -> Next:
    return tell_owner(turn)


SCENE = Scene(
    name="status",
    commands={"statut": cmd_status},
    actions={"go:status": cmd_status, "tell": on_tell},
)
