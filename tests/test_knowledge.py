"""Every knowledge entry fits the schema, and every programme fact is quoted from the source."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from bot.knowledge import (
    OUT_OF_SCOPE_GROUPS, KnowledgeError, load_entries, load_glossary, load_questions, parse_entry,
)
from bot.retrieval.normalize import Glossary, lemmas

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
SOURCE = (KNOWLEDGE / "sources" / "programme.txt").read_text(encoding="utf-8")
ENTRIES = load_entries(KNOWLEDGE)
REQUIRED_IDS = {
    "objectif", "montee-en-competences", "partenaires", "gratuite", "duree-et-parcours", "formation-starter",
    "suivi-accompagnement", "restitution-collective", "formateur", "public-cible", "nombre-laureats",
    "date-limite", "ou-candidater", "contenu-candidature", "etapes-candidature", "binome", "idee-suffit",
    "domaines", "politique-publique", "projets-non-prioritaires", "exemples-site", "benefices",
    "exemple-pcaet", "exemple-attractivite-commerciale", "exemple-collecte-dechets", "exemple-depots-sauvages",
    "exemple-mobilites-quotidien", "faq-commune-seule", "faq-prochaine-promotion",
}
ILLUSTRATIVE_DOMAINS = {
    "déchets", "mobilité", "santé", "inclusion numérique", "relation citoyenne", "développement économique",
    "transition écologique", "énergie", "eau", "habitat", "social",
}
DATE = re.compile(r"\b\d{1,2}(?:er)? (?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}\b")


def test_every_required_topic_has_its_entry():
    assert REQUIRED_IDS <= {e.id for e in ENTRIES}


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.source == "programme"], ids=lambda e: e.id)
def test_programme_entries_quote_the_source_verbatim(entry):
    assert entry.quotes and all(quote in SOURCE for quote in entry.quotes)
    for date in DATE.findall(entry.body):
        assert date in SOURCE, f"{entry.id} states a date the source does not give: {date}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_no_entry_invents_an_address_or_an_amount(entry):
    text = f"{entry.title} {entry.body}".lower()
    assert "http" not in text and "www." not in text and "@" not in text
    assert "€" not in text and "euros" not in text


def test_illustrative_examples_are_many_varied_and_marked():
    illustrative = [e for e in ENTRIES if e.illustrative]
    assert len(illustrative) >= 14
    assert all(e.kind == "example" and e.domains for e in illustrative)
    assert all(e.body.startswith("Exemple illustratif") and "illustratif" in e.title for e in illustrative)
    assert ILLUSTRATIVE_DOMAINS <= {d for e in illustrative for d in e.domains}


def test_off_topic_groups_cover_many_subjects_and_state_no_programme_fact():
    off_topic = [e for e in ENTRIES if e.off_topic]
    assert len(off_topic) >= 12
    assert all(e.source == "aucune" and not e.excerpt and not e.domains and not e.deadline for e in off_topic)
    assert all(e.id.startswith("hors-sujet-") and e.path.startswith("entries/hors-sujet/") for e in off_topic)


def test_off_topic_keywords_each_have_a_word_of_their_own():
    """Only the words no programme entry uses are searched (bot/retrieval/index.py): a keyword made
    only of the programme's words (« vacances » is in « vacance commerciale ») would search nothing."""
    glossary = Glossary(load_glossary(KNOWLEDGE))
    programme_words = {
        token for e in ENTRIES if not e.off_topic for token in lemmas(" ".join([e.title, e.body, *e.questions]), glossary)
    }
    keywords = [(e.id, k) for e in ENTRIES if e.off_topic for k in e.keywords]
    assert len(keywords) >= 100
    for entry_id, keyword in keywords:
        assert set(lemmas(keyword, glossary)) - programme_words, f"{entry_id}: « {keyword} » has no word of its own"


