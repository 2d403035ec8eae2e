"""The reviewers' side: /relectures (drafts to read, « soumis » first, oldest first), a draft opened
(what changed since the previous submission), comments rubric by rubric (to the applicant, or a
private note), changes requested, approval.

Buttons of the form « rv:<verb>:<number> » come in reviewers' notifications too: they may be pressed
from any message (`Scene.open_actions`), so each press checks the person's scope again — a guessed
or forged number is « introuvable », and changes nothing.
"""

from __future__ import annotations

from bot.candidature import form
from bot.candidature.status import status_label
from bot.dialog import views
from bot.dialog.scene import STAY, Next, Scene, Step
from bot.dialog.scenes.export import export_meta
from bot.dialog.scenes.question import answer_then_ask
from bot.dialog.scenes.submission import refuse, title_of
from bot.dialog.session import ReviewProgress
from bot.dialog.texts import t
from bot.dialog.turn import Turn, button
from bot.dialog.types import Reply
from bot.review import Refused, workflow

GENERAL = "general"  # a comment on the whole draft, not one rubric
VERBS = ("open", "read", "comment", "changes", "approve", "cancel")


def is_reviewer(turn: Turn) -> bool:
    return turn.parts.review.is_reviewer(turn.user_id)


def cmd_reviews(turn: Turn, args: str = "") -> Next:
    if not is_reviewer(turn):
        return refuse(turn, "not_reviewer")
    turn.session.interrupt()
    if args.strip():
        return on_review(turn, f"open:{args.strip().lstrip('n°').strip()}")
    return Next("reviews")


def list_prompt(turn: Turn) -> Next | None:
    if not is_reviewer(turn):
        return Next("menu")
    queue = turn.parts.review.queue()
    if not queue:
        turn.say("review.queue_empty", [button("recap_buttons.menu", "go:menu")])
        return None
    turn.send(views.queue_text(queue), views.queue_buttons(queue))
    return None


def on_list_text(turn: Turn, text: str) -> Next:
    """A number typed at the list opens that draft; anything else is a question."""
    number = text.strip().lstrip("n°").strip()
    return on_review(turn, f"open:{number}") if number.isdigit() else answer_then_ask(turn, text)


def current(turn: Turn):
    """The draft the reviewer works on, read again (it may have moved since it was opened)."""
    return turn.parts.review.find(turn.user_id, turn.session.review.draft_id)


def on_review(turn: Turn, arg: str) -> Next:
    """« rv:<verb>:<number> » from a list, a draft's view or a notification."""
    verb, _, number = arg.partition(":")
    review = turn.parts.review
    record = review.find(turn.user_id, number) if is_reviewer(turn) else None
    if record is None or verb not in VERBS:  # the same answer for a number out of scope and one that does not exist
        return refuse(turn, "not_found", int(number) if number.isdigit() else None)
    if turn.session.review.draft_id != record.id or verb == "open":
        turn.session.review = ReviewProgress(draft_id=record.id, status=record.status, version=record.version)
    if verb == "read":
        return read(turn, record)
    if verb == "comment":
        return Next("review_field")
    if verb == "changes":
        return decide(turn, "request_changes", ask_first=True)
    if verb == "approve":
        return decide(turn, "approve")
    if verb == "cancel":
        return decide(turn, "cancel_request")
    return Next("review_draft")


def draft_prompt(turn: Turn) -> Next | None:
    record = current(turn)
    if record is None:
        return Next("reviews")
    review = turn.parts.review
    request = review.rows.open_change_request(record.id)
    changes = review.since_previous_submission(record)
    turn.send(views.review_header(record, changes,
                                  request, name_of=turn.parts.conversations.name_of),
              views.review_buttons(record, can_cancel=bool(request and request["requested_by"] == turn.user_id)))
    return None


def read(turn: Turn, record) -> Next:
    """The whole draft: its recap with every comment (private notes included), and the document."""
    from bot.export import export_draft, safe_filename

    comments = turn.parts.review.rows.comments(record.id, include_private=True)
    turn.send(views.recap_text(record.draft, comments=comments, name_of=turn.parts.conversations.name_of))
    try:
        turn.out_dir.mkdir(parents=True, exist_ok=True)
        path = turn.out_dir / safe_filename(record.draft, record.id, "docx")
        export_draft(record.draft, "docx", path, export_meta(turn, record))
        turn.send(t("review.document", number=record.id), document=path, document_name=path.name)
    except Exception:
        turn.say("export_failed")
    return Next("review_draft")


# -- comments ---------------------------------------------------------------------------------
def field_prompt(turn: Turn) -> Next | None:
    record = current(turn)
    if record is None:
        return Next("reviews")
    buttons = [button("review.buttons.rubric", f"rvf:{f.name}", label=f.label) for f in form.FIELDS]
    buttons += [button("review.buttons.general", f"rvf:{GENERAL}"), button("review.buttons.back", f"rv:open:{record.id}")]
    turn.say("review.which_rubric", buttons, number=record.id)
    return None


