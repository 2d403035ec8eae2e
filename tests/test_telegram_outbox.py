"""Notifications for other people, delivered by the Telegram face from the outbox: to the
recipient's chat, once, and after a crash between the turn's commit and the send. The real engine
(fake answerer, no model) behind the real Application, against the loopback Bot API stand-in."""

from __future__ import annotations

import html

import pytest

from bot.dialog import Engine
from bot.dialog.scenes import SCENES
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
