"""Time every engine reply over a scripted conversation; print median and p95 in ms. Then the
engine's throughput on form answers alone (each committed to SQLite), without the model.

    python bench/bench_dialog.py [--rounds 5] [--form-users 20] [--torch-threads 1]

The model is loaded once (warm-up, not timed); each round uses a fresh user in a temporary database.
The form part answers each field with its own example. The throughput part fills whole drafts for
`--form-users` users, one after the other, with a stand-in answerer and eligibility checker (the
engine, the form, the store and SQLite are real): messages per second, median per message.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.config import Settings
from bot.dialog import Engine, Input
from bot.app import App

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
    from bot.candidature import form

    timed("/candidature")
    for _ in range(60):
        state = engine.state(user)
        if state.step == "recap":
            break
        active = state.buttons
        if "form:yes" in active:
            timed(Input(kind="button", text="form:yes", version=state.keyboard_version))
        elif "form:continue" in active:
            timed(Input(kind="button", text="form:continue", version=state.keyboard_version))
        elif "draft:new" in active:
            timed(Input(kind="button", text="draft:new", version=state.keyboard_version))
        else:
            timed(form.field(state.form.field).example)
    timed("/recap")
    for fmt in ("md", "json", "docx"):
        timed(f"/export {fmt}")


class _Answerer:
    def answer(self, question):
        return type("Answer", (), {"answer": "…", "abstained": False})()


class _Checker:
    def check(self, idea):
        from bot.eligibility import Verdict

        return Verdict(idea=idea, verdict="eligible")


def form_throughput(users: int) -> dict:
    """Whole drafts through the engine, no model: how many form answers per second it commits.

    Returns the answers' count, messages per second (count / time spent in `Engine.handle`) and the
    median ms per answer."""
    from bot.candidature import form

    with tempfile.TemporaryDirectory() as tmp:
        parts = App(Settings(CANDIBOT_DB=Path(tmp) / "form.db"))
        parts.__dict__.update(answerer=_Answerer(), checker=_Checker())
        engine = Engine(parts, out_dir=Path(tmp))
        timings: list[float] = []
        for n in range(-1, users):  # form--1 warms the process (lazy imports, compiled patterns): not counted
            user = f"form-{n}"
            engine.handle(user, "/candidature")
            for _ in range(200):  # a whole draft is about 20 turns; a changed form must not loop for ever
                if (state := engine.state(user)).step == "recap":
                    break
                if "form:yes" in state.buttons:
                    inp = Input(kind="button", text="form:yes", version=state.keyboard_version)
                else:
                    inp = Input.parse(form.field(state.form.field).example)
                began = time.perf_counter()
                engine.handle(user, inp)
                if n >= 0:
                    timings.append((time.perf_counter() - began) * 1000)
            else:
                raise RuntimeError(f"the form did not reach its recap in 200 turns (at step {state.step})")
    return {"messages": len(timings), "per_second": len(timings) / sum(timings) * 1000,
            "median_ms": statistics.median(timings)}


def question_throughput(app, questions: list[str], seconds: float | None = None) -> dict:
    """Questions through the engine with the real model and index (`app`, warm), each from its own
    user at the menu, each turn committed: messages per second and the median ms per question.
    `seconds`: stop once that much time is spent (after 10 questions at least)."""
    with tempfile.TemporaryDirectory() as tmp:
        parts = App(Settings(CANDIBOT_DB=Path(tmp) / "questions.db"))
        parts.__dict__.update(answerer=app.answerer, checker=app.checker)
        engine = Engine(parts, out_dir=Path(tmp))
        timings: list[float] = []
        for n, question in enumerate(questions):
            began = time.perf_counter()
            engine.handle(f"question-{n}", question)
            timings.append((time.perf_counter() - began) * 1000)
            if seconds is not None and n >= 9 and sum(timings) > seconds * 1000:
                break
    return {"messages": len(timings), "per_second": len(timings) / sum(timings) * 1000,
            "median_ms": statistics.median(timings)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--form-users", type=int, default=20)
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="torch intra-op threads (1 keeps one-sentence encodes fast on a busy machine)")
    args = parser.parse_args()
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(CANDIBOT_DB=Path(tmp) / "bench.db")
        engine = Engine(App(settings), out_dir=Path(tmp) / "out")
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
    figures = form_throughput(args.form_users)
    print(f"form answers (no model, each committed): {figures['messages']}, {figures['per_second']:.0f} msg/s, "
          f"median {figures['median_ms']:.2f} ms")


if __name__ == "__main__":
    main()
