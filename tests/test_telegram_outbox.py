"""What the Telegram face sends after the engine's commit, once and after a crash: notifications
for other people (the outbox), the replies of a turn killed between its commit and its sending,
and an update Telegram delivers again after a restart. The real engine (fake answerer, no model)
behind the real Application, against the loopback Bot API stand-in."""

from __future__ import annotations

import html

import pytest

from bot.dialog import Engine
from bot.dialog.scenes import SCENES
from bot.dialog.types import Input
from bot.telegram import build_application, engine_user, running
from tests.dialog_support import SIGNAL
from tests.telegram_standin import StandIn

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

TOKEN = "777777:OUTBOX-test-token"


@pytest.fixture()
def standin():
    with StandIn.start(token=TOKEN) as api:
        yield api


@pytest.fixture()
def engine(lean_app, tmp_path):
    return Engine(lean_app, out_dir=tmp_path, scenes=[*SCENES, SIGNAL])


def texts_to(standin, chat_id):
    return [html.unescape(c["params"].get("text", "")) for c in standin.sent(chat_id)]


def make_app(standin, engine):
    return build_application(engine, TOKEN, base_url=standin.base_url, backoff=0.05)


async def test_a_notification_reaches_the_recipients_chat_once(standin, engine):
    async with running(make_app(standin, engine)):
        standin.send_text(101, f"/signaler {engine_user(202)}")
        await standin.wait_for(lambda: standin.sent(202))
        standin.send_text(101, "/aide")  # another turn: nothing is sent twice
        await standin.wait_for(lambda: len(standin.sent(101)) >= 3)
    assert texts_to(standin, 202) == [f"{engine_user(101)} vous signale quelque chose."]
    assert "Signalé." in texts_to(standin, 101)
    assert engine.pending() == []


async def test_a_notification_left_by_a_crash_is_sent_at_the_next_start(standin, engine):
    # the turn was committed, then the process died before sending: the outbox still has it
    engine.handle(engine_user(303), f"/signaler {engine_user(404)}")
    assert len(engine.pending(engine_user(404))) == 1
    async with running(make_app(standin, engine)):
        await standin.wait_for(lambda: standin.sent(404))
    async with running(make_app(standin, engine)):  # a second start sends nothing again
        standin.send_text(303, "/aide")
        await standin.wait_for(lambda: standin.sent(303))
    assert texts_to(standin, 404) == [f"{engine_user(303)} vous signale quelque chose."]
    assert engine.pending() == []


async def test_a_notification_for_a_terminal_user_is_left_to_the_terminal(standin, engine):
    async with running(make_app(standin, engine)):
        standin.send_text(505, "/signaler terminal-claire")
        await standin.wait_for(lambda: standin.sent(505))
    (note,) = engine.pending("terminal-claire")
    assert "vous signale" in note.reply.text


# --- the person's own replies: committed, then a crash before they were sent --------------------

async def test_replies_committed_before_a_crash_are_sent_at_the_next_start_once(standin, engine):
    user = engine_user(606)
    # the turn of update 9001 was committed, then the process died before sending anything
    replies = engine.handle(user, Input(kind="command", text="aide", key="telegram:9001"))
    assert replies and all(r.id is not None for r in replies)
    async with running(make_app(standin, engine)):
        await standin.wait_for(lambda: len(standin.sent(606)) >= len(replies))
    async with running(make_app(standin, engine)):  # a second start sends nothing again
        standin.send_text(707, "/aide")
        await standin.wait_for(lambda: standin.sent(707))
    assert texts_to(standin, 606) == [r.text for r in replies]
    sent = standin.sent(606)
    assert sent[-1]["params"].get("reply_markup"), "the keyboard goes with the replies sent again"
    assert engine.unsent(since="2000-01-01") == []


async def test_an_update_delivered_again_after_a_restart_is_handled_once(standin, engine):
    async with running(make_app(standin, engine)):
        update_id = standin.send_text(808, "/aide")
        await standin.wait_for(lambda: standin.sent(808))
        await standin.wait_for(lambda: not standin.state()["pending"])
    first = texts_to(standin, 808)
    original = next(u for c in standin.calls("getUpdates") for u in c.get("result") or []
                    if u["update_id"] == update_id)
    async with running(make_app(standin, engine)):  # the bot restarted; Telegram delivers it again
        standin.push(original)
        standin.send_text(808, "bonjour")
        await standin.wait_for(lambda: len(standin.sent(808)) > len(first))
        await standin.wait_for(lambda: not standin.state()["pending"])
    events = engine.conversations.events(engine_user(808))
    assert [e["text"] for e in events] == ["aide", "bonjour"]
    assert texts_to(standin, 808)[:len(first)] == first
    assert texts_to(standin, 808).count(first[0]) == 1, "the replayed update was answered twice"


def test_an_input_delivered_again_returns_only_what_was_not_sent(engine):
    user = engine_user(909)
    replies = engine.handle(user, Input(kind="command", text="aide", key="telegram:42"))
    again = engine.handle(user, Input(kind="command", text="aide", key="telegram:42"))
    assert [(r.id, r.text, r.version) for r in again] == [(r.id, r.text, r.version) for r in replies]
    engine.sent(replies[:1])
    assert [r.id for r in engine.handle(user, Input(kind="command", text="aide", key="telegram:42"))] == \
        [r.id for r in replies[1:]]
    engine.sent(replies)
    assert engine.handle(user, Input(kind="command", text="aide", key="telegram:42")) == []
    assert len(engine.conversations.events(user)) == 1
    # without a key (the terminal), every input is handled and its replies count as shown
    assert all(r.id is None for r in engine.handle(user, "/aide"))
    assert engine.unsent(since="2000-01-01") == []
