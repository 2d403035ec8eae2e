"""What changed between two versions of a draft, rubric by rubric: only rubrics whose value changed
(a rewritten row with the same value is not a change).

    for change in changes(old, new):
        print(change.label, change.old, "→", change.new)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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
    """The fields (among `names`, else all) whose value differs (compared as JSON, each draft dumped once)."""
    names = [f.name for f in form.FIELDS] if names is None else names
    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")
    return [n for n in names if _at(before, n) != _at(after, n)]


@lru_cache(maxsize=None)
def _parts(name: str) -> tuple[str, ...]:
    return tuple(name.split("."))


def _at(dumped: dict, name: str):
    """The value at dotted path `name` of a dumped draft (None when a part on the way is empty)."""
    value = dumped
    for part in _parts(name):
        value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def changes(old: Draft, new: Draft) -> list[Change]:
    return [Change(n, form.label(n), value(old, n), value(new, n)) for n in changed_fields(old, new)]
