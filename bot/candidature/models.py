"""Pydantic models of a draft candidature. Every field is optional: a draft fills in as the user answers.

This module imports nothing else of `bot.candidature`: the form (`form.py`) knows the fields' order,
which are required, and what an answer implies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Part(BaseModel):
    model_config = ConfigDict(validate_assignment=True, extra="ignore")


class Person(_Part):
    name: str
    role: str
    email: str


class IntercoDetails(_Part):
    siren: str | None = None
    population: int | None = None
    communes: int | None = None


class Interco(_Part):
    name: str | None = None
    type: str | None = None
    departement: str | None = None
    details: IntercoDetails | None = None


class Project(_Part):
    title: str | None = None
    domains: list[str] = Field(default_factory=list)
    policy: str | None = None
    description: str | None = None
    data: str | None = None
    results: str | None = None
    maturity: str | None = None


class Binome(_Part):
    referent_data: Person | None = None
    referent_metier: Person | None = None


class Draft(_Part):
    """A candidature being drafted. Fields are read and written by dotted path.

    >>> d = Draft(); d.set("project.title", "Dépôts sauvages"); d.get("project.title")
    'Dépôts sauvages'
    """

    interco: Interco = Field(default_factory=Interco)
    contact: Person | None = None
    project: Project = Field(default_factory=Project)
    binome: Binome = Field(default_factory=Binome)
    expectations: str | None = None

    def clone(self) -> "Draft":
        """An independent copy (dumped and validated again: a third of `copy.deepcopy`'s time)."""
        return Draft.model_validate(self.model_dump())

    def get(self, path: str) -> Any:
        value: Any = self
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def set(self, path: str, value: Any) -> None:
        """Write one field by dotted path (the form's `answer` also infers what an answer implies)."""
        *parents, last = path.split(".")
        target: Any = self
        for part in parents:
            target = getattr(target, part)
        if last not in type(target).model_fields:
            raise KeyError(path)
        setattr(target, last, value)
