"""French hybrid retrieval over the knowledge base: lexical (BM25) + dense embeddings + French word vectors, fused.

Usage::

    retriever = Retriever.load(get_settings())       # builds index/ when missing or stale
    hits = retriever.search("c'est payant ?", k=3)  # best first
    hits[0].entry.id, hits[0].score
"""

from bot.retrieval.hit import Hit  # noqa: F401
from bot.retrieval.retriever import Retriever  # noqa: F401
