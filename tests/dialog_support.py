"""Helpers for driving the dialog engine in tests: reply texts, button presses."""

from __future__ import annotations

from bot.dialog import Input


def texts(replies) -> str:
    return "\n".join(r.text for r in replies)


def press(engine, user, replies, value):
    """Press the button `value` on the latest keyboard of `replies`."""
    version = next(r.version for r in reversed(replies) if r.buttons)
    return engine.handle(user, Input(kind="button", text=value, version=version))


def has_button(replies, value) -> bool:
    return any(b.value == value for r in replies for b in r.buttons)
