"""A draft's status: the value stored in the database (a contract) and the French label people read.

    >>> status_label("changes_requested")
    'modifications demandées'

Values: draft, submitted, changes_requested, approved, withdrawn, and the legacy `complete` (a draft
whose required fields are all filled). Labels live in `prompts/statuses.yaml`.
"""

from __future__ import annotations

from bot.prompts import texts

STATUSES: tuple[str, ...] = ("draft", "submitted", "changes_requested", "approved", "withdrawn")
LEGACY_STATUSES: tuple[str, ...] = ("complete",)


def status_label(status: str | None) -> str:
    """The French label of `status`; an unknown value is shown as it is, never hidden or guessed."""
    value = str(status or "").strip()
    label = texts("statuses").get(value)
    return str(label) if label else value
