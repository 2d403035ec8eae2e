"""A word of the programme used in another of its senses (« la promo du supermarché ») makes a question about
something else."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import Answerer
from bot.other_senses import OtherSenses

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


@pytest.fixture(scope="module")
def senses():
    return OtherSenses.load(KNOWLEDGE)


@pytest.mark.parametrize("question, other", [
    ("La promo sur l'électroménager au supermarché se termine quand ?", True),  # a word a few words after
    ("En escalade, le binôme doit-il être du même niveau ?", True),  # ...or a few words before
    ("Qui gère la restitution des clés du local associatif ?", True),
    ("Ma collègue doit faire sa formation incendie, c'est combien d'heures ?", True),
    ("j'ai envoye ma candidature spontanee a la mediatheque, ils repondent en combien de temps", True),  # no accents
    ("Un pilote de ligne, ça gagne combien ?", True),  # the other sense said in full
    # the programme's own senses
    ("La prochaine promotion ouvre quand ?", False),
    ("la restitution collective se passe où ?", False),
    ("Un binôme data et métier, c'est obligatoire ?", False),
    ("Pour la candidature, le poste de référent data doit-il déjà exister ?", False),
    ("Un projet pilote de ligne de bus à la demande, ça rentre ?", False),
    # an other word too far from the programme's
    ("La formation starter est en ligne ; mes agents ont déjà fait l'an dernier une session de sensibilisation incendie", False),
])
def test_a_programme_word_close_to_a_word_of_another_sense_is_taken_in_that_sense(senses, question, other):
    assert senses.about(question) is other


def test_no_file_means_no_word_is_taken_in_another_sense(tmp_path):
    assert not OtherSenses.load(tmp_path).about("La promo sur les pneus, c'est quand ?")


def test_the_words_and_the_distances_come_from_the_file(tmp_path):
    (tmp_path / "other_senses.yaml").write_text(
        "after: 2\nbefore: 1\nsenses:\n  - words: [session]\n    others: [rattrapage]\n", encoding="utf-8")
    senses = OtherSenses.load(tmp_path)
    assert senses.about("la session de rattrapage") and senses.about("rattrapage session")
    assert not senses.about("la session du mois de juin, rattrapage compris") and not senses.about("rattrapage de la session")


@pytest.fixture()
def answerer(retriever, settings):
    return Answerer(retriever, settings)


@pytest.mark.slow
def test_a_question_on_another_sense_of_a_programme_word_is_not_answered_unless_it_names_the_programme(answerer):
    for question in ("La promo sur l'électroménager au supermarché se termine quand ?",
                     "En escalade, le binôme doit-il être du même niveau ?"):
        answer = answerer.answer(question)
        assert answer.abstained and not answer.sources, question
    answer = answerer.answer("La prochaine promotion du programme ouvre quand ?")
    assert not answer.abstained and answer.sources[0].id == "faq-prochaine-promotion"


@pytest.mark.slow
def test_a_context_that_takes_a_programme_word_in_another_sense_is_the_subject_of_the_questions_after_it(answerer):
    answer = answerer.answer("Je prépare ma candidature aux élections municipales. Le binôme doit-il être paritaire et "
                             "quels documents faut-il déposer ?")
    assert answer.abstained and not answer.sources
    # the deadline of another procedure is not the application deadline
    answer = answerer.answer("La date limite des vœux Parcoursup, c'est quand cette année ?")
    assert answer.abstained and not answer.sources
