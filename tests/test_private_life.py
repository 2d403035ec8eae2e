"""A question about the asker's private life (« mon fils », « ma banque ») is not about the programme."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import Answerer
from bot.private_life import PrivateLife

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


@pytest.fixture(scope="module")
def check():
    return PrivateLife.load(KNOWLEDGE)


@pytest.mark.parametrize("question, about", [
    ("Mon fils cherche un binôme pour la course d'orientation, c'est obligatoire ?", True),
    ("ma belle-mere entre en maison de retraite, combien de temps dure le dossier", True),  # no accent, a hyphen
    ("Ma banque me propose un accompagnement, c'est gratuit ?", True),
    ("Est-ce que mes parents peuvent venir à la restitution ?", True),
    ("Mon ancien propriétaire garde la caution, la restitution prend combien de temps ?", True),  # a word between
    # someone close who is not the asker's private life, children of the territory, the programme named
    ("Le maire, qui est aussi mon voisin, demande si sa commune peut candidater seule", False),
    ("Mon collègue me dit que c'est payant, c'est vrai ?", False),
    ("On veut suivre la fréquentation des cantines par nos enfants", False),
    ("Ma mère est élue communautaire, elle me demande si le programme est gratuit", False),
    ("La Banque des Territoires finance-t-elle le projet ?", False),
    # a word that holds a noun of the list is not that noun
    ("Mon filsdefer ? ma banquette ?", False),
])
def test_a_relative_or_a_private_service_of_the_asker_is_private_life_unless_the_programme_is_named(check, question, about):
    assert check.about(question) is about


def test_no_file_means_no_question_is_private_life(tmp_path):
    assert not PrivateLife.load(tmp_path).about("Mon fils est-il concerné ?")


@pytest.fixture()
def answerer(retriever, settings):
    return Answerer(retriever, settings)


@pytest.mark.slow
def test_a_private_question_sharing_the_programmes_words_is_not_answered(answerer):
    for question in ("Mon fils cherche un binôme pour la course d'orientation du collège, c'est obligatoire ?",
                     "Ma banque me propose un accompagnement pour mon projet immobilier, c'est gratuit ?",
                     "Mon mari veut se lancer dans un projet de gîte, c'est combien la formation ?"):
        answer = answerer.answer(question)
        assert answer.abstained and not answer.sources, question


@pytest.mark.slow
def test_a_short_question_after_an_unrelated_one_is_about_the_same_thing_unless_it_names_the_programme(answerer):
    answer = answerer.answer("Quel temps fera-t-il à Lille ce week-end ? et ça dure combien ?")
    assert answer.abstained and not answer.sources
    answer = answerer.answer("Il pleut à Brest demain ? et le programme c'est gratuit ?")
    assert not answer.abstained and [p.abstained for p in answer.parts] == [True, False]
    assert [s.id for s in answer.sources] == ["gratuite"]


@pytest.mark.slow
def test_in_a_message_of_several_questions_those_after_a_private_one_are_about_it_those_before_are_not(answerer):
    answer = answerer.answer("Ma mère entre en maison de retraite, comment faire la demande d'aide et combien de mois dure "
                             "l'instruction du dossier ?")
    assert answer.abstained and not answer.sources
    answer = answerer.answer("Qui sont les partenaires du programme ? Et, à titre personnel, où inscrire ma fille au "
                             "judo ?")
    assert not answer.abstained and [p.abstained for p in answer.parts] == [False, True]
    assert [s.id for s in answer.sources] == ["partenaires"]
