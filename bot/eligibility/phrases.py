"""Phrase lists from `knowledge/eligibility/*.yaml`, compiled into matchers over normalised text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.retrieval.normalize import normalize


def _pattern(phrase: str) -> str:
    wildcard = phrase.strip().endswith("*")
    words = normalize(phrase.rstrip("*")).split()
    body = r"\s+".join(re.escape(w) for w in words)
    return rf"\b{body}\w*" if wildcard else rf"\b{body}\b"


class Phrases:
    """Finds the first of a list of phrases in a text (normalised: no case, accents or elisions)."""

    def __init__(self, phrases: list[str]):
        self.phrases = [p for p in phrases if normalize(p.rstrip("*"))]
        self._regex = re.compile("|".join(f"(?:{_pattern(p)})" for p in self.phrases)) if self.phrases else None

    def find(self, normalized_text: str) -> str | None:
        if self._regex is None:
            return None
        match = self._regex.search(normalized_text)
        return match.group(0) if match else None

    def count(self, normalized_text: str) -> int:
        return len(self._regex.findall(normalized_text)) if self._regex else 0

    def remove(self, normalized_text: str) -> str:
        return self._regex.sub(" ", normalized_text) if self._regex else normalized_text


@dataclass
class Domain:
    name: str
    programme: bool
    parent: str | None
    description: str
    keywords: Phrases
    weak: Phrases


@dataclass
class Rules:
    domains: list[Domain]
    interco: Phrases
    interco_negated: Phrases
    not_interco: dict[str, Phrases]
    data_centric: Phrases
    early_stage: Phrases
    data_words: Phrases
    english: set[str]
    policy_use: Phrases
    doubtful_applicant: Phrases
    min_french_share: float
    vocabulary: list[str]
    aliases: dict[str, str]

    def canonical_domain(self, name: str) -> str:
        """Our name of a domain given by any of its names (example entries use their own words)."""
        key = normalize(name)
        return self.aliases.get(key, key)


def load_rules(knowledge_dir: Path) -> Rules:
    folder = knowledge_dir / "eligibility"
    domains_data = yaml.safe_load((folder / "domains.yaml").read_text(encoding="utf-8"))["domains"]
    rules = yaml.safe_load((folder / "rules.yaml").read_text(encoding="utf-8"))
    domains = [
        Domain(
            name=d["name"],
            programme=bool(d.get("programme")),
            parent=d.get("parent"),
            description=d.get("description", ""),
            keywords=Phrases(list(d.get("keywords", [])) + list(d.get("aliases", []))),
            weak=Phrases(list(d.get("weak", []))),
        )
        for d in domains_data
    ]
    return Rules(
        domains=domains,
        interco=Phrases(rules["interco"]),
        interco_negated=Phrases(rules["interco_negated"]),
        not_interco={kind: Phrases(phrases) for kind, phrases in rules["not_interco"].items()},
        data_centric=Phrases(rules["data_centric"]),
        early_stage=Phrases(rules["early_stage"]),
        data_words=Phrases(rules["data_words"]),
        english={normalize(w) for w in rules["english"]},
        policy_use=Phrases(rules["policy_use"]),
        doubtful_applicant=Phrases(rules["doubtful_applicant"]),
        min_french_share=float(rules["min_french_share"]),
        vocabulary=sorted({w for d in domains_data for k in d.get("keywords", []) for w in normalize(k.rstrip("*")).split() if len(w) >= 5}),
        aliases={normalize(a): d["name"] for d in domains_data for a in [d["name"], *d.get("aliases", [])]},
    )
