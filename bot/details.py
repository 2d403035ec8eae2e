"""Tell when a question asks for a precise detail (a date, a contact, an amount…) that an entry lacks.

The kinds of details live in `knowledge/details.yaml`: phrases that ask for one, and patterns of
text that hold one. « Quel âge a le formateur ? » matches the entry on the formateur, which holds no
age: rather than answering beside the point, the assistant says the presentation does not give it.

>>> DetailCheck([Detail("de date", ("quand commence",), (r"\\b20\\d\\d\\b",))]).missing(
...     "Quand commence la formation ?", "Une formation en ligne.")
'de date'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.retrieval.normalize import normalize, strip_accents

DETAILS_FILE = "details.yaml"


@dataclass(frozen=True)
class Detail:
    label: str
    asks: tuple[str, ...]
    holds: tuple[str, ...]


class DetailCheck:
    def __init__(self, details: list[Detail]):
        self._details = [
            (d.label, [f" {normalize(a)} " for a in d.asks if normalize(a)], [re.compile(h) for h in d.holds])
            for d in details
        ]

    @classmethod
    def load(cls, knowledge_dir: Path) -> "DetailCheck":
        path = knowledge_dir / DETAILS_FILE
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        items = (data or {}).get("details", [])
        return cls([Detail(i["label"], tuple(i["asks"]), tuple(i["holds"])) for i in items])

    def missing(self, question: str, answer_text: str) -> str | None:
        """The label of a detail `question` asks for and `answer_text` does not hold, else None."""
        asked = f" {normalize(question)} "
        text = strip_accents(answer_text.lower())
        for label, asks, holds in self._details:
            if any(a in asked for a in asks) and not any(h.search(text) for h in holds):
                return label
        return None
