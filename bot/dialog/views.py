"""Replies built from data, and nothing else: no session, no store. French text from `prompts/`.

    views.field_question(draft, field, prefill=None)     # Reply: « Étape 6/15 — Quel est le titre… »
    views.recap(draft)                                   # Reply with one button per field
"""

from __future__ import annotations

from collections.abc import Callable

from bot.candidature import form
from bot.candidature.models import Draft
from bot.candidature.status import status_label
from bot.dialog.texts import t
from bot.dialog.turn import button
from bot.dialog.types import Button, Reply
from bot.export import FORMATS as EXPORT_FORMATS  # the formats a draft exports to, one button each


def menu_buttons(has_draft: bool = False, reviewer: bool = False) -> list[Button]:
    buttons = [button("review.buttons.queue", "go:reviews")] if reviewer else []
    return buttons + [
        button("menu_buttons.question", "go:question"),
        button("menu_buttons.idea", "go:idea"),
        button("menu_buttons.resume_draft" if has_draft else "menu_buttons.draft", "go:draft"),
        button("menu_buttons.export", "go:export"),
        button("menu_buttons.help", "go:help"),
    ]


def menu(has_draft: bool = False, reviewer: bool = False) -> Reply:
    return Reply(text=t("menu"), buttons=menu_buttons(has_draft, reviewer))


def progress(draft: Draft) -> tuple[int, int]:
    """(fields filled, fields in all)."""
    return len([f for f in form.FIELDS if form.is_filled(draft, f)]), len(form.FIELDS)


def field_question(draft: Draft, field: form.Field, prefill: str | None = None, carried: bool = False) -> Reply:
    """A field asked: its number, its question, its example; the value it has or is offered (the idea
    tested, or, `carried`, a message typed while the answer before waited for its confirmation)."""
    parts = [f"{t('progress', index=form.index(field) + 1, total=len(form.FIELDS))} — {field.question}"]
    if field.optional:
        parts.append(t("optional_mark"))
    if field.example:
        parts.append(t("example", example=field.example))
    buttons = []
    if prefill:
        parts.append(t("carried_over" if carried else "prefilled", value=prefill))
        buttons.append(button("form_buttons.keep", "form:keep"))
    elif form.is_filled(draft, field):
        parts.append(t("current_value", value=form.show(draft.get(field.name))))
    buttons.append(button("form_buttons.skip" if field.optional else "form_buttons.later", "form:skip"))
    return Reply(text="\n".join(parts), buttons=buttons)


def field_help(field: form.Field) -> list[Reply]:
    replies = [Reply(text=field.help or field.question)]
    if field.example:
        replies.append(Reply(text=t("example", example=field.example)))
    return replies


def confirm(value) -> Reply:
    return Reply(
        text=t("confirm", value=form.show(value)),
        buttons=[button("confirm_buttons.yes", "form:yes"), button("confirm_buttons.no", "form:no")],
    )


def eligibility_buttons() -> list[Button]:
    return [button("eligibility_buttons.rephrase", "form:rephrase"),
            button("eligibility_buttons.continue", "form:continue")]


def draft_choice(draft: Draft, idea_tested: bool) -> Reply:
    done, total = progress(draft)
    buttons = [button("draft_buttons.resume", "draft:resume"), button("draft_buttons.new", "draft:new")]
    if idea_tested:
        buttons.append(button("draft_buttons.new_from_idea", "draft:idea"))
    return Reply(text=t("draft_exists", done=done, total=total), buttons=buttons)


Names = Callable[[str], str]  # a user id -> how people see them


def _by(name_of: Names | None, user: str) -> str:
    return name_of(user) if name_of is not None else user


def comment_line(comment: dict, name_of: Names | None = None) -> str:
    key = "review.note_line" if comment.get("private") else "review.comment_line"
    return t(key, who=_by(name_of, comment["author"]), body=comment["body"], date=comment["created_at"][:10])


def recap_text(draft: Draft, comments: list[dict] | None = None, name_of: Names | None = None,
               status: str | None = None) -> str:
    """Every answer, rubric by rubric, each with the reviewers' comments on it; what is missing."""
    done, total = progress(draft)
    lines = [t("recap_title", done=done, total=total)]
    if status is not None:
        lines.append(t("review.status_line", status=status_label(status)))
    comments = comments or []
    for field in form.FIELDS:
        value = draft.get(field.name)
        shown = form.show(value) if form.is_filled(draft, field) else t("recap_empty_value")
        lines.append(t("recap_line", label=field.label, value=shown))
        lines += [comment_line(c, name_of) for c in comments if c.get("field") == field.name]
    general = [comment_line(c, name_of) for c in comments if not c.get("field")]
    if general:
        lines += [t("review.general_comments")] + general
    missing = form.missing(draft)
    lines.append(t("recap_missing", labels=", ".join(missing)) if missing else t("recap_complete"))
    return "\n".join(lines)


