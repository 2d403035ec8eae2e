"""The guided form: one field per step, validated, resumable; recap, edit, export.

Working data kept in the dialog state (`turn.data`):
- `draft_id`: the user's current draft (its answers live in the `drafts` table);
- `field`: the field being asked; `fails`: failed attempts on it; `editing`: back to the recap after;
- `pending`: a parsed grouped answer waiting for confirmation; `skipped`: optional fields passed;
- `prefill`: text offered for a field (the idea just checked); `idea`: the last idea checked.
"""

from __future__ import annotations

import logging

from bot.dialog import fields as F
from bot.dialog.texts import t
from bot.dialog.turn import Turn, button

log = logging.getLogger(__name__)

FORM_STEPS = {"form", "confirm", "eligibility"}
MAX_FAILS = 3
EXPORT_FORMATS = ("docx", "pdf", "md", "json")
FORMAT_ALIASES = {"word": "docx", "markdown": "md", "docx": "docx", "pdf": "pdf", "md": "md", "json": "json"}


# -- drafts -----------------------------------------------------------------------------------
def load_draft(turn: Turn):
    draft_id = turn.data.get("draft_id")
    stored = turn.store.get_draft(draft_id) if draft_id else None
    if stored is None or stored.user_id != turn.user_id:
        return None
    return F.draft_from(stored.data)


def save_draft(turn: Turn, draft) -> None:
    status = "complete" if not F.missing(draft) else "draft"
    turn.store.save_draft(turn.data["draft_id"], F.dump(draft), title=F.title(draft), status=status)


def new_draft(turn: Turn, prefill: dict[str, str] | None = None) -> None:
    draft = F.new_draft()
    turn.data["draft_id"] = turn.store.create_draft(turn.user_id, F.dump(draft))
    turn.data.update(skipped=[], fails=0, editing=False, prefill=prefill or {})
    turn.data.pop("pending", None)
    turn.say("draft_started", total=len(F.fields()))
    turn.data["field"] = F.fields()[0].name
    turn.goto("form")


def open_draft(turn: Turn, from_idea: bool) -> None:
    """« Rédiger / reprendre » : resume the current draft, or start one."""
    clear_pending(turn)
    draft = load_draft(turn)
    if from_idea:
        new_draft(turn, {F.description_field().name: turn.data.get("idea", "")})
    elif draft is None:
        new_draft(turn)
    else:
        turn.goto("draft_choice")


def draft_choice_prompt(turn: Turn) -> None:
    draft = load_draft(turn)
    if draft is None:
        new_draft(turn)
        return
    total = len(F.fields())
    done = total - len([f for f in F.fields() if not F.is_filled(draft, f)])
    buttons = [button("draft_buttons.resume", "draft:resume"), button("draft_buttons.new", "draft:new")]
    if turn.data.get("idea"):
        buttons.append(button("draft_buttons.new_from_idea", "draft:idea"))
    turn.say("draft_exists", buttons, done=done, total=total)


def act_draft(turn: Turn, arg: str) -> None:
    if arg == "idea":
        open_draft(turn, from_idea=True)
    elif arg == "new":
        new_draft(turn)
    else:
        resume_form(turn)


def resume_form(turn: Turn) -> None:
    draft = load_draft(turn)
    if draft is None:
        new_draft(turn)
        return
    turn.data.update(fails=0, editing=False)
    nxt = next_field(turn, draft, after=None)
    if nxt is None:
        show_recap(turn)
        return
    turn.say("draft_resumed")
    turn.data["field"] = nxt.name
    turn.goto("form")


def next_field(turn: Turn, draft, after: str | None):
    """The first field after `after` (or from the start) neither filled nor skipped, else any left."""
    names = [f.name for f in F.fields()]
    start = names.index(after) + 1 if after in names else 0
    skipped = set(turn.data.get("skipped", []))
    order = F.fields()[start:] + F.fields()[:start]
    for field in order:
        if not F.is_filled(draft, field) and field.name not in skipped:
            return field
    return None


def clear_pending(turn: Turn) -> None:
    for key in ("pending", "editing", "return_to"):
        turn.data.pop(key, None)
    turn.data["fails"] = 0


# -- asking -----------------------------------------------------------------------------------
def current_field(turn: Turn):
    return F.field(turn.data.get("field")) or F.fields()[0]


def ask_field(turn: Turn) -> None:
    field = current_field(turn)
    draft = load_draft(turn)
    if draft is None:
        turn.say("no_draft")
        turn.goto("menu")
        return
    index = F.index(field) + 1
    parts = [f"{t('progress', index=index, total=len(F.fields()))} — {field.question}"]
    if field.optional:
        parts.append(t("optional_mark"))
    if field.example:
        parts.append(t("example", example=field.example))
    buttons = []
    prefill = turn.data.get("prefill", {}).get(field.name)
    if prefill:
        parts.append(t("prefilled", value=prefill))
        buttons.append(button("form_buttons.keep", "form:keep"))
    elif F.is_filled(draft, field):
        parts.append(t("current_value", value=F.show(field, F.value(draft, field))))
    if field.optional:
        buttons.append(button("form_buttons.skip", "form:skip"))
    turn.send("\n".join(parts), buttons)


