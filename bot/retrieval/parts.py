"""Split a message into the questions it holds, in order.

« Bonjour ! c'est gratuit et ça dure combien de temps ? » holds two questions; a list (« 1) qui
finance 2) c'est en ligne ? »), several question marks, « d'une part … d'autre part », « et » or
« and » before a new clause split a message too. A piece is a question when it ends with a question
mark or holds an interrogative word; the others (« Bonjour ! », « Je suis DGS d'une agglo ») are
context, kept with the question that follows (or, at the end, the one before). A message with one
question comes back whole, unchanged.

>>> split_questions("c'est gratuit ? et au fait il fait quel temps demain")
["c'est gratuit ?", 'et au fait il fait quel temps demain']
>>> split_questions("La santé et le social sont-ils acceptés ?")
['La santé et le social sont-ils acceptés ?']
"""

from __future__ import annotations

import re

from bot.retrieval.normalize import strip_accents

# where a message may be cut: after a sentence (question marks, « ! », « . »); before a list item (a new line, a dash, « 2) »);
# before « et », « and », « d'autre part », « puis », « sinon », and after a comma before « par ailleurs »,
# « aussi », « enfin »… (the coordinator stays with what follows)
_AFTER_SENTENCE = re.compile(r"(?<=[?!.;])(?:\s*[?!.;])*\s+")
_LIST_ITEM = re.compile(r"\n+\s*(?:[-•*–]\s*|\d{1,2}\s*[).°/-]\s*)?|(?:^|\s)(?:[-•*–]|\d{1,2}\))\s+(?=\w)")
_COORDINATOR = re.compile(
    r"\s*,?\s+(?=(?:et|and|puis|mais aussi|ainsi que|d['’]autre part|sinon|ou bien)\s+\S)"
    r"|\s*,\s*(?=(?:par ailleurs|autre question|au passage|de plus|ensuite|enfin|également|egalement|aussi|au fait)\b)",
    re.IGNORECASE,
)
# words that make a piece a question (normalised: no accents, lower case)
_INTERROGATIVE = re.compile(
    r"\b(?:qui|quoi|koi|ki|quel|quels|quelle|quelles|kel|combien|quand|comment|pourquoi|est ce|"
    r"peut on|peux je|puis je|faut il|doit on|doit il|y a t il|a t on|sont ils|sont elles|est il|est elle|"
    r"savoir|dire si|me dire|preciser|confirmer|confirmez|pouvez vous|pourriez vous|pouvons nous|"
    r"what|who|when|where|how|is it|is there|can we|do we)\b"
)
# a yes-no question typed without its question mark begins with one of these (« c'est gratuit pour nous »)
_YES_NO = re.compile(r"^(?:c est|ca|on peut|on doit|faut|il faut|y a|ya|est ce|peut on|doit on)\b")
# a piece beginning with one of these words asks where (« où ») even without its accent
_WHERE = re.compile(r"(?:^|\s)où\b|\bou\s+(?:on|est ce|faut il|se|trouver|deposer|candidater|postuler)\b|\bou\s*\??$",
                    re.IGNORECASE)
_BETWEEN = re.compile(r"\b(?:entre|between|difference)\b")  # « la différence entre X et Y »: one question
MIN_WORDS = 2  # a piece of fewer words is context (« slt », « 3 questions : »)


def plain(text: str) -> str:
    """Lower case, no accents, every run of non-letters one space (« c'est » -> « c est »)."""
    return " ".join(re.sub(r"[\W_]+", " ", strip_accents(text.lower())).split())


def is_question(piece: str) -> bool:
    """Whether `piece` asks something: a question mark, an interrogative word, « où »."""
    text = piece.strip()
    if text.endswith("?"):
        return True
    plain_text = plain(text)
    return bool(_INTERROGATIVE.search(plain_text) or _YES_NO.search(plain_text) or _WHERE.search(text.lower()))


def _pieces(text: str) -> list[str]:
    out = []
    for line in _LIST_ITEM.split(text):
        for sentence in _AFTER_SENTENCE.split(line):
            out.extend(_coordinated(sentence))
    return [p.strip() for p in out if p.strip()]


def _coordinated(sentence: str) -> list[str]:
    """`sentence` cut before its coordinators, except the « et » of « entre X et Y » (one question)."""
    out: list[str] = []
    for piece in (p for p in _COORDINATOR.split(sentence) if p and p.strip()):
        if out and _BETWEEN.search(plain(out[-1])):
            out[-1] = f"{out[-1]} {piece.strip()}"
        else:
            out.append(piece.strip())
    return out


def split_questions(text: str) -> list[str]:
    """The questions of `text`, in order, each with the context that precedes it."""
    pieces = _pieces(text)
    if len(pieces) <= 1:
        return [text.strip()]
    questions: list[str] = []
    context: list[str] = []
    for piece in pieces:
        if is_question(piece) and len(plain(piece).split()) >= MIN_WORDS:
            questions.append(" ".join([*context, piece]))
            context = []
        else:
            context.append(piece)
    if context:
        if questions:
            questions[-1] = " ".join([questions[-1], *context])
        else:
            return [text.strip()]
    return questions if len(questions) > 1 else [text.strip()]
