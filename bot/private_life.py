"""Tell when a question is about the asker's private life (« mon fils », « ma banque »), not the programme.

The words live in `knowledge/private_life.yaml`. « Mon fils doit faire un exposé en binôme sur les volcans »
shares « binôme » with the programme, and its search finds the binôme entry; the programme speaks to people
acting for an intercommunalité, so a question naming one of the asker's relatives or private services is not
answered, unless it names the programme itself.

>>> check = PrivateLife(("mon", "ma"), ("fils", "banque"), ("programme",), between=("ancien",))
>>> check.about("Ma banque me facture des frais, c'est légal ?"), check.about("Mon fils gère le programme ?")
(True, False)
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.knowledge import read_yaml
from bot.retrieval.normalize import alternatives as _alternatives, normalize

PRIVATE_LIFE_FILE = "private_life.yaml"


class PrivateLife:
    def __init__(self, possessives, nouns, unless, between=()) -> None:
        between = rf"(?:(?:{_alternatives(between)}) )?" if between else ""
        self._private = re.compile(rf"\b(?:{_alternatives(possessives)}) {between}(?:{_alternatives(nouns)})\b") \
            if possessives and nouns else None
        self._programme = re.compile(rf"\b(?:{_alternatives(unless)})\b") if unless else None

    @classmethod
    def load(cls, knowledge_dir: Path, cache_dir: Path | None = None) -> "PrivateLife":
        """`knowledge/private_life.yaml`, parsed once and kept in `cache_dir` (the index) while it is unchanged;
        no file: no question is taken for private life."""
        path = Path(knowledge_dir) / PRIVATE_LIFE_FILE
        data = (read_yaml(path, cache_dir) if path.exists() else None) or {}
        return cls(data.get("possessives") or (), data.get("nouns") or (), data.get("unless") or (), data.get("between") or ())

    def names_programme(self, text: str) -> bool:
        """Whether `text` names the programme or one of its partners."""
        return self._names_programme(normalize(text))

    def about(self, text: str) -> bool:
        """Whether `text` names one of the asker's relatives or private services, and not the programme."""
        if self._private is None:
            return False
        normalised = normalize(text)
        return self._private.search(normalised) is not None and not self._names_programme(normalised)

    def _names_programme(self, normalised: str) -> bool:
        return self._programme is not None and self._programme.search(normalised) is not None
