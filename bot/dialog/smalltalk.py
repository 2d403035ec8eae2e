"""Small talk: greetings, thanks, goodbyes, « qui es-tu », « ok », « aide », insults. A short, warm
reply, then the current step again, instead of the knowledge base's « je ne sais pas ».

    smalltalk.intent("Merci beaucoup !")          # "thanks"
    smalltalk.intent("Bonjour, c'est gratuit ?")  # None: a greeting followed by a question
    smalltalk.reply("thanks")                     # "Avec plaisir !"

What people say and what is answered live in `prompts/smalltalk.yaml`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.prompts import texts
from bot.retrieval.normalize import strip_accents

_NOISE = re.compile(r"[^\w' +?-]+")  # emojis, punctuation but the apostrophe, « ? » and « - »


def simplify(text: str) -> str:
    text = strip_accents(text.lower()).replace("’", "'")
    text = _NOISE.sub(" ", text)
    text = re.sub(r"\bcandibot\b", " ", text)
    text = re.sub(r"\s*([?])", r"\1", text)
    return " ".join(text.split()).strip(" -")


@lru_cache(maxsize=1)
def _phrases() -> dict[str, str]:
    """Every phrase of prompts/smalltalk.yaml -> its intent."""
    table: dict[str, str] = {}
    for name, entry in texts("smalltalk").items():
        for phrase in entry.get("says") or []:
            table[simplify(str(phrase))] = name
            table[simplify(str(phrase)).rstrip("?")] = name
    return table


def intent(text: str) -> str | None:
    """The small-talk intent of a whole line, or None when it says something else too."""
    line = simplify(text)
    if not line:
        return None
    phrases = _phrases()
    if line in phrases:
        return phrases[line]
    bare = line.rstrip("?! ")
    if bare in phrases and phrases[bare] != "help":
        return phrases[bare]
    # « merci, au revoir », « ok merci ! », « bonjour bonjour » : every part small talk, the last one says it
    parts = [p.strip() for p in re.split(r"[,;]| et ", line) if p.strip(" ?")]
    if 1 < len(parts) <= 3 and all(p.rstrip("? ") in phrases for p in parts):
        return phrases[parts[-1].rstrip("? ")]
    return None


def reply(name: str) -> str:
    return str(texts("smalltalk")[name]["reply"] or "")
