"""Who may do what with a draft: one matrix, roles by actions.

A person's role towards a draft is the first that applies: its owner, a co-editor (who joined by
an invitation), a reviewer (listed in `CANDIBOT_REVIEWERS`) once the draft has been submitted, or
nobody. A draft outside a person's scope is « introuvable » for them — never « interdit » — so that
numbers cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass

OWNER, COEDITOR, REVIEWER, NOBODY = "owner", "coeditor", "reviewer", None

MATRIX: dict[str, frozenset[str]] = {
    OWNER: frozenset({"read", "edit", "submit", "withdraw", "invite", "status", "comments"}),
    COEDITOR: frozenset({"read", "edit", "status", "comments", "tell_owner"}),
    REVIEWER: frozenset({"read", "read_private", "comment", "note", "request_changes", "cancel_request",
                         "approve"}),
}


def allowed(role: str | None, action: str) -> bool:
    return role is not None and action in MATRIX.get(role, frozenset())


@dataclass(frozen=True)
class Reviewers:
    """`CANDIBOT_REVIEWERS`: comma-separated ids. In Telegram a bare number is a Telegram user id
    (the engine knows that user as « telegram:<n> »); in the terminal an id is the `--user` name.
    `chat` (`CANDIBOT_REVIEW_CHAT_ID`): a Telegram group that also gets each submission."""

    ids: frozenset[str] = frozenset()
    chat: str | None = None

    @classmethod
    def parse(cls, setting: str | None, chat_id: int | str | None = None) -> "Reviewers":
        ids = frozenset(part.strip() for part in (setting or "").split(",") if part.strip())
        return cls(ids=ids, chat=str(chat_id) if chat_id not in (None, "") else None)

    def __contains__(self, user_id: object) -> bool:
        user = str(user_id)
        return user in self.ids or (user.startswith("telegram:") and user[len("telegram:"):] in self.ids)

    def recipients(self) -> list[str]:
        """The engine user ids to notify: each reviewer, then the review group if any."""
        people = [f"telegram:{i}" if i.lstrip("-").isdigit() else i for i in sorted(self.ids)]
        return people + ([f"telegram:{self.chat}"] if self.chat else [])
