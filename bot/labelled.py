"""The labelled questions of `knowledge/questions/*.yaml`: how they are checked (pydantic models) and
read. Only building the index and the evaluation read them: a one-question start never imports this
module, nor pydantic."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator


class QuestionPart(BaseModel):
    """One of the questions of a message that asks several: labelled as a question is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    expected: list[str] = Field(max_length=3)
    facts: list[str]
    oos: Literal["unrelated", "near"] | None = None


class AskedQuestion(QuestionPart):
    """One labelled question of `knowledge/questions/`: `expected` the entries whose answer is right
    (empty when out of scope), `facts` the words that answer states, `oos` why it is out of scope;
    `kind`, what makes it hard (the sets written for issue 15), and `parts` for a message asking several
    questions (then `expected` and `facts` are the union of its parts')."""

    q: str = Field(min_length=1)
    expected: list[str] = Field(max_length=6)
    kind: Literal["multi", "situation", "premise", "words", "typo", "oos"] | None = None
    parts: list[QuestionPart] | None = Field(default=None, min_length=2)

    @model_validator(mode="after")
    def _in_scope_or_why_not(self) -> "AskedQuestion":
        if bool(self.expected) == bool(self.oos):
            raise ValueError(f"{self.q!r}: give either the expected entries or why it is out of scope (oos)")
        if not self.parts and len(self.expected) > 3:
            raise ValueError(f"{self.q!r}: one question expects at most three entries")
        return self


def load_question_file(path: Path) -> list[AskedQuestion]:
    """The questions of one file; what is wrong with the file or one of them raises (yaml.YAMLError,
    pydantic.ValidationError, TypeError, ValueError), said by the caller that knows the knowledge base
    (`bot.knowledge.load_questions`)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise ValueError("the file must be a list of questions")
    return [AskedQuestion(**item) for item in data]
