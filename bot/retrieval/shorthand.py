"""Shorthand of French typed on a phone, spelt out: « kel é la date limite ? » -> « quel est la date limite ? ».

The dense model and the lexical index read a whole word where the applicant typed « cb », « tps » or
« kel »; the abbreviations and their words are data (`shorthand_fr.txt`), matched as whole words. After a
verb that asks for an infinitive (« peut », « faut », « doit »…), a word typed with « é » for « er » is the
infinitive when that is a French word (« qui peut candidaté » -> « qui peut candidater »; the dense model
reads « candidaté » as another word).

>>> expand("c cb de tps le programme ?")
"c'est combien de temps le programme ?"
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot.retrieval.normalize import is_french, is_indexed_lemma, strip_accents

SHORTHAND_FILE = Path(__file__).with_name("shorthand_fr.txt")


def read_table(path: Path) -> dict[str, str]:
    """{what is typed or said, lower case: what it stands for} from a file of `a = b` lines (`#`: a comment)."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            short, _, full = line.partition("=")
            table[short.strip().lower()] = full.strip()
    return table


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], re.Pattern[str]]:
    table = read_table(SHORTHAND_FILE)
    alternatives = "|".join(re.escape(s) for s in sorted(table, key=len, reverse=True))
    # a whole word: not inside another, nor glued to an apostrophe (« c'est », « qu'un » stay as they are)
    return table, re.compile(rf"(?<![\w'’])(?:{alternatives})(?![\w'’])", re.IGNORECASE)


# the verbs after which the next word is an infinitive, and a word ending in « é » there (« peut candidaté »)
_BEFORE_INFINITIVE = re.compile(
    r"(?<![\w'’])(?P<verb>peut|peux|peuvent|pouvons|pouvez|doit|dois|doivent|devons|devez|faut|veux|veut|voulons|"
    r"voulez|voudrais|voudrait|voudrions|aimerais|aimerait|souhaite|souhaitons|va|vais|allons|vont)\s+(?P<word>\w+)é(?![\w'’])",
    re.IGNORECASE,
)


def _infinitive(match: re.Match[str]) -> str:
    """« peut candidater » for « peut candidaté » when « candidater » is a French word or a lemma of the index
    (« candidater », which neither dictionary lists); a « z » typed for the « s » said so is spelt « s »
    (« doit depozé » -> « doit deposer »)."""
    for stem in dict.fromkeys((match["word"], match["word"].replace("z", "s"))):
        infinitive = f"{stem}er"
        if is_french(infinitive.lower()) or is_indexed_lemma(strip_accents(infinitive.lower())):
            return f"{match['verb']} {infinitive}"
    return match.group(0)


def expand(text: str) -> str:
    """`text` with each shorthand word replaced by the word it stands for, and « é » typed for the « er » of
    an infinitive after « peut », « faut »… spelt « er »."""
    table, pattern = _table()
    text = pattern.sub(lambda m: table[m.group(0).lower()], text)
    return _BEFORE_INFINITIVE.sub(_infinitive, text) if "é" in text else text
