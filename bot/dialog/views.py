"""Replies built from data, and nothing else: no session, no store. French text from `prompts/`.

    views.field_question(draft, field, prefill=None)     # Reply: « Étape 6/15 — Quel est le titre… »
    views.recap(draft)                                   # Reply with one button per field
"""

from __future__ import annotations

from bot.candidature import form
from bot.candidature.models import Draft
from bot.dialog.texts import t
from bot.dialog.turn import button
from bot.dialog.types import Button, Reply

EXPORT_FORMATS = ("docx", "pdf", "md", "json")


def menu_buttons(has_draft: bool = False) -> list[Button]:
    return [
        button("menu_buttons.question", "go:question"),
        button("menu_buttons.idea", "go:idea"),
        button("menu_buttons.resume_draft" if has_draft else "menu_buttons.draft", "go:draft"),
        button("menu_buttons.export", "go:export"),
        button("menu_buttons.help", "go:help"),
    ]


def menu(has_draft: bool = False) -> Reply:
    return Reply(text=t("menu"), buttons=menu_buttons(has_draft))


def progress(draft: Draft) -> tuple[int, int]:
    """(fields filled, fields in all)."""
    return len([f for f in form.FIELDS if form.is_filled(draft, f)]), len(form.FIELDS)


def field_question(draft: Draft, field: form.Field, prefill: str | None = None) -> Reply:
    """A field asked: its number, its question, its example; the value it has or is offered."""
    parts = [f"{t('progress', index=form.index(field) + 1, total=len(form.FIELDS))} — {field.question}"]
    if field.optional:
        parts.append(t("optional_mark"))
    if field.example:
        parts.append(t("example", example=field.example))
    buttons = []
    if prefill:
        parts.append(t("prefilled", value=prefill))
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


def recap_text(draft: Draft) -> str:
    done, total = progress(draft)
    lines = [t("recap_title", done=done, total=total)]
    for field in form.FIELDS:
        value = draft.get(field.name)
        shown = form.show(value) if form.is_filled(draft, field) else t("recap_empty_value")
        lines.append(t("recap_line", label=field.label, value=shown))
    missing = form.missing(draft)
    lines.append(t("recap_missing", labels=", ".join(missing)) if missing else t("recap_complete"))
    return "\n".join(lines)


def recap(draft: Draft) -> Reply:
    """The recap: every answer; a « Compléter » button for each one missing, « Modifier » for the others."""
    missing = set(form.missing(draft))
    buttons = [button("recap_fill_button" if f.label in missing else "recap_edit_button", f"edit:{f.name}",
                      label=f.label) for f in form.FIELDS]
    if form.missing(draft):
        buttons.append(button("recap_buttons.continue", "draft:resume"))
    buttons += [button("recap_buttons.export", "go:export"), button("recap_buttons.menu", "go:menu")]
    return Reply(text=recap_text(draft), buttons=buttons)


def export_choice() -> Reply:
    return Reply(text=t("export_choose"),
                 buttons=[button(f"export_formats.{fmt}", f"fmt:{fmt}") for fmt in EXPORT_FORMATS])


def idea_next() -> Reply:
    return Reply(text=t("idea_next"), buttons=[
        button("idea_buttons.draft", "draft:idea"),
        button("idea_buttons.rephrase", "go:idea"),
        button("idea_buttons.menu", "go:menu"),
    ])
