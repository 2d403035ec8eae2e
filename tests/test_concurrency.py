"""Several processes on one new database file, started at the same instant: nobody dies while the
tables are created, every answer of every user is saved, nobody gets « erreur inattendue ».

Two ways in: the engine in processes of its own (each fills a whole draft, 19 inputs), many times
with 2 and 5 processes; and `candibot chat` itself (without the model), two terminals at once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest

from bot.candidature import form
from tests.chat_support import PROMPT
from tests.faults_support import APOLOGY, LEAN_CHAT, ROOT, lean_env

WORKER = [sys.executable, "-c", "from tests.faults_support import draft_worker; draft_worker()"]
RUNS = {2: 5, 5: 3}  # runs of each size; before the fix about half the processes died at start


def start_together(db, users: list[str]) -> list[dict]:
    """One worker process per user on `db`, released at the same instant once all are ready."""
    procs = []
    for user in users:
        procs.append(subprocess.Popen([*WORKER, str(db), user], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      env=lean_env(db), cwd=ROOT))
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()[-2000:]
    for proc in procs:  # released together: they open the new file in the same few milliseconds
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def check_saved(db, users: list[str], results: list[dict]) -> list[str]:
    """What was lost: each user's inputs all in `events`, no apology among the replies, the
    draft complete with every answer."""
    from bot.store import Conversations, DraftRows, Store

    lost = []
    store = Store(db)
    try:
        talk, rows = Conversations(store), DraftRows(store)
        for user, result in zip(users, results):
            if "error" in result:
                lost.append(f"{user}: {result['error']}")
                continue
            if result["apologies"] or result["step"] != "recap":
                lost.append(f"{user}: {result}")
            if len(talk.events(user)) != result["inputs"]:
                lost.append(f"{user}: {len(talk.events(user))} inputs stored of {result['inputs']}")
            if any(APOLOGY in r["text"] for r in talk.replies(user)):
                lost.append(f"{user}: an apology was stored")
            drafts = rows.list(user_id=user)
            if len(drafts) != 1 or drafts[0].id != result["draft_id"]:
                lost.append(f"{user}: drafts {[d.id for d in drafts]}")
                continue
            data = drafts[0].data
            if data.get("interco", {}).get("name") != form.field("interco.name").example \
                    or not data.get("expectations"):
                lost.append(f"{user}: draft {data}")
        assert store.pragma("integrity_check") == "ok"
        assert store.pragma("journal_mode") == "wal"
    finally:
        store.close()
    return lost


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("processes", sorted(RUNS))
def test_processes_started_together_on_a_new_file_lose_nothing(tmp_path, processes):
    began = time.monotonic()
    lost = []
    for run in range(RUNS[processes]):
        db = tmp_path / f"run{run}" / "candibot.db"
        db.parent.mkdir()
        users = [f"p{processes}-r{run}-u{i}" for i in range(processes)]
        lost += check_saved(db, users, start_together(db, users))
    print(f"\n{processes} processes x {RUNS[processes]} runs: {len(lost)} lost, "
          f"{time.monotonic() - began:.1f} s")
    assert lost == []


class LeanChat:
    """`candibot chat` (no model) fed on stdin; `send` waits for the next prompt."""

    def __init__(self, db, user: str):
        self.proc = subprocess.Popen([*LEAN_CHAT, "--user", user], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=lean_env(db), cwd=ROOT, bufsize=0)
        self.out, self.err = "", ""
        self._lock = threading.Lock()
        threading.Thread(target=self._pump, args=(self.proc.stdout, "out"), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, "err"), daemon=True).start()

    def _pump(self, stream, name):
        while chunk := stream.read(1):
            with self._lock:
                setattr(self, name, getattr(self, name) + chunk)

    def wait_prompts(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.out.count(PROMPT) >= count:
                    return
            if self.proc.poll() is not None:
                time.sleep(0.2)
                raise AssertionError(f"chat died: {self.err[-3000:]}")
            time.sleep(0.01)
        raise AssertionError(f"no prompt: {self.out[-2000:]} {self.err[-2000:]}")

    def type_lines(self, lines: list[str]) -> None:
        for n, line in enumerate(lines, start=1):
            self.wait_prompts(n)
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        self.wait_prompts(len(lines) + 1)
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_two_chats_started_together_on_a_new_file_both_save_their_answers(tmp_path):
    from tests.dialog_support import stored_draft, stored_session

    runs, began = 2, time.monotonic()
    for run in range(runs):
        db = tmp_path / f"chat{run}" / "candibot.db"
        db.parent.mkdir()
        users = [f"chat-{run}-a", f"chat-{run}-b"]
        chats = [LeanChat(db, user) for user in users]
        scripts = [["/candidature", f"CC du Val {user}", "35", form.field("interco.details").example]
                   for user in users]
        threads = [threading.Thread(target=c.type_lines, args=(s,)) for c, s in zip(chats, scripts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for chat, user in zip(chats, users):
            assert chat.proc.returncode == 0, chat.err[-3000:]
            assert "Traceback" not in chat.err and APOLOGY not in chat.out, chat.err[-3000:] + chat.out
            draft = stored_draft(db, stored_session(db, user).form.draft_id)
            assert draft.draft.interco.name == f"CC du Val {user}"
            assert draft.draft.interco.details
    print(f"\n2 chats x {runs} runs: nothing lost, {time.monotonic() - began:.1f} s")
