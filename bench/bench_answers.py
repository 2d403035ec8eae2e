"""`make bench`: speed of question answering, fused retriever side by side with its baselines.

- warm latency per question (median, p95) for lexical-only, dense-only and fused retrieval;
- a batch of 60 questions through `candibot ask --json` as a subprocess, start-up included
  (model load, index load), also without word vectors and on the former model (English MiniLM).
Timings are noisy on 2-core machines: medians of repeated runs, and ratios.
"""

from __future__ import annotations

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

from bot.config import FORMER_DEFAULT_MODEL as PREVIOUS_MODEL  # noqa: E402
from bot.config import Settings, offline_environment  # noqa: E402


def questions() -> list[str]:
    items = []
    for name in ("questions_holdout8.yaml", "questions_holdout9.yaml"):  # sealed: questions not in the index
        path = ROOT / "eval" / name
        if path.exists():
            items += [i["q"] for i in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return items


def main() -> None:
    offline_environment()
    from bot.app import App

    services = App(Settings())
    retriever = services.retriever
    qs = questions()
    rows = []
    for mode in ("lexical", "dense", "fused"):
        times = []
        for _ in range(3):
            for q in qs:
                start = time.perf_counter()
                retriever.search(q, k=3, mode=mode)
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        rows.append((mode, statistics.median(times), times[int(len(times) * 0.95)]))
    answer_times = []
    for q in qs:
        start = time.perf_counter()
        services.answerer.answer(q)
        answer_times.append((time.perf_counter() - start) * 1000)
    print(f"Questions: {len(qs)} (sealed sets holdout8 + holdout9, not in the index), 3 passes each, warm")
    print("| path | median ms | p95 ms | ratio to lexical |")
    print("|---|---|---|---|")
    for mode, median, p95 in rows:
        print(f"| search {mode} | {median:.2f} | {p95:.2f} | {median / rows[0][1]:.1f}x |")
    print(f"| answer (fused, full) | {statistics.median(answer_times):.2f} | {sorted(answer_times)[int(len(answer_times) * 0.95)]:.2f} | "
          f"{statistics.median(answer_times) / rows[0][1]:.1f}x |")

    batch = "\n".join(qs[:60]) + "\n"

    def batch_seconds(**settings: str) -> float:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", **settings}
        walls = []
        for _ in range(3):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--json"], input=batch, capture_output=True, text=True, env=env)
            walls.append(time.perf_counter() - start)
            assert done.returncode == 0, done.stderr
            assert len(done.stdout.splitlines()) == 60
        return statistics.median(walls)

    whole = batch_seconds()
    without_word_vectors = batch_seconds(CANDIBOT_WORD_VECTORS="")
    with tempfile.TemporaryDirectory() as index_dir:  # the former model gets its own index, built untimed
        previous = {"CANDIBOT_EMBEDDING_MODEL": PREVIOUS_MODEL, "CANDIBOT_INDEX_DIR": index_dir}
        subprocess.run([sys.executable, "-m", "bot.cli", "index", "build"], check=True, capture_output=True,
                       env={**os.environ, "HF_HUB_OFFLINE": "1", **previous})
        previous_model = batch_seconds(**previous)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import bot.cli"], check=True, env=env)
    import_only = time.perf_counter() - start
    print()
    print("| batch of 60 questions, `candibot ask --json`, start-up included | seconds (median of 3) | target |")
    print("|---|---|---|")
    print(f"| whole batch | {whole:.2f} | < 15 |")
    print(f"| the same, French word vectors off (`CANDIBOT_WORD_VECTORS=`) | {without_word_vectors:.2f} | — |")
    print(f"| the same, former model ({PREVIOUS_MODEL}, PyTorch) | {previous_model:.2f} | — |")
    print(f"| of which: starting Python and importing the CLI (no model) | {import_only:.2f} | — |")


if __name__ == "__main__":
    main()
