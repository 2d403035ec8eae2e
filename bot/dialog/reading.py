"""How a line typed where the form expects an answer is read: the answer, or a question on the programme.

    read_line("Au fait, quelle est la date limite pour candidater ?", field, answerer)   # "question"
    read_line("Notre enjeu : la collecte des déchets. Comment la réduire ? C'est l'objet du projet.",
              field, answerer)                                                           # "answer"

Signs weighed, each a few points (`question_score`): the line ends with « ? »; it opens like a
question (« est-ce que », « combien », « peut-on », an inverted verb « faut-il »…); it says it asks
(« au fait », « petite question », « je me demandais », « dis-moi »); it ends on a question word
(« … c'est quand », « … ou pas »); it speaks to the assistant (« vous », « tu »); it names the
programme's own things (candidature, date limite, gratuit, retenus…), which an answer about one's
project rarely does (less so where the field asks what is expected of the programme); the knowledge
base answers it with confidence, from an entry that is not a project example. Against: a
« ? » followed by a statement (« Pourquoi ce projet ? Parce que… »: a rhetorical question), and
length (people answer at length, ask briefly). Clear on either side: answered or stored; in between
the person is asked which it is (« C'est ma réponse » · « C'est une question »). `make eval` prints
precision and recall of « is a question » on lines written blind for each long-text field.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Protocol

from bot.retrieval.normalize import strip_accents

Reading = Literal["answer", "question", "unclear"]

QUESTION_AT = 3.0  # score from which a line is read as a question
ANSWER_BELOW = 1.5  # score under which it is read as the answer; in between: ask

# forms are matched on lowercase text without accents, apostrophes as « ' »
OPENINGS = (
    r"est[- ]ce", r"es[- ]ce que", r"qu'est[- ]ce", r"c'est quoi", r"c quoi", r"c'est qui", r"c qui",
    r"c'est quand", r"c quand", r"quel(le)?s?\b", r"combien", r"comment", r"pourquoi", r"quand\b",
    r"qui\b", r"ou\b(?! bien)", r"ou est", r"peut[- ]on", r"pourrait[- ]on", r"puis[- ]je", r"peux[- ]tu",
    r"pouvez[- ]vous", r"faut[- ]il", r"doit[- ]on", r"dois[- ]je", r"y a[- ]t[- ]il", r"y a t il",
    r"a[- ]t[- ]on", r"avez[- ]vous", r"sait[- ]on", r"savez[- ]vous", r"existe[- ]t[- ]il",
    r"on peut\b", r"je peux\b", r"il faut\b.*\?", r"il y a\b.*\?", r"c'est (grave|obligatoire|possible|vrai)",
    r"est[- ]il\b", r"est[- ]elle\b", r"sont[- ]ils\b", r"sont[- ]elles\b",
)
ASKING = (
    r"au fait", r"petite question", r"une question", r"question :", r"je me demandais", r"je voudrais savoir",
    r"j'aimerais savoir", r"je voulais savoir", r"tu sais\b", r"vous savez\b", r"dis[- ]moi", r"dites[- ]moi",
    r"tu peux me dire", r"vous pouvez me dire", r"pouvez[- ]vous me", r"attendez", r"attends", r"avant de repondre",
    r"je dois mettre quoi", r"on met quoi", r"je mets quoi", r"qu'est[- ]ce que je (mets|dois)", r"tu peux me rappeler",
    r"rappelez[- ]moi", r"rappelle[- ]moi", r"\bsvp\b.*\?",
)
INVERTED = re.compile(r"\b\w+-(t-)?(il|elle|on|ils|elles|vous|je|tu|nous)\b")
TRAILING = re.compile(r"\b(quand|quoi|qui|combien|comment|ou pas|ou non|exactement|en fait|deja|environ)\s*[?!.]*$")
ASKING_WORD = re.compile(r"\b(quoi|quand|combien)\b")
ADDRESSING = re.compile(r"\b(vous|tu|t'|votre|vos|ton|ta|tes)\b")  # answers speak of « nous », questions to the bot
PROGRAMME_WORDS = (
    r"(le|ce|du|au|votre|ton|vos|un tel) programme\b(?! (local|d'action|de |alimentaire|d'investissement|pluri))",
    r"candidat", r"candidature", r"postuler", r"date limite", r"deadline", r"gratuit", r"payant",
    r"frais\b", r"coute?s?\b", r"coutera\b", r"subvention", r"financement", r"retenu", r"selection", r"selectionn",
    r"inscri", r"promo", r"parcours", r"restitution", r"formation starter", r"formateur", r"former",
    r"chignard", r"interconnectes", r"banque des territoires", r"intercommunalites de france", r"eligible",
    r"dossier", r"formulaire", r"ce champ", r"ici\s*\?", r"laureat", r"territoires? retenus", r"cette annee",
    r"session", r"certifi", r"heures", r"dure\b", r"duree", r"selecti", r"formation", r"rembourser",
)
EXPECTATION_FIELDS = {"expectations"}  # where an answer naturally names the programme
# entries that describe a project (the programme's examples, ours): an answer describing one's own
# project resembles them, so the knowledge base answering with one of them says nothing of a question
PROJECT_EXAMPLES = ("exemple-", "illustratif-")


_OPENING = re.compile("^(?:" + "|".join(OPENINGS) + ")")
_ASKING = re.compile(r"(?:^|\W)(?:" + "|".join(ASKING) + ")")
_PROGRAMME = re.compile(r"(?:^|\W)(?:" + "|".join(PROGRAMME_WORDS) + ")")


def simplify(text: str) -> str:
    text = strip_accents(text.lower()).replace("’", "'").replace("`", "'")
    return " ".join(text.split())


def _clauses(text: str) -> list[str]:
    """Sentences, each with its final mark: « Pourquoi ? Parce que. » -> ["pourquoi ?", "parce que."]."""
    return [c.strip() for c in re.findall(r"[^?!.]+[?!.]*", text) if c.strip(" ?!.")]


def _opens_like_a_question(clause: str) -> bool:
    clause = re.sub(r"^(bonjour|bonsoir|salut|hello|coucou|excusez[- ]moi|pardon|euh|alors|et|mais|ok|bon)\b[ ,!:]*",
                    "", clause)
    return bool(_OPENING.search(clause)) or bool(INVERTED.search(clause.split(",")[0][:60]))


def question_score(text: str, field: str | None = None, knowledge_answers: bool | None = None) -> float:
    """How much `text` reads as a question about the programme (see the module's docstring)."""
    line = simplify(text)
    clauses = _clauses(line) or [line]
    score = 0.0
    ends_with_mark = line.rstrip(" .!)").endswith("?")
    words = len(line.split())
    if ends_with_mark:
        score += 2.0 + 1.0 * (words <= 15)  # a short line ending with « ? »
    elif "?" in line:
        score += 0.5
        after = line.rsplit("?", 1)[1].strip()
        if not _opens_like_a_question(after):  # « Comment réduire les dépôts ? C'est tout l'enjeu du projet. »
            score -= 2.0 if len(after.split()) >= 6 else 1.0 if len(after.split()) >= 3 else 0.0
    parts = [p.strip() for clause in clauses for p in re.split(r"[:;]", clause) if p.strip(" ?!.")]
    after_commas = [seg.strip() for part in parts for seg in part.split(",")[1:] if seg.strip()]
    if any(_opens_like_a_question(part) for part in parts) or any(
            _opens_like_a_question(seg) for seg in after_commas if not seg.startswith(("qui ", "ou "))):
        score += 1.5  # after a comma, « qui » or « où » opens a relative clause, not a question
    if _ASKING.search(line):
        score += 1.5
    if TRAILING.search(line):
        score += 1.0
    elif ASKING_WORD.search(line):
        score += 0.5
    if ADDRESSING.search(line):
        score += 1.0
    if _PROGRAMME.search(line):
        score += 0.25 if field in EXPECTATION_FIELDS else 1.0
    if knowledge_answers:
        score += 1.0
    score -= 1.5 * (words > 25) + 1.0 * (words > 45)
    return score


class Answerer(Protocol):
    def answer(self, question: str) -> Any: ...


def read_line(text: str, field: str | None, answerer: Answerer | None = None) -> tuple[Reading, Any]:
    """("question" | "answer" | "unclear", the knowledge base's answer when it was asked, else None).

    The knowledge base is asked only when the words alone leave a doubt."""
    score = question_score(text, field)
    if score < ANSWER_BELOW - 1.0 or answerer is None:
        return _decide(score), None
    answer = answerer.answer(text)
    sources = getattr(answer, "sources", None) or []
    about_a_project = bool(sources) and str(getattr(sources[0], "id", "")).startswith(PROJECT_EXAMPLES)
    confident = not getattr(answer, "abstained", True) and not about_a_project
    return _decide(question_score(text, field, knowledge_answers=confident)), answer


def _decide(score: float) -> Reading:
    if score >= QUESTION_AT:
        return "question"
    if score < ANSWER_BELOW:
        return "answer"
    return "unclear"
