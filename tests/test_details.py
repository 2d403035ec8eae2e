"""The check for precise details (dates, contacts, amounts…) a question asks for and an entry lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.details import Detail, DetailCheck

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def check():
    return DetailCheck.load(ROOT / "knowledge")


@pytest.mark.parametrize(
    "question, text, missing",
    [
        ("Quand commence la formation ?", "Une formation en ligne.", True),
        ("Quand commence la formation ?", "Elle commence le 3 mars 2025.", False),
        ("Quel est le mail de contact ?", "Voir le site du programme.", True),
        ("Quelle est l'adresse e-mail ?", "Écrivez à equipe@example.org.", False),
        # a web address: « le site web du programme » gives none
        ("le lien exact pour déposer svp", "Les candidatures sont à déposer sur le site web du programme.", True),
        ("le lien exact pour déposer svp", "Déposez-la sur https://example.org/candidater.", False),
        # when the applicants will be told is a date
        ("Les lauréats seront-ils informés rapidement ?", "Une dizaine d'intercommunalités seront retenues.", True),
        ("Le programme rembourse-t-il les frais ?", "Le programme est gratuit.", True),
        ("Combien de pages pour le dossier ?", "Décrire le projet.", True),
        ("Combien de pages pour le dossier ?", "Deux pages au plus.", False),
        ("C'est gratuit ?", "Le programme est gratuit.", False),
        ("Quel âge a le formateur ?", "Il accompagne les membres depuis 5 ans.", True),  # not an age
        ("Quelles pièces justificatives faut-il fournir ?", "Décrire le projet.", True),
        ("Combien de candidatures avez-vous déjà reçues ?", "Décrire le projet.", True),
        ("On saura quand si on est retenus ?", "Une formation en ligne.", True),
        ("La formation se déroule le matin ou l'après-midi ?", "Une formation en ligne.", True),
        ("Les points de suivi sont mensuels ?", "Des points d'étapes réguliers.", True),
        ("Après le dépôt, il y a un entretien oral ?", "Déposer sa candidature sur le site.", True),
        ("Et qui rémunère le formateur ?", "Simon Chignard, expert data.", True),
        ("Faut-il être adhérent pour participer ?", "Le programme est gratuit.", True),
        ("Il faut payer une cotisation ?", "Le programme est gratuit.", False),  # the price, not a membership
        # an amount the applicant would pay is answered by a free programme; a grant's amount is not
        ("Quel montant faut-il inscrire à notre budget pour y participer ?", "Le programme est gratuit.", False),
        ("Quel est le montant de la subvention versée ?", "Le programme est gratuit.", True),
        ("Nos données doivent-elles être déjà propres ?", "Une idée suffit.", True),
        ("Combien de dossiers ont été reçus cette année ?", "Une dizaine d'intercommunalités seront retenues.", True),
        ("Combien de participants par interco au maximum ?", "Une dizaine d'intercommunalités seront retenues.", True),
        ("Combien de personnes par interco ?", "Un binôme référent data / référent métier.", False),
        # a « soutenance » before the other territories at the end is the restitution, not a candidate's audition
        ("À la fin, une soutenance devant les autres collectivités ?", "Une restitution collective.", False),
        ("Il y a une soutenance pour être retenus ?", "Une restitution collective.", True),
        # what the applicant says they lack is told, not asked; a lack asked about is still asked
        ("Rien d'écrit, pas de budget, pas de planning… c'est mort pour nous ?", "Une idée suffit.", False),
        ("Pas de budget ni de calendrier, on peut candidater ?", "Une idée suffit.", False),
        ("Il n'y a pas de calendrier ?", "Une formation en ligne.", True),
        # what a project comes with is told too; « avec quel calendrier » still asks
        ("Faut-il arriver avec un budget et un planning bouclés ?", "Une idée suffit.", False),
        ("La formation se fait avec quel calendrier ?", "Une formation en ligne.", True),
        ("", "", False),
    ],
)
def test_missing_details_are_told_apart_from_held_ones(check, question, text, missing):
    assert (check.missing(question, text) is not None) == missing


def test_phrases_match_whatever_the_accents_elisions_and_case():
    check = DetailCheck([Detail("d'heures", ("combien d'heures",), (r"\d+ ?h",))])
    assert check.missing("COMBIEN D’HEURES ça dure ?", "rien") == "d'heures"
    assert check.missing("combien d heures ca dure", "10 h") is None


def test_the_details_a_question_asks_for_are_all_named(check):
    asked = check.asked("Où a lieu la formation et elle démarre quand ?")
    assert {label.split()[1] for label in asked} == {"lieu", "date"}
    assert check.asked("À quoi ressemble la formation de démarrage ?") == set()
    assert check.asked("un tel projet est-il recevable ?") == set()  # « un tel » is not a phone


@pytest.mark.parametrize("question, may_ask", [
    ("Les agglos retenues seront prévenues quand ?", True),  # no phrase lists « prévenues quand »: a cue word
    ("Quelle charge horaire hebdo prévoir ?", True),
    ("On saura quand si on est retenus ?", True),  # a phrase
    ("À quoi ressemble la formation de démarrage ?", False),
    ("Qui est derrière ce programme ?", False),
])
def test_a_cue_word_may_ask_for_a_detail_in_words_no_phrase_lists(check, question, may_ask):
    assert check.may_ask(question) == may_ask


def test_an_elision_typed_without_its_apostrophe_is_still_read():
    check = DetailCheck([Detail("d'heures", ("combien d'heures",), (r"\d+ ?h",))])
    assert check.asked("le starter il dure combien d heures") == {"d'heures"}


def test_every_detail_of_the_knowledge_base_is_well_formed():
    import re

    import yaml

    data = yaml.safe_load((ROOT / "knowledge" / "details.yaml").read_text(encoding="utf-8"))
    for item in data["details"]:
        assert set(item) - {"unless"} == {"label", "asks", "holds"} and item["asks"] and item["holds"]
        for pattern in item["holds"] + [h for unless in item.get("unless", []) for h in unless["holds"]]:
            re.compile(pattern)
        assert all(set(unless) == {"asks", "holds"} and unless["asks"] and unless["holds"] for unless in item.get("unless", []))


@pytest.mark.parametrize("question, claim", [
    ("Le parcours dure 8 mois, vous confirmez ?", "Le parcours dure 8 mois ?"),
    ("C'est limité à 5 territoires, c'est ça ?", "C'est limité à 5 territoires ?"),
    ("Ça dure un an, il me semble", "Ça dure un an"),
    ("C'est gratuit ?", "C'est gratuit ?"),  # nothing to take out
    ("non ?", "non ?"),  # too little would remain
])
def test_a_claim_is_searched_without_the_words_asking_to_confirm_it(question, claim):
    from bot.details import PremiseCheck

    assert PremiseCheck.load(ROOT / "knowledge").without_confirmation(question) == claim
