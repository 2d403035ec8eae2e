"""50 simulated Telegram users drafting at once through the loopback stand-in, for a bounded time:
the real python-telegram-bot Application and the real engine (fake answerer, no model) on one
SQLite file. No reply lost or sent twice, no cross-talk, the process's RSS printed at start and end."""

from __future__ import annotations

import asyncio
import html
import time

import pytest

from bot.candidature import form
from bot.dialog import Engine
from bot.telegram import build_application, engine_user, running
from bot.telegram.callbacks import decode
from bot.telegram.render import split_html
from tests.faults_support import Seen, keyboard_of
from tests.telegram_standin import StandIn

pytestmark = [pytest.mark.slow, pytest.mark.lean,
              pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")]

TOKEN = "505050:LOAD-test-token"
USERS = 50
SECONDS = 20  # of sending; then every reply still on its way is waited for
FIRST_CHAT = 60_000


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def name_of(n: int) -> str:
    """A name of letters only, one per user: « Val Bc »."""
    return f"Communauté de communes du Val {chr(65 + n // 26)}{chr(97 + n % 26)}"


class Sent:
    """Messages sent per chat, from one poller of the stand-in's calls (50 users polling it each
    would cost more than the bot's own work)."""

    def __init__(self, seen: Seen):
        self.seen = seen
        self.by_chat: dict[int, list[dict]] = {}

    def refresh(self) -> None:
        by_chat: dict[int, list[dict]] = {}
        for c in self.seen.refresh():
            if c.get("ok") and c["method"] == "sendMessage":
                by_chat.setdefault(int(c["params"]["chat_id"]), []).append(c)
        self.by_chat = by_chat

    def __call__(self, chat: int) -> list[dict]:
        return self.by_chat.get(chat, [])

    async def poll(self, until: float) -> None:
        while time.monotonic() < until:
            self.refresh()
            await asyncio.sleep(0.1)


class User:
    def __init__(self, n: int, standin: StandIn, sent: Sent, engine: Engine):
        self.n, self.chat = n, FIRST_CHAT + n
        self.user = engine_user(self.chat)
        self.standin, self.sent, self.engine = standin, sent, engine
        self.inputs = self.lost = 0

    def next_input(self) -> tuple[str, str]:
        sent = self.sent(self.chat)
        for data in keyboard_of(sent[-1]) if sent else []:
            if decode(data) and decode(data)[0] in ("form:yes", "form:continue", "draft:resume"):
                return "press", data
        session = self.engine.state(self.user)
        if session.step == "recap":
            return "text", "/recap"
        if session.step != "form":
            return "text", "/candidature"
        if session.form.field == "interco.name":
            return "text", name_of(self.n)
        return "text", form.field(session.form.field).example

    def turn_done(self, handled_before: int, sent_before: int) -> bool:
        talk = self.engine.parts.conversations
        events = talk.events(self.user)
        if len(events) <= handled_before:
            return False
        replies = [r for r in talk.replies(self.user) if r["event_id"] == events[-1]["id"]]
        return bool(replies) and len(self.sent(self.chat)) - sent_before >= messages(replies)

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            kind, value = self.next_input()
            before = len(self.engine.parts.conversations.events(self.user)), len(self.sent(self.chat))
            if kind == "press":
                self.standin.press(self.chat, value, self.sent(self.chat)[-1]["result"]["message_id"])
            else:
                self.standin.send_text(self.chat, value)
            self.inputs += 1
            deadline = time.monotonic() + 30
            while not self.turn_done(*before):
                if time.monotonic() > deadline:
                    self.lost += 1
                    break
                await asyncio.sleep(0.1)


def messages(replies: list[dict]) -> int:
    """How many Bot API messages the face sends for these stored replies."""
    return sum(len(split_html(r["text"])) if r["text"].strip() else bool(r["buttons"]) for r in replies)


@pytest.mark.timeout(120)
async def test_fifty_users_draft_at_once_without_loss_duplicate_or_cross_talk(lean_app, tmp_path):
    engine = Engine(lean_app, out_dir=tmp_path)
    with StandIn.start(token=TOKEN) as standin:
        app = build_application(engine, TOKEN, base_url=standin.base_url, backoff=0.05, telegram_limits=False)
        async with running(app):
            seen = Seen(standin)
            sent = Sent(seen)
            rss_start, began = rss_mb(), time.monotonic()
            users = [User(n, standin, sent, engine) for n in range(USERS)]
            poller = asyncio.ensure_future(sent.poll(began + SECONDS + 40))
            await asyncio.gather(*(u.run(began + SECONDS) for u in users))
            poller.cancel()
            elapsed = time.monotonic() - began
            rss_end = rss_mb()
        calls = seen.refresh()  # what the stand-in received, read before it stops
    talk = engine.parts.conversations
    inputs = sum(u.inputs for u in users)
    print(f"\n{USERS} users, {elapsed:.1f} s, {inputs} inputs ({inputs / elapsed:.0f}/s), "
          f"{sum(u.lost for u in users)} without reply, RSS {rss_start:.0f} MB -> {rss_end:.0f} MB")
    assert all(u.lost == 0 for u in users)
    recaps = 0
    for u in users:
        events, replies = talk.events(u.user), talk.replies(u.user)
        assert len(events) == u.inputs  # every input handled, none twice
        sent = [html.unescape(c["params"].get("text", "")) for c in calls if c.get("ok")
                and c["method"] == "sendMessage" and int(c["params"]["chat_id"]) == u.chat]
        assert len(sent) == messages(replies)  # every reply sent, none twice
        assert "erreur inattendue" not in "\n".join(sent)
        others = [name_of(n) for n in range(USERS) if n != u.n]
        mine = "\n".join(sent)
        assert not any(f"{name} " in mine or mine.endswith(name) or f"{name}\n" in mine for name in others)
        draft = engine.parts.drafts.get(engine.state(u.user).form.draft_id, owner=u.user)
        assert draft.draft.interco.name == name_of(u.n)
        recaps += engine.state(u.user).step == "recap"
    print(f"{recaps} of {USERS} users got to the recap in the time")
    assert all(u.inputs >= 3 for u in users)  # everybody was served all along, not one after the other
    assert rss_end < rss_start + 150, (rss_start, rss_end)
