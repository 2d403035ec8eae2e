"""What every export shows, computed once from a draft; the renderers (Markdown, Word, PDF) only lay
it out. A header (programme, project title, intercommunalité, draft number and version, status and
date), then one section per part of the form in the form's order: each rubric a label and its answer
as paragraphs (one per line the applicant wrote), the people (contact, binôme) as tables; then the
checklist of the required rubrics still empty, and a closing note."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from bot.candidature import Draft
from bot.candidature.form import FIELDS, label, missing
from bot.candidature.status import status_label
from bot.prompts import say, texts

# Parts of the form whose fields are people (name, role, e-mail): shown as a table, one row a person.
PEOPLE_SECTIONS = ("contact", "binome")


@dataclass
class Rubric:
    label: str  # "" when the section's title already says it (a part with a single rubric)
    paragraphs: list[str]  # the answer, one item per non-empty line
    filled: bool = True  # False: `paragraphs` holds the « à compléter » / « non renseigné » mark


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    key: str  # top-level name in Draft: interco, contact, project, binome, expectations
    title: str
    rubrics: list[Rubric] = field(default_factory=list)
    table: Table | None = None


@dataclass
class DocumentView:
    programme: str  # « Candidature au programme … »
    project_title: str
    interco: str
    reference: str  # « Brouillon n° 12 · version 3 », "" when neither is known
    status: str  # « Statut : brouillon complet »
    date: str  # « mis à jour le 04/03/2025 », or « exporté le … » when the store's date is not given
    sections: list[Section]
    missing: list[str]
    checklist_title: str
    checklist_done: str
    note: str  # the closing disclaimer
    running_footer: str  # at the foot of every PDF and Word page, beside the page number
    page_label: str  # « Page {page} / {pages} »

    @property
    def status_line(self) -> str:
        return f"{self.status} · {self.date}"


_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # control characters no document format can hold


def clean(value: Any) -> str:
    """User text fit for every format: no control characters (Word refuses them), tabs as spaces."""
    return _INVISIBLE.sub("", str(value)).replace("\t", " ")


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, « … » marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:·—-") + "…"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")  # 45 000, French thousands (narrow no-break space)


def _paragraphs(value: Any) -> list[str]:
    """A filled value as the paragraphs a reader sees: a long answer keeps its line breaks."""
    if isinstance(value, bool):
        return [str(value)]
    if isinstance(value, int):
        return [_number(value)]
    if isinstance(value, list):
        return [", ".join(str(v) for v in value)]
    if isinstance(value, BaseModel):
        return [", ".join(str(v) for v in value.model_dump().values() if v not in (None, ""))]
    lines = [" ".join(line.split()) for line in clean(value).splitlines()]
    return [line for line in lines if line] or [clean(value).strip()]


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _details(value: BaseModel) -> list[Rubric]:
    """A grouped optional answer (SIREN, population, communes): one rubric per part given."""
    parts = texts("form").get("_parts", {})
    rubrics = []
    for key, part in value.model_dump().items():
        if _empty(part):
            continue
        if key == "siren" and str(part).isdigit() and len(str(part)) == 9:
            part = f"{str(part)[:3]} {str(part)[3:6]} {str(part)[6:]}"
        rubrics.append(Rubric(str(parts.get(key, key)), _paragraphs(part)))
    return rubrics


def _date(value: Any) -> dt.date | None:
    """The date of `meta["updated"]` (date, datetime or ISO text); None when absent or unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _person_row(person: Any, empty: str) -> list[str]:
    if person is None:
        return [empty, "", ""]
    return [" ".join(clean(getattr(person, k, "") or "").split()) for k in ("name", "role", "email")]


def _comments(comments: list[dict], labels: dict) -> Section:
    """The reviewers' comments, rubric by rubric in the form's order, the whole draft's last."""
    order = {spec.name: n for n, spec in enumerate(FIELDS)}
    section = Section("comments", str(labels["comments_title"]))
    by_field: dict[str | None, list[str]] = {}
    for comment in comments:
        day = _date(comment.get("date"))
        line = say("export", "comment_line", who=clean(comment.get("who") or ""), body=clean(comment.get("body") or ""),
                   date=day.strftime("%d/%m/%Y") if day else "")
        by_field.setdefault(comment.get("field"), []).append(line)
    for name in sorted(by_field, key=lambda n: order.get(n, len(order))):
        section.rubrics.append(Rubric(label(name) if name else str(labels["comments_general"]), by_field[name]))
    return section


def build(draft: Draft, meta: dict | None = None) -> DocumentView:
    meta = meta or {}
    labels = texts("export")
    not_filled, not_given = labels["not_filled"], labels["not_given"]
    sections: dict[str, Section] = {}
    for spec in FIELDS:
        top = spec.name.split(".")[0]
        section = sections.get(top)
        if section is None:
            section = sections[top] = Section(top, str(labels["sections"].get(top) or label(spec.name)))
        value = draft.get(spec.name)
        if top in PEOPLE_SECTIONS:
            leaf = spec.name.split(".")[-1]
            role = labels["people_roles"].get(leaf)
            if section.table is None:
                header = list(labels["people_header"])
                section.table = Table(([labels["people_role_header"]] if role else []) + header, [])
            row = _person_row(value, not_filled if spec.required else not_given)
            section.table.rows.append(([role] if role else []) + row)
        elif isinstance(value, BaseModel) and _details(value):
            section.rubrics.extend(_details(value))
        elif _empty(value) or isinstance(value, BaseModel):  # a group whose parts are all empty
            section.rubrics.append(Rubric(label(spec.name), [not_filled if spec.required else not_given], filled=False))
        else:
            section.rubrics.append(Rubric(label(spec.name), _paragraphs(value)))
    for section in sections.values():
        if len(section.rubrics) == 1 and section.rubrics[0].label == section.title:
            section.rubrics[0].label = ""
    if meta.get("comments"):
        sections["comments"] = _comments(meta["comments"], labels)

    reference = []
    if meta.get("draft_id") is not None:
        reference.append(say("export", "draft_number", draft_id=meta["draft_id"]))
    if meta.get("version") is not None:
        reference.append(say("export", "version", version=meta["version"]))
    status = meta.get("status") or "draft"
    updated = _date(meta.get("updated"))
    date = (say("export", "updated", date=updated.strftime("%d/%m/%Y")) if updated
            else say("export", "exported", date=dt.date.today().strftime("%d/%m/%Y")))
    interco = meta.get("interco") or draft.get("interco.name")
    departement = draft.get("interco.departement")
    interco_line = " ".join(" · ".join(clean(x) for x in (interco, departement) if x).split()) or labels["interco_unknown"]
    project_title = " ".join(clean(draft.get("project.title") or "").split()) or labels["untitled"]
    ref_text = " · ".join(reference)
    return DocumentView(
        programme=labels["programme"],
        project_title=project_title,
        interco=interco_line,
        reference=ref_text,
        status=say("export", "status", label=status_label(status)),
        date=date,
        sections=list(sections.values()),
        missing=missing(draft),
        checklist_title=labels["checklist_title"],
        checklist_done=labels["checklist_done"],
        note=" ".join(labels["note"].split()),
        running_footer=" — ".join(x for x in (ref_text, shorten(project_title, 60)) if x),
        page_label=labels["page_label"],
    )
