"""Exporting the draft as a document (Word, PDF, Markdown, JSON); /export [format]."""

from __future__ import annotations

import logging

from bot.candidature import form
from bot.dialog import views
from bot.dialog.scene import Next, Scene, Step
from bot.dialog.scenes.question import answer_then_ask
from bot.dialog.scenes.recap import no_draft
from bot.dialog.texts import t
from bot.dialog.turn import Turn

log = logging.getLogger(__name__)

FORMAT_ALIASES = {"word": "docx", "markdown": "md", "docx": "docx", "pdf": "pdf", "md": "md", "json": "json"}


def format_of(text: str) -> str | None:
    return FORMAT_ALIASES.get(text.strip().lower().lstrip("."))


def start_export(turn: Turn, args: str) -> Next:
    if turn.draft() is None:
        return no_draft(turn)
    turn.session.interrupt()
    if args:
        fmt = format_of(args)
        if fmt is not None:
            return export(turn, fmt)
        turn.say("export_unknown_format", name=args[:20])
    return Next("export")


def choose(turn: Turn) -> None:
    turn.add(views.export_choice())


def on_text(turn: Turn, text: str) -> Next:
    fmt = format_of(text)
    return export(turn, fmt) if fmt is not None else answer_then_ask(turn, text)


def on_format(turn: Turn, fmt: str) -> Next:
    if fmt in views.EXPORT_FORMATS:
        return export(turn, fmt)
    turn.say("export_unknown_format", name=fmt)
    return Next("export")


def export_meta(turn: Turn, record, **update):
    """What a document's header shows (number, status, version, date) and the reviewers' comments
    addressed to the applicant (never private notes)."""
    from bot.export import ExportMeta

    comments = turn.parts.review.export_comments(record, turn.parts.conversations.name_of) if record.id else []
    return ExportMeta.from_stored(record).model_copy(update={"comments": comments, **update})


def export(turn: Turn, fmt: str) -> Next:
    from bot.export import export_draft, safe_filename

    record = turn.record()
    try:
        turn.out_dir.mkdir(parents=True, exist_ok=True)
        path = turn.out_dir / safe_filename(record.draft, record.id, fmt)
        export_draft(record.draft, fmt, path, export_meta(turn, record))
    except Exception:
        log.exception("export failed for draft %s", record.id)
        turn.say("export_failed")
        return Next("export")
    missing = form.missing(record.draft)
    if missing:
        turn.say("export_incomplete", labels=", ".join(missing))
    turn.send(t("export_done", format=t(f"export_formats.{fmt}")), document=path, document_name=path.name)
    return Next("menu")


SCENE = Scene(
    name="export",
    steps={"export": Step(choose, on_text)},
    commands={"export": start_export, "exporter": start_export},
    actions={"fmt": on_format, "go:export": start_export},
    deep_links={"export": "go:export"},
)
