"""A message holding several questions: split in order, each answered with its source."""

from __future__ import annotations

import pytest

from bot.answers import Answerer
from bot.retrieval.parts import is_question, split_questions


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        ("Bonjour ! c'est gratuit et ça dure combien de temps ?", ["Bonjour ! c'est gratuit", "et ça dure combien de temps ?"]),
        ("qui finance ? c'est en ligne ?", ["qui finance ?", "c'est en ligne ?"]),
        ("2 questions :\n1) qui finance\n2) c'est en ligne ?", ["2 questions : qui finance", "c'est en ligne ?"]),
        ("- date limite ?\n- nombre de places ?", ["date limite ?", "nombre de places ?"]),
        ("What is the deadline and is it free?", ["What is the deadline", "and is it free?"]),
    ],
)
def test_a_message_of_several_questions_is_split_in_order(message, parts):
    assert split_questions(message) == parts


@pytest.mark.parametrize(
    "message",
    [
        "La santé et le social sont-ils acceptés ?",
        "Quelle est la différence entre un data lake et un entrepôt de données ?",
        "Je suis DGS d'une agglo et je voudrais savoir combien ça coûte ?",
        "Bonjour. Nous avons des données sur l'énergie. Combien coûte le programme ?",
        "Nous voulons optimiser la collecte et réduire les dépôts sauvages.",
    ],
)
def test_one_question_with_its_context_stays_whole(message):
    assert split_questions(message) == [message]


def test_context_is_not_a_question_but_a_yes_no_question_without_its_mark_is():
    assert not is_question("Je suis DGS d'une communauté de communes")
    assert is_question("c'est gratuit pour nous")
    assert is_question("où déposer le dossier")


@pytest.fixture()
def answerer(retriever, settings):
    return Answerer(retriever, settings)


@pytest.mark.slow
def test_each_question_gets_its_own_answer_and_source_in_order(answerer):
    answer = answerer.answer("Bonjour ! c'est gratuit pour nous et ça dure combien de mois en tout ?")
    assert not answer.abstained
    assert [p.sources[0].id for p in answer.parts] == ["gratuite", "duree-et-parcours"]
    assert [s.id for s in answer.sources] == ["gratuite", "duree-et-parcours"]
    assert answer.answer.index("gratuitement") < answer.answer.index("8 mois")
    assert answer.answer.count("Source : ") == 2


@pytest.mark.slow
def test_an_out_of_scope_part_is_said_so_and_the_others_are_answered(answerer):
    answer = answerer.answer("c'est gratuit ? et au fait il fait quel temps à Lyon demain")
    assert not answer.abstained
    assert [p.abstained for p in answer.parts] == [False, True]
    assert answer.sources[0].id == "gratuite"
    assert "gratuitement" in answer.answer and "sort du programme" in answer.answer


@pytest.mark.slow
def test_one_question_keeps_one_answer_and_one_source(answerer):
    answer = answerer.answer("Est-ce que le programme est gratuit ?")
    assert answer.parts == [] and [s.id for s in answer.sources] == ["gratuite"]


# -- the applicant's situation, a wrong premise, a typo -------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize(("question", "entry"), [
    ("Nous sommes une communauté d'agglomération, pouvons-nous candidater ?", "public-cible"),
    ("Nous n'avons qu'une idée, rien d'écrit : pouvons-nous candidater ?", "idee-suffit"),
])
def test_a_situation_finds_the_rule_that_answers_it(answerer, question, entry):
    answer = answerer.answer(question)
    assert not answer.abstained and answer.sources[0].id == entry


@pytest.mark.slow
def test_a_wrong_premise_is_corrected_by_the_fact(answerer):
    answer = answerer.answer("Le programme retient 5 territoires, c'est ça ?")
    assert answer.sources[0].id == "nombre-laureats"
    assert answer.answer.startswith("Non") and "dizaine" in answer.answer


@pytest.mark.slow
def test_a_question_that_confirms_nothing_false_is_not_contradicted(answerer):
    answer = answerer.answer("Le parcours dure 8 mois, vous confirmez ?")
    assert answer.sources[0].id == "duree-et-parcours"
    assert not answer.answer.startswith("Non")


def test_a_typo_is_corrected_to_the_word_the_rest_of_the_question_supports(retriever):
    assert "sauvage" in retriever.query_tokens("les depos sovages ça rentre dans les exemples ?")
    assert "sovages" not in retriever.corrected("les depos sovages ça rentre dans les exemples ?")


def test_a_claim_is_contradicted_only_by_an_entry_stating_a_value_of_its_kind(answerer):
    check = answerer.premises
    assert check.contradicted("La date limite c'est fin mars, non ?", "avant le 28 février 2024") == "mars"
    assert check.contradicted("Ça dure 8 mois, c'est ça ?", "Le parcours se termine par une restitution.") is None
