"""What `make bench` (bench/bench_all.py) asks, and its cold start: a one-question `candibot ask --json`,
from process start to answer, interleaved with `python -c "import numpy"`; wall time, CPU time and
peak resident memory of each (os.wait4).

The questions are the sealed evaluation sets' (eval/questions_holdout8.yaml, holdout9): none is in
the index, so no answer is a memorised phrasing. Timing only reads them.

    python bench/bench_answers.py [--runs 3]        # the cold start alone
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_report import say  # noqa: E402

QUESTION = "Le programme est-il payant ?"


def questions() -> list[str]:
    items = []
    for name in ("questions_holdout8.yaml", "questions_holdout9.yaml"):  # sealed: questions not in the index
        path = ROOT / "eval" / name
        if path.exists():
            items += [i["q"] for i in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return items


def warm_up_questions() -> list[str]:
    """Other questions (the dev set), to warm a process without caching the timed ones' tokens."""
    path = ROOT / "knowledge" / "questions" / "dev11.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    return [i["q"] for i in items[:10]] or [QUESTION]


def ideas() -> list[str]:
    items = []
    for name in ("ideas_dev.yaml", "ideas_test.yaml"):
        items += [i["idea"] for i in yaml.safe_load((ROOT / "eval" / name).read_text(encoding="utf-8"))]
    return items


def candibot_command() -> list[str]:
    """The command a person types: the environment's `candibot` script."""
    script = Path(sys.prefix) / "bin" / "candibot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def child(command: list[str], env: dict, stdin: str = "") -> dict:
    """Wall time (s), CPU time (s, user + system) and peak RSS (MB) of one run of `command`, and its
    output (os.wait4 gives the child's own rusage; output goes to files, so no pipe can fill)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=out, stderr=err)
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        output, errors = out.read().decode(), err.read().decode()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}): {errors[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024, "out": output}


def cold_start(env: dict, runs: int) -> dict:
    """Medians over `runs` interleaved pairs (numpy import, one-question ask): both see the same load.

    The index must be built already (bench_all.py builds it first): a stale one would be rebuilt here."""
    ask = [*candibot_command(), "ask", "--json"]
    numpy = [sys.executable, "-c", "import numpy"]
    figures: dict[str, list[float]] = {k: [] for k in ("numpy", "numpy_cpu", "ask", "ask_cpu", "rss")}
    for n in range(runs):
        base = child(numpy, env)
        one = child(ask, env, QUESTION)
        answer = json.loads(one["out"].splitlines()[0])
        if answer["abstained"] or not answer["sources"]:
            raise RuntimeError(f"`candibot ask` did not answer « {QUESTION} »: {answer}")
        figures["numpy"].append(base["wall"])
        figures["numpy_cpu"].append(base["cpu"])
        figures["ask"].append(one["wall"])
        figures["ask_cpu"].append(one["cpu"])
        figures["rss"].append(one["rss"])
        say(f"    paire {n + 1}/{runs} : import numpy {base['wall']:.2f} s, ask {one['wall']:.2f} s "
            f"({one['cpu']:.2f} s de calcul, {one['rss']:.0f} Mo)")
    return {k: statistics.median(v) for k, v in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    say(f"cold start: {cold_start({**os.environ, 'HF_HUB_OFFLINE': '1'}, args.runs)}")


if __name__ == "__main__":
    main()
