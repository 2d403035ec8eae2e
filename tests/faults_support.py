"""Helpers of the fault tests: the engine (real SQLite, fake answerer and checker, no model) in
processes of their own, `candibot chat` without the model, and a drafting conversation that fills
the whole form with each field's example (prompts/form.yaml)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tests.dialog_support import FakeAnswerer, FakeChecker, has_button, press

ROOT = Path(__file__).resolve().parent.parent
APOLOGY = "erreur inattendue"


def lean_env(db, index_dir=None, **extra) -> dict:
    """The environment of a subprocess on `db`: the project importable (tests.*), one thread."""
    env = {**os.environ, "CANDIBOT_DB": str(db), "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if index_dir is not None:
        env["CANDIBOT_INDEX_DIR"] = str(index_dir)
    return {**env, **{k: str(v) for k, v in extra.items()}}


def install_lean_app() -> None:
    """Every `App` of this process gets the fake answerer and checker (what `candibot chat` builds)."""
    import bot.app

    class LeanApp(bot.app.App):
        answerer = FakeAnswerer()
        checker = FakeChecker()

    bot.app.App = LeanApp


LEAN_CHAT = [sys.executable, "-c", "from tests.faults_support import lean_chat; lean_chat()"]


def lean_chat() -> None:
    """`candibot chat ARGS` as shipped (through the `candibot` group), with no model: for tests not
    about answers."""
    install_lean_app()
    from bot.cli import main

    main(["chat", *sys.argv[1:]])


def answer_current(engine, user, replies):
    """Answer the field being asked with its example; confirm grouped answers; go on at warnings.
    Returns (replies, inputs sent)."""
    from bot.candidature import form

    field = form.field(engine.state(user).form.field)
    replies, sent = engine.handle(user, field.example), 1
    for value in ("form:yes", "form:continue"):
        if has_button(replies, value):
            replies, sent = press(engine, user, replies, value), sent + 1
    return replies, sent


def fill_form(engine, user, max_turns: int = 60) -> dict:
    """/start, « Rédiger », every field answered: what was sent and seen."""
    from tests.dialog_support import texts

    replies = engine.handle(user, "/start")
    seen = [texts(replies)]
    replies = press(engine, user, replies, "go:draft")
    seen.append(texts(replies))
    inputs = 2
    while engine.state(user).step != "recap":
        replies, sent = answer_current(engine, user, replies)
        inputs += sent
        seen.append(texts(replies))
        if inputs > max_turns:
            break
    return {"inputs": inputs, "apologies": sum(APOLOGY in s for s in seen),
            "step": engine.state(user).step, "draft_id": engine.state(user).form.draft_id}


def draft_worker() -> None:
    """A process of its own: once imported, prints `ready` and waits for a line on stdin (the test
    releases every worker at once), then opens the file (creating its tables if it is new) and
    fills a whole draft. Prints one JSON line: what `fill_form` saw, or the error."""
    db, user = sys.argv[1], sys.argv[2]
    from bot.config import Settings
    from bot.dialog import Engine
    from tests.dialog_support import lean_app_on

    settings = Settings(CANDIBOT_DB=db)
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        engine = Engine(lean_app_on(settings), out_dir=Path(db).parent / "out")
        result = fill_form(engine, user)
    except Exception as error:  # reported to the test, which fails on it
        result = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(result), flush=True)


def lean_bot() -> None:
    """`candibot run` as a process of its own, without the model: the real Application polling the
    stand-in at `base_url` (argv: db, base_url, token). Once its modules are imported it prints
    `ready` and waits for a line on stdin (a test keeps the next bot started in advance, so that a
    restart after a kill costs the start of the Application, not that of Python)."""
    import logging

    from telegram import Update

    from bot.config import Settings
    from bot.dialog import Engine
    from bot.telegram import build_application
    from tests.dialog_support import lean_app_on

    db, base_url, token = sys.argv[1:4]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    import bot.candidature.form, bot.dialog.scenes, bot.store, bot.telegram.face  # noqa: E401,F401
    print("ready", flush=True)
    sys.stdin.readline()
    engine = Engine(lean_app_on(Settings(CANDIBOT_DB=db)), out_dir=Path(db).parent / "out")
    app = build_application(engine, token, base_url=base_url, backoff=0.05, telegram_limits=False,
                            typing_after=5.0)
    app.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=1)


LEAN_BOT = [sys.executable, "-c", "from tests.faults_support import lean_bot; lean_bot()"]


class Seen:
    """The stand-in's calls, fetched incrementally (a conversation makes thousands of polls)."""

    def __init__(self, standin):
        self.standin = standin
        self.all: list[dict] = []

    def refresh(self) -> list[dict]:
        """Calls still in progress when last fetched (a long poll) are fetched again."""
        done = next((i for i, c in enumerate(self.all) if "ok" not in c), len(self.all))
        self.all = self.all[:done] + self.standin.calls(since=done)
        return self.all

    def sent(self, chat_id: int) -> list[dict]:
        return [c for c in self.refresh() if c.get("ok") and c["method"] in ("sendMessage", "sendDocument")
                and int(c["params"]["chat_id"]) == chat_id]

    def count(self, method: str) -> int:
        return sum(c["method"] == method for c in self.refresh())


def keyboard_of(call) -> list[str]:
    return [row[0]["callback_data"] for row in (call["params"].get("reply_markup") or {}).get("inline_keyboard", [])]
