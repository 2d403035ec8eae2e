"""Shorthand of French typed on a phone, spelt out: « kel é la date limite ? » -> « quel est la date limite ? ».

The dense model and the lexical index read a whole word where the applicant typed « cb », « tps » or
« kel »; the abbreviations and their words are data (`shorthand_fr.txt`), matched as whole words.

>>> expand("c cb de tps le programme ?")
"c'est combien de temps le programme ?"
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

SHORTHAND_FILE = Path(__file__).with_name("shorthand_fr.txt")


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], re.Pattern[str]]:
    table = {}
    for line in SHORTHAND_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            short, _, full = line.partition("=")
            table[short.strip().lower()] = full.strip()
    alternatives = "|".join(re.escape(s) for s in sorted(table, key=len, reverse=True))
    # a whole word: not inside another, nor glued to an apostrophe (« c'est », « qu'un » stay as they are)
    return table, re.compile(rf"(?<![\w'’])(?:{alternatives})(?![\w'’])", re.IGNORECASE)


def expand(text: str) -> str:
    """`text` with each shorthand word replaced by the word it stands for."""
    table, pattern = _table()
    return pattern.sub(lambda m: table[m.group(0).lower()], text)
