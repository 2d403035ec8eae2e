"""question -> Answer: composed from the best knowledge entry, extractive, never invented."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Source(BaseModel):
    id: str
    title: str
    score: float


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool
    sources: list[Source] = Field(default_factory=list)
