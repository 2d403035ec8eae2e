"""`make bench`: candibot's speed and memory, each figure beside its baseline, in one run.

- cold start of a one-question `candibot ask` (process start to answer), beside `python -c "import numpy"`,
  and its peak resident memory;
- warm latency (median, p95) of a whole answer, beside BM25-only search; of the eligibility checker;
- CPU per message end to end through python-telegram-bot and the loopback Bot API stand-in (its own
  process), Telegram's flood limits on, beside a bare python-telegram-bot echo bot in the same harness;
- peak resident memory of the real `candibot run` after 1 000 messages;
- index build time for the shipped knowledge base and for a synthetic one of 10 000 entries, with the
  answer latency there.

Timings are noisy on 2-core machines: medians of repeated runs, and ratios to baselines measured in
the same run. `--write docs/benchmarks.md` keeps the table with the machine it ran on.

    python bench/bench_answers.py [--synthetic 10000] [--messages 1000] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
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

from bot.config import Settings, offline_environment  # noqa: E402

QUESTION = "Le programme est-il payant ?"


def questions() -> list[str]:
    items = []
    for name in ("questions_holdout8.yaml", "questions_holdout9.yaml"):  # sealed: questions not in the index
        path = ROOT / "eval" / name
        if path.exists():
            items += [i["q"] for i in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return items


def ideas() -> list[str]:
    items = []
    for name in ("ideas_dev.yaml", "ideas_test.yaml"):
        items += [i["idea"] for i in yaml.safe_load((ROOT / "eval" / name).read_text(encoding="utf-8"))]
    return items


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def child_peak_rss(command: list[str], env: dict, stdin: str) -> float:
    """Peak RSS in MB of one run of `command` (os.wait4 gives one child's own rusage)."""
    proc = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc.stdin.write(stdin.encode())
    proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise RuntimeError(f"{command} failed")
    return usage.ru_maxrss / 1024


def cold_start(env: dict, runs: int) -> dict:
    ask = [sys.executable, "-m", "bot.cli", "ask", "--json"]
    subprocess.run(ask, input=QUESTION, env=env, check=True, capture_output=True, text=True)  # builds the index if stale
    walls, numpy_walls, rss = [], [], []
    for _ in range(runs):  # interleaved: both see the same load
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy"], env=env, check=True)
        numpy_walls.append(time.perf_counter() - start)
        start = time.perf_counter()
        done = subprocess.run(ask, input=QUESTION, env=env, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        assert done.returncode == 0 and '"gratuite"' in done.stdout, done.stderr
        rss.append(child_peak_rss(ask, env, QUESTION))
    return {"ask": statistics.median(walls), "numpy": statistics.median(numpy_walls), "rss": statistics.median(rss)}


def warm(services, qs: list[str], passes: int = 3) -> dict:
    retriever = services.retriever
    lexical, answers, checks = [], [], []
    for _ in range(passes):
        for q in qs:
            start = time.perf_counter()
            retriever.search(q, k=3, mode="lexical")
            lexical.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            services.answerer.answer(q)
            answers.append((time.perf_counter() - start) * 1000)
    for idea in ideas():
        start = time.perf_counter()
        services.checker.check(idea)
        checks.append((time.perf_counter() - start) * 1000)
    return {"lexical": percentiles(lexical), "answer": percentiles(answers), "eligibility": percentiles(checks)}


def synthetic_knowledge(folder: Path, entries: int) -> Path:
    """The shipped knowledge base (without its labelled questions) plus `entries` illustrative
    example entries made from the shipped ones' words, deterministically."""
    knowledge = folder / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    shutil.rmtree(knowledge / "questions", ignore_errors=True)
    from bot.knowledge import load_entries

    shipped = [e for e in load_entries(ROOT / "knowledge") if not e.off_topic]
    vocabulary = sorted({w for e in shipped for w in e.body.split() if w.isalpha() and len(w) > 3})
    rng = random.Random(16)
    out = knowledge / "entries" / "synthetique"
    out.mkdir(parents=True)
    for i in range(entries):
        base = shipped[i % len(shipped)]
        words = rng.sample(vocabulary, 12)
        title = f"{base.title} : {' '.join(words[:3])}"
        body = f"{base.body.split('.')[0]}. Projet {i} : {' '.join(words)}."
        asked = [f"{q.rstrip(' ?')} {words[j]} ?" for j, q in enumerate(base.questions[:3])]
        front = {"id": f"synthetique-{i}", "title": title, "kind": "example", "source": "illustratif", "questions": asked}
        (out / f"synthetique-{i}.md").write_text(
            f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{body}\n", encoding="utf-8")
    return knowledge


def index_builds(env: dict, services, qs: list[str], synthetic: int) -> dict:
    from bot.answers import Answerer
    from bot.retrieval import Retriever

    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.cli", "index", "build"], check=True, capture_output=True,
                       env={**env, "CANDIBOT_INDEX_DIR": str(Path(tmp) / "shipped")})
        figures["shipped"] = time.perf_counter() - start
        if synthetic:
            knowledge = synthetic_knowledge(Path(tmp), synthetic)
            settings = Settings(CANDIBOT_KNOWLEDGE_DIR=knowledge, CANDIBOT_INDEX_DIR=Path(tmp) / "synthetic")
            start = time.perf_counter()
            retriever = Retriever.load(settings, embedder=services.retriever.embedder)
            figures["synthetic"] = time.perf_counter() - start
            figures["synthetic_entries"] = len(retriever.entries)
            figures["synthetic_documents"] = len(retriever.index.documents)
            answerer = Answerer(retriever, settings)
            times = []
            for q in qs:
                start = time.perf_counter()
                answerer.answer(q)
                times.append((time.perf_counter() - start) * 1000)
            figures["synthetic_answer"] = percentiles(times)
    return figures


def venv_size() -> str:
    done = subprocess.run(["du", "-sh", sys.prefix], capture_output=True, text=True)
    return done.stdout.split()[0] if done.returncode == 0 else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts (median)")
    parser.add_argument("--messages", type=int, default=1000, help="messages sent to `candibot run`")
    parser.add_argument("--telegram-messages", type=int, default=300, help="messages per CPU round")
    parser.add_argument("--synthetic", type=int, default=10_000, help="entries of the synthetic knowledge base (0: skip)")
    parser.add_argument("--write", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args()
    offline_environment()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    load = os.getloadavg()[0]
    started = time.perf_counter()

    cold = cold_start(env, args.runs)
    from bot.app import App

    services = App(Settings())
    qs = questions()
    latency = warm(services, qs)
    from bench_telegram import cpu_per_message, run_peak_rss

    cpu = cpu_per_message(qs, args.telegram_messages)
    run_rss, run_seconds = run_peak_rss(qs, args.messages)
    builds = index_builds(env, services, qs, args.synthetic)

    def ms(pair: tuple[float, float]) -> str:
        return f"{pair[0]:.1f} / {pair[1]:.1f}"

    rows = [
        ("cold start, one-question `candibot ask` (s, median of %d)" % args.runs, f"{cold['ask']:.2f}",
         f"`python -c \"import numpy\"` {cold['numpy']:.2f}", f"{cold['ask'] / cold['numpy']:.1f}×", "≤ 2.0 s and ≤ 4×"),
        ("peak RSS, one-question `candibot ask` (MB)", f"{cold['rss']:.0f}", "—", "—", "≤ 350"),
        ("answer, warm (ms, p50 / p95)", ms(latency["answer"]), f"BM25 search only {ms(latency['lexical'])}",
         f"{latency['answer'][1] / latency['lexical'][1]:.0f}× (p95)", "p95 < 50"),
        ("eligibility verdict, warm (ms, p50 / p95)", ms(latency["eligibility"]), f"BM25 search only {ms(latency['lexical'])}",
         f"{latency['eligibility'][1] / latency['lexical'][1]:.0f}× (p95)", "—"),
        ("CPU per message through python-telegram-bot, flood limits on (ms; half questions, half /aide)",
         f"{cpu['candibot']:.1f}", f"bare echo bot {cpu['bare']:.1f}", f"{cpu['candibot'] / cpu['bare']:.2f}×", "≤ 1.3×"),
        (f"peak RSS of `candibot run` after {args.messages} messages (MB)", f"{run_rss:.0f}",
         f"({run_seconds:.0f} s at Telegram's 30 msg/s)", "—", "≤ 450"),
        ("index build, shipped knowledge base (s, `candibot index build`)", f"{builds['shipped']:.1f}", "—", "—", "—"),
    ]
    if "synthetic" in builds:
        rows += [
            (f"index build, synthetic {builds['synthetic_entries']} entries, {builds['synthetic_documents']} documents (s)",
             f"{builds['synthetic']:.0f}", "—", "—", "—"),
            (f"answer there, warm (ms, p50 / p95)", ms(builds["synthetic_answer"]), f"shipped base {ms(latency['answer'])}",
             f"{builds['synthetic_answer'][1] / latency['answer'][1]:.1f}× (p95)", "< 100 per query"),
        ]
    cpu_name = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name")), platform.processor())
    machine = (f"{dt.date.today()}, {os.cpu_count()} cores ({cpu_name}), Python {platform.python_version()}, "
               f"load average {load:.1f} at start; environment {venv_size()} ({sys.prefix}); "
               f"{len(qs)} sealed questions (holdout8 + holdout9, not in the index), 3 passes; bench {time.perf_counter() - started:.0f} s")
    lines = [f"Machine: {machine}", "", "| measure | candibot | baseline | ratio | target |", "|---|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    print("\n".join(lines))
    if args.write:
        text = args.write.read_text(encoding="utf-8") if args.write.exists() else "# Benchmarks\n"
        marker = "<!-- make bench -->"
        head = text.split(marker)[0].rstrip() + "\n\n" if marker in text else text.rstrip() + "\n\n"
        args.write.write_text(head + marker + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
