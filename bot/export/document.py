"""What every export shows, computed once from a draft: title, sections of (label, value) rows,
the binôme table and the checklist of what is missing. Renderers only lay it out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from bot.candidature import Draft
from bot.candidature.form import FIELDS, label, missing
from bot.prompts import say, texts


@dataclass
class Section:
    key: str  # top-level name in Draft: interco, contact, project, expectations
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class DocumentView:
    title: str
    project_title: str
    mark: str
    reference: str
    sections: list[Section]
    binome_title: str
    binome_after: str  # the key of the section the binôme table follows
    binome_header: list[str]
    binome_rows: list[list[str]]
    missing: list[str]
    checklist_title: str
    checklist_done: str
    footer: str


def _text(value: Any) -> str:
    if value in (None, "", [], {}):
        return say("export", "not_filled")
    if isinstance(value, BaseModel):
        parts = texts("form")["_parts"]
        return " ; ".join(f"{parts.get(k, k)} : {_text(v)}" for k, v in value.model_dump().items() if v not in (None, ""))
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", "\u202f")  # 45 000, French thousands
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _date(value: Any) -> dt.date:
    """The date of `meta["updated"]` (date, datetime or ISO text); today when absent or unreadable."""
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return dt.date.today()


def build(draft: Draft, meta: dict | None = None) -> DocumentView:
    meta = meta or {}
    labels = texts("export")
    date = _date(meta.get("updated")).strftime("%d/%m/%Y")
    sections: dict[str, Section] = {}
    for spec in FIELDS:
        top = spec.name.split(".")[0]
        if top == "binome":
            continue
        section = sections.setdefault(top, Section(top, labels["sections"][top]))
        section.rows.append((label(spec.name), _text(draft.get(spec.name))))
    binome_rows = []
    for role, role_label in labels["binome_roles"].items():
        person = draft.get(f"binome.{role}")
        if person is None:
            binome_rows.append([role_label, say("export", "not_filled"), "", ""])
        else:
            binome_rows.append([role_label, person.name, person.role, person.email])
    order = ["interco", "contact", "project", "expectations"]
    mark = say("export", "draft_mark", date=date)
    status = labels["statuses"].get(str(meta.get("status") or ""))
    if status:
        mark += f" · {status}"
    return DocumentView(
        title=labels["title"],
        project_title=str(draft.get("project.title") or labels["untitled"]),
        mark=mark,
        reference=say("export", "draft_number", draft_id=meta["draft_id"]) if meta.get("draft_id") else "",
        sections=[sections[k] for k in order if k in sections],
        binome_title=labels["sections"]["binome"],
        binome_after="project",
        binome_header=list(labels["binome_header"]),
        binome_rows=binome_rows,
        missing=missing(draft),
        checklist_title=labels["checklist_title"],
        checklist_done=labels["checklist_done"],
        footer=" ".join(labels["footer"].split()),
    )
