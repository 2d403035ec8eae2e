"""Is a line typed at a long-text step of the form a question about the programme, or the answer?

    python eval/eval_reading.py                # the development set (eval/qa_lines_dev.yaml)
    python eval/eval_reading.py --sealed       # also the sealed set (eval/qa_lines_test.yaml): once, settings frozen

Lines written blind (from the programme source and the form's questions only), each labelled
`is_question`. Candibot's reading (`bot.dialog.reading.read_line`, with the real knowledge base) says
« question », « answer » or « unclear » (then the person is asked which). Printed, per set and per
field, side by side with two baselines in the same run:
- « finit par ? » : a question when the line ends with « ? » (the form's rule before this reading);
- « mots seuls » : candibot's reading without the knowledge base.
Precision and recall of « is a question » count « unclear » as « question » (the line is not stored
silently, but the person had to choose); the share of unclear lines is printed beside them.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def load(name: str) -> list[dict]:
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


def scores(decisions: list[tuple[str, bool]]) -> dict[str, float]:
    counts = Counter()
    for said, truth in decisions:
        asked = said in ("question", "unclear")
        counts["tp"] += asked and truth
        counts["fp"] += asked and not truth
        counts["fn"] += (not asked) and truth
        counts["unclear"] += said == "unclear"
    precision = counts["tp"] / max(1, counts["tp"] + counts["fp"])
    recall = counts["tp"] / max(1, counts["tp"] + counts["fn"])
    return {"precision": precision, "recall": recall, "unclear": counts["unclear"] / max(1, len(decisions)),
            "n": len(decisions)}


def evaluate(items: list[dict], answerer) -> dict[str, dict[str, dict[str, float]]]:
    from bot.dialog.reading import _decide, question_score, read_line

    methods = {
        "finit par ?": lambda it: "question" if it["text"].rstrip().endswith("?") else "answer",
        "mots seuls": lambda it: _decide(question_score(it["text"], it["field"])),
        "candibot": lambda it: read_line(it["text"], it["field"], answerer)[0],
    }
    table: dict[str, dict[str, dict[str, float]]] = {}
    for name, method in methods.items():
        said = [(method(it), bool(it["is_question"])) for it in items]
        table[name] = {"tout": scores(said)}
        for field in dict.fromkeys(it["field"] for it in items):
            table[name][field] = scores([s for s, it in zip(said, items) if it["field"] == field])
    return table


def report(title: str, table) -> str:
    fields = list(next(iter(table.values())))
    lines = [f"### {title}", "", "| méthode | champ | lignes | précision | rappel | incertain |", "|---|---|---|---|---|---|"]
    for name, by_field in table.items():
        for field in fields:
            r = by_field[field]
            lines.append(f"| {name} | {field} | {r['n']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['unclear']:.3f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sealed", action="store_true", help="also score the sealed set (once, settings frozen)")
    parser.add_argument("--write", type=Path, help="append the tables to this Markdown file")
    args = parser.parse_args()
    from bot.app import App
    from bot.config import Settings

    answerer = App(Settings()).answerer
    parts = [report("Questions ou réponses dans le formulaire — jeu de développement (qa_lines_dev)",
                    evaluate(load("qa_lines_dev.yaml"), answerer))]
    if args.sealed:
        parts.append(report("Questions ou réponses dans le formulaire — jeu scellé (qa_lines_test)",
                            evaluate(load("qa_lines_test.yaml"), answerer)))
    text = "\n\n".join(parts)
    print(text)
    if args.write:
        with args.write.open("a", encoding="utf-8") as out:
            out.write("\n\n" + text + "\n")


if __name__ == "__main__":
    main()
