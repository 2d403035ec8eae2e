"""A crash between a review action and its notification (issue 17): the applicant's submission is
committed, the reviewer's document cannot be sent yet, the bot process is killed (SIGKILL); at the next
start the notification is delivered, once. `candibot run` as a real process against the stand-in."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from bot.config import Settings
from bot.dialog import Engine
from bot.telegram import engine_user
from bot.telegram.callbacks import decode
from tests.dialog_support import lean_app_on
from tests.review_support import Person, fill_draft
from tests.telegram_standin import StandIn

TOKEN = "999111:CRASH-test-token"
APPLICANT, REVIEWER = 4101, 4202


@pytest.fixture(autouse=True)
def _index_built(retriever):
    """The session's index is built before the bot processes start."""


def start_bot(api, env, cwd):
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "--base-url", api.base_url], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait(condition, proc, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        assert proc.poll() is None, "the bot stopped"
        time.sleep(0.05)
    raise AssertionError("timed out")


def documents_to(api, chat_id):
    return [c for c in api.sent(chat_id) if c["method"] == "sendDocument"]


def test_a_notification_left_by_a_sigkill_is_delivered_once_after_restart(tmp_path, index_dir):
    db = tmp_path / "crash.db"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "CANDIBOT_DB": str(db), "CANDIBOT_INDEX_DIR": str(index_dir),
           "CANDIBOT_REVIEWERS": str(REVIEWER), "OMP_NUM_THREADS": "1"}
    settings = Settings(CANDIBOT_DB=db, CANDIBOT_INDEX_DIR=index_dir)
    number = fill_draft(Person(Engine(lean_app_on(settings), out_dir=tmp_path), engine_user(APPLICANT)))
    with StandIn.start(token=TOKEN) as api:
        bot = start_bot(api, env, tmp_path)
        try:
            api.send_text(APPLICANT, "/soumettre")
            wait(lambda: any(c["params"].get("reply_markup") for c in api.sent(APPLICANT)), bot)
            markup = next(c["params"]["reply_markup"] for c in api.sent(APPLICANT) if c["params"].get("reply_markup"))
            data = next(row[0]["callback_data"] for row in markup["inline_keyboard"]
                        if decode(row[0]["callback_data"])[0] == "sub:yes")
            api.fail_next("sendDocument", n=6, status=502)  # every attempt of the limiter fails
            api.press(APPLICANT, data)
            wait(lambda: len(api.calls("sendDocument")) >= 6, bot, timeout=60)
            bot.send_signal(signal.SIGKILL)  # committed, not delivered: the process dies now
            bot.wait(timeout=30)
        finally:
            if bot.poll() is None:
                bot.kill()
        assert documents_to(api, REVIEWER) == []
        assert sum("est soumise" in (c["params"].get("text") or "") for c in api.sent(APPLICANT)) == 1

        again = start_bot(api, env, tmp_path)
        try:
            wait(lambda: documents_to(api, REVIEWER), again)
            api.send_text(APPLICANT, "/statut")  # another turn: nothing is sent twice
            wait(lambda: any("soumis" in (c["params"].get("text") or "") and "version" in (c["params"].get("text") or "")
                             for c in api.sent(APPLICANT)), again)
        finally:
            again.send_signal(signal.SIGINT)
            again.wait(timeout=30)
        (document,) = documents_to(api, REVIEWER)
        assert f"n° {number}" in document["params"]["caption"]
        assert sum("est soumise" in (c["params"].get("text") or "") for c in api.sent(APPLICANT)) == 1
