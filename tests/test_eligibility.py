"""Eligibility verdicts on ideas written for these tests (not the eval sets), with the real retriever."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.eligibility import EligibilityChecker, render_fr


@pytest.fixture(scope="module")
def checker(retriever):
    return EligibilityChecker(retriever, Settings())


@pytest.mark.parametrize("idea, domain", [
    ("Notre communauté de communes veut réduire les dépôts sauvages en analysant les signalements des habitants.", "déchets"),
    ("notre interco voudrait suivre la frequentation des navettes de transport a la demande", "mobilité"),
    ("L'agglo souhaite repérer les logements vacants pour son programme local de l'habitat", "habitat"),
    ("On aimerait cartographier l'offre de médecins généralistes pour attirer des praticiens", "santé"),
    ("Piloter la consommation d'energie des batiments de la metropole avec des compteurs", "énergie"),
])
def test_eligible_ideas_with_their_domain(checker, idea, domain):
    verdict = checker.check(idea)
    assert verdict.verdict == "eligible", verdict.reasons
    assert domain in verdict.domains
    assert any("politique publique" in r for r in verdict.reasons)


@pytest.mark.parametrize("idea", [
    "Notre mairie veut analyser la fréquentation de la piscine municipale.",
    "Le conseil départemental souhaite optimiser les transports scolaires.",
    "Notre startup propose une appli de covoiturage aux collectivités.",
    "Notre association de quartier voudrait cartographier les jardins partagés.",
])
def test_applicants_that_are_not_intercommunalites(checker, idea):
    verdict = checker.check(idea)
    assert verdict.verdict == "not_eligible"
    assert any("intercommunalité" in r for r in verdict.reasons)
    assert verdict.missing and "intercommunalité" in verdict.missing[0]


def test_an_interco_mentioned_alongside_a_commune_is_the_applicant(checker):
    verdict = checker.check("Avec notre commune centre, la communauté de communes veut suivre la qualité de l'eau des rivières.")
    assert verdict.verdict == "eligible"
    assert checker.check("Notre ville seule, sans l'intercommunalité, veut suivre les places de stationnement.").verdict == "not_eligible"


@pytest.mark.parametrize("idea", [
    "Monter notre portail open data intercommunal.",
    "Ecrire la charte territoriale de la donnee de l'agglo",
    "Mettre en place une gouvernance des données et un catalogue pour tous nos services.",
])
def test_purely_data_centric_projects_are_not_priority_with_a_way_out(checker, idea):
    verdict = checker.check(idea)
    assert verdict.verdict == "not_priority"
    assert any("politique publique" in r for r in verdict.reasons)
    assert verdict.reason_details[0].rule_id == "projets-non-prioritaires"


def test_a_data_portal_tied_to_a_policy_is_eligible(checker):
    verdict = checker.check("Un portail open data sur la qualité de l'air pour piloter notre plan climat intercommunal.")
    assert verdict.verdict == "eligible"
    assert any(r.rule_id == "projets-non-prioritaires" for r in verdict.reason_details)


@pytest.mark.parametrize("idea", ["on veut faire de la data", "Bonjour !", "un projet innovant avec l'IA", "moderniser notre SI"])
def test_vague_ideas_are_to_clarify_with_questions(checker, idea):
    verdict = checker.check(idea)
    assert verdict.verdict == "to_clarify"
    assert len(verdict.missing) >= 2


def test_an_idea_is_enough(checker):
    verdict = checker.check("Ce n'est qu'une idée : la communauté de communes voudrait suivre les tonnages de déchets verts.")
    assert verdict.verdict == "eligible"
    assert any(r.rule_id == "idee-suffit" for r in verdict.reason_details)


@pytest.mark.parametrize("bad", ["", "   ", "🤔🙂", "x " * 5000, "We want to build a smart city dashboard for our county", "<script>alert(1)</script>"])
def test_bad_input_is_to_clarify_with_a_french_message(checker, bad):
    verdict = checker.check(bad)
    assert verdict.verdict == "to_clarify"
    assert render_fr(verdict)


def test_reasons_cite_existing_rules_and_examples_are_three_sorted_and_marked(checker, retriever):
    verdict = checker.check("Optimiser les tournées de collecte des ordures ménagères de la communauté d'agglomération")
    assert all(r.rule_id in retriever.by_id for r in verdict.reason_details)
    assert all(f"« {r.rule_title} »" in text for r, text in zip(verdict.reason_details, verdict.reasons))
    assert len(verdict.examples) == 3
    assert [e.score for e in verdict.examples] == sorted((e.score for e in verdict.examples), reverse=True)
    assert {e.illustrative for e in verdict.examples} <= {True, False}
    message = render_fr(verdict)
    assert "exemple illustratif" in message or "exemple cité par le programme" in message


def test_json_shape_and_determinism(checker):
    idea = "Notre EPCI veut détecter les fuites du réseau d'eau potable."
    first, second = checker.check(idea).to_json_dict(), checker.check(idea).to_json_dict()
    assert first == second
    assert list(first) == ["idea", "verdict", "domains", "reasons", "missing", "examples"]
    assert set(first["examples"][0]) >= {"id", "title", "score"}
