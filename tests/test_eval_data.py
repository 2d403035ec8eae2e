"""Checks of the evaluation data in eval/: shape, labels, counts, no duplicates, facts from the source."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"
SOURCE = ROOT / "knowledge" / "sources" / "programme.txt"
sys.path.insert(0, str(EVAL))
from run_eval import fold  # noqa: E402  (the key for duplicates and fact matching, as make eval matches facts)

ILLUSTRATIVE_IDS = {p.stem for p in (ROOT / "knowledge" / "entries" / "illustratif").glob("*.md")}

KNOWN_IDS = {
    "objectif", "montee-en-competences", "partenaires", "gratuite", "duree-et-parcours",
    "formation-starter", "suivi-accompagnement", "restitution-collective", "formateur",
    "public-cible", "nombre-laureats", "date-limite", "ou-candidater", "contenu-candidature",
    "etapes-candidature", "binome", "idee-suffit", "domaines", "politique-publique",
    "projets-non-prioritaires", "exemples-site", "benefices", "exemple-pcaet",
    "exemple-attractivite-commerciale", "exemple-collecte-dechets", "exemple-depots-sauvages",
    "exemple-mobilites-quotidien", "faq-commune-seule", "faq-prochaine-promotion",
}
VERDICTS = {"eligible", "not_priority", "not_eligible", "to_clarify"}
DOMAINS = {
    "déchets", "mobilité", "santé", "inclusion numérique", "relation citoyenne",
    "développement économique", "transition écologique", "énergie", "eau", "habitat", "social",
    "air", "alimentation", "tourisme", "culture", "éducation", "sécurité", "urbanisme",
}
OOS_KINDS = {"unrelated", "near"}  # unrelated to the programme / looks like it but the source says nothing
# (file, minimum items, minimum out of scope)
# (file, minimum items, minimum out of scope): the labelled questions candibot indexes (knowledge/questions,
# tuned on one set left out at a time) and the sealed sets (eval/), only ever scored
QUESTIONS = "knowledge/questions/"
QUESTION_FILES = {QUESTIONS + "dev.yaml": (100, 25), QUESTIONS + "test.yaml": (60, 20), QUESTIONS + "holdout.yaml": (150, 50),
                  QUESTIONS + "dev2.yaml": (150, 50), QUESTIONS + "holdout3.yaml": (100, 40), QUESTIONS + "dev3.yaml": (150, 80),
                  QUESTIONS + "holdout4.yaml": (120, 50), QUESTIONS + "dev4.yaml": (150, 55), QUESTIONS + "dev5.yaml": (150, 55),
                  QUESTIONS + "holdout7.yaml": (150, 55),  # holdout3 expects a few illustrative examples too
                  "eval/questions_holdout8.yaml": (150, 55),
                  "eval/questions_holdout9.yaml": (110, 40),  # 150 written; those found word for word
                  "eval/questions_holdout10.yaml": (110, 40)}  # in an earlier set removed unread
# (file, minimum items, minimum per verdict)
IDEA_FILES = {"eval/ideas_dev.yaml": (80, 15), "eval/ideas_test.yaml": (48, 12),
              # written blind from the programme source (issue 15): dev11 and holdout11 at the seventh session,
              # dev12 and holdout12 at the eighth, each after its exact duplicates of older sets were removed unread
              "eval/ideas_dev11.yaml": (40, 0), "eval/ideas_holdout11.yaml": (50, 0),
              "eval/ideas_dev12.yaml": (40, 4), "eval/ideas_holdout12.yaml": (50, 4),
              # holdout13 at the tenth, by yet another writer
              "eval/ideas_holdout13.yaml": (50, 8),
              # holdout14 at the twelfth, by a fourth writer
              "eval/ideas_holdout14.yaml": (35, 3),
              # holdout15 and holdout16 at the thirteenth, by four more writers
              "eval/ideas_holdout15.yaml": (35, 3), "eval/ideas_holdout16.yaml": (25, 2),
              # holdout17 at the fourteenth, by one more; holdout18 at the nineteenth, holdout19 at the twentieth,
              # holdout20 at the twenty-second, holdout21 at the twenty-third, holdout22 at the twenty-fourth, holdout23 at
              # the twenty-fifth, holdout24 at the twenty-sixth, holdout25 at the twenty-seventh, holdout26 at the
              # twenty-eighth, by one more each; holdout27 at the thirtieth, by two more; holdout28 at the thirty-first, by one more
              "eval/ideas_holdout17.yaml": (40, 6), "eval/ideas_holdout18.yaml": (39, 3),
              "eval/ideas_holdout19.yaml": (39, 3), "eval/ideas_holdout20.yaml": (40, 3),
              "eval/ideas_holdout21.yaml": (40, 3), "eval/ideas_holdout22.yaml": (40, 3),
              "eval/ideas_holdout23.yaml": (40, 3), "eval/ideas_holdout24.yaml": (40, 3),
              "eval/ideas_holdout25.yaml": (39, 3), "eval/ideas_holdout26.yaml": (40, 3),
              "eval/ideas_holdout27.yaml": (80, 6), "eval/ideas_holdout28.yaml": (40, 3)}
# the sets of issue 15 in five kinds (`kind`), a message of several questions with its `parts`: (file, minimum
# items); those scored and read are labelled questions since the fourteenth session; holdout19, holdout20,
# dev15, holdout21 to holdout36 and unrelated29 are never indexed
KIND_FILES = {QUESTIONS + "dev11.yaml": 100, QUESTIONS + "holdout11.yaml": 150,
              QUESTIONS + "dev12.yaml": 100, QUESTIONS + "holdout12.yaml": 150,
              QUESTIONS + "dev13.yaml": 80, QUESTIONS + "holdout13.yaml": 150,
              QUESTIONS + "dev14.yaml": 70, QUESTIONS + "holdout14.yaml": 80,
              QUESTIONS + "holdout15.yaml": 90, QUESTIONS + "holdout16.yaml": 95,
              QUESTIONS + "holdout17.yaml": 95, QUESTIONS + "holdout18.yaml": 95,
              "eval/questions_holdout19.yaml": 95, "eval/questions_holdout20.yaml": 95,
              "eval/questions_dev15.yaml": 440, "eval/questions_holdout21.yaml": 100,
              "eval/questions_holdout22.yaml": 150, "eval/questions_holdout23.yaml": 150,
              "eval/questions_holdout24.yaml": 149, "eval/questions_holdout25.yaml": 150,
              "eval/questions_holdout26.yaml": 147, "eval/questions_holdout27.yaml": 148,
              "eval/questions_holdout28.yaml": 150, "eval/questions_holdout29.yaml": 150,
              "eval/questions_holdout30.yaml": 150, "eval/questions_holdout31.yaml": 160,
              "eval/questions_holdout32.yaml": 158,
              "eval/questions_unrelated29.yaml": 180,  # only unrelated messages sharing the programme's words
              "eval/questions_holdout33.yaml": 150, "eval/questions_holdout34.yaml": 120,
              "eval/questions_holdout35.yaml": 149, "eval/questions_holdout36.yaml": 147}
KINDS = {"multi", "situation", "premise", "words", "typo", "oos"}



def load(name: str) -> list[dict]:
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{name}: top level must be a list"
    return data


@pytest.mark.parametrize("name", sorted(QUESTION_FILES))
def test_question_items_are_well_formed(name):
    source = fold(SOURCE.read_text(encoding="utf-8"))
    items = load(name)
    for i, item in enumerate(items):
        where = f"{name}[{i}]"
        assert isinstance(item, dict), where
        keys = {"q", "expected", "facts"} | ({"oos"} if not item.get("expected") else set())
        assert set(item) == keys, f"{where}: keys {sorted(item)}, want {sorted(keys)}"
        assert isinstance(item["q"], str) and item["q"].strip(), where
        assert isinstance(item["expected"], list) and isinstance(item["facts"], list), where
        assert len(item["expected"]) <= 3, where
        assert len(set(item["expected"])) == len(item["expected"]), where
        unknown = set(item["expected"]) - KNOWN_IDS - ILLUSTRATIVE_IDS
        assert not unknown, f"{where}: unknown ids {unknown}"
        if item["expected"] and not all(i.startswith("illustratif-") for i in item["expected"]):
            assert 1 <= len(item["facts"]) <= 2, f"{where}: in-scope needs 1-2 facts"
        elif item["expected"]:  # our own illustrative examples: their text is not in the source
            assert len(item["facts"]) <= 2, where
        else:
            assert item["facts"] == [], f"{where}: out of scope has no facts"
            assert item["oos"] in OOS_KINDS, f"{where}: oos must be one of {sorted(OOS_KINDS)}"
        for fact in item["facts"]:
            assert isinstance(fact, str) and fact == fact.lower() and fact.strip(), where
            assert fold(fact) in source, f"{where}: fact {fact!r} is not in the programme source"


@pytest.mark.parametrize("name", sorted(QUESTION_FILES))
def test_question_counts(name):
    minimum, minimum_oos = QUESTION_FILES[name]
    items = load(name)
    assert len(items) >= minimum
    assert sum(1 for it in items if not it["expected"]) >= minimum_oos
    assert sum(1 for it in items if it.get("oos") == "unrelated") >= minimum_oos // 2


def test_every_id_is_covered_twice_in_dev():
    hits = {i: 0 for i in KNOWN_IDS}
    for item in load(QUESTIONS + "dev.yaml"):
        for i in item["expected"]:
            hits[i] += 1
    assert not {i: n for i, n in hits.items() if n < 2}


@pytest.mark.parametrize("name", [QUESTIONS + "test.yaml", QUESTIONS + "holdout.yaml"])
def test_every_id_is_covered_in_held_out_sets(name):
    covered = {i for item in load(name) for i in item["expected"]}
    assert covered == KNOWN_IDS


@pytest.mark.parametrize("name", sorted(IDEA_FILES))
def test_idea_items_are_well_formed(name):
    for i, item in enumerate(load(name)):
        where = f"{name}[{i}]"
        assert isinstance(item, dict) and set(item) == {"idea", "verdict", "domains"}, where
        assert isinstance(item["idea"], str) and item["idea"].strip(), where
        assert item["verdict"] in VERDICTS, where
        assert isinstance(item["domains"], list), where
        assert set(item["domains"]) <= DOMAINS, f"{where}: unknown domains"
        if item["verdict"] == "eligible":
            assert item["domains"], f"{where}: eligible idea needs domains"
        else:
            assert item["domains"] == [], f"{where}: only eligible ideas carry domains"


@pytest.mark.parametrize("name", sorted(IDEA_FILES))
def test_idea_counts(name):
    minimum, per_verdict = IDEA_FILES[name]
    items = load(name)
    assert len(items) >= minimum
    for verdict in VERDICTS:
        assert sum(1 for it in items if it["verdict"] == verdict) >= per_verdict, verdict


def _check_part(part: dict, where: str, source: str, oos_required: bool = True) -> None:
    assert isinstance(part["expected"], list) and isinstance(part["facts"], list), where
    assert not set(part["expected"]) - KNOWN_IDS - ILLUSTRATIVE_IDS, f"{where}: unknown ids"
    if part["expected"]:
        assert "oos" not in part and 1 <= len(part["facts"]) <= 2, f"{where}: in-scope needs 1-2 facts"
    else:
        assert part["facts"] == [], f"{where}: out of scope has no facts"
        # a part out of scope may leave out its oos (dev12's writer did): it is scored as an abstention either way
        assert part.get("oos") in OOS_KINDS or not oos_required and "oos" not in part, f"{where}: oos"
    for fact in part["facts"]:
        assert isinstance(fact, str) and fact == fact.lower() and fold(fact) in source, f"{where}: fact {fact!r}"


@pytest.mark.parametrize("name", sorted(KIND_FILES))
def test_kind_sets_are_well_formed(name):
    """Each item: q, expected, facts, kind (and oos out of scope); a message of several questions also
    its parts, each with its expected entries and facts (or oos), at least two."""
    source = fold(SOURCE.read_text(encoding="utf-8"))
    items = load(name)
    assert len(items) >= KIND_FILES[name]
    for i, item in enumerate(items):
        where = f"{name}[{i}]"
        assert isinstance(item["q"], str) and item["q"].strip(), where
        assert item.get("kind") in KINDS, f"{where}: kind {item.get('kind')!r}"
        keys = {"q", "expected", "facts", "kind"} | ({"parts"} if "parts" in item else set()) \
            | ({"oos"} if not item["expected"] else set())
        assert set(item) == keys, f"{where}: keys {sorted(item)}"
        if "parts" in item:
            assert len(item["parts"]) >= 2, where
            for j, part in enumerate(item["parts"]):
                assert set(part) <= {"expected", "facts", "oos"}, f"{where}.parts[{j}]"
                _check_part(part, f"{where}.parts[{j}]", source, oos_required=False)
        else:
            _check_part({k: item[k] for k in ("expected", "facts", "oos") if k in item}, where, source)


@pytest.mark.parametrize(
    ("files", "key"),
    [(sorted(QUESTION_FILES) + sorted(KIND_FILES), "q"), (sorted(IDEA_FILES), "idea")],
)
def test_no_duplicates_within_and_across_sets(files, key):
    seen: dict[str, str] = {}
    for name in files:
        for i, item in enumerate(load(name)):
            k = fold(item[key]) or item[key].strip()
            assert k not in seen, f"{name}[{i}] duplicates {seen[k]}: {item[key]!r}"
            seen[k] = f"{name}[{i}]"


def test_fold_is_able_to_fail():
    assert fold("Gratuité !") == fold("gratuite")
    assert fold("28 février") != fold("29 fevrier")


def test_the_labelled_sets_are_the_files_of_knowledge_questions_and_none_is_sealed():
    from run_eval import ISSUE15_SEALED, SEALED_SETS, labelled_sets

    names = [name for name, _ in labelled_sets()]
    assert names == sorted(p.stem for p in (ROOT / "knowledge" / "questions").glob("*.yaml")) and len(names) == 22
    sealed = {fold(i["q"]) for _, path in (*SEALED_SETS, *ISSUE15_SEALED) for i in load("eval/" + path)}
    assert not sealed & {fold(i["q"]) for _, items in labelled_sets() for i in items}


def test_the_evaluation_cache_gives_the_model_s_vectors_and_encodes_each_text_once(retriever):
    import numpy as np
    from run_eval import CachedEmbedder

    calls = []

    class Counting:  # the real model, counting the texts it is asked to encode
        model_name, floor, dimension = retriever.embedder.model_name, retriever.embedder.floor, retriever.embedder.dimension

        def encode(self, texts, show_progress=False):
            calls.extend(texts)
            return retriever.embedder.encode(texts)

    cached = CachedEmbedder(Counting())
    texts = ["Le programme est-il gratuit ?", "Qui est le formateur ?", "Le programme est-il gratuit ?"]
    first, second = cached.encode(texts), cached.encode(texts[:2])
    assert calls == texts[:2] and cached.dimension == retriever.embedder.dimension == first.shape[1]
    assert np.allclose(first, retriever.embedder.encode(texts), atol=1e-5) and np.allclose(second, first[:2])
