"""The search's shortcuts give what the plain computation gives: the first k of a stable sort without
sorting every entry (`ranked`), and a typo's support read from the entries holding the word."""

from __future__ import annotations

import numpy as np
import pytest

from bot.retrieval.retriever import ranked


@pytest.mark.parametrize("seed", range(4))
def test_the_first_k_are_those_of_a_stable_sort_ties_included(seed):
    rng = np.random.default_rng(seed)
    for _ in range(500):
        n = int(rng.integers(1, 200))
        k = int(rng.integers(1, 12))
        score = rng.integers(0, 4, n).astype("float32") / 3 if seed % 2 else rng.random(n).astype("float32")
        full = np.argsort(-score, kind="stable")
        first = ranked(score, k)
        assert len(first) >= min(k, n)
        assert np.array_equal(first, full[: len(first)])
        assert np.array_equal(ranked(score), full)


def test_all_equal_scores_and_nan_fall_back_to_the_whole_sort():
    flat = np.zeros(50, dtype="float32")
    assert list(ranked(flat, 3)) == list(range(50))  # every tie of the third is kept, in position order
    holes = np.array([0.2, np.nan, 0.9, 0.5], dtype="float32")
    assert np.array_equal(ranked(holes, 2), np.argsort(-holes, kind="stable"))
    assert np.array_equal(ranked(holes[:2], 5), np.argsort(-holes[:2], kind="stable"))


def test_a_typos_support_is_that_of_every_entry_holding_the_word(retriever):
    def scanned(spelling, context):
        indexed = retriever.glossary.map([spelling])[0]
        shares = [len(vocab & context) for vocab in retriever._entry_vocab if indexed in vocab]
        return max(shares, default=0) / len(context)

    vocabulary = sorted({t for vocab in retriever._entry_vocab for t in vocab})
    rng = np.random.default_rng(16)
    for _ in range(200):
        spelling = vocabulary[int(rng.integers(len(vocabulary)))]
        context = frozenset(vocabulary[int(i)] for i in rng.integers(len(vocabulary), size=4))
        assert retriever._support(spelling, context) == scanned(spelling, context)
    assert retriever._support("motinconnu", frozenset({"programme"})) == 0.0
