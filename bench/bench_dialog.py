"""Time every engine reply over a scripted conversation; print median and p95 in ms.

    python bench/bench_dialog.py [--rounds 5] [--torch-threads 1]

The model is loaded once (warm-up, not timed); each round uses a fresh user in a temporary database.
The form part runs when bot.candidature is installed (each field answered with its own example).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.config import Settings
from bot.dialog import Engine, Input
from bot.services import Services

SCRIPT = [
    "/start",
    "/aide",
    "Le programme est-il gratuit ?",
    "Quelle est la date limite pour candidater ?",
    "/eligibilite Optimiser la collecte des déchets avec les données de remplissage des bacs",
    "/nimportequoi",
    "😀",
]


labels: list[str] = []


def run(engine: Engine, user: str, timings: list[float]) -> None:
    def timed(inp):
        start = time.perf_counter()
        replies = engine.handle(user, inp)
        timings.append((time.perf_counter() - start) * 1000)
        labels.append(str(inp.text if isinstance(inp, Input) else inp)[:50])
        return replies

    for line in SCRIPT:
        timed(line)
    try:
        from bot.dialog import fields as F

        F.fields()
    except ImportError:
        return
    timed("/candidature")
    for _ in range(60):
        state = engine.state(user)
        if state.step == "recap":
            break
        active = state.data.get("_buttons", {})
        if "form:yes" in active:
            timed(Input(kind="button", text="form:yes", version=state.keyboard_version))
        elif "form:continue" in active:
            timed(Input(kind="button", text="form:continue", version=state.keyboard_version))
        elif "draft:new" in active:
            timed(Input(kind="button", text="draft:new", version=state.keyboard_version))
        else:
            timed(F.field(state.data["field"]).example)
    timed("/recap")
    for fmt in ("md", "json", "docx"):
        timed(f"/export {fmt}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="torch intra-op threads (1 keeps one-sentence encodes fast on a busy machine)")
    args = parser.parse_args()
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(CANDIBOT_DB=Path(tmp) / "bench.db")
        engine = Engine(Services(settings), out_dir=Path(tmp) / "out")
        start = time.perf_counter()
        engine.warm_up()
        print(f"warm-up (model, index): {(time.perf_counter() - start):.1f} s")
        timings: list[float] = []
        for n in range(args.rounds):
            run(engine, f"bench-{n}", timings)
    slowest = sorted(zip(timings, labels), reverse=True)[:8]
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    print(f"replies: {len(timings)}  median: {statistics.median(timings):.1f} ms  "
          f"p95: {p95:.1f} ms  max: {timings[-1]:.1f} ms")
    print("slowest: " + "; ".join(f"{label!r} {ms:.0f} ms" for ms, label in slowest))


if __name__ == "__main__":
    main()
