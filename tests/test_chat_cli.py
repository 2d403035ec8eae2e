"""`candibot chat` as a subprocess driven through pipes, and as a click command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from bot.cli.chat import chat
from bot.dialog.texts import t
from bot.prompts import say, texts
from tests.dialog_support import stored_draft, stored_session

PROMPT = "vous> "
CMD = [sys.executable, "-c", "from bot.cli.chat import chat; chat()"]


def env_for(db, index_dir):
    # one torch thread: on a busy 2-core machine, two threads waiting on each other make a
    # one-sentence encode 20 times slower
    return {**os.environ, "CANDIBOT_DB": str(db), "CANDIBOT_INDEX_DIR": str(index_dir), "OMP_NUM_THREADS": "1"}


def test_click_command_menu_and_numbers(tmp_path, index_dir, monkeypatch):
    monkeypatch.setenv("CANDIBOT_DB", str(tmp_path / "c.db"))
    monkeypatch.setenv("CANDIBOT_INDEX_DIR", str(index_dir))
    result = CliRunner().invoke(chat, ["--user", "t1", "--out-dir", str(tmp_path)], input="/start\n5\n/foo\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count(PROMPT) == 4  # one per line read, and one before end of input
    assert "[1] Poser une question" in out and "[5] Aide" in out
    assert "Voici ce que je sais faire" in out  # « 5 » pressed the Aide button
    assert "Je ne connais pas la commande /foo" in out
    assert say("cli", "chat_loading") in out  # said before the model and the index load (stderr)
    assert stored_session(tmp_path / "c.db", "t1").step == "menu"


def test_quitter_leaves_the_chat_and_keeps_what_was_typed(tmp_path, index_dir, monkeypatch):
    monkeypatch.setenv("CANDIBOT_DB", str(tmp_path / "c.db"))
    monkeypatch.setenv("CANDIBOT_INDEX_DIR", str(index_dir))
    result = CliRunner().invoke(chat, ["--user", "t2", "--out-dir", str(tmp_path)], input="/start\n  /QUITTER \n5\n")
    assert result.exit_code == 0, result.output
    assert t("chat.how_to_leave") in result.output  # said at the start
    assert result.output.count(PROMPT) == 2 and "Voici ce que je sais faire" not in result.output  # « 5 » never read
    assert t("chat.bye") in result.output and "Je ne connais pas la commande" not in result.output
    assert stored_session(tmp_path / "c.db", "t2").step == "menu"


def test_help_option():
    result = CliRunner().invoke(chat, ["--help"])
    assert result.exit_code == 0 and "--out-dir" in result.output and "--user" in result.output


class Session:
    """A chat subprocess; `send` writes one line and waits for the next prompt."""

    def __init__(self, env, args=()):
        self.proc = subprocess.Popen(
            [*CMD, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, text=True, bufsize=0,
        )
        self.out = ""
        self._lock = threading.Lock()
        threading.Thread(target=self._pump, daemon=True).start()
        self.wait_prompts(1)

    def _pump(self):
        while True:
            ch = self.proc.stdout.read(1)
            if not ch:
                return
            with self._lock:
                self.out += ch

    def wait_prompts(self, count, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.out.count(PROMPT) >= count:
                    return self.out
            time.sleep(0.02)
        raise AssertionError(f"no prompt: {self.out[-2000:]}")

    def send(self, line):
        n = self.out.count(PROMPT)
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.wait_prompts(n + 1)[-4000:]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        return self.out


@pytest.mark.slow
def test_subprocess_killed_mid_form_loses_nothing(tmp_path, index_dir):
    pytest.importorskip("bot.candidature.form")
    from bot.candidature import form

    env = env_for(tmp_path / "c.db", index_dir)
    s = Session(env, ["--user", "k1", "--out-dir", str(tmp_path)])
    s.send("/start")
    s.send("/candidature")
    first, second = form.FIELDS[0], form.FIELDS[1]
    s.send(first.example)
    if "[1] Oui" in s.out[-500:]:
        s.send("1")
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait(timeout=10)
    state = stored_session(tmp_path / "c.db", "k1")
    assert state.form.field == second.name
    draft = stored_draft(tmp_path / "c.db", state.form.draft_id)
    assert form.is_filled(draft.draft, first)
    again = Session(env, ["--user", "k1", "--out-dir", str(tmp_path)])
    out = again.send("/candidature")
    assert "[1] Reprendre ma candidature" in out
    out = again.send("1")
    assert f"Étape 2/{len(form.FIELDS)}" in out
    again.close()


@pytest.mark.slow
def test_subprocess_full_conversation_to_docx(tmp_path, index_dir):
    pytest.importorskip("bot.candidature.form")
    pytest.importorskip("bot.export")
    from bot.candidature import form

    out_dir = tmp_path / "exports"
    s = Session(env_for(tmp_path / "c.db", index_dir), ["--user", "p1", "--out-dir", str(out_dir)])
    s.send("/start")
    s.send("3")  # Rédiger / reprendre ma candidature
    lines = 1
    for _ in range(40):
        state = stored_session(tmp_path / "c.db", "p1")
        if state.step == "recap":
            break
        if state.step == "confirm":
            s.send("Oui, c'est correct")
        elif state.step == "eligibility":
            s.send("Continuer quand même")
        else:
            s.send(form.field(state.form.field).example)
        lines += 1
    assert stored_session(tmp_path / "c.db", "p1").step == "recap"
    assert lines <= 20, lines  # a complete draft in at most 20 answers (confirmations included)
    s.send("/export docx")
    out = s.close()
    assert "Document enregistré : " in out
    files = list(out_dir.glob("*.docx"))
    assert len(files) == 1 and str(files[0]) in out


def test_pending_notifications_are_shown_at_start_then_once(tmp_path, index_dir, monkeypatch):
    from bot.app import App
    from bot.config import Settings
    from bot.dialog import Engine
    from bot.dialog.scenes import SCENES
    from tests.dialog_support import SIGNAL, FakeAnswerer

    db = tmp_path / "c.db"
    parts = App(Settings(CANDIBOT_DB=db, CANDIBOT_INDEX_DIR=index_dir))
    parts.__dict__["answerer"] = FakeAnswerer()
    Engine(parts, scenes=[*SCENES, SIGNAL]).handle("binome-a", "/signaler claire")
    monkeypatch.setenv("CANDIBOT_DB", str(db))
    monkeypatch.setenv("CANDIBOT_INDEX_DIR", str(index_dir))
    first = CliRunner().invoke(chat, ["--user", "claire", "--out-dir", str(tmp_path)], input="/aide\n")
    assert first.exit_code == 0, first.output
    notice = texts("dialog")["chat"]["notification"]
    assert first.output.index(notice) < first.output.index(PROMPT)  # before the first prompt
    assert "binome-a vous signale quelque chose." in first.output
    again = CliRunner().invoke(chat, ["--user", "claire", "--out-dir", str(tmp_path)], input="/aide\n")
    assert notice not in again.output and "vous signale" not in again.output
