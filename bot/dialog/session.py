"""Where a user is in the conversation: a typed, versioned `Session`, saved as JSON between turns.

    session = Session()                        # a new user: the menu
    session.form.field = "project.title"
    Session.from_stored(row)                   # today's format, or the bag of keys saved before it

Fields are declared here, with their meaning, instead of string keys scattered through the handlers;
an unknown key in stored JSON is dropped, a missing one takes its default, so an upgrade never
breaks a saved session. `VERSION` numbers the format; older formats are converted on load.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

VERSION = 2  # 1: the bag of keys of the first engine (no « v » key); 2: this model
FORM_STEPS = frozenset({"form", "confirm", "eligibility"})  # the steps that ask a field of the form


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)


class FormProgress(_Model):
    """The guided form's working data. The answers themselves live in the draft, never here."""

    draft_id: int | None = None  # the user's current draft
    field: str | None = None  # the field being asked
    fails: int = 0  # invalid answers in a row on that field
    skipped: list[str] = Field(default_factory=list)  # fields left for later, in the order left
    pending: Any = None  # a parsed grouped answer waiting for « Oui, c'est correct »
    editing: bool = False  # back to the recap once the field is answered
    prefill: dict[str, str] = Field(default_factory=dict)  # text offered for a field (the idea tested)
    carried: list[str] = Field(default_factory=list)  # fields whose offered text was typed at a confirmation
    held: str | None = None  # a line that may be the answer or a question: the person is asked which
    blank: str | None = None  # the field asked while it had no answer: one given meanwhile by the
    # team (a co-editor, the owner) is not replaced by the person's next line without asking them

    def reset_attempts(self) -> None:
        self.fails = 0
        self.pending = None
        self.held = None


class ReviewProgress(_Model):
    """A reviewer's working data: the draft open, what they saw of it, the comment being written."""

    draft_id: int | None = None
    status: str | None = None  # the status and version the reviewer saw: a decision on anything
    version: int | None = None  # else is « vient d'être traitée par … »
    field: str | None = None  # the rubric commented (« general »: the whole draft)
    text: str | None = None  # the comment typed, waiting for its audience


class Session(_Model):
    v: int = VERSION
    step: str = "menu"
    keyboard_version: int = 0  # number of the latest keyboard; older buttons are stale
    buttons: dict[str, str] = Field(default_factory=dict)  # the active keyboard: value -> label
    detour: str | None = None  # where to come back after a question asked with /question
    form: FormProgress = Field(default_factory=FormProgress)
    review: ReviewProgress = Field(default_factory=ReviewProgress)
    idea: str | None = None  # the last idea tested
    idea_verdict: str | None = None
    notice_given: bool = False  # the privacy notice was shown (at first contact, before any personal data)
    updated_at: str | None = None

    def interrupt(self) -> None:
        """Leave what was under way (a confirmation, an edit, a detour); the answers are kept."""
        self.detour = None
        self.form.reset_attempts()
        self.form.editing = False

    def data(self) -> dict[str, Any]:
        """What is stored in the `data` column (step and keyboard version have columns of their own)."""
        return self.model_dump(mode="json", exclude={"step", "keyboard_version", "updated_at"})

    @classmethod
    def from_stored(cls, row: dict[str, Any] | None) -> "Session":
        """A session from its stored row ({step, data, keyboard_version, updated_at}); a new one for None."""
        if row is None:
            return cls()
        data = row.get("data") or {}
        base = {"step": row.get("step") or "menu", "keyboard_version": row.get("keyboard_version") or 0,
                "updated_at": row.get("updated_at")}
        if data.get("v") == VERSION:
            return cls.model_validate({**data, **base})
        return cls.model_validate({**_from_version_1(data), **base})


_FORM_KEYS = ("draft_id", "field", "fails", "skipped", "pending", "editing", "prefill")


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """The first engine's bag of keys (`draft_id`, `field`, …, `_buttons`) as this model's fields."""
    return {
        "form": {key: data[key] for key in _FORM_KEYS if data.get(key) is not None},
        "buttons": data.get("_buttons") or {},
        "detour": data.get("return_to"),
        "idea": data.get("idea"),
        "idea_verdict": data.get("idea_verdict"),
    }
