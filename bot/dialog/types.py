"""What goes into the engine and what comes out. Faces (terminal, Telegram, tests) speak only this.

An `Input` is what a user did: typed text, pressed a button, or sent a command.
A `Reply` is what to show: text with optional buttons, or a document to send.
A `Notification` is a reply for someone other than the person typing, kept in the outbox until a
face delivers it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class Button(BaseModel):
    """A choice offered to the user. `value` is what comes back when pressed (short, ASCII)."""

    label: str
    value: str = Field(max_length=40)


class Input(BaseModel):
    """One user action.

    - kind="text": `text` is what the user typed.
    - kind="button": `text` is the pressed button's value; `version` is the keyboard version it was
      shown with (None when the face cannot tell, e.g. the terminal).
    - kind="command": `text` is the command name without slash (« aide »), `args` what followed it.
    """

    kind: Literal["text", "button", "command"] = "text"
    text: str = ""
    args: str = ""
    version: int | None = None
    name: str | None = None  # how the person is called (Telegram's first name), shown to the others on a draft
    key: str | None = None  # the face's id of this input (« telegram:<update_id> »): an input delivered again is handled once

    @classmethod
    def parse(cls, raw: str) -> "Input":
        """A typed line: « /aide foo » is a command, anything else is text."""
        stripped = raw.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            name, _, args = stripped[1:].partition(" ")
            return cls(kind="command", text=name.split("@", 1)[0].lower(), args=args.strip())
        return cls(kind="text", text=raw)


class Reply(BaseModel):
    """One message to show. Buttons belong to keyboard `version`; a press on an older one is stale."""

    text: str = ""
    buttons: list[Button] = Field(default_factory=list)
    version: int | None = None
    document: Path | None = None
    document_name: str | None = None
    slow: bool = False  # the face may show « en train d'écrire » while producing it
    start_payload: str | None = None  # a deep-link payload: Telegram adds the link t.me/<bot>?start=<payload>
    id: int | None = None  # its row in the replies table, once stored: a face that gave the input a key marks it sent


class Notification(BaseModel):
    """A message for `recipient` (an engine user id), caused by what `sender` did."""

    recipient: str
    reply: Reply
    sender: str | None = None
    id: int | None = None  # its row in the outbox, once stored


def reply_record(reply: Reply) -> dict:
    """What is stored of a reply: text, button labels and values, document file name, and what a
    face needs to send it again after a crash (`delivery`: keyboard version, document path…)."""
    return {
        "text": reply.text,
        "buttons": [b.model_dump() for b in reply.buttons],
        "document": reply.document.name if reply.document is not None else None,
        "delivery": reply.model_dump(mode="json", include=DELIVERY),
    }


DELIVERY = {"version", "document", "document_name", "slow", "start_payload"}


def reply_from_record(row: dict) -> Reply:
    """The reply a stored record describes (`reply_record`, as read back from the replies table)."""
    return Reply(text=row["text"], buttons=[Button.model_validate(b) for b in row["buttons"]],
                 id=row.get("id"), **(row.get("delivery") or {}))