def test_deadline_is_the_one_of_the_source():
    dated = [e for e in ENTRIES if e.deadline]
    assert [(e.id, e.deadline.isoformat()) for e in dated] == [("date-limite", "2024-02-28")]


def test_glossary_groups_are_not_empty():
    groups = load_glossary(KNOWLEDGE)
    assert len(groups) >= 20 and all(len(g) >= 2 for g in groups)


GOOD = """---
id: essai
title: Un essai
kind: rule
source: programme
excerpt: "Ce programme est proposé gratuitement"
questions: ["Est-ce gratuit ?", "c payant ?", "combien ca coute"]
---
Le programme est gratuit.
"""


@pytest.mark.parametrize(
    "broken, reason",
    [
        (GOOD.replace('excerpt: "Ce programme est proposé gratuitement"\n', ""), "excerpt"),
        (GOOD.replace("kind: rule", "kind: rumeur"), "kind"),
        (GOOD.replace('questions: ["Est-ce gratuit ?", "c payant ?", "combien ca coute"]', 'questions: ["Est-ce gratuit ?"]'), "questions"),
        (GOOD.replace("source: programme", "source: illustratif"), "illustrative"),
        (GOOD.replace("kind: rule", "kind: hors_sujet"), "off-topic with a programme source"),
        (GOOD.replace("source: programme", "source: aucune"), "no source for a rule"),
        (GOOD.replace("kind: rule", "kind: rule\nkeywords: [impôts]"), "keywords on a programme entry"),
        (GOOD.replace("kind: rule", "kind: rule\nabout: [commune, '  ']\nsibling: public-cible"), "a blank item in about"),
        (GOOD.replace("kind: rule", "kind: rule\nabout: [commune]"), "about without its sibling"),
        (GOOD.replace("id: essai", "id: Essai Libre"), "id"),
        (GOOD.replace("---\nid", "id", 1), "front matter"),
        (GOOD.replace('questions: ["Est-ce', 'questions: [Est-ce ?'), "YAML"),
    ],
)
def test_broken_entries_are_refused_with_a_reason(broken, reason):
    assert parse_entry(GOOD, "ok.md").id == "essai"
    with pytest.raises(KnowledgeError):
        parse_entry(broken, "broken.md")


