"""`make eval`: score the question answering and the eligibility checker, with their baselines, in one run.

Question answering, on eval/questions_dev.yaml (tuning) and eval/questions_test.yaml (held out), for
three retrievers: lexical only (BM25), dense only (embeddings), fused. Each retriever gets its own
abstention threshold, calibrated on the dev set only. Eligibility, on eval/ideas_dev.yaml and
eval/ideas_test.yaml: the rule-based checker against a retrieval-only baseline (label of the nearest
dev idea by embedding; leave-one-out on the dev set).

    python eval/run_eval.py                 # print the tables
    python eval/run_eval.py --write docs/evaluation-results.md
    python eval/run_eval.py --tune          # grid-search the fusion on the dev set
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers import Answerer, decide  # noqa: E402
from bot.config import Settings, offline_environment  # noqa: E402
from bot.retrieval.normalize import normalize  # noqa: E402
from bot.retrieval.retriever import Retriever  # noqa: E402

MODES = ("lexical", "dense", "fused")
VERDICTS = ("eligible", "to_clarify", "not_priority", "not_eligible")


def load(name: str) -> list[dict]:
    path = ROOT / "eval" / name
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []


# -- question answering ---------------------------------------------------------------------------
class Row:
    """One question's retrieval: ranked entry ids, best hit's score and coverage, time."""

    def __init__(self, ids, score, coverage, ms):
        self.ids, self.score, self.coverage, self.ms = ids, score, coverage, ms


def retrieve(retriever: Retriever, items: list[dict], mode: str) -> list[Row]:
    rows = []
    for item in items:
        start = time.perf_counter()
        hits = retriever.search(item["q"], k=3, mode=mode)
        ms = (time.perf_counter() - start) * 1000
        best = hits[0] if hits else None
        rows.append(Row([h.entry.id for h in hits], best.score if best else 0.0, best.coverage if best else 0.0, ms))
    return rows


def answers_right(item: dict, row: Row, threshold: float, min_coverage: float, sure: float = 1.01) -> bool:
    abstains = not decide(row.score, row.coverage, threshold, min_coverage, sure)
    if not item["expected"]:
        return abstains
    return not abstains and bool(row.ids) and row.ids[0] in item["expected"]


def accuracy(items, rows, threshold, min_coverage, sure=1.01) -> float:
    return sum(answers_right(i, r, threshold, min_coverage, sure) for i, r in zip(items, rows)) / len(items)


def calibrate(items: list[dict], rows: list[Row], coverages=(0.0,), sures=(1.01,)) -> tuple[float, float, float]:
    """(threshold, min coverage, sure-above) maximising answer accuracy on these (dev) items.

    Ties go to the simplest rule: no coverage bar, no sure-above bar, then the lowest threshold.
    """
    thresholds = sorted({round(r.score, 4) for r in rows} | {0.0})
    scored = [
        (accuracy(items, rows, t, c, u), -c, u, -t)
        for c in coverages
        for u in sures
        for t in thresholds
        if t <= u
    ]
    acc, neg_c, u, neg_t = max(scored)
    return -neg_t, -neg_c, u


def facts_ok(item: dict, answer_text: str) -> bool:
    text = normalize(answer_text)
    return all(normalize(str(f)) in text for f in item.get("facts", []))


def qa_metrics(retriever, rule, items, rows, answerer) -> dict:
    threshold, min_coverage, sure = rule
    in_scope = [(i, r) for i, r in zip(items, rows) if i["expected"]]
    oos = [(i, r) for i, r in zip(items, rows) if not i["expected"]]
    hit1 = sum(bool(r.ids) and r.ids[0] in i["expected"] for i, r in in_scope) / max(len(in_scope), 1)
    hit3 = sum(bool(set(r.ids[:3]) & set(i["expected"])) for i, r in in_scope) / max(len(in_scope), 1)
    accurate = 0
    for item, row in zip(items, rows):
        ok = answers_right(item, row, threshold, min_coverage, sure)
        if ok and item["expected"]:
            ok = facts_ok(item, answerer.compose(retriever.by_id[row.ids[0]]))
        accurate += ok
    abstains = [not decide(r.score, r.coverage, threshold, min_coverage, sure) for r in rows]
    abstained = [i for i, a in zip(items, abstains) if a]
    precision = sum(not i["expected"] for i in abstained) / len(abstained) if abstained else 1.0
    recall = sum(a for i, a in zip(items, abstains) if not i["expected"]) / max(len(oos), 1)
    return {
        "hit@1": hit1,
        "hit@3": hit3,
        "answer accuracy": accurate / len(items),
        "abstention precision": precision,
        "abstention recall": recall,
        "median ms": statistics.median(r.ms for r in rows),
        "threshold": threshold,
        "min coverage": min_coverage,
        "sure above": sure,
    }


def qa_report(retriever: Retriever, answerer: Answerer) -> str:
    dev, test = load("questions_dev.yaml"), load("questions_test.yaml")
    results = {}
    configs = [
        ("lexical (BM25)", "lexical", False),
        ("dense (embeddings)", "dense", False),
        ("fused, score only", "fused", False),
        ("fused + coverage (candibot)", "fused", True),
    ]
    for name, mode, full in configs:
        dev_rows = retrieve(retriever, dev, mode)
        if full:
            rule = (answerer.threshold, answerer.min_coverage, answerer.sure_above)
        else:
            rule = calibrate(dev, dev_rows)
        results[(name, "dev")] = qa_metrics(retriever, rule, dev, dev_rows, answerer)
        if test:
            test_rows = retrieve(retriever, test, mode)
            results[(name, "test")] = qa_metrics(retriever, rule, test, test_rows, answerer)
    cols = ["hit@1", "hit@3", "answer accuracy", "abstention precision", "abstention recall", "median ms", "threshold", "min coverage", "sure above"]
    lines = [
        f"Questions : dev {len(dev)} (dont {sum(not i['expected'] for i in dev)} hors sujet), "
        f"test {len(test)} (dont {sum(not i['expected'] for i in test)} hors sujet ; jamais utilisé pour régler). "
        "Seuils des références calibrés sur le dev.",
        "",
        "| retriever | set | " + " | ".join(cols) + " |",
        "|---|---|" + "---|" * len(cols),
    ]
    for (name, split), m in results.items():
        cells = [f"{m[c]:.1f}" if c == "median ms" else f"{m[c]:.3f}" for c in cols]
        lines.append(f"| {name} | {split} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def tune(retriever: Retriever) -> None:
    dev = load("questions_dev.yaml")
    base = retriever.fusion
    best = None
    coverages = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)
    sures = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 1.01)
    for weight in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        for saturation in (2.0, 4.0, 6.0, 8.0, 12.0):
            retriever.fusion = replace(base, weight=weight, saturation=saturation)
            rows = retrieve(retriever, dev, "fused")
            t, c, u = calibrate(dev, rows, coverages, sures)
            acc = accuracy(dev, rows, t, c, u)
            hit1 = sum(bool(r.ids) and r.ids[0] in i["expected"] for i, r in zip(dev, rows) if i["expected"])
            print(f"weight={weight} saturation={saturation} threshold={t:.3f} min_coverage={c} sure_above={u} accuracy={acc:.3f} hit1={hit1}")
            if best is None or acc > best[0]:
                best = (acc, weight, saturation, t, c, u)
    retriever.fusion = base
    print(f"best on dev: accuracy={best[0]:.3f} weight={best[1]} saturation={best[2]} threshold={best[3]:.3f} "
          f"min_coverage={best[4]} sure_above={best[5]}")


# -- eligibility ----------------------------------------------------------------------------------
def eligibility_report(retriever: Retriever, checker) -> str:
    dev, test = load("ideas_dev.yaml"), load("ideas_test.yaml")
    if not dev:
        return "(pas de jeu d’idées)"
    dev_vectors = retriever.embed([i["idea"] for i in dev])
    lines = [f"Idées : dev {len(dev)}, test {len(test)} (jamais utilisé pour régler)", ""]
    lines.append("| method | set | " + " | ".join(VERDICTS) + " | overall | domains right (eligible) | median ms |")
    lines.append("|---|---|" + "---|" * (len(VERDICTS) + 3))
    for split, items in (("dev", dev), ("test", test)):
        if not items:
            continue
        # retrieval-only baseline: label of the nearest dev idea (leave-one-out on dev)
        vectors = dev_vectors if split == "dev" else retriever.embed([i["idea"] for i in items])
        sims = vectors @ dev_vectors.T
        if split == "dev":
            np.fill_diagonal(sims, -1.0)
        baseline = [dev[int(j)]["verdict"] for j in sims.argmax(axis=1)]
        verdicts, domains_ok, times = [], [], []
        for item in items:
            start = time.perf_counter()
            v = checker.check(item["idea"])
            times.append((time.perf_counter() - start) * 1000)
            verdicts.append(v.verdict)
            if item["verdict"] == "eligible" and item.get("domains"):
                found = {normalize(d) for d in v.domains}
                domains_ok.append(bool(found & {normalize(d) for d in item["domains"]}))
        for name, predicted, ms, dom in (
            ("rules + retrieval (candibot)", verdicts, statistics.median(times), domains_ok),
            ("nearest labelled idea (baseline)", baseline, None, None),
        ):
            cells = []
            for verdict in VERDICTS:
                idx = [k for k, i in enumerate(items) if i["verdict"] == verdict]
                cells.append(f"{sum(predicted[k] == verdict for k in idx) / max(len(idx), 1):.2f} ({len(idx)})")
            overall = sum(p == i["verdict"] for p, i in zip(predicted, items)) / len(items)
            dom_cell = f"{sum(dom) / len(dom):.2f}" if dom else "—"
            ms_cell = f"{ms:.1f}" if ms is not None else "—"
            lines.append(f"| {name} | {split} | " + " | ".join(cells) + f" | {overall:.3f} | {dom_cell} | {ms_cell} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", type=Path, help="also write the tables to this Markdown file")
    parser.add_argument("--tune", action="store_true", help="grid-search the fusion parameters on the dev set")
    args = parser.parse_args()
    offline_environment()
    from bot.services import Services

    services = Services(Settings())
    retriever = services.retriever
    if args.tune:
        tune(retriever)
        return
    qa_table = qa_report(retriever, services.answerer)
    try:
        checker = services.checker
        elig_table = eligibility_report(retriever, checker)
    except ImportError:
        elig_table = "(vérificateur d’éligibilité absent)"
    out = (
        f"## Réponses aux questions (modèle {services.settings.embedding_model})\n\n{qa_table}\n\n"
        f"## Éligibilité des idées\n\n{elig_table}\n"
    )
    print(out)
    if args.write:
        args.write.write_text(f"# Résultats de `make eval`\n\n{out}", encoding="utf-8")


if __name__ == "__main__":
    main()
