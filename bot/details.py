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

from bot.knowledge import read_yaml
from bot.retrieval.normalize import normalize, strip_accents

DETAILS_FILE = "details.yaml"


@dataclass(frozen=True)
class Detail:
    label: str
    asks: tuple[str, ...]
    holds: tuple[str, ...]
    # (phrases, patterns): a question that also says one of the phrases is answered by a text that holds one of
    # the patterns (« le montant à inscrire à notre budget » is answered by « gratuitement »)
    unless: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()


_UNELIDED = frozenset("l c d j m n s t qu".split())  # « combien d heures », typed without its apostrophe


# what the applicant says they lack, in a list or before a comma (« rien d'écrit, pas de budget, pas de planning… »):
# told, not asked (« il n'y a pas de calendrier ? » still asks)
_LACKS = re.compile(r"\b(?:pas (?:encore )?d(?:e\s+|['’]\s*)|sans\s+|aucune?\s+|ni\s+(?:d(?:e\s+|['’]\s*))?)\w+(?=\s*[,;.…!]|\s+(?:ni|et|pas|rien|mais)\b)",
                    re.IGNORECASE)

# what a project or a file is said to come with (« un projet ficelé avec budget et planning », « avec un calendrier
# précis »): told, not asked (« avec quel calendrier ? » still asks)
_DETERMINER = r"(?:un|une|le|la|les|l['’]|des|du|son|sa|ses|leur|leurs)"
_COMES_WITH = re.compile(rf"\bavec\s+(?!quel|quelle|quels|quelles|qui|quoi)(?:{_DETERMINER}\s*)?(?!{_DETERMINER}\b)\w+"
                         rf"(?:\s+(?:et|ou)\s+(?!quel|quelle|quels|quelles)(?:{_DETERMINER}\s*)?(?!{_DETERMINER}\b)\w+)*"
                         # not « avec un reste à charge », « avec un plan de financement »
                         r"\b(?!\s*(?:à|a|de|d['’]|du|des)\b)", re.IGNORECASE)


def _asked(question: str) -> str:
    """`question` normalised as the phrases are, its elisions cut even without their apostrophe, without what
    it says is lacking (`_LACKS`) or what something comes with (`_COMES_WITH`)."""
    told = _COMES_WITH.sub(" ", _LACKS.sub(" ", question))
    return " " + " ".join(w for w in normalize(told).split() if w not in _UNELIDED) + " "


def _phrases(phrases) -> list[str]:
    return [_asked(a) for a in phrases if normalize(a)]


class DetailCheck:
    def __init__(self, details: list[Detail], cues: tuple[str, ...] = ()):
        self._cues = frozenset(normalize(c) for c in cues if normalize(c))
        self._details = [
            (d.label, _phrases(d.asks), [re.compile(h) for h in d.holds],
             [(_phrases(asks), [re.compile(h) for h in holds]) for asks, holds in d.unless])
            for d in details
        ]

    @classmethod
    def load(cls, knowledge_dir: Path, cache_dir: Path | None = None) -> "DetailCheck":
        """`knowledge/details.yaml`, parsed once and kept in `cache_dir` (the index) while it is unchanged."""
        path = knowledge_dir / DETAILS_FILE
        data = read_yaml(path, cache_dir) if path.exists() else None
        items = (data or {}).get("details", [])
        return cls([Detail(i["label"], tuple(i["asks"]), tuple(i["holds"]),
                           tuple((tuple(u["asks"]), tuple(u["holds"])) for u in i.get("unless", ())))
                    for i in items], tuple((data or {}).get("cues", ())))

    def asked(self, question: str) -> set[str]:
        """The labels of the details `question` asks for."""
        return self._labels(_asked(question))

    def may_ask(self, question: str) -> bool:
        """Whether `question` asks for a detail, or holds a word that may ask for one (`cues`: « quand »,
        « horaire »…) in words the phrases do not list."""
        asked = _asked(question)
        return bool(self._cues.intersection(asked.split())) or bool(self._labels(asked))

    def _labels(self, asked: str) -> set[str]:
        """The labels of the details whose phrases `asked` (a question as `_asked` gives it) holds."""
        return {label for label, asks, _, _ in self._details if any(a in asked for a in asks)}

    def missing(self, question: str, answer_text: str) -> str | None:
        """The label of a detail `question` asks for and `answer_text` does not hold, else None."""
        asked = _asked(question)
        text = strip_accents(answer_text.lower())
        for label, asks, holds, unless in self._details:
            if any(a in asked for a in asks) and not any(h.search(text) for h in holds) and not any(
                    any(a in asked for a in also) and any(h.search(text) for h in given) for also, given in unless):
                return label
        return None


