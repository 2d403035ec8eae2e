"""The guided form, declared once: the ordered fields, whether each is required, its parser, its texts.

    field = form.field("project.title")
    form.answer(draft, field, field.parse("Détecter les dépôts sauvages"))
    form.next_field(draft, after="project.title", skipped=set())
    form.missing(draft)            # French labels of the required fields still empty

Question wording, help, example answer and recap label of each field live in `prompts/form.yaml`,
keyed by the field's dotted name (the path of its value in `Draft`).
15 steps: a user who answers every question completes a draft in at most 15 answers (plus the three
confirmations of grouped answers); 14 when the interco's name states its type (« Communauté de communes
du Val Vert »): `answer` then fills `interco.type` and the form skips that step, asked after the
département so that the step numbers the user sees never jump over the next question.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable

from pydantic import BaseModel

from bot.candidature import parsers as p
from bot.candidature.models import Draft
from bot.candidature.parsers import FieldError
from bot.prompts import texts

__all__ = ["FIELDS", "DESCRIPTION_FIELD", "Field", "FieldError", "answer", "field", "find", "index", "inferred",
           "is_empty", "is_filled", "label", "missing", "missing_fields", "next_field", "show"]


@dataclass(frozen=True)
class Field:
    name: str  # dotted path in Draft
    parse: Callable[[str], Any]  # raw text -> clean value, or FieldError with a French reason
    required: bool = True
    confirm: bool = False  # several parts in one answer: shown back for confirmation
    long_text: bool = False  # free text: a trailing « ? » may belong to the answer

    @cached_property
    def _texts(self) -> dict[str, Any]:
        entry = texts("form").get(self.name)
        return entry if isinstance(entry, dict) else {}

    @property
    def label(self) -> str:
        return str(self._texts.get("label") or self.name)

    @property
    def question(self) -> str:
        return str(self._texts.get("question") or self.name)

    @property
    def help(self) -> str:
        return str(self._texts.get("help") or "")

    @property
    def example(self) -> str | None:
        return self._texts.get("example")

    @property
    def optional(self) -> bool:
        return not self.required


FIELDS: list[Field] = [
    Field("interco.name", p.short_text),
    Field("interco.departement", p.departement),
    Field("interco.type", p.interco_type),
    Field("interco.details", p.interco_details, required=False),
    Field("contact", p.person, confirm=True),
    Field("project.title", p.short_text),
    Field("project.domains", p.domains),
    Field("project.policy", p.long_text, long_text=True),
    Field("project.description", p.long_text, long_text=True),
    Field("project.data", p.long_text, long_text=True),
    Field("project.results", p.long_text, long_text=True),
    Field("project.maturity", p.maturity),
    Field("binome.referent_data", p.person, confirm=True),
    Field("binome.referent_metier", p.person, confirm=True),
    Field("expectations", p.long_text, long_text=True),
]
DESCRIPTION_FIELD = "project.description"
_BY_NAME = {f.name: f for f in FIELDS}


def field(name: str | None) -> Field | None:
    return _BY_NAME.get(name or "")


def find(query: str) -> Field | None:
    """A field by name, label or step number (« 3 »)."""
    q = query.strip().casefold()
    if q.isdigit() and 1 <= int(q) <= len(FIELDS):
        return FIELDS[int(q) - 1]
    return next((f for f in FIELDS if q in (f.name.casefold(), f.label.casefold())), None)


def index(f: Field) -> int:
    """0-based position of `f` in the form."""
    return FIELDS.index(f)


def label(name: str) -> str:
    found = field(name)
    return found.label if found else name


def is_empty(value: Any) -> bool:
    return value in (None, "", [], {})


def is_filled(draft: Draft, f: Field) -> bool:
    return not is_empty(draft.get(f.name))


def answer(draft: Draft, f: Field, value: Any) -> None:
    """Write an accepted answer, and what it implies: « Communauté de communes du Val Vert »
    states its type, so the form need not ask it (a type already given is never overridden)."""
    draft.set(f.name, value)
    if f.name == "interco.name" and value and draft.interco.type is None:
        draft.interco.type = p.type_from_name(str(value))


def inferred(draft: Draft) -> list[Field]:
    """The fields whose value the form deduced rather than asked: the type an interco's name states."""
    return [_BY_NAME["interco.type"]] if draft.interco.type and draft.interco.type == p.type_from_name(
        draft.interco.name or "") else []


def missing_fields(draft: Draft) -> list[Field]:
    """The required fields still empty, in the form's order."""
    return [f for f in FIELDS if f.required and not is_filled(draft, f)]


def missing(draft: Draft) -> list[str]:
    """French labels of the required fields still empty, in the form's order."""
    return [f.label for f in missing_fields(draft)]


def next_field(draft: Draft, after: str | None, skipped: set[str] | frozenset = frozenset()) -> Field | None:
    """The first field after `after` (or from the start) neither filled nor skipped, else any left."""
    start = index(_BY_NAME[after]) + 1 if after in _BY_NAME else 0
    for f in FIELDS[start:] + FIELDS[:start]:
        if not is_filled(draft, f) and f.name not in skipped:
            return f
    return None


def jsonable(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def show(value: Any) -> str:
    """A field's value as a person reads it (a grouped answer one part a line)."""
    value = jsonable(value)
    if isinstance(value, dict):
        parts = texts("form").get("_parts")
        labels = parts if isinstance(parts, dict) else {}
        return "\n".join(f"{labels.get(k, k)} : {x}" for k, x in value.items() if x not in (None, ""))
    if isinstance(value, list):
        return ", ".join(str(x) for x in value)
    return str(value)
