"""A draft's life, as a state machine with guards:

    brouillon ──soumettre──▶ soumis ──valider──▶ validé
        ▲                     │  ▲
        │                  demander│  annuler la demande / resoumettre
        │                     ▼  │
    retiré ◀──retirer──  modifications demandées

`TRANSITIONS` is the whole table: for each action, the statuses it leaves, the status it reaches, and
the role allowed to take it (`bot.review.access`). A transition refused here never reaches the store.
Values are the database's and JSON's (a contract); French labels come from `prompts/statuses.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT, SUBMITTED, CHANGES_REQUESTED, APPROVED, WITHDRAWN = (
    "draft", "submitted", "changes_requested", "approved", "withdrawn")

EDITABLE = frozenset({DRAFT, CHANGES_REQUESTED, WITHDRAWN})  # submitted and approved drafts are frozen


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    role: str  # who may take it: « owner » or « reviewer » (see access.MATRIX)
    needs_comment: bool = False
    needs_complete: bool = False


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("submit", frozenset({DRAFT, CHANGES_REQUESTED, WITHDRAWN}), SUBMITTED, "owner", needs_complete=True),
    Transition("withdraw", frozenset({SUBMITTED, CHANGES_REQUESTED}), WITHDRAWN, "owner"),
    Transition("request_changes", frozenset({SUBMITTED}), CHANGES_REQUESTED, "reviewer", needs_comment=True),
    Transition("cancel_request", frozenset({CHANGES_REQUESTED}), SUBMITTED, "reviewer"),
    Transition("approve", frozenset({SUBMITTED}), APPROVED, "reviewer"),
)}


class Refused(Exception):
    """A transition or an access the rules refuse; `reason` names the French message
    (`prompts/dialog.yaml`, key `review.refused.<reason>`)."""

    def __init__(self, reason: str, **values):
        super().__init__(reason)
        self.reason = reason
        self.values = values


class Conflict(Exception):
    """The draft changed between what the actor saw and the write (another reviewer, the owner)."""


def editable(status: str) -> bool:
    return status in EDITABLE


def check(action: str, status: str, *, complete: bool = True, comment: str | None = None) -> Transition:
    """The transition `action` from `status`, or `Refused` saying why not."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Refused("unknown_action")
    if status not in transition.sources:
        raise Refused("wrong_status", status=status)
    if transition.needs_complete and not complete:
        raise Refused("incomplete")
    if transition.needs_comment and not (comment or "").strip():
        raise Refused("comment_required")
    return transition