PREMISES_FILE = "premises.yaml"
_LETTERS = {"a": "aàâä", "e": "eéèêë", "i": "iîï", "o": "oôö", "u": "uùûü", "c": "cç"}


def _spelling(phrase: str) -> str:
    """A regular expression matching `phrase` with or without its accents, apostrophes or hyphens."""
    out = []
    for ch in strip_accents(phrase.lower()):
        if ch in _LETTERS:
            out.append(f"[{_LETTERS[ch]}]")
        elif ch in "'’ -":
            out.append(r"[\s'’-]*")
        else:
            out.append(re.escape(ch))
    return "".join(out)


class PremiseCheck:
    """Tell when a question asks to confirm a claim that the answer's text does not hold.

    The phrases that ask for confirmation and the patterns of a precise claim live in
    `knowledge/premises.yaml`.

    >>> PremiseCheck(["c'est ça"], [{"asks": r"\\b\\d+\\b", "holds": r"\\bdizaine\\b"}]).contradicted(
    ...     "C'est limité à 5 territoires, c'est ça ?", "Une dizaine d'intercommunalités seront retenues.")
    '5'
    """

    def __init__(self, confirm: list[str], claims: list[dict]):
        self._confirm = [f" {normalize(c)} " for c in confirm if normalize(c)]
        self._claims = [(re.compile(c["asks"]), re.compile(c["holds"])) for c in claims]
        # the same phrases as written (any accent, apostrophe, hyphen or case), to take them out of the claim
        spelled = [_spelling(c) for c in sorted(confirm, key=len, reverse=True) if normalize(c)]
        self._confirm_words = re.compile(rf"(?<!\w)(?:{'|'.join(spelled)})(?!\w)", re.IGNORECASE) if spelled else None

    @classmethod
    def load(cls, knowledge_dir: Path, cache_dir: Path | None = None) -> "PremiseCheck":
        """`knowledge/premises.yaml`, parsed once and kept in `cache_dir` (the index) while it is unchanged."""
        path = knowledge_dir / PREMISES_FILE
        data = (read_yaml(path, cache_dir) if path.exists() else None) or {}
        return cls(data.get("confirm", []), data.get("claims", []))

    def without_confirmation(self, question: str) -> str:
        """The claim of `question`, without the words that ask to confirm it (« Le parcours dure 8 mois,
        vous confirmez ? » -> « Le parcours dure 8 mois ? »): they say nothing of the topic, and every
        question asking to confirm something shares them. `question` itself when little else remains."""
        claim = self._confirm_words.sub(" ", question) if self._confirm_words else question
        claim = re.sub(r"\s*,\s*(?=[?!.]|$)|\s{2,}", " ", claim).strip(" ,;")
        return claim if len(normalize(claim).split()) >= 3 else question

    def asks_to_confirm(self, question: str) -> bool:
        """Whether `question` states something and asks to confirm it (« c'est un prêt, j'imagine ? »)."""
        asked = f" {normalize(question)} "
        return any(c in asked for c in self._confirm)

    def contradicted(self, question: str, answer_text: str) -> str | None:
        """The claim of `question` that `answer_text` does not hold, when `question` asks to confirm it."""
        if not self.asks_to_confirm(question):
            return None
        text = f" {normalize(answer_text)} "
        for pattern, holds in self._claims:
            if not holds.search(answer_text if holds.pattern.startswith("(?<=") else strip_accents(answer_text)):
                continue  # the entry states no value of this kind: it does not answer the claim
            for match in pattern.finditer(question):
                claim = normalize(match.group(0))
                if claim and f" {claim} " not in text:
                    return match.group(0).strip()
        return None
