"""`candibot chat` as a subprocess, driven line by line as a person types: each `send` returns what
the assistant printed in answer, up to the next prompt."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time

PROMPT = "vous> "
CMD = [sys.executable, "-c", "from bot.cli.chat import chat; chat()"]


def chat_env(db, index_dir, **extra):
    # one thread for the embedding engine: on a busy 2-core machine, threads waiting on each other
    # make a one-sentence encode many times slower
    return {**os.environ, "CANDIBOT_DB": str(db), "CANDIBOT_INDEX_DIR": str(index_dir), "OMP_NUM_THREADS": "1",
            **extra}


class Chat:
    def __init__(self, env, user: str, out_dir=None, timeout: float = 180):
        args = ["--user", user] + (["--out-dir", str(out_dir)] if out_dir else [])
        self.proc = subprocess.Popen([*CMD, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, text=True, bufsize=0)
        self.out = ""
        self.timeout = timeout
        self._lock = threading.Lock()
        threading.Thread(target=self._pump, daemon=True).start()
        self.first_screen = self._until_prompt(0)

    def _pump(self):
        while ch := self.proc.stdout.read(1):
            with self._lock:
                self.out += ch

    def _until_prompt(self, seen: int) -> str:
        """What was printed after the `seen`-th prompt, once the next one is printed."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.out.count(PROMPT) > seen:
                    start = 0
                    for _ in range(seen):
                        start = self.out.index(PROMPT, start) + len(PROMPT)
                    return self.out[start:self.out.index(PROMPT, start)]
            time.sleep(0.02)
        raise AssertionError(f"no prompt after: {self.out[-2000:]}")

    def send(self, line: str) -> str:
        seen = self.out.count(PROMPT)
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self._until_prompt(seen)

    def close(self) -> str:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        return self.out


def number_of(screen: str, label: str) -> str:
    """The number printed before a button's label: « [7] Je n'ai pas encore la réponse » -> "7"."""
    found = re.findall(rf"\[(\d+)\] {re.escape(label)}", screen)
    assert found, f"no button « {label} » in:\n{screen}"
    return found[-1]
