"""What people asked the assistant: questions with their outcome, ideas with their verdict (table
`asked`), written with the turn that answered them, read by the team's statistics.

    log = AskedLog(store)
    with store.atomic():                                   # the turn's transaction
        log.log("42", event_id, [{"kind": "question", "text": "C'est gratuit ?",
                                  "outcome": "answered", "ref": "gratuite"}])
    log.rows(kind="question")                              # oldest first

Outcomes: `answered` or `abstained` for a question (`ref`: the entry answered from), the verdict value
for an idea (`eligible`, `to_clarify`, `not_priority`, `not_eligible`; `ref`: its domains). The operator
tools `candibot ask` and `candibot check` record nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.store.db import Store, now

KINDS: tuple[str, ...] = ("question", "idea")
ANSWERED, ABSTAINED = "answered", "abstained"


class AskedLog:
    def __init__(self, store: Store):
        self.store = store

    def log(self, user_id: str, event_id: int | None, asked: Iterable[dict[str, Any]]) -> None:
        """Record each of `asked` ({kind, text, outcome, ref}) for input `event_id` of `user_id`."""
        stamp = now()
        for item in asked:
            self.store.execute(
                "INSERT INTO asked (ts, user_id, event_id, kind, text, outcome, ref) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [stamp, str(user_id), event_id, item["kind"], item["text"], item["outcome"], item.get("ref")],
            )

    def rows(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Recorded rows, oldest first (of one kind when given)."""
        if kind is None:
            return self.store.rows("SELECT * FROM asked ORDER BY id")
        return self.store.rows("SELECT * FROM asked WHERE kind = ? ORDER BY id", [kind])
