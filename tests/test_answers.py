"""Answers: extractive, sourced, date-aware, abstaining when out of scope."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.prompts import say
from bot.answers import Answerer, preference
from bot.config import Settings
from bot.retrieval import Hit
from bot.retrieval.normalize import lemmas


@pytest.fixture()
def answerer(retriever, settings):
    return Answerer(retriever, settings)


def test_answer_is_the_entry_text_and_names_its_source(answerer, retriever):
    answer = answerer.answer("Est-ce que le programme est gratuit ?")
    assert not answer.abstained
    assert answer.sources[0].id == "gratuite"
    entry = retriever.by_id["gratuite"]
    assert entry.body.strip() in answer.answer
    assert f"« {entry.title} »" in answer.answer


def _deadline_answer(retriever, today, url=None):
    settings = Settings(CANDIBOT_TODAY=today, PROGRAMME_URL=url)
    return Answerer(retriever, settings).answer("Quelle est la date limite pour candidater ?")


def test_deadline_before_the_date_is_not_said_to_have_passed(retriever):
    answer = _deadline_answer(retriever, dt.date(2024, 1, 15))
    assert answer.sources[0].id == "date-limite"
    assert "28 février 2024" in answer.answer
    assert "pas encore passée" in answer.answer


def test_deadline_after_the_date_is_said_to_have_passed_without_inventing_a_url(retriever):
    answer = _deadline_answer(retriever, dt.date(2026, 11, 28))
    assert "est passée" in answer.answer
    assert "site web du programme" in answer.answer
    assert "http" not in answer.answer


def test_programme_url_setting_fills_in_the_address(retriever):
    answer = _deadline_answer(retriever, dt.date(2026, 11, 28), url="https://programme.example.org")
    assert "https://programme.example.org" in answer.answer


@pytest.mark.parametrize(
    "question",
    ["Quelle est la recette de la tarte tatin ?", "Qui a gagné la coupe du monde de football ?", "il fait beau demain à Lyon ?",
     # where to eat: the words of a lesson's logistics (« gare », « près de ») do not make it the programme's
     "une pizzeria sympa près de la mairie ?"],
)
def test_out_of_scope_questions_abstain_and_say_what_the_assistant_can_do(answerer, question):
    answer = answerer.answer(question)
    assert answer.abstained and answer.sources == []
    assert "Je ne sais pas" in answer.answer
    assert "éligible" in answer.answer and "candidature" in answer.answer


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "x" * 10_000, "SELECT * FROM drafts;", "<b>bonjour</b>", "How do I apply?"])
def test_bad_input_gets_a_french_answer_or_an_abstention(answerer, text):
    answer = answerer.answer(text)
    assert answer.answer
    assert answer.abstained or answer.sources


def test_a_long_message_is_answered_from_the_question_at_its_end(answerer):
    message = (
        "Bonjour, je suis chargée de mission à la communauté de communes, nous avons beaucoup de "
        "données sur les bâtiments publics et les consommations d'énergie, mon DGS m'a parlé de votre "
        "programme, du coup je me demandais, combien ça nous coûterait d'y participer ?"
    )
    assert answerer.focus(message) == "combien ça nous coûterait d'y participer ?"
    answer = answerer.answer(message)
    assert not answer.abstained and answer.sources[0].id == "gratuite"


def test_the_context_of_a_long_message_still_counts_beside_its_question(answerer, retriever):
    message = (
        "Nos bennes de collecte font des tournées à moitié vides, on voudrait les optimiser avec les "
        "données de remplissage. C'est le genre de projet attendu ?"
    )
    focus = answerer.focus(message)
    assert focus == "C'est le genre de projet attendu ?"
    assert retriever.search(focus, k=1)[0].entry.id != "exemple-collecte-dechets"  # the question alone is generic
    answer = answerer.answer(message)
    assert not answer.abstained and answer.sources[0].id == "exemple-collecte-dechets"


def test_a_detail_is_asked_for_by_the_question_not_by_its_context(answerer):
    # « directrice » in the context is not a question on people (details.yaml)
    answer = answerer.answer("Je suis directrice des finances, notre budget est serré. Est-ce que la formation est payante ?")
    assert not answer.abstained and answer.sources[0].id == "gratuite"
    assert answerer.answer("Qui est le président du jury ?").abstained


def test_a_programme_entry_is_preferred_to_an_illustrative_example_of_near_equal_score(retriever):
    example = retriever.by_id["illustratif-inclusion-numerique"]
    rule = retriever.by_id["domaines"]
    assert max([Hit(example, 0.50, 0, 0, 1), Hit(rule, 0.47, 0, 0, 1)], key=preference).entry is rule
    assert max([Hit(example, 0.60, 0, 0, 1), Hit(rule, 0.47, 0, 0, 1)], key=preference).entry is example


def test_a_question_like_the_off_topic_ones_is_abstained_on(answerer):
    answer = answerer.answer("Comment déclarer mes revenus en ligne ?")
    assert answer.abstained and answer.sources == []
    assert not answerer.answer("La formation starter est-elle en ligne ?").abstained


def test_a_keyword_of_an_off_topic_group_is_enough_to_abstain(answerer, retriever):
    # « blockchain » is a keyword of the group, in none of its example questions
    group = retriever.by_id["hors-sujet-notions-data"]
    assert "blockchain" in group.keywords and not any("blockchain" in q.lower() for q in group.questions)
    assert answerer.candidates("Que penses-tu de la blockchain ?")[0].entry is group
    assert answerer.answer("Que penses-tu de la blockchain ?").abstained


def test_a_short_question_is_its_own_focus(answerer):
    assert answerer.focus("C'est gratuit ?") == "C'est gratuit ?"
    assert answerer.focus("") == ""


def test_illustrative_examples_are_marked_as_such(answerer, retriever):
    illustrative = [e for e in retriever.entries if e.illustrative]
    answer = answerer.compose(illustrative[0])
    assert "illustratif" in answer


def test_an_illustrative_example_is_followed_by_what_the_programme_says_of_domains(answerer, retriever):
    answer = answerer.answer("Nos réseaux d'eau fuient. Un projet pour réduire les fuites avec nos données, c'est possible ?")
    rule = retriever.by_id["domaines"]
    assert not answer.abstained
    assert [s.id for s in answer.sources] == ["illustratif-eau-fuites", "domaines"]
    example = retriever.by_id["illustratif-eau-fuites"]
    assert answer.answer.index(example.body.strip()) < answer.answer.index(rule.body.strip())
    assert f"« {rule.title} » — présentation du programme" in answer.answer


def test_asked_for_its_examples_in_a_domain_the_programme_gives_each_it_cites(answerer, retriever):
    answer = answerer.answer("Côté ordures ménagères, quels exemples le programme cite-t-il ?")
    assert [s.id for s in answer.sources] == ["exemple-collecte-dechets", "exemple-depots-sauvages"]
    for entry in ("exemple-collecte-dechets", "exemple-depots-sauvages"):
        assert retriever.by_id[entry].body.strip() in answer.answer
    # a project of one of them, not a request for examples: that one alone
    answer = answerer.answer("optimiser la collecte des ordures, ça rentre ?")
    assert [s.id for s in answer.sources] == ["exemple-collecte-dechets"]


def test_a_programme_answer_has_one_source(answerer):
    answer = answerer.answer("Le programme est-il payant ?")
    assert [s.id for s in answer.sources] == ["gratuite"]
    assert "domaines de projets" not in answer.answer


@pytest.mark.parametrize(
    "question, detail",
    [
        ("À quelle date commence la formation starter ?", "de date"),
        ("Comment contacter le formateur ?", "de moyen de contact"),
        ("Où aura lieu la restitution collective ?", "de lieu"),
        ("La formation starter dure combien d'heures par semaine ?", "de volume"),
    ],
)
def test_a_precise_detail_the_source_does_not_give_is_said_missing_with_the_closest_entry(answerer, question, detail):
    answer = answerer.answer(question)
    assert answer.abstained
    assert answer.answer.startswith(f"La présentation du programme ne précise pas {detail}")
    closest = answer.sources[0]
    assert f"« {closest.title} »" in answer.answer  # what the source says that comes closest, named


@pytest.mark.parametrize("question", ["à quoi ressemble la formation de démarrage ?",
                                      "ça se passe comment concrètement le début de la formation ?"])
def test_what_the_training_is_like_is_not_taken_for_a_detail_the_source_lacks(answerer, question):
    # the not-in-source group holds « la formation démarre quand exactement ? », close in topic, asking for a date
    answer = answerer.answer(question)
    assert not answer.abstained and answer.sources[0].id == "formation-starter"


@pytest.mark.parametrize("question", ["la formation starter demarre qd exactement", "le starter il dure cb d heures"])
def test_a_detail_asked_in_shorthand_is_still_said_missing(answerer, question):
    assert answerer.answer(question).abstained


def test_an_amount_the_applicant_would_pay_is_answered_by_the_free_programme(answerer):
    answer = answerer.answer("On m'a dit que c'était facturé 2 000 € par interco, quel montant prévoir à notre budget ?")
    assert not answer.abstained and answer.sources[0].id == "gratuite"
    assert "ne précise pas" not in answer.answer


def test_who_gives_the_training_is_the_trainer(answerer):
    for question in ("Qui assure la formation ?", "c'est qui qui va faire la formation ?"):
        assert answerer.answer(question).sources[0].id == "formateur"


def test_a_detail_the_entry_holds_is_answered(answerer):
    answer = answerer.answer("Quelle est la date limite pour candidater ?")
    assert not answer.abstained and answer.sources[0].id == "date-limite"
    assert "ne précise pas" not in answer.answer


def test_an_off_topic_group_close_behind_the_best_entry_makes_it_abstain(retriever, settings):
    question = "Les Interconnectés, c'est quoi ?"
    lenient = dict(threshold=0.0, min_coverage=0.0, sure_above=0.0)  # the margin alone decides
    hits = Answerer(retriever, settings).candidates(question)
    best = max((h for h in hits if not h.entry.off_topic), key=preference)
    off_topic = max((h.score for h in hits if h.entry.off_topic), default=0.0)
    gap = preference(best) - off_topic
    assert off_topic > 0 and gap > 0.01
    assert not Answerer(retriever, settings, off_topic_margin=gap - 0.01, **lenient).answer(question).abstained
    assert Answerer(retriever, settings, off_topic_margin=gap + 0.01, **lenient).answer(question).abstained


def test_every_example_question_of_the_knowledge_base_gets_its_own_entry(answerer, retriever):
    """Guards the off-topic groups and the glossary: a question written in an entry is answered from
    that entry (or told that a detail it asks for is missing, the entry shown); only one of our
    illustrative examples may yield to a programme entry."""
    wrong = []
    for entry in retriever.entries:
        if entry.off_topic:
            continue
        for question in entry.questions:
            answer = answerer.answer(question)
            first = answer.sources[0].id if answer.sources else None
            yielded = entry.illustrative and first and not retriever.by_id[first].illustrative and not answer.abstained
            if first != entry.id and not yielded:
                wrong.append((entry.id, question, first))
    assert not wrong


def test_decide_answers_a_strong_dense_match_whose_words_are_not_in_the_entry():
    from bot.answers import decide

    bars = dict(threshold=0.2, min_coverage=0.25, sure_above=0.5)
    assert not decide(0.4, 0.0, **bars, dense=0.6, dense_sure=0.65)  # other words, weak meaning: abstain
    assert decide(0.4, 0.0, **bars, dense=0.75, dense_sure=0.65)  # other words, same meaning: answer
    assert not decide(0.1, 0.0, **bars, dense=0.9, dense_sure=0.65)  # the fused score still has its floor
    assert decide(0.4, 0.3, **bars, dense=0.0, dense_sure=0.65)  # enough of its words: answer


def test_a_question_in_other_words_than_the_entry_is_answered_by_its_meaning(retriever, settings):
    question = "c'est qui derrière ce truc ?"  # no word of the partners' entry; labelled questions hold some
    best = Answerer(retriever, settings).candidates(question)[0]
    assert best.entry.id == "partenaires" and best.dense >= 0.65
    assert Answerer(retriever, settings).answer(question).sources[0].id == "partenaires"
    entry = retriever.by_id["partenaires"]
    own_words = set(lemmas(" ".join([entry.title, entry.body, *entry.questions]), retriever.glossary))
    assert retriever.query_tokens(question) and not set(retriever.query_tokens(question)) & own_words


def test_a_programme_detail_the_source_does_not_give_is_said_unknown_not_out_of_scope(answerer):
    near = answerer.answer("Les frais de transport pour venir aux séances sont-ils pris en charge ?")
    unrelated = answerer.answer("Combien de pattes a une araignée ?")
    assert near.abstained and unrelated.abstained
    assert near.answer.startswith(say("answers", "not_in_source"))
    assert unrelated.answer.startswith(say("answers", "abstain"))