def on_answer(turn: Turn, text: str) -> None:
    """Typed text during the form: a question (ends with « ? ») or the answer to the current field."""
    if text.rstrip().endswith("?") and not current_field(turn).free_text_question_ok:
        from bot.dialog.flow import answer

        answer(turn, text)
        turn.say("question_resume")
        turn.goto("form" if turn.step == "eligibility" else turn.step)
        return
    turn.state.step = "form"
    turn.data.pop("pending", None)
    accept(turn, current_field(turn), text)


def accept(turn: Turn, field, text: str) -> None:
    try:
        value = field.parse(text)
    except F.FieldError as error:
        turn.data["fails"] = turn.data.get("fails", 0) + 1
        turn.send(t("invalid", message=F.error_message(error)))
        if turn.data["fails"] >= MAX_FAILS:
            buttons = [button("form_buttons.help", "form:help")]
            if field.optional:
                buttons.append(button("form_buttons.skip", "form:skip"))
                turn.say("retry_offer", buttons)
            else:
                turn.say("required_skip_offer", buttons)
        return
    turn.data["fails"] = 0
    if field.confirm:
        turn.data["pending"] = F.jsonable(value)
        turn.goto("confirm")
        return
    commit(turn, field, value)


def confirm_prompt(turn: Turn) -> None:
    field = current_field(turn)
    if "pending" not in turn.data:
        turn.goto("form")
        return
    turn.say(
        "confirm",
        [button("confirm_buttons.yes", "form:yes"), button("confirm_buttons.no", "form:no")],
        value=F.show(field, turn.data["pending"]),
    )


def commit(turn: Turn, field, value) -> None:
    """Write an accepted value to the draft (committed), then go on."""
    draft = load_draft(turn)
    F.set_value(draft, field, value)
    save_draft(turn, draft)
    turn.data.get("prefill", {}).pop(field.name, None)
    if field.name in turn.data.get("skipped", []):
        turn.data["skipped"].remove(field.name)
    if field.name == F.description_field().name:
        checked = check_eligibility(turn, F.text_of(value))
        if checked is None:
            turn.say("eligibility_unavailable")
        elif checked[0] != "eligible":
            turn.say("eligibility_warning")
            turn.send(checked[1], slow=True)
            turn.goto("eligibility")
            return
        else:
            turn.say("eligibility_ok")
    advance(turn)


def check_eligibility(turn: Turn, idea: str) -> tuple[str | None, str] | None:
    """(verdict, French explanation) of `idea`, or None when the checker is unavailable
    (the answer is already saved: the form goes on, the user is told the check was not done)."""
    try:
        from bot.eligibility import render_fr

        verdict = turn.services.checker.check(idea)
        return getattr(verdict, "verdict", None), render_fr(verdict)
    except Exception:
        log.exception("eligibility check unavailable")
        return None


def advance(turn: Turn) -> None:
    field = current_field(turn)
    if turn.data.pop("editing", False):
        show_recap(turn)
        return
    draft = load_draft(turn)
    nxt = next_field(turn, draft, after=field.name)
    if nxt is None:
        turn.say("form_done")
        show_recap(turn)
        return
    turn.data["field"] = nxt.name
    turn.goto("form")


def eligibility_prompt(turn: Turn) -> None:
    buttons = [button("eligibility_buttons.rephrase", "form:rephrase"),
               button("eligibility_buttons.continue", "form:continue")]
    if turn.replies and not turn.replies[-1].buttons and turn.replies[-1].document is None:
        turn.attach(buttons)
    else:  # asked again on its own (resume, help): say what the buttons are about
        turn.say("eligibility_choice", buttons)


def on_rephrase(turn: Turn, text: str) -> None:
    """At the eligibility warning, typed text is a new description (or a question)."""
    on_answer(turn, text)


def act_form(turn: Turn, arg: str) -> None:
    field = current_field(turn)
    if arg == "yes" and "pending" in turn.data:
        value = turn.data.pop("pending")
        turn.state.step = "form"
        commit(turn, field, value)
    elif arg == "no":
        turn.data.pop("pending", None)
        turn.state.step = "form"
        turn.say("confirm_again")
    elif arg == "skip":
        skip(turn)
    elif arg == "help":
        turn.send(field.help or field.question)
        if field.example:
            turn.say("example", example=field.example)
    elif arg == "keep":
        prefill = turn.data.get("prefill", {}).get(field.name)
        if prefill:
            accept(turn, field, prefill)
        else:
            ask_field(turn)
    elif arg == "continue":
        turn.state.step = "form"
        advance(turn)
    elif arg == "rephrase":
        turn.state.step = "form"
        turn.say("rephrase")


# -- /passer, /retour, /modifier --------------------------------------------------------------
def _outside_form(turn: Turn, message: str) -> bool:
    """Outside the form, say `message` and ask the current step again; True when so."""
    if turn.step in FORM_STEPS:
        return False
    turn.say(message)
    turn.engine.prompt(turn)
    return True


