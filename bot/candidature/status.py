"""A draft's status: the value stored in the database (a contract) and the French label people read.

    >>> status_label("changes_requested")
    'modifications demandées'

Values: draft, submitted, changes_requested, approved, withdrawn (the legacy `complete` of earlier
versions became `draft` when the database was upgraded: completeness is computed from the answers).
Labels live in `prompts/statuses.yaml`; the transitions between statuses, in `bot.review.workflow`.
"""

from __future__ import annotations

from bot.prompts import texts

STATUSES: tuple[str, ...] = ("draft", "submitted", "changes_requested", "approved", "withdrawn")


def status_label(status: str | None) -> str:
    """The French label of `status`; an unknown value is shown as it is, never hidden or guessed."""
    value = str(status or "").strip()
    label = texts("statuses").get(value)
    return str(label) if label else value
