"""Tell when a word of the programme is used in another of its senses (« la promo sur les pneus », « la restitution des
badges », « la formation secourisme »), so that the question is not about the programme.

The words live in `knowledge/other_senses.yaml`: for each programme word, the words that, a few words after or before
it, give it another sense, and the other senses said in full (« pilote de ligne », not « pilote de ligne de bus »).
Whether the question names the programme all the same is for the caller to say (`PrivateLife.names_programme`).

>>> senses = OtherSenses([(("promo",), ("pneus", "magasin"), ())], after=5, before=3)
>>> senses.about("Il y a une promo sur les pneus hiver ?"), senses.about("La prochaine promo démarre quand ?")
(True, False)
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.knowledge import read_yaml
from bot.retrieval.normalize import alternatives as _alternatives, normalize

OTHER_SENSES_FILE = "other_senses.yaml"


class OtherSenses:
    def __init__(self, senses, after: int = 5, before: int = 3) -> None:
        """`senses`: (the programme's word in its forms, the words that mark another sense close to it, the other
        senses said in full), for each word."""
        patterns = []
        for words, others, phrases in senses:
            word = _alternatives(words)
            if others:
                other = _alternatives(others)
                patterns.append(rf"\b(?:{word})\b(?: \S+){{0,{after - 1}}} (?:{other})\b")
                patterns.append(rf"\b(?:{other})\b(?: \S+){{0,{before - 1}}} (?:{word})\b")
            if phrases:  # not followed by a complement (« un projet pilote de ligne de bus »)
                patterns.append(rf"\b(?:{_alternatives(phrases)})\b(?! (?:de|du|des|d)\b)")
        self._other = re.compile("|".join(patterns)) if patterns else None

    @classmethod
    def load(cls, knowledge_dir: Path, cache_dir: Path | None = None) -> "OtherSenses":
        """`knowledge/other_senses.yaml`, parsed once and kept in `cache_dir` (the index) while it is unchanged; no
        file: no word is taken in another sense."""
        path = Path(knowledge_dir) / OTHER_SENSES_FILE
        data = (read_yaml(path, cache_dir) if path.exists() else None) or {}
        senses = [(s.get("words") or (), s.get("others") or (), s.get("phrases") or ()) for s in data.get("senses") or ()]
        return cls([s for s in senses if s[0]], int(data.get("after", 5)), int(data.get("before", 3)))

    def about(self, text: str) -> bool:
        """Whether `text` uses a word of the programme in another of its senses."""
        return self._other is not None and self._other.search(normalize(text)) is not None
