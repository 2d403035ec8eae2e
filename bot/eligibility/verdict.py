from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

VerdictName = Literal["eligible", "to_clarify", "not_priority", "not_eligible"]


class Reason(BaseModel):
    text: str
    rule_id: str
    rule_title: str


class ExampleMatch(BaseModel):
    id: str
    title: str
    score: float
    illustrative: bool


class Verdict(BaseModel):
    idea: str
    verdict: VerdictName
    domains: list[str] = Field(default_factory=list)
    reason_details: list[Reason] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    examples: list[ExampleMatch] = Field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        """Each reason as a French sentence naming the rule it applies."""
        from bot.prompts import say

        return [f"{r.text} {say('eligibility', 'cite', title=r.rule_title)}" for r in self.reason_details]

    def to_json_dict(self) -> dict:
        """The `candibot check --json` shape (README, « Commandes »), plus `illustrative` on each example."""
        return {
            "idea": self.idea,
            "verdict": self.verdict,
            "domains": self.domains,
            "reasons": self.reasons,
            "missing": self.missing,
            "examples": [e.model_dump() for e in self.examples],
        }
