"""How rare a word is among the documents of the index: the BM25 idf, shared by the coverage of a
question's words (`retriever`) and the weighting of word vectors (`wordvectors`)."""

from __future__ import annotations

import math
from collections import Counter


def idf(document_frequency: Counter[str], documents: int) -> tuple[dict[str, float], float]:
    """Each word's idf, and the idf of a word found in no document (the highest)."""
    weights = {w: math.log(1 + (documents - df + 0.5) / (df + 0.5)) for w, df in document_frequency.items()}
    return weights, math.log(1 + (documents + 0.5) / 0.5)
