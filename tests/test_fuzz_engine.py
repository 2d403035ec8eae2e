"""Property-based fuzzing of the dialog engine (hypothesis): several users interleaving arbitrary
text, commands, button presses with real, stale and forged data (other users' draft numbers,
unknown actions, wrong keyboard versions). Whatever they do, the engine never raises, never
apologises (an apology means a handler failed), always replies, and what it stores stays valid:
each session loads and names a known step, points to a draft of its own user or none, and no
user's action changes another user's draft (a draft disappears only by its own owner's erasure). The real engine and SQLite; the fake answerer.

150 examples of up to 30 actions (about 5 s); FUZZ_EXAMPLES=2000 for a longer search."""

from __future__ import annotations

import itertools
import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.candidature import form
from bot.candidature.models import Draft
from bot.config import Settings
from bot.dialog import Engine, Input
from bot.dialog.router import Router
from bot.dialog.scenes import SCENES
from bot.prompts import say
from tests.dialog_support import lean_app_on

pytestmark = pytest.mark.lean

APOLOGY = say("dialog", "error")
USERS = 3
COMMANDS = sorted(Router(SCENES).commands) + ["foo", "start@candibot_test_bot", "ADMIN", "éligibilité"]
VALUES = ["go:draft", "go:question", "go:idea", "go:menu", "go:help", "go:recap", "go:export",
          "draft:resume", "draft:new", "draft:idea", "form:yes", "form:no", "form:skip", "form:continue",
          "form:rephrase", "form:keep", "form:mine", "form:asked", "form:help",
          *[f"edit:{f.name}" for f in form.FIELDS], "edit:", "edit:../../etc/passwd", "edit:interco",
          "fmt:md", "fmt:json", "fmt:exe", "fmt:", "go:", ":", "review:approve", "draft:"]

text = st.one_of(
    st.text(max_size=60),
    st.sampled_from([f.example for f in form.FIELDS]),
    st.sampled_from(["", " ", "\u200b", "\u202e35", "<b>x</b>", "'; DROP TABLE drafts; --", "[lien](http://x.y)",
                     "1", "99", "oui", "non", "Oui, c'est correct", "Continuer la saisie", "\x00\x07", "é" * 500]),
)
command = st.tuples(st.sampled_from(COMMANDS), st.text(max_size=20))
# a press: a value (real or forged, or naming a draft: « draft:7 », « edit:7 »), a keyboard version
# that is the current one, an older one, a future one or none
press = st.tuples(st.one_of(st.sampled_from(VALUES), st.text(max_size=30),
                            st.integers(0, 40).map(lambda n: f"draft:{n}"),
                            st.integers(0, 40).map(lambda n: f"edit:{n}")),
                  st.sampled_from(["current", "old", "future", "none"]))
# and what a person following the bot does: press one of the buttons shown, answer the field asked
action = st.tuples(st.integers(0, USERS - 1),
                   st.one_of(text.map(lambda t: ("text", t)), command.map(lambda c: ("command", c)),
                             press.map(lambda p: ("button", p)), st.integers(0, 20).map(lambda n: ("shown", n)),
                             st.just(("answer", None)), st.integers(0, 5).map(lambda n: ("forged", n))))
FORGED = ["button:draft:{id}", "button:edit:{id}", "button:fmt:{id}", "command:export:{id}",
          "command:modifier:{id}", "command:recap:{id}"]

_examples = itertools.count()
STEP_DEPTH = {step: n for n, step in enumerate(["menu", "question", "idea", "idea_result", "draft_choice",
                                                 "form", "confirm", "eligibility", "recap", "export"])}


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    return Engine(lean_app_on(Settings(CANDIBOT_DB=folder / "fuzz.db")), out_dir=folder / "out")


def to_input(engine, user: str, kind: str, payload, others: list[int]) -> Input:
    session = engine.state(user)
    if kind == "forged":  # data naming another user's draft, with the current keyboard's version
        target = others[payload % len(others)] if others else 1
        how, name, value = FORGED[payload].format(id=target).split(":", 2)
        if how == "button":
            return Input(kind="button", text=f"{name}:{value}", version=session.keyboard_version)
        return Input(kind="command", text=name, args=value)
    if kind == "shown":  # the n-th button of the keyboard shown last
        shown = list(session.buttons)
        if shown:
            return Input(kind="button", text=shown[payload % len(shown)], version=session.keyboard_version)
        kind, payload = "answer", None
    if kind == "answer":  # the field's own example, or « Rédiger » outside the form
        if session.step == "form" and session.form.field:
            return Input(kind="text", text=form.field(session.form.field).example)
        return Input(kind="command", text="candidature")
    if kind == "text":
        return Input.parse(payload) if not payload.strip().startswith("/") else Input(kind="text", text=payload)
    if kind == "command":
        name, args = payload
        return Input(kind="command", text=name, args=args)
    value, which = payload
    current = session.keyboard_version
    version = {"current": current, "old": current - 1, "future": current + 5, "none": None}[which]
    return Input(kind="button", text=value, version=version)


def check_stored(engine, users: list[str], owners: dict[int, str], actor: str) -> None:
    drafts = engine.parts.drafts
    steps = Router(SCENES).steps
    for user in users:
        session = engine.state(user)  # loads
        assert session.step in steps, session.step
        if session.form.draft_id is not None:
            record = drafts.get(session.form.draft_id, owner=user)
            assert record is not None, f"{user} points to draft {session.form.draft_id} not theirs"
            owners.setdefault(record.id, user)
            assert owners[record.id] == user
            Draft.model_validate(record.draft.model_dump())
    for draft_id, owner in list(owners.items()):
        record = drafts.get(draft_id, owner=owner)
        if record is None:  # gone: only its owner may have erased it (/supprimer, confirmed)
            assert owner == actor, f"{actor} made draft {draft_id} of {owner} disappear"
            del owners[draft_id]
            continue
        assert record.owner == owner


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(action, min_size=1, max_size=30))
def test_any_interleaving_of_users_never_raises_and_keeps_state_valid(fuzz_engine, actions):
    engine = fuzz_engine
    example = next(_examples)
    users = [f"fuzz{example}-{i}" for i in range(USERS)]
    owners: dict[int, str] = {}
    for user in users:  # each in a draft of their own, so that presses and texts reach the form
        engine.handle(user, "/candidature")
    for index, (who, (kind, payload)) in enumerate(actions):
        user = users[who]
        others = {d: engine.parts.drafts.get(d, owner=o) for d, o in owners.items() if o != user}
        replies = engine.handle(user, to_input(engine, user, kind, payload, sorted(others)))
        assert replies, (kind, payload)
        assert all(r.text.strip() or r.buttons or r.document for r in replies)
        assert not any(APOLOGY in r.text for r in replies), (index, kind, payload)
        check_stored(engine, users, owners, user)
        for draft_id, record in others.items():  # nobody else's draft changed
            after = engine.parts.drafts.get(draft_id, owner=record.owner)
            assert after is not None, (user, kind, payload, draft_id)
            assert after.draft == record.draft and after.version == record.version, (user, kind, payload)
    event(f"drafts started: {min(len(owners), 2)}")
    event(f"deepest step: {max((engine.state(u).step for u in users), key=lambda step: STEP_DEPTH.get(step, -1))}")