def fill_buttons(fields: list[form.Field]) -> list[Button]:
    return [button("recap_fill_button", f"edit:{f.name}", label=f.label) for f in fields]


def recap(draft: Draft, status: str = "draft", comments: list[dict] | None = None,
          name_of: Names | None = None, editable: bool = True, can_submit: bool = False) -> Reply:
    """The recap: every answer; a « Compléter » button for each one missing, « Modifier » for the
    others (none while the draft is submitted or approved: it is frozen)."""
    missing = set(form.missing(draft))
    buttons = []
    if editable:
        buttons = [button("recap_fill_button" if f.label in missing else "recap_edit_button", f"edit:{f.name}",
                          label=f.label) for f in form.FIELDS]
        if missing:
            buttons.append(button("recap_buttons.continue", "draft:resume"))
        elif can_submit:
            buttons.append(button("review.buttons.submit", "go:submit"))
    buttons += [button("review.buttons.status", "go:status"), button("recap_buttons.export", "go:export"),
                button("recap_buttons.menu", "go:menu")]
    shown_status = status if status != "draft" or comments else None
    text = recap_text(draft, comments, name_of, shown_status)
    if not editable:  # not « vous pouvez soumettre » under a draft being reviewed or approved
        text = text.rsplit("\n", 1)[0] + "\n" + t("review.frozen", status=status_label(status))
    return Reply(text=text, buttons=buttons)


# -- the review ---------------------------------------------------------------------------------
def changes_text(changes: list) -> str:
    """« Ce qui a changé depuis la soumission précédente », rubric by rubric (old → new)."""
    lines = [t("review.changes_title")]
    for change in changes:
        lines.append(t("review.change_line", label=change.label, old=change.old or t("recap_empty_value"),
                       new=change.new or t("recap_empty_value")))
    return "\n".join(lines)


def reviewer_buttons(draft_id: int) -> list[Button]:
    return [button(f"review.buttons.{verb}", f"rv:{verb}:{draft_id}") for verb in ("read", "comment", "changes", "approve")]


def review_buttons(record, can_cancel: bool = False) -> list[Button]:
    buttons = reviewer_buttons(record.id)
    if can_cancel:
        buttons.append(button("review.buttons.cancel", f"rv:cancel:{record.id}"))
    return buttons + [button("review.buttons.queue", "go:reviews")]


def _title(record) -> str:
    return record.title or t("review.untitled")


def queue_text(records: list) -> str:
    lines = [t("review.queue_title", count=len(records))]
    lines += [t("review.queue_line", number=r.id, title=_title(r), interco=r.draft.get("interco.name") or "—",
                status=status_label(r.status)) for r in records]
    return "\n".join(lines)


def queue_buttons(records: list, limit: int = 12) -> list[Button]:
    buttons = [Button(label=t("review.queue_button", number=r.id, title=_title(r)[:48], status=status_label(r.status)),
                      value=f"rv:open:{r.id}") for r in records[:limit]]
    return buttons + [button("recap_buttons.menu", "go:menu")]


def review_header(record, changes: list | None, request: dict | None, name_of: Names | None = None) -> str:
    lines = [t("review.draft_title", number=record.id, title=_title(record),
               interco=record.draft.get("interco.name") or "—", status=status_label(record.status),
               version=record.version)]
    missing = form.missing(record.draft)
    if missing:
        lines.append(t("recap_missing", labels=", ".join(missing)))
    if request is not None:
        lines.append(t("review.open_request", who=_by(name_of, request["requested_by"]), comment=request["comment"]))
    if changes:
        lines.append(changes_text(changes))
    elif changes is not None:
        lines.append(t("review.no_change"))
    return "\n".join(lines)


def status_text(record, missing: list[str], request: dict | None, comments: list[dict],
                name_of: Names | None = None) -> str:
    """/statut: where the draft is, what is asked of the applicant, every comment addressed to them."""
    lines = [t("review.status_title", number=record.id, title=_title(record), status=status_label(record.status),
               version=record.version)]
    lines.append(t("recap_missing", labels=", ".join(missing)) if missing else t("review.complete"))
    if request is not None:
        lines.append(t("review.open_request", who=_by(name_of, request["requested_by"]), comment=request["comment"]))
    if comments:
        lines.append(t("review.comments_title"))
        for comment in comments:
            label = form.label(comment["field"]) if comment.get("field") else t("review.general")
            lines.append(t("review.comment_with_rubric", label=label, who=_by(name_of, comment["author"]),
                           body=comment["body"]))
    return "\n".join(lines)


def export_choice() -> Reply:
    return Reply(text=t("export_choose"),
                 buttons=[button(f"export_formats.{fmt}", f"fmt:{fmt}") for fmt in EXPORT_FORMATS])


def idea_next() -> Reply:
    return Reply(text=t("idea_next"), buttons=[
        button("idea_buttons.draft", "draft:idea"),
        button("idea_buttons.rephrase", "go:idea"),
        button("idea_buttons.menu", "go:menu"),
    ])