def on_field(turn: Turn, name: str) -> Next:
    if name != GENERAL and form.field(name) is None:
        turn.say("unknown_button")
        return STAY
    turn.session.review.field = name
    return Next("review_text")


def field_label(name: str | None) -> str:
    return t("review.general") if name in (None, GENERAL) else form.label(name)


def text_prompt(turn: Turn) -> None:
    turn.say("review.write_comment", label=field_label(turn.session.review.field))


def on_comment_text(turn: Turn, text: str) -> Next:
    turn.session.review.text = text.strip()
    return Next("review_audience")


def audience_prompt(turn: Turn) -> Next | None:
    if not turn.session.review.text:
        return Next("review_text")
    turn.say("review.audience", [button("review.buttons.to_applicant", "rva:applicant"),
                                 button("review.buttons.private", "rva:private")],
             text=turn.session.review.text)
    return None


def on_audience(turn: Turn, audience: str) -> Next:
    record = current(turn)
    progress = turn.session.review
    if record is None or not progress.text:
        return refuse(turn, "not_found", progress.draft_id)
    private = audience == "private"
    field = None if progress.field in (None, GENERAL) else progress.field
    body, review = progress.text, turn.parts.review
    turn.later(lambda: review.comment(record, turn.user_id, body, field, private))
    if not private:
        for person in review.team(record):
            turn.notify(person, Reply(text=t("review.to_team_comment", who=turn.name, number=record.id,
                                             title=title_of(record), label=field_label(field), body=body),
                                      buttons=[button("review.buttons.see_status", "go:status")]))
    progress.text, progress.field = None, None
    turn.say("review.note_saved" if private else "review.comment_sent")
    return Next("review_draft")


# -- decisions --------------------------------------------------------------------------------
def handled_meanwhile(turn: Turn, record) -> bool:
    """Another reviewer (or the owner) acted since this reviewer opened the draft: say who."""
    seen = turn.session.review
    if (seen.status, seen.version) == (record.status, record.version):
        return False
    who = turn.parts.review.last_actor(record)
    turn.say("review.handled_meanwhile", who=turn.parts.conversations.name_of(who) if who else t("review.someone"),
             status=status_label(record.status))
    turn.session.review = ReviewProgress(draft_id=record.id, status=record.status, version=record.version)
    return True


def decide(turn: Turn, action: str, comment: str | None = None, ask_first: bool = False) -> Next:
    record = current(turn)
    if record is None:
        return refuse(turn, "not_found", turn.session.review.draft_id)
    if handled_meanwhile(turn, record):
        return Next("review_draft")
    try:
        workflow.check(action, record.status, comment=comment if not ask_first else "…")
    except Refused as refusal:
        return refuse(turn, refusal.reason, record.id, **refusal.values)
    if ask_first:
        return Next("review_changes")
    review, seen = turn.parts.review, (record.status, record.version)
    turn.later(lambda: review.transition(record, turn.user_id, action, comment=comment, seen=seen))
    key = {"approve": "approved", "request_changes": "changes_requested", "cancel_request": "request_cancelled"}[action]
    for person in review.team(record):
        turn.notify(person, Reply(text=t(f"review.to_team_{key}", who=turn.name, number=record.id,
                                         title=title_of(record), comment=comment or ""),
                                  buttons=[button("review.buttons.see_status", "go:status")]))
    # the list is read from the store, where the decision is written only when the turn is committed:
    # a button to see it, not a list that would still show the old status
    turn.say(f"review.done_{key}", [button("review.buttons.queue", "go:reviews"), button("recap_buttons.menu", "go:menu")],
             number=record.id)
    turn.session.review = ReviewProgress()
    return Next("reviews", prompt=False)


def changes_prompt(turn: Turn) -> None:
    turn.say("review.ask_changes")


def on_changes_text(turn: Turn, text: str) -> Next:
    return decide(turn, "request_changes", comment=text.strip())


SCENE = Scene(
    name="review",
    steps={
        "reviews": Step(list_prompt, on_list_text),
        "review_draft": Step(draft_prompt, answer_then_ask),
        "review_field": Step(field_prompt, answer_then_ask),
        "review_text": Step(text_prompt, on_comment_text),
        "review_audience": Step(audience_prompt, answer_then_ask),
        "review_changes": Step(changes_prompt, on_changes_text),
    },
    commands={"relectures": cmd_reviews, "relecture": cmd_reviews},
    actions={"rv": on_review, "rvf": on_field, "rva": on_audience, "go:reviews": cmd_reviews},
    open_actions=frozenset({"rv"}),
)
