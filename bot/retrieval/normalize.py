"""French text normalisation shared by the lexical index, the answers and the eligibility rules.

`normalize` gives comparable plain text; `lemmas` gives the tokens the lexical index works on:
lower case, elisions (l', d', qu'…) cut, lemmatised with simplemma, accents stripped, glossary
synonyms mapped to their canonical term, function words dropped.

>>> normalize("L’Interco peut-elle candidater ?")
'interco peut elle candidater'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Mapping

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ELISION = re.compile(r"\b(?:[lcdjmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’`´](?=\w)", re.IGNORECASE)
STOPWORDS_FILE = Path(__file__).with_name("stopwords_fr.txt")


@lru_cache(maxsize=4096)
def strip_accents(text: str) -> str:
    """`text` without its accents (and œ, æ spelt out). Kept for the texts seen last: an answer's entry
    text and a question's words come back at every check (bot.details normalises a question once per
    phrase it looks for)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("œ", "oe").replace("æ", "ae").replace("Œ", "OE").replace("Æ", "AE")


def words(text: str) -> list[str]:
    """Lower-cased words, elisions removed, accents kept (for lemmatisation)."""
    text = _ELISION.sub(" ", text.lower())
    return _WORD.findall(text)


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Lower case, no accents, no elisions, no punctuation, single spaces (kept, as `strip_accents`)."""
    return " ".join(strip_accents(w) for w in words(text))


def alternatives(phrases: Iterable[str]) -> str:
    """A regular expression's alternatives for `phrases` once normalised (each escaped, the longest first, empty ones
    left out, equal lengths in any order): « mon|mes|ma » of the words « ma, mes, mon » of a knowledge file."""
    return "|".join(sorted((re.escape(p) for p in {normalize(x) for x in phrases} if p), key=len, reverse=True))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


# Lemmas computed when the index was built, for every word of its documents and of the glossary, and
# whether each is a French word (`is_french`, `seed_lemmas`): a process whose words are all there
# never loads that dictionary (a quarter of a second of CPU, 30 MB), nor imports simplemma.
_seeded: dict[str, str] = {}
_seeded_known: dict[str, bool] = {}


def lemma(word: str) -> str:
    """simplemma's French lemma of one lower-cased word, without accents."""
    found = _seeded.get(word)
    return found if found is not None else _lemmatize(word)


@lru_cache(maxsize=65536)
def _lemmatize(word: str) -> str:
    import simplemma  # imported, and its dictionary read, at the first word not in the seeded table

    return strip_accents(simplemma.lemmatize(word, lang="fr").lower())


def is_french(word: str) -> bool:
    """A French word, not a typo: one of simplemma's French dictionary (inflected forms), or of the
    French word list pyspellchecker ships (140 000 words with their frequency in subtitles), which
    also holds the invariable words simplemma does not list (« vraiment », « franchement »): a typo
    corrector that took them for typos made « vraiment » into « traitement »."""
    found = _seeded_known.get(word)
    return found if found is not None else _in_dictionary(word) or word in _word_list()


def in_dictionary(word: str) -> bool:
    """`is_french` without reading pyspellchecker's list (≈ 80 ms at the first word): simplemma's dictionary,
    or the seeded table; a caller asks for the list only when it would otherwise take `word` for a typo."""
    found = _seeded_known.get(word)
    return found if found is not None else _in_dictionary(word)


@lru_cache(maxsize=65536)
def _in_dictionary(word: str) -> bool:
    import simplemma

    return bool(simplemma.is_known(word, lang="fr"))


@lru_cache(maxsize=1)
def _word_list() -> frozenset[str]:
    """pyspellchecker's French words, read at the first word that needs them (≈ 80 ms)."""
    import gzip
    import json
    from importlib.resources import files

    with gzip.open(files("spellchecker") / "resources" / "fr.json.gz", "rt", encoding="utf-8") as handle:
        return frozenset(json.load(handle))


def read_dictionaries() -> None:
    """Read simplemma's French dictionary and pyspellchecker's word list now: a long-running process's first
    word that may be a typo then does not wait for them (≈ 100 ms)."""
    _in_dictionary("bonjour")
    _word_list()


def lemmatizer_release() -> str:
    """`simplemma VERSION; pyspellchecker VERSION`: tables computed by other releases are not seeded."""
    import importlib.metadata

    releases = []
    for package in ("simplemma", "pyspellchecker"):
        try:
            releases.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            releases.append(package)
    return "; ".join(releases)


def lemma_table(words_: Iterable[str]) -> dict[str, dict]:
    """{"lemma": {word: lemma(word)}, "known": {word: is_french(word)}} for `words_` (lower-cased
    words, as `words` gives them), to save with the index and give to `seed_lemmas`."""
    chosen = sorted(set(words_))
    return {"lemma": {w: lemma(w) for w in chosen}, "known": {w: is_french(w) for w in chosen}}


def seed_lemmas(table: Mapping[str, Mapping]) -> None:
    """Take `table` (from `lemma_table`, with this release of simplemma) as known answers."""
    _seeded.update(table.get("lemma", {}))
    _seeded_known.update(table.get("known", {}))
    _seeded_lemmas.clear()


_seeded_lemmas: set[str] = set()


def is_indexed_lemma(token: str) -> bool:
    """Whether `token` is the lemma of a word of the index's documents or glossary (seeded tables): a word
    of the programme (« candidater ») that neither dictionary lists."""
    if not _seeded_lemmas and _seeded:
        _seeded_lemmas.update(_seeded.values())
    return token in _seeded_lemmas


class Glossary:
    """Maps synonyms (single words or phrases) to one canonical token, longest phrase first."""

    def __init__(self, groups: list[list[str]]):
        self._phrases: dict[tuple[str, ...], str] = {}
        for group in groups:
            if not group:
                continue
            canonical = "_".join(self._key(group[0]))
            for term in group:
                key = self._key(term)
                if key:
                    self._phrases.setdefault(key, canonical)
        self._longest = max((len(k) for k in self._phrases), default=0)

    @staticmethod
    def _key(term: str) -> tuple[str, ...]:
        return tuple(lemma(w) for w in words(term))

    def words(self) -> set[str]:
        """Every lemma that appears in a term of the glossary (« derriere » of « qui est derrière »)."""
        return {w for key in self._phrases for w in key}

    def map(self, tokens: list[str]) -> list[str]:
        if not self._phrases:
            return tokens
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                canonical = self._phrases.get(tuple(tokens[i : i + size]))
                if canonical:
                    out.append(canonical)
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out


def lemmas(text: str, glossary: Glossary | None = None, correct: Callable[[str, str], str] | None = None) -> list[str]:
    """Content tokens of `text`: lemmatised, accent-free, synonyms mapped, function words dropped.

    `correct(word, lemma)`, when given, may replace each lemma (a typo's correction) before the
    glossary maps it.
    """
    surface = words(text)
    tokens = [lemma(w) for w in surface]
    if correct is not None:
        tokens = [correct(w, t) for w, t in zip(surface, tokens)]
    if glossary is not None:
        tokens = glossary.map(tokens)
    stop = stopwords()
    return [t for t in tokens if t not in stop]
