"""Punctuation said aloud: a message dictated to a phone says « virgule » where a typed one has a comma.

The words and their marks are data (`dictation_fr.txt`); a mark said aloud becomes the mark, so that a
dictated message splits into its questions as a typed one does.

>>> punctuated("c'est payant virgule et ça dure combien point d'interrogation")
"c'est payant, et ça dure combien ?"
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot.retrieval.shorthand import read_table

DICTATION_FILE = Path(__file__).with_name("dictation_fr.txt")


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], re.Pattern[str]]:
    table = read_table(DICTATION_FILE)
    alternatives = "|".join(re.escape(s).replace("'", "['’]") for s in sorted(table, key=len, reverse=True))
    # « une virgule flottante », « en virgule fixe »: the number, not the mark
    return table, re.compile(rf"\s*(?<![\w'’])(?:{alternatives})(?![\w'’])(?!\s+(?:flottante|fixe)\b)", re.IGNORECASE)


def punctuated(text: str) -> str:
    """`text` with each mark said aloud (« virgule », « point d'interrogation ») written as the mark."""
    table, pattern = _table()
    if not pattern.search(text):
        return text

    def mark(match: re.Match[str]) -> str:
        said = table[" ".join(match.group(0).split()).lower().replace("’", "'")]
        return said if said in ",." else f" {said}"  # « combien ? », as French is typed

    return re.sub(r"([?!])(?=[^\W\d])", r"\1 ", pattern.sub(mark, text))