def skip(turn: Turn) -> None:
    if _outside_form(turn, "nothing_to_skip"):
        return
    field = current_field(turn)
    if turn.step == "eligibility":  # the description is written: go on
        turn.state.step = "form"
        advance(turn)
        return
    if not field.optional:
        turn.say("cannot_skip")
        return
    turn.data.pop("pending", None)
    turn.data["fails"] = 0
    turn.data.setdefault("skipped", [])
    if field.name not in turn.data["skipped"]:
        turn.data["skipped"].append(field.name)
    turn.say("skipped")
    turn.state.step = "form"
    advance(turn)


def back(turn: Turn) -> None:
    if _outside_form(turn, "nothing_to_go_back"):
        return
    field = current_field(turn)
    index = F.index(field)
    turn.data.pop("pending", None)
    turn.data["fails"] = 0
    if index == 0:
        turn.say("first_step")
        turn.goto("form")
        return
    turn.data["field"] = F.fields()[index - 1].name
    turn.goto("form")


def edit(turn: Turn, name: str) -> None:
    if load_draft(turn) is None:
        turn.say("no_draft")
        turn.goto("menu")
        return
    if name:
        field = F.find(name)
        if field is not None:
            act_edit(turn, field.name)
            return
        turn.say("edit_unknown", name=name[:80])
    show_recap(turn)


def act_edit(turn: Turn, name: str) -> None:
    field = F.field(name)
    if field is None or load_draft(turn) is None:
        show_recap(turn)
        return
    clear_pending(turn)
    turn.data.update(field=field.name, editing=True)
    turn.goto("form")


# -- recap --------------------------------------------------------------------------------------
def show_recap(turn: Turn) -> None:
    if load_draft(turn) is None:
        turn.say("no_draft")
        turn.goto("menu")
        return
    turn.goto("recap")


def recap_text(draft) -> tuple[str, list]:
    fields = F.fields()
    missing = [f for f in fields if not F.is_filled(draft, f) and not f.optional]
    done = len([f for f in fields if F.is_filled(draft, f)])
    lines = [t("recap_title", done=done, total=len(fields))]
    for field in fields:
        shown = F.show(field, F.value(draft, field)) if F.is_filled(draft, field) else t("recap_empty_value")
        lines.append(t("recap_line", label=field.label, value=shown))
    if missing:
        lines.append(t("recap_missing", labels=", ".join(f.label for f in missing)))
    else:
        lines.append(t("recap_complete"))
    return "\n".join(lines), missing


def recap_prompt(turn: Turn) -> None:
    draft = load_draft(turn)
    if draft is None:
        turn.say("no_draft")
        turn.goto("menu")
        return
    text, missing = recap_text(draft)
    buttons = [button("recap_edit_button", f"edit:{f.name}", label=f.label) for f in F.fields()]
    if missing:
        buttons.append(button("recap_buttons.continue", "draft:resume"))
    buttons += [button("recap_buttons.export", "go:export"), button("recap_buttons.menu", "go:menu")]
    turn.send(text, buttons)


# -- export ---------------------------------------------------------------------------------------
def start_export(turn: Turn, args: str) -> None:
    if load_draft(turn) is None:
        turn.say("no_draft")
        turn.goto("menu")
        return
    clear_pending(turn)
    if args:
        fmt = FORMAT_ALIASES.get(args.strip().lower().lstrip("."))
        if fmt is None:
            turn.say("export_unknown_format", name=args[:20])
        else:
            export(turn, fmt)
            return
    turn.goto("export")


def export_prompt(turn: Turn) -> None:
    turn.say("export_choose", [button(f"export_formats.{fmt}", f"fmt:{fmt}") for fmt in EXPORT_FORMATS])


def on_export_text(turn: Turn, text: str) -> None:
    fmt = FORMAT_ALIASES.get(text.strip().lower().lstrip("."))
    if fmt is not None:
        export(turn, fmt)
        return
    from bot.dialog.flow import answer_then_prompt

    answer_then_prompt(turn, text)


def act_format(turn: Turn, fmt: str) -> None:
    if fmt in EXPORT_FORMATS:
        export(turn, fmt)
    else:
        turn.say("export_unknown_format", name=fmt)
        turn.goto("export")


def export(turn: Turn, fmt: str) -> None:
    from bot.dialog.flow import menu_buttons

    draft = load_draft(turn)
    missing = [f for f in F.fields() if not F.is_filled(draft, f) and not f.optional]
    try:
        path = F.export(draft, fmt, turn.engine.out_dir, draft_id=turn.data["draft_id"], user_id=turn.user_id)
    except Exception:
        log.exception("export failed for draft %s", turn.data.get("draft_id"))
        turn.say("export_failed")
        turn.goto("export")
        return
    if missing:
        turn.say("export_incomplete", labels=", ".join(f.label for f in missing))
    turn.send(t("export_done", format=t(f"export_formats.{fmt}")), document=path, document_name=path.name)
    turn.state.step = "menu"
    turn.say("menu", menu_buttons())
