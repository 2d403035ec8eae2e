"""Hostile lines at every step of the form, through the engine (fake answerer, real SQLite): one
clear French reply, the same question still asked, nothing stored in the draft.

Each field is reached by answering the ones before it with their examples (prompts/form.yaml);
the type of intercommunality, which the form infers from a name that says it, is reached with a
name that does not."""

from __future__ import annotations

import pytest

from bot.candidature import form
from bot.dialog.session import FORM_STEPS
from bot.prompts import say
from tests.dialog_support import press, texts
from tests.faults_support import answer_current

pytestmark = pytest.mark.lean

HOSTILE = {
    "empty": "",
    "blank": "   \t ",
    "10000": "a" * 10_000,
    "10000-words": "données " * 1250,
    "control": "\x00\x01\x07\x1b[31m\x7f",
    "zero-width": "\u200b\u200c\u200d\ufeff\u2060",
    "rtl-marks": "\u202e\u200f\u202b",
    "html": "<script>alert(1)</script>",
    "sql": "'; DROP TABLE drafts; --",
    "markdown-link": "[cliquez ici](http://evil.example/x)",
    "number": "42",
}
NUMBERS_EXPECTED = {"interco.departement", "interco.details"}  # « 42 » is an answer there (Loire)

def cases():
    for field in form.FIELDS:
        for line in HOSTILE:
            if line == "number" and field.name in NUMBERS_EXPECTED:
                continue
            yield pytest.param(field.name, line, id=f"{field.name}-{line}")


def reach(engine, user, field: str):
    replies = press(engine, user, engine.handle(user, "/start"), "go:draft")
    for _ in range(40):
        session = engine.state(user)
        if session.step == "form" and session.form.field == field:
            return replies
        if session.form.field == "interco.name" and field == "interco.type":
            replies = engine.handle(user, "Val Vert")  # a name that does not say the type
            continue
        replies, _ = answer_current(engine, user, replies)
    raise AssertionError(f"{field} never asked: {texts(replies)}")


def assert_refused(engine, user, line: str, replies_before, *, steps=frozenset({"form"})) -> None:
    session = engine.state(user)
    record = engine.parts.drafts.get(session.form.draft_id, owner=user)
    before = (session.form.field, record.draft.model_dump() if record else None, record.version if record else 0)
    replies = engine.handle(user, line)
    after = engine.state(user)
    record = engine.parts.drafts.get(after.form.draft_id, owner=user)
    said = texts(replies)
    assert replies and replies[0].text.strip(), "no reply"
    assert say("dialog", "error") not in said
    assert after.step in steps and after.form.field == before[0], (after.step, after.form.field, said)
    assert (record.draft.model_dump(), record.version) == (before[1], before[2]), "something was stored"
    assert len(said) < 2000 and line not in said or not line.strip(), "the line echoed back"
    assert any(ch in said for ch in "éèàùâêîôûç’«»"), f"not a French sentence: {said!r}"


@pytest.mark.parametrize("field, line", list(cases()))
def test_a_hostile_line_is_refused_in_french_and_the_field_asked_again(engine, user, field, line):
    replies = reach(engine, user, field)
    assert_refused(engine, user, HOSTILE[line], replies)


@pytest.mark.parametrize("line", [k for k in HOSTILE if k != "number"] + ["number"])
def test_a_hostile_line_at_a_confirmation_keeps_the_field_and_stores_nothing(engine, user, line):
    reach(engine, user, "contact")
    replies = engine.handle(user, form.field("contact").example)
    assert engine.state(user).step == "confirm"
    assert_refused(engine, user, HOSTILE[line], replies, steps=FORM_STEPS)
