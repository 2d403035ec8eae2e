"""Evaluation data: the question and idea files load, are well formed, big enough and held apart."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.knowledge import load_entries

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"

ENTRY_IDS = {
    "objectif", "montee-en-competences", "partenaires", "gratuite", "duree-et-parcours", "formation-starter",
    "suivi-accompagnement", "restitution-collective", "formateur", "public-cible", "nombre-laureats",
    "date-limite", "ou-candidater", "contenu-candidature", "etapes-candidature", "binome", "idee-suffit",
    "domaines", "politique-publique", "projets-non-prioritaires", "exemples-site", "benefices",
    "exemple-pcaet", "exemple-attractivite-commerciale", "exemple-collecte-dechets", "exemple-depots-sauvages",
    "exemple-mobilites-quotidien", "faq-commune-seule", "faq-prochaine-promotion",
}
VERDICTS = {"eligible", "not_priority", "not_eligible", "to_clarify"}
DOMAINS = {
    "déchets", "mobilité", "santé", "inclusion numérique", "relation citoyenne", "développement économique",
    "transition écologique", "énergie", "eau", "habitat", "social", "air", "alimentation", "tourisme",
    "culture", "éducation", "sécurité", "urbanisme",
}
# file -> (minimum items, minimum out of scope)
QUESTION_FILES = {"questions_dev.yaml": (100, 25), "questions_test.yaml": (60, 20)}
# file -> (minimum items, minimum per verdict)
IDEA_FILES = {"ideas_dev.yaml": (80, 15), "ideas_test.yaml": (48, 12)}


def load(name: str) -> list[dict]:
    data = yaml.safe_load((EVAL / name).read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{name} must be a YAML list"
    return data


def key(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: two texts equal under key are duplicates."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c if c.isalnum() else " " for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


@pytest.mark.parametrize("name", sorted(QUESTION_FILES))
def test_questions_well_formed(name):
    items = load(name)
    minimum, minimum_oos = QUESTION_FILES[name]
    for item in items:
        assert set(item) == {"q", "expected", "facts"}, item
        assert isinstance(item["q"], str) and item["q"].strip(), item
        assert isinstance(item["expected"], list) and len(item["expected"]) <= 3, item
        assert set(item["expected"]) <= ENTRY_IDS, item
        assert len(set(item["expected"])) == len(item["expected"]), item
        assert isinstance(item["facts"], list) and len(item["facts"]) <= 2, item
        assert all(isinstance(f, str) and f.strip() and f == f.lower() for f in item["facts"]), item
        if not item["expected"]:
            assert item["facts"] == [], item
    assert len(items) >= minimum
    assert sum(not i["expected"] for i in items) >= minimum_oos


def test_dev_questions_cover_every_entry_twice():
    counts = Counter(e for item in load("questions_dev.yaml") for e in item["expected"])
    assert {e: counts[e] for e in ENTRY_IDS if counts[e] < 2} == {}


def test_facts_come_from_the_source():
    source = key((ROOT / "knowledge" / "sources" / "programme.txt").read_text(encoding="utf-8"))
    missing = {f for name in QUESTION_FILES for item in load(name) for f in item["facts"] if key(f) not in source}
    assert missing == set()


@pytest.mark.parametrize("name", sorted(IDEA_FILES))
def test_ideas_well_formed(name):
    items = load(name)
    minimum, per_verdict = IDEA_FILES[name]
    for item in items:
        assert set(item) == {"idea", "verdict", "domains"}, item
        assert isinstance(item["idea"], str) and item["idea"].strip(), item
        assert item["verdict"] in VERDICTS, item
        assert isinstance(item["domains"], list) and set(item["domains"]) <= DOMAINS, item
        assert bool(item["domains"]) == (item["verdict"] == "eligible"), item
    assert len(items) >= minimum
    counts = Counter(i["verdict"] for i in items)
    assert {v: counts[v] for v in VERDICTS if counts[v] < per_verdict} == {}


@pytest.mark.parametrize("files,field", [(QUESTION_FILES, "q"), (IDEA_FILES, "idea")])
def test_no_duplicates_within_or_across_dev_and_test(files, field):
    seen: dict[str, str] = {}
    duplicates = []
    for name in sorted(files):
        for item in load(name):
            k = key(item[field])
            if k in seen:
                duplicates.append((item[field], seen[k], name))
            seen.setdefault(k, name)
    assert duplicates == []


def test_entry_ids_exist_in_the_knowledge_base():
    ids = {e.id for e in load_entries(ROOT / "knowledge")}
    assert ENTRY_IDS - ids == set()


def test_questions_are_not_copied_from_the_knowledge_base():
    """An eval question equal to one of an entry's sample questions would measure memory, not retrieval."""
    samples = {key(q) for e in load_entries(ROOT / "knowledge") for q in e.questions}
    copied = [i["q"] for name in QUESTION_FILES for i in load(name) if key(i["q"]) in samples]
    assert copied == []
