"""The Telegram face against the loopback stand-in, driven by a tiny echo engine (no model).

The real `Application` (python-telegram-bot) polls the stand-in through its base URL; every Bot
API call it makes is recorded there and checked here.
"""

from __future__ import annotations

import asyncio
import html
import io
import logging
import random
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from telegram.ext import Application

from bot.dialog.types import Button, Input, Reply
from bot.prompts import say, texts
from bot.telegram import build_application, engine_user, running
from bot.telegram.callbacks import MAX_BYTES, decode, encode
from bot.telegram.logs import RedactSecrets, protect
from bot.telegram.ordering import RecentUpdates
from bot.telegram.render import safe_file_name, split_html, tg_length
from tests.telegram_standin import StandIn, check_html

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

TOKEN = "123456:SECRET-test-token_xyz"


class EchoEngine:
    """Same `handle` signature as the real engine; says back what it got, with a few tricks."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.inputs: dict[str, list[Input]] = defaultdict(list)
        self.version: dict[str, int] = defaultdict(int)
        self.resumed: dict[str, list[str]] = defaultdict(list)
        self.lock = threading.Lock()

    def handle(self, user_id: str, inp: Input) -> list[Reply]:
        with self.lock:
            self.inputs[user_id].append(inp)
            self.version[user_id] += 1
            version = self.version[user_id]
        if inp.kind == "button" and inp.version != version - 1:
            return [Reply(text="Ce bouton n'est plus actif."), *self.resume(user_id)]
        text = inp.text
        if text.startswith("lent"):
            time.sleep(1.2)
            return [Reply(text="fini", slow=True)]
        if text.startswith("pause"):
            time.sleep(random.uniform(0, 0.03))
        if text == "menu":
            return [Reply(text="Choisissez :", buttons=[Button(label="Oui", value="yes"),
                                                        Button(label="Non", value="x" * 40)],
                          version=version)]
        if text == "long":
            paragraph = "Une phrase assez longue pour remplir le message. " * 30
            return [Reply(text="\n\n".join([paragraph] * 8), buttons=[Button(label="OK", value="ok")],
                          version=version)]
        if text == "doc":
            path = self.tmp / "candidature.docx"
            path.write_bytes(b"PK fake docx")
            return [Reply(text="Voici votre candidature.", document=path,
                          document_name="Candidature: CC du Val/d'Oise <2024>.docx")]
        return [Reply(text=f"{user_id}|{inp.kind}|{inp.text}|{inp.args}")]

    def resume(self, user_id: str, reason: str = "", *, key: str | None = None) -> list[Reply]:
        with self.lock:
            self.resumed[user_id].append(reason)
        return [Reply(text="Étape actuelle", buttons=[Button(label="Oui", value="yes")],
                      version=self.version[user_id])]


@pytest.fixture()
def standin():
    with StandIn.start(token=TOKEN) as api:
        yield api


@pytest.fixture()
def engine(tmp_path):
    return EchoEngine(tmp_path)


def make_app(standin: StandIn, engine, **kwargs) -> Application:
    kwargs.setdefault("backoff", 0.05)
    return build_application(engine, TOKEN, base_url=standin.base_url, **kwargs)


def texts_to(standin: StandIn, chat_id: int) -> list[str]:
    return [html.unescape(c["params"].get("text", "")) for c in standin.sent(chat_id)]


# --- pure pieces -------------------------------------------------------------------------------


def test_callback_data_is_compact_and_round_trips():
    for value, version in [("go:question", 7), ("x" * 40, 123456789), ("é" * 40, 3), ("a", None)]:
        data = encode(value, version)
        assert len(data.encode()) <= MAX_BYTES
        assert decode(data) == (value, version)
    assert decode("garbage") is None
    assert decode("abc|x") is None


def test_long_text_is_split_at_paragraphs_under_the_limit():
    paragraphs = [f"Paragraphe {i} <avec> & des signes. " + "mot " * 300 for i in range(12)]
    chunks = split_html("\n\n".join(paragraphs))
    assert len(chunks) > 1
    for chunk in chunks:
        assert tg_length(chunk) <= 4096
        assert check_html(chunk)[0] is None
        assert chunk.startswith("Paragraphe")  # every cut falls between paragraphs
    assert html.unescape(" ".join(chunks)).split() == " ".join(paragraphs).split()


def test_a_giant_word_and_emoji_still_fit():
    for text in ["🙂" * 5000, "a" * 10000, "<" * 3000]:
        chunks = split_html(text)
        assert all(tg_length(c) <= 4096 for c in chunks)
        assert html.unescape("".join(chunks)) == text


def test_file_names_are_safe_and_readable():
    assert safe_file_name("Candidature: CC du Val/d'Oise <2024>.docx", Path("x.docx")) == \
        "Candidature- CC du Val-d'Oise -2024.docx"
    assert safe_file_name(None, Path("/tmp/brouillon-12.pdf")) == "brouillon-12.pdf"
    assert safe_file_name("../../etc/passwd", Path("a.json")) == "etc-passwd.json"
    assert safe_file_name("Communauté d'agglomération " * 10, Path("a.md")).endswith(".md")
    assert len(safe_file_name("é" * 300, Path("a.docx"))) <= 80


def test_secrets_are_masked_in_every_log_line():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets([TOKEN, "hook-secret"]))
    logger = logging.getLogger("test.redact")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.info("POST https://api.telegram.org/bot%s/sendMessage", TOKEN)
        try:
            raise RuntimeError(f"boom hook-secret {TOKEN}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output and "hook-secret" not in output
    assert "bot***/sendMessage" in output


def test_recent_updates_remembers_a_bounded_number():
    seen = RecentUpdates(size=3)
    assert [seen.first_time(i) for i in (1, 2, 1, 3, 4, 5, 1)] == [True, True, False, True, True, True, True]


# --- end to end through the stand-in -----------------------------------------------------------


async def test_text_is_escaped_and_commands_menu_is_french(standin, engine):
    async with running(make_app(standin, engine)):
        standin.send_text(1, "<b>gras</b> & <script>")
        await standin.wait_for(lambda: standin.sent(1))
    call = standin.sent(1)[0]
    assert call["params"]["parse_mode"] == "HTML"
    assert "&lt;b&gt;gras&lt;/b&gt; &amp; &lt;script&gt;" in call["params"]["text"]
    (menu,) = standin.calls("setMyCommands")
    names = [c["command"] for c in menu["params"]["commands"]]
    assert names == list(texts("telegram")["commands"])
    assert all(c["description"] for c in menu["params"]["commands"])


async def test_start_deep_link_payload_reaches_the_engine(standin, engine):
    async with running(make_app(standin, engine)):
        first = standin.send_text(2, "/start campagne-2024")
        second = standin.send_text(2, "/aide@candibot_test_bot")
        await standin.wait_for(lambda: len(standin.sent(2)) == 2)
    assert engine.inputs[engine_user(2)] == [  # with the person's first name, shown to the others on a draft,
        # and the update id as the input's key (an update delivered again is handled once)
        Input(kind="command", text="start", args="campagne-2024", name="Agent2", key=f"telegram:{first}"),
        Input(kind="command", text="aide", args="", name="Agent2", key=f"telegram:{second}"),
    ]


async def test_buttons_carry_the_version_and_a_press_comes_back(standin, engine):
    async with running(make_app(standin, engine)):
        standin.send_text(3, "menu")
        first = (await standin.wait_for(lambda: standin.sent(3)))[0]
        rows = first["params"]["reply_markup"]["inline_keyboard"]
        data = [row[0]["callback_data"] for row in rows]
        assert all(len(d.encode()) <= 64 for d in data)
        standin.press(3, data[1], message_id=first["result"]["message_id"])
        await standin.wait_for(lambda: len(standin.sent(3)) == 2)
        # the same keyboard pressed again is stale: the engine says so, and the step again
        standin.press(3, data[0], message_id=first["result"]["message_id"])
        await standin.wait_for(lambda: len(standin.sent(3)) == 4)
    user = engine_user(3)
    assert engine.inputs[user][1].model_copy(update={"key": None}) == \
        Input(kind="button", text="x" * 40, version=1, name="Agent3")
    assert texts_to(standin, 3)[2:] == ["Ce bouton n'est plus actif.", "Étape actuelle"]
    assert len(standin.calls("answerCallbackQuery")) == 2
    assert standin.calls("editMessageReplyMarkup")


async def test_long_answer_is_split_and_buttons_go_last(standin, engine):
    async with running(make_app(standin, engine)):
        standin.send_text(4, "long")
        await standin.wait_for(lambda: len(standin.sent(4)) >= 2)
        await asyncio.sleep(0.2)
    sent = standin.sent(4)
    assert len(sent) >= 2
    assert all(len(c["params"]["text"]) <= 4096 for c in sent)
    assert [bool(c["params"].get("reply_markup")) for c in sent] == [False] * (len(sent) - 1) + [True]


async def test_documents_are_sent_with_a_safe_readable_name(standin, engine):
    async with running(make_app(standin, engine)):
        standin.send_text(5, "doc")
        (call,) = await standin.wait_for(lambda: standin.sent(5))
    assert call["method"] == "sendDocument"
    assert call["params"]["document"]["file_name"] == "Candidature- CC du Val-d'Oise -2024.docx"
    name, content = standin.file(call["params"]["document"]["file_id"])
    assert content == b"PK fake docx"
    assert call["params"]["caption"] == "Voici votre candidature."


async def test_slow_work_shows_typing(standin, engine):
    async with running(make_app(standin, engine, typing_after=0.3)):
        standin.send_text(6, "lent")
        await standin.wait_for(lambda: standin.sent(6), timeout=5)
    actions = [c["params"]["action"] for c in standin.calls("sendChatAction")]
    assert "typing" in actions


@pytest.mark.parametrize("kind", ["photo", "voice", "sticker", "document", "location"])
async def test_non_text_messages_get_a_polite_answer_and_the_step_again(standin, engine, kind):
    async with running(make_app(standin, engine)):
        standin.send_other(7, kind)
        await standin.wait_for(lambda: len(standin.sent(7)) == 2)
    assert texts_to(standin, 7) == [say("telegram", "only_text"), "Étape actuelle"]
    assert standin.sent(7)[1]["params"]["reply_markup"]["inline_keyboard"]
    assert engine.inputs[engine_user(7)] == []  # nothing reached the engine as text
    expected = {"photo": "photosize", "voice": "voice", "sticker": "sticker", "document": "document",
                "location": "location"}[kind]
    assert engine.resumed[engine_user(7)] == [expected]  # asked again once, through resume


async def test_users_run_concurrently_each_in_order_without_cross_talk(standin, engine):
    users = list(range(100, 120))
    async with running(make_app(standin, engine, telegram_limits=False)):
        for i in range(6):
            for user in users:
                standin.send_text(user, f"pause {user} n{i}")
        await standin.wait_for(lambda: len(standin.sent()) == 6 * len(users), timeout=20)
    for user in users:
        expected = [f"{engine_user(user)}|text|pause {user} n{i}|" for i in range(6)]
        assert texts_to(standin, user) == expected


async def test_an_update_delivered_twice_is_handled_once(standin, engine):
    async with running(make_app(standin, engine)):
        update_id = standin.send_text(8, "une fois")
        await standin.wait_for(lambda: standin.sent(8))
        original = next(c for c in standin.calls("getUpdates") if c.get("result"))["result"][0]
        standin.push(original)  # replayed after a "crash": same update_id
        assert original["update_id"] == update_id
        standin.send_text(8, "deux")
        await standin.wait_for(lambda: len(standin.sent(8)) >= 2)
        await asyncio.sleep(0.3)
    assert [i.text for i in engine.inputs[engine_user(8)]] == ["une fois", "deux"]


async def test_429_and_502_lose_nothing_and_duplicate_nothing(standin, engine):
    async with running(make_app(standin, engine)):
        standin.send_text(9, "avant")
        await standin.wait_for(lambda: standin.sent(9))
        standin.fail_next("sendMessage", n=1, status=429, retry_after=1)
        standin.send_text(9, "a")
        standin.send_text(10, "b")
        await standin.wait_for(lambda: len(standin.sent()) == 3, timeout=10)
        standin.fail_next("sendMessage", n=2, status=502)
        standin.fail_next("sendDocument", n=1, status=502)
        standin.send_text(9, "c")
        standin.send_text(9, "doc")
        await standin.wait_for(lambda: len(standin.sent()) == 5, timeout=10)
        await asyncio.sleep(0.3)
    failed = [c for c in standin.calls() if c["method"] in ("sendMessage", "sendDocument") and not c["ok"]]
    assert [c["status"] for c in failed] == [429, 502, 502, 502]
    assert [t.split("|")[2] for t in texts_to(standin, 9)[:-1]] == ["avant", "a", "c"]
    assert standin.sent(9)[-1]["method"] == "sendDocument"
    assert len(standin.sent(10)) == 1


async def test_webhook_refuses_a_wrong_secret(standin, engine, unused_tcp_port):
    app = make_app(standin, engine)
    url = f"http://127.0.0.1:{unused_tcp_port}/candibot"
    async with app:
        await app.updater.start_webhook(listen="127.0.0.1", port=unused_tcp_port, url_path="candibot",
                                        webhook_url=url, secret_token="le-bon-secret")
        await app.start()
        update = {"update_id": 1, "message": {
            "message_id": 1, "date": int(time.time()), "text": "par webhook",
            "chat": {"id": 11, "type": "private"}, "from": StandIn.user(11)}}
        async with httpx.AsyncClient() as client:
            wrong = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "faux"})
            missing = await client.post(url, json=update)
            right = await client.post(url, json=update,
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "le-bon-secret"})
            again = await client.post(url, json=update,  # Telegram retrying the same update
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "le-bon-secret"})
        await standin.wait_for(lambda: standin.sent(11))
        await asyncio.sleep(0.2)
        await app.updater.stop()
        await app.stop()
    assert (wrong.status_code, missing.status_code, right.status_code, again.status_code) == (403, 403, 200, 200)
    assert texts_to(standin, 11) == [f"{engine_user(11)}|text|par webhook|"]
    (hook,) = standin.calls("setWebhook")
    assert hook["params"]["secret_token"] == "le-bon-secret"


async def test_the_token_never_reaches_the_logs(standin, engine):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    filters = {h: list(h.filters) for h in root.handlers}  # protect() filters every root handler
    root.setLevel(logging.DEBUG)
    protect([TOKEN])
    try:
        async with running(make_app(standin, engine)):
            standin.fail_next("sendMessage", n=1, status=502)
            standin.send_text(12, "bonjour")
            await standin.wait_for(lambda: standin.sent(12))
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        for kept, before in filters.items():  # a later test's log is not rewritten by this one's filter
            kept.filters[:] = before
    output = stream.getvalue()
    assert output  # DEBUG logging did happen
    assert TOKEN not in output and TOKEN.split(":")[1] not in output


# --- candibot run: settings errors -------------------------------------------------------------


@pytest.fixture()
def cli_env(monkeypatch, tmp_path):
    from bot.config import get_settings

    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_run_without_token_says_how_to_get_one(cli_env):
    from click.testing import CliRunner

    from bot.cli.run import run

    result = CliRunner().invoke(run, [])
    assert result.exit_code == 1
    assert "TELEGRAM_BOT_TOKEN" in result.output and "@BotFather" in result.output
    assert "candibot chat" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("args", "secret", "key"), [
    (["--webhook", "ftp://exemple.org/x"], None, "bad_webhook_url"),
    (["--webhook", "https://exemple.org/x"], "é secret avec espaces", "bad_secret"),
])
def test_run_rejects_a_bad_webhook_setting_in_french(cli_env, args, secret, key):
    from click.testing import CliRunner

    from bot.cli.run import run

    cli_env.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    if secret:
        cli_env.setenv("TELEGRAM_WEBHOOK_SECRET", secret)
    result = CliRunner().invoke(run, args)
    assert result.exit_code == 1
    assert say("telegram", key, url=args[1]).splitlines()[0] in result.output
    assert TOKEN not in result.output
