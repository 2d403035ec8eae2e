"""The guided form, declared once: the ordered fields, whether each is required, and its parser.

Question wording, help, example answer and recap label of each field live in `prompts/form.yaml`,
keyed by the field's dotted name (the path of its value in `Draft`).
15 steps: a user who answers every question completes a draft in at most 15 answers (plus the three
confirmations of grouped answers); 14 when the interco's name states its type (« Communauté de communes
du Val Vert »): `Draft.set` then fills `interco.type` and the form skips that step, asked after the
département so that the step numbers the user sees never jump over the next question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from bot.candidature import parsers as p
from bot.candidature.parsers import FieldError  # noqa: F401  (the engine catches it from here)
from bot.prompts import texts


@dataclass(frozen=True)
class FieldSpec:
    name: str  # dotted path in Draft
    parse: Callable[[str], Any]
    required: bool = True
    confirm: bool = False  # several parts in one answer: shown back for confirmation
    long_text: bool = False  # free text: a trailing « ? » belongs to the answer


FIELDS: list[FieldSpec] = [
    FieldSpec("interco.name", p.short_text),
    FieldSpec("interco.departement", p.departement),
    FieldSpec("interco.type", p.interco_type),
    FieldSpec("interco.details", p.interco_details, required=False),
    FieldSpec("contact", p.person, confirm=True),
    FieldSpec("project.title", p.short_text),
    FieldSpec("project.domains", p.domains),
    FieldSpec("project.policy", p.long_text, long_text=True),
    FieldSpec("project.description", p.long_text, long_text=True),
    FieldSpec("project.data", p.long_text, long_text=True),
    FieldSpec("project.results", p.long_text, long_text=True),
    FieldSpec("project.maturity", p.maturity),
    FieldSpec("binome.referent_data", p.person, confirm=True),
    FieldSpec("binome.referent_metier", p.person, confirm=True),
    FieldSpec("expectations", p.long_text, long_text=True),
]
DESCRIPTION_FIELD = "project.description"


def label(name: str) -> str:
    entry = texts("form").get(name) or {}
    return str(entry.get("label") or name)


def is_empty(value: Any) -> bool:
    return value in (None, "", [], {})
