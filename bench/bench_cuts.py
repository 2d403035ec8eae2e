"""What trying the cuts of a message the rules keep whole costs (`Answerer._two_by_meaning`): warm answer latency
with them and without them, in the same process, passes alternated, caches emptied before each pass as in
`make bench`. Two sets of messages: the benchmark's sealed questions (eval/questions_holdout8.yaml, holdout9) and the
messages of one sentence at most of the read sets holdout22 to holdout32 that hold « et » or « + », where a cut may
be tried.

    python bench/bench_cuts.py [--passes 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_all import clear_caches  # noqa: E402
from bench_answers import questions, warm_up_questions  # noqa: E402
from bench_report import say  # noqa: E402


def joined_messages(limit: int = 300) -> list[str]:
    out = []
    for number in range(22, 33):
        path = ROOT / "eval" / f"questions_holdout{number}.yaml"
        out += [i["q"] for i in yaml.safe_load(path.read_text(encoding="utf-8"))
                if (" et " in i["q"] or " + " in i["q"]) and i["q"].count("?") <= 1]
    return out[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args()
    from bot.app import App
    from bot.config import Settings, offline_environment

    offline_environment()
    app = App(Settings())
    answerer = app.answerer
    for q in warm_up_questions():
        answerer.answer(q)
    sets = {"questions du banc": questions(), "messages avec « et » ou « + »": joined_messages()}
    times = {(name, cuts): [] for name in sets for cuts in (True, False)}
    for _ in range(args.passes):
        for cuts in (False, True):
            answerer.meaning_cuts = cuts
            for name, items in sets.items():
                clear_caches(app)
                for q in items:
                    start = time.perf_counter()
                    answerer.answer(q)
                    times[(name, cuts)].append((time.perf_counter() - start) * 1000)
    answerer.meaning_cuts = True
    for name, items in sets.items():
        row = []
        for cuts in (False, True):
            values = sorted(times[(name, cuts)])
            row.append((statistics.median(values), values[int(0.95 * len(values)) - 1], statistics.mean(values)))
        (b50, b95, bmean), (c50, c95, cmean) = row
        say(f"{name} ({len(items)}, {args.passes} passes) : sans les coupes p50 {b50:.1f} / p95 {b95:.1f} / moyenne "
            f"{bmean:.1f} ms ; avec p50 {c50:.1f} / p95 {c95:.1f} / moyenne {cmean:.1f} ms ; "
            f"rapport des moyennes {cmean / bmean:.2f}")


if __name__ == "__main__":
    main()
