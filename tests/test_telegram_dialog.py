"""The real engine (real model, real SQLite) behind the real python-telegram-bot Application,
talking to the loopback stand-in of the Bot API: whole conversations as a Telegram user has them.
"""

from __future__ import annotations

import asyncio
import html
import io
import os
import signal
import subprocess
import sys
import time

import pytest

from bot.config import Settings
from bot.prompts import say
from bot.telegram import build_application, engine_user, running
from bot.telegram.callbacks import decode
from tests.telegram_standin import StandIn

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")]

TOKEN = "654321:REAL-engine-token"


@pytest.fixture()
def standin():
    with StandIn.start(token=TOKEN) as api:
        yield api


class Agent:
    """One Telegram user, seen from the stand-in: types, presses the buttons the bot showed."""

    _ids = iter(range(5000, 10**6))

    def __init__(self, standin: StandIn, app):
        self.standin, self.app = standin, app
        self.id = next(self._ids)
        self.read = 0

    async def _turn(self, update_id: int) -> list[dict]:
        """Wait until the bot has fetched and fully handled `update_id`; the new messages."""
        def fetched():
            return any(update_id == u["update_id"] for c in self.standin.calls("getUpdates")
                       for u in c.get("result") or [])
        await self.standin.wait_for(fetched, timeout=30)
        processor = self.app.update_processor
        idle_since = None
        while idle_since is None or time.monotonic() - idle_since < 0.05:
            await asyncio.sleep(0.01)
            busy = processor.current_concurrent_updates or not self.app.update_queue.empty()
            idle_since = None if busy else (idle_since or time.monotonic())
        sent = self.standin.sent(self.id)
        new, self.read = sent[self.read:], len(sent)
        return new

    async def say(self, text: str) -> list[dict]:
        return await self._turn(self.standin.send_text(self.id, text))

    async def press(self, value: str, replies: list[dict]) -> list[dict]:
        for call in reversed(replies):
            for row in (call["params"].get("reply_markup") or {}).get("inline_keyboard", []):
                data = row[0]["callback_data"]
                if decode(data)[0] == value:
                    return await self._turn(self.standin.press(self.id, data, call["result"]["message_id"]))
        raise AssertionError(f"no button {value} in {texts(replies)}")

    async def send_other(self, kind: str) -> list[dict]:
        return await self._turn(self.standin.send_other(self.id, kind))


def texts(calls: list[dict]) -> str:
    return "\n".join(html.unescape(c["params"].get("text") or c["params"].get("caption") or "") for c in calls)


def buttons(calls: list[dict]) -> list[str]:
    return [decode(row[0]["callback_data"])[0] for c in calls
            for row in (c["params"].get("reply_markup") or {}).get("inline_keyboard", [])]


def app_for(standin, engine, **kwargs):
    return build_application(engine, TOKEN, base_url=standin.base_url, backoff=0.05, **kwargs)


def test_every_menu_command_is_one_the_engine_knows():
    from bot.dialog.router import Router
    from bot.dialog.scenes import SCENES
    from bot.telegram import bot_commands

    assert {c.command for c in bot_commands()} <= set(Router(SCENES).commands)


def needs_knowledge():
    if not any((Settings().knowledge_dir / "entries").glob("**/*.md")):
        pytest.skip("the knowledge base has no entries yet")


async def test_start_menu_question_and_answer(standin, engine):
    needs_knowledge()
    async with running(app := app_for(standin, engine)):
        agent = Agent(standin, app)
        replies = await agent.say("/start")
        assert "go:question" in buttons(replies)
        replies = await agent.press("go:question", replies)
        replies = await agent.say("Le programme est-il gratuit ?")
    assert "gratuit" in texts(replies).lower()
    assert "erreur inattendue" not in texts(replies)
    assert all(c["params"]["parse_mode"] == "HTML" for c in standin.sent(agent.id))