def test_duplicate_ids_are_refused(tmp_path):
    (tmp_path / "entries").mkdir()
    (tmp_path / "entries" / "a.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "entries" / "b.md").write_text(GOOD, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="duplicate"):
        load_entries(tmp_path)


# Checks shown to fail on tampered copies of real entries (a check that cannot fail proves nothing).

NUMBER = re.compile(r"\d+")
URL = re.compile(r"https?:|www\.|\b[\w-]+\.(?:fr|com|org|net|eu)\b", re.IGNORECASE)


def excerpt_problems(entry) -> list[str]:
    """A programme entry's excerpt must be a verbatim quote of the source (typographic apostrophes included)."""
    if entry.source != "programme":
        return []
    if not entry.quotes or len(entry.excerpt.strip()) < 15 or any(quote not in SOURCE for quote in entry.quotes):
        return [f"{entry.id}: excerpt not quoted verbatim from the source"]
    return []


def figure_problems(entry) -> list[str]:
    """Every date or figure in a programme answer comes from the source; illustrative ones state none."""
    found = DATE.findall(entry.body) + re.findall(r"\b\d{4}-\d{2}-\d{2}\b", entry.body) + NUMBER.findall(entry.body)
    if entry.source != "programme":
        return [f"{entry.id}: figure {f!r}" for f in found]
    return [f"{entry.id}: {f!r} not in the source" for f in found
            if not re.search(rf"(?<!\d){re.escape(f)}(?!\d)", SOURCE)]


def test_no_figure_or_url_anywhere_the_source_does_not_give():
    problems = [p for e in ENTRIES for p in excerpt_problems(e) + figure_problems(e)]
    for path in sorted((KNOWLEDGE / "entries").rglob("*.md")) + [KNOWLEDGE / "glossary.yaml"]:
        problems += [f"{path.name}: URL {m!r}" for m in URL.findall(path.read_text(encoding="utf-8"))]
    assert problems == []


def test_tampered_entries_are_caught():
    real = {e.id: e for e in ENTRIES}
    gratuite, limite = real["gratuite"], real["date-limite"]
    straight = replace(gratuite, excerpt=gratuite.excerpt.replace("’", "'"))
    assert "’" in gratuite.excerpt and excerpt_problems(straight)
    invented = replace(gratuite, excerpt="Ce programme est proposé gratuitement à toutes les communes.")
    assert excerpt_problems(invented)
    assert figure_problems(replace(limite, body="Candidatures avant le 15 mars 2024."))
    assert figure_problems(replace(limite, body="Douze lauréats, 12 au plus."))
    example = next(e for e in ENTRIES if e.illustrative)
    assert figure_problems(replace(example, body=example.body + " Budget : 30 000 euros."))
    assert URL.findall("Candidatez sur www.programme-data.fr") and not URL.findall("sur le site web du programme.")
    tampered = GOOD.replace('excerpt: "Ce programme est proposé gratuitement"', "excerpt: \"Ce programme est payant\"")
    assert excerpt_problems(parse_entry(tampered, "tampered.md"))


def test_labelled_questions_point_to_entries_or_to_an_out_of_scope_group():
    pairs = load_questions(KNOWLEDGE, ENTRIES)
    by_id = {e.id: e for e in ENTRIES}
    assert len(pairs) > 1000
    assert all(entry in by_id for entry, _ in pairs)
    for group in OUT_OF_SCOPE_GROUPS.values():
        assert by_id[group].off_topic and sum(entry == group for entry, _ in pairs) > 100


def test_a_message_of_several_questions_is_kept_for_the_evaluation_and_not_indexed(tmp_path):
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "set.yaml").write_text(
        "- {q: 'Gratuit et ça dure combien ?', expected: [gratuite, duree-et-parcours], facts: [gratuit, mois],\n"
        "   kind: multi, parts: [{expected: [gratuite], facts: [gratuit]}, {expected: [duree-et-parcours], facts: [mois]}]}\n"
        "- {q: 'ca coute cb', expected: [gratuite], facts: [gratuit], kind: typo}\n"
        "- {q: 'Quel temps fait-il ?', expected: [], facts: [], oos: unrelated, kind: oos}\n", encoding="utf-8")
    assert load_questions(tmp_path, ENTRIES) == [("gratuite", "ca coute cb"), (OUT_OF_SCOPE_GROUPS["unrelated"], "Quel temps fait-il ?")]


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ("- {q: 'Le programme est-il gratuit ?', expected: [inconnue], facts: [gratuit]}", "unknown entry"),
        ("- {q: 'Quel temps fait-il ?', expected: [], facts: []}", "either the expected entries"),
        ("- {q: 'Gratuit ?', expected: [gratuite], facts: [gratuit], oos: near}", "either the expected entries"),
        ("- {q: 'Gratuit ?', expected: [gratuite], facts: [gratuit], note: x}", "Extra inputs"),
        ("q: pas une liste", "must be a list"),
        ("- {q: 'Gratuit ?', expected: [gratuite, binome, formateur, domaines], facts: [gratuit]}", "at most three"),
        ("- {q: 'Gratuit et qui ?', expected: [gratuite, binome], facts: [gratuit], kind: multi, parts: "
         "[{expected: [gratuite], facts: [gratuit]}, {expected: [inconnue], facts: []}]}", "unknown entry 'inconnue'"),
        ("- {q: 'Gratuit ?', expected: [gratuite], facts: [gratuit], kind: pressé}", "kind"),
    ],
)
def test_broken_labelled_questions_are_refused_with_a_reason(tmp_path, item, reason):
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "set.yaml").write_text(item + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=reason):
        load_questions(tmp_path, ENTRIES)
