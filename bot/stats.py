"""The team's statistics (`candibot stats`): drafts by status, questions asked, the questions the
assistant could not answer grouped and most frequent first (what to add to `knowledge/`), ideas
checked by verdict. Nothing personal comes out: no user id, name or e-mail; the question texts are
shown (they are what the team needs), with e-mail addresses and phone numbers masked.

    stats = compute(Store("candibot.db"))
    stats.to_json_dict()["questions"]["unanswered_groups"][0]
    {'question': 'Peut-on candidater à deux ?', 'count': 3, 'people': 2}

Questions are grouped on their normalised text (`bot.retrieval.normalize.normalize`: case, accents,
elisions, punctuation and spaces do not count); a group shows its most frequent wording.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from pydantic import BaseModel

from bot.candidature.status import STATUSES
from bot.prompts import texts
from bot.retrieval.normalize import normalize
from bot.store import DraftRows, Store
from bot.store.asked import ABSTAINED, ANSWERED, AskedLog

VERDICTS: tuple[str, ...] = ("eligible", "to_clarify", "not_priority", "not_eligible")
EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# French numbers (06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78, +33 (0)6 …, 0033 6 …)
# and other international ones (+44 20 7946 0958): a « + » or « 00 », then 8 to 15 digits in groups
PHONE_FR = re.compile(r"(?<![\w+])(?:(?:\+|00)33[\s.-]?(?:\(0\)[\s.-]?)?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
PHONE_INTL = re.compile(r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[\s.-]?\(?\d{1,4}\)?){2,6}(?!\d)")


def scrub(text: str) -> str:
    """`text` with its e-mail addresses and phone numbers replaced by a mask, on one line."""
    masks = texts("cli")["stats_masks"]
    text = EMAIL.sub(str(masks["email"]), text)
    text = PHONE_FR.sub(str(masks["phone"]), text)
    text = PHONE_INTL.sub(lambda m: str(masks["phone"]) if 8 <= sum(c.isdigit() for c in m.group()) <= 15
                          else m.group(), text)
    return " ".join(text.split())


class QuestionGroup(BaseModel):
    question: str  # the group's most frequent wording, scrubbed
    count: int  # times asked
    people: int  # different people who asked it (a count, never who)


class Stats(BaseModel):
    drafts: dict[str, int]  # status value -> count; every status of the contract, then any other stored
    questions_answered: int
    questions_abstained: int
    unanswered: list[QuestionGroup]  # most frequent first
    ideas: dict[str, int]  # verdict value -> count; every verdict, then any other stored

    @property
    def questions_asked(self) -> int:
        return self.questions_answered + self.questions_abstained

    def to_json_dict(self) -> dict[str, Any]:
        """The `candibot stats --json` shape (README, « Commandes »)."""
        return {
            "drafts": {"total": sum(self.drafts.values()), "by_status": self.drafts},
            "questions": {"asked": self.questions_asked, "answered": self.questions_answered,
                          "unanswered": self.questions_abstained,
                          "unanswered_groups": [g.model_dump() for g in self.unanswered]},
            "ideas": {"checked": sum(self.ideas.values()), "by_verdict": self.ideas},
        }


def _counts(found: Counter, known: tuple[str, ...]) -> dict[str, int]:
    """Every known value (zero included), in their order, then any other value found."""
    return {**{k: found.get(k, 0) for k in known}, **{k: found[k] for k in sorted(found) if k not in known}}


def group_questions(rows: list[dict[str, Any]]) -> list[QuestionGroup]:
    """Questions (rows with `text`, `user_id`, oldest first) grouped on their normalised text, most
    frequent first (then the one asked first)."""
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        shown = scrub(row["text"])
        group = groups.setdefault(normalize(shown), {"wordings": Counter(), "count": 0, "people": set()})
        group["wordings"][shown] += 1  # Counter keeps first-seen order among equal counts
        group["count"] += 1
        group["people"].add(row["user_id"])
    ranked = sorted(groups.values(), key=lambda g: -g["count"])  # stable: first asked first among equals
    return [QuestionGroup(question=g["wordings"].most_common(1)[0][0], count=g["count"], people=len(g["people"]))
            for g in ranked]


def compute(store: Store) -> Stats:
    asked = AskedLog(store)
    questions = asked.rows(kind="question")
    outcomes = Counter(row["outcome"] for row in questions)
    return Stats(
        drafts=_counts(Counter(row.status for row in DraftRows(store).list()), STATUSES),
        questions_answered=outcomes.get(ANSWERED, 0),
        questions_abstained=outcomes.get(ABSTAINED, 0),
        unanswered=group_questions([row for row in questions if row["outcome"] == ABSTAINED]),
        ideas=_counts(Counter(row["outcome"] for row in asked.rows(kind="idea")), VERDICTS),
    )