async def test_stale_button_and_non_text(standin, engine):
    async with running(app := app_for(standin, engine)):
        agent = Agent(standin, app)
        menu = await agent.say("/start")
        await agent.press("go:question", menu)
        stale = await agent.press("go:idea", menu)  # the first menu's keyboard is old now
        assert say("dialog", "stale_button") in texts(stale)
        assert stale[-1]["params"].get("reply_markup") or "?" in texts(stale)
        other = await agent.send_other("voice")
    assert texts(other[:1]) == say("telegram", "only_text")
    assert len(other) >= 2 and say("dialog", "empty") not in texts(other)  # the step again
    events = engine.parts.conversations.events(engine_user(agent.id))
    assert [e["kind"] for e in events][:3] == ["command", "button", "button"]


async def test_twenty_users_at_once_without_cross_talk(standin, engine):
    async with running(app := app_for(standin, engine, telegram_limits=False)):
        agents = [Agent(standin, app) for _ in range(20)]
        for agent in agents:
            standin.send_text(agent.id, f"/start campagne-{agent.id}")
        for agent in agents:
            standin.send_text(agent.id, "/question")
        for agent in agents:
            standin.send_text(agent.id, f"/modifier champ-{agent.id}")
        await standin.wait_for(lambda: all(len(standin.sent(a.id)) >= 3 for a in agents), timeout=60)
        await asyncio.sleep(0.5)
    reference = None
    for agent in agents:
        events = engine.parts.conversations.events(engine_user(agent.id))
        assert [(e["kind"], e["text"], e["args"]) for e in events] == [
            ("command", "start", f"campagne-{agent.id}"), ("command", "question", ""),
            ("command", "modifier", f"champ-{agent.id}")]
        received = texts(standin.sent(agent.id)).replace(str(agent.id), "<id>")
        assert "erreur inattendue" not in received
        reference = reference or received
        assert received == reference  # same flow, same words: nobody got another's replies


async def test_full_draft_to_docx_through_telegram_with_errors_injected(standin, engine):
    pytest.importorskip("bot.candidature.form")
    pytest.importorskip("bot.export")
    from docx import Document

    from bot.candidature import form

    async with running(app := app_for(standin, engine)):
        agent = Agent(standin, app)
        user = engine_user(agent.id)
        replies = await agent.press("go:draft", await agent.say("/start"))
        turns = 0
        while engine.state(user).step != "recap":
            if turns == 3:
                standin.fail_next("sendMessage", n=1, status=429, retry_after=1)
            if turns == 5:
                standin.fail_next("sendMessage", n=2, status=502)
            field = form.field(engine.state(user).form.field)
            replies = await agent.say(field.example)
            if "form:yes" in buttons(replies):
                replies = await agent.press("form:yes", replies)
            if "form:continue" in buttons(replies):
                replies = await agent.press("form:continue", replies)
            turns += 1
            assert turns < 40, texts(replies)
        replies = await agent.press("go:export", replies)
        replies = await agent.press("fmt:docx", replies)
    (doc,) = [c for c in replies if c["method"] == "sendDocument"]
    name, content = standin.file(doc["params"]["document"]["file_id"])
    assert name.endswith(".docx")
    body = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert body.strip()
    failed = [c["status"] for c in standin.calls() if c["method"] == "sendMessage" and not c["ok"]]
    assert failed == [429, 502, 502]
    # every reply the engine produced was delivered exactly once: no text twice in a row
    sent = [c["params"].get("text") for c in standin.sent(agent.id)]
    assert all(a != b or a is None for a, b in zip(sent, sent[1:]))


def test_candibot_run_polls_the_standin_and_keeps_the_token_out_of_logs(tmp_path, index_dir):
    with StandIn.start(token=TOKEN) as api:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "CANDIBOT_DB": str(tmp_path / "run.db"),
               "CANDIBOT_INDEX_DIR": str(index_dir), "OMP_NUM_THREADS": "1"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--base-url", api.base_url],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            api.send_text(77, "/start")
            deadline = time.monotonic() + 120
            while not api.sent(77) and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.1)
            assert api.sent(77), proc.poll()
            assert api.calls("setMyCommands")
        finally:
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert TOKEN not in out + err and TOKEN.split(":")[1] not in out + err
    assert say("telegram", "starting_polling") in err
