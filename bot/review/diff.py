"""What changed between two versions of a draft, rubric by rubric: only rubrics whose value changed
(a rewritten row with the same value is not a change).

    for change in changes(old, new):
        print(change.label, change.old, "→", change.new)
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.candidature import form
from bot.candidature.models import Draft


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str  # as a person reads it; "" when it was empty
    new: str


def value(draft: Draft, name: str) -> str:
    found = form.field(name)
    if found is None or not form.is_filled(draft, found):
        return ""
    return form.show(draft.get(name))


def changed_fields(old: Draft, new: Draft, names: list[str] | None = None) -> list[str]:
    """The fields (among `names`, else all) whose value differs."""
    names = [f.name for f in form.FIELDS] if names is None else names
    return [n for n in names if form.jsonable(old.get(n)) != form.jsonable(new.get(n))]


def changes(old: Draft, new: Draft) -> list[Change]:
    return [Change(n, form.label(n), value(old, n), value(new, n)) for n in changed_fields(old, new)]
