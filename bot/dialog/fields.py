"""The engine's view of the candidature form (bot.candidature): fields, draft access, export.

The only module of the engine that knows the candidature's API; imported lazily so that the menu,
questions and eligibility work on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel

from bot.prompts import texts


class FieldError(Exception):
    """Placeholder replaced at import by bot.candidature's FieldError (see _candidature)."""


@dataclass(frozen=True)
class FieldView:
    name: str  # dotted path in the Draft
    label: str
    question: str
    help: str
    example: str | None
    optional: bool
    confirm: bool  # a grouped answer, shown back for confirmation
    parse: Callable[[str], Any]
    free_text_question_ok: bool = False  # a « ? » at the end is part of the answer, not a question


def _candidature():
    import bot.candidature as candidature
    import bot.candidature.form as form

    global FieldError
    FieldError = form.FieldError  # noqa: PLW0603 - the real exception class, once available
    return candidature, form


@lru_cache(maxsize=1)
def fields() -> list[FieldView]:
    _, form = _candidature()
    prompts = texts("form")
    views = []
    for spec in form.FIELDS:
        name = spec.name
        entry = prompts.get(name, {}) if isinstance(prompts.get(name), dict) else {}
        views.append(
            FieldView(
                name=name,
                label=str(entry.get("label") or getattr(spec, "label", None) or name),
                question=str(entry.get("question") or name),
                help=str(entry.get("help") or ""),
                example=entry.get("example"),
                optional=not bool(getattr(spec, "required", True)),
                confirm=bool(getattr(spec, "confirm", False) or getattr(spec, "grouped", False)),
                parse=spec.parse,
                free_text_question_ok=bool(getattr(spec, "long_text", False)),
            )
        )
    return views


def field(name: str | None) -> FieldView | None:
    return next((f for f in fields() if f.name == name), None)


def find(query: str) -> FieldView | None:
    """A field by name, label or step number (« 3 »)."""
    q = query.strip().casefold()
    if q.isdigit() and 1 <= int(q) <= len(fields()):
        return fields()[int(q) - 1]
    return next((f for f in fields() if q in (f.name.casefold(), f.label.casefold())), None)


def index(view: FieldView) -> int:
    return [f.name for f in fields()].index(view.name)


def description_field() -> FieldView:
    _, form = _candidature()
    return field(form.DESCRIPTION_FIELD)


def new_draft():
    candidature, _ = _candidature()
    return candidature.Draft()


def draft_from(data: dict[str, Any]):
    candidature, _ = _candidature()
    return candidature.Draft.model_validate(data)


def dump(draft) -> dict[str, Any]:
    return draft.model_dump(mode="json")


def title(draft) -> str:
    return str(draft.get("project.title") or "")


def missing(draft) -> list[str]:
    return list(draft.missing())


def value(draft, view: FieldView) -> Any:
    return draft.get(view.name)


def is_filled(draft, view: FieldView) -> bool:
    v = draft.get(view.name)
    return v not in (None, "", [], {})


def set_value(draft, view: FieldView, v: Any) -> None:
    draft.set(view.name, v)


def jsonable(v: Any) -> Any:
    return v.model_dump(mode="json") if isinstance(v, BaseModel) else v


def text_of(v: Any) -> str:
    return v if isinstance(v, str) else str(jsonable(v))


def show(view: FieldView, v: Any) -> str:
    v = jsonable(v)
    if isinstance(v, dict):
        labels = texts("form").get("_parts", {}) if isinstance(texts("form").get("_parts"), dict) else {}
        return "\n".join(f"{labels.get(k, k)} : {x}" for k, x in v.items() if x not in (None, ""))
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    return str(v)


def error_message(error: Exception) -> str:
    return str(getattr(error, "message_fr", None) or error)


def export(draft, fmt: str, out_dir: Path, draft_id: int, user_id: str) -> Path:
    from bot.export import export_draft, safe_filename

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / safe_filename(draft, fmt)
    export_draft(draft, fmt, path, {"draft_id": draft_id, "user_id": user_id})
    return path
