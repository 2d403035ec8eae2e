"""What an applicant says of their intercommunalité before asking is not what they ask."""

from __future__ import annotations

import pytest

from bot.answers import Answerer
from bot.retrieval.introduction import without_introduction, without_relay


@pytest.mark.parametrize(
    ("message", "searched"),
    [
        ("on est une petite com com rurale, on a pas de data scientist, ça suffit comme équipe ?",
         "on a pas de data scientist, ça suffit comme équipe ?"),
        ("nous sommes une CA de 80 000 habitants et on aimerait échanger avec d'autres territoires, c'est prévu ?",
         "on aimerait échanger avec d'autres territoires, c'est prévu ?"),
        ("DGS d'une agglomération de 60 000 habitants. Nos élus veulent tester un premier projet data",
         "Nos élus veulent tester un premier projet data"),
        ("Je suis vice-président au numérique d'une petite communauté de communes. Soyons francs : on part de zéro",
         "Soyons francs : on part de zéro"),
        ("jsuis le seul geek de la com d agglo et mon collegue de l urba est chaud pour bosser avec moi",
         "mon collegue de l urba est chaud pour bosser avec moi"),
        ("ça me rassure car notre communauté de communes est petite. Est-ce bien le chiffre ?",
         "ça me rassure car. Est-ce bien le chiffre ?"),
    ],
)
def test_an_intercommunalite_described_is_left_out_of_what_is_searched(message, searched):
    assert without_introduction(message) == searched


@pytest.mark.parametrize(
    "message",
    [
        # what follows asks whether such an intercommunalité may apply: the description is the question
        "Nous sommes une communauté de communes rurale de 15 000 habitants, sommes-nous éligibles ?",
        "on est une cc rurale de 9 communes 15000 hab, on peut y aller",
        "nous on est une petite comcom rurale on voudrait essayer un projet, est-ce que c'est pour des gens comme nous ?",
        "on est une métropole, genre 40 communes, on rentre dans les clous ou c'est que pour les petites intercos ?",
        # not an intercommunalité: who they are decides the answer
        "Nous sommes une commune de 3 000 habitants, peut-on candidater ?",
        "on est un syndicat mixte de traitement des déchets, on a des données de collecte",
        # an intercommunalité named, not described as the applicant's own
        "Combien de conseillers communautaires pour une CC de 20 000 habitants ?",
        "C'est quoi un DPO, et est-ce obligatoire pour un EPCI ?",
        # nothing would be left to search
        "on est une petite agglo",
    ],
)
def test_a_description_that_decides_the_answer_stays(message):
    assert without_introduction(message) == message


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Bonjour, j'ai cru lire dans la presse locale qu'une cinquantaine de territoires allaient être choisis, ce qui "
         "me rassure un peu car notre communauté de communes est petite et je pensais que nous n'avions aucune chance. "
         "Est-ce bien le chiffre ?", "nombre-laureats"),
        ("Je bosse au service mobilité d'une agglo. Les transports font partie des thèmes acceptés ?", "domaines"),
    ],
)
def test_the_question_after_an_introduction_is_answered_not_who_may_apply(retriever, settings, question, expected):
    answer = Answerer(retriever, settings).answer(question)
    assert not answer.abstained
    assert answer.sources[0].id == expected


@pytest.mark.parametrize(("message", "searched"), [
    ("ma DG me demande qui finance le programme", "qui finance le programme"),
    ("Mon président m'a demandé si on pouvait candidater à plusieurs", "on pouvait candidater à plusieurs"),
    ("le DGS voudrait savoir : combien ça coûte", "combien ça coûte"),
    ("les élus demandent s'il faut un binôme", "il faut un binôme"),
    # not a relay: the request itself, or nothing left to ask
    ("la demande de subvention est-elle gratuite ?", "la demande de subvention est-elle gratuite ?"),
    ("Le président demande qui", "Le président demande qui"),
])
def test_who_relays_the_question_is_left_out_of_what_is_searched(message, searched):
    assert without_relay(message) == searched


@pytest.mark.slow
def test_a_relayed_question_is_answered_as_if_asked_directly(retriever, settings):
    answer = Answerer(retriever, settings).answer("ma DG me demande qui finance le programme et combien de territoires seront pris")
    assert [p.sources[0].id for p in answer.parts] == ["partenaires", "nombre-laureats"]
