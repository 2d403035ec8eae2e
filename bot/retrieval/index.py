"""Build, save and load the retrieval index (`index/`), and tell when it is stale.

One *document* per entry text (title + body) and one per example question, each pointing to its
entry. The lexical part is a bm25s index over `lemmas`; the dense part a FAISS inner-product index
over L2-normalised embeddings. `manifest.json` records what the index was built from.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import bm25s
import faiss
import numpy as np

from bot.knowledge import Entry, content_hash, load_entries, load_glossary, load_questions
from bot.retrieval.embedder import Embedder
from bot.retrieval.normalize import STOPWORDS_FILE, Glossary, lemmas

FORMAT_VERSION = 7  # bump when documents or tokenisation change (7: asked questions of knowledge/questions)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG

Progress = Callable[[str, int, int], None]


@dataclass
class Document:
    entry_id: str
    field: str  # "text" (title + body), "question" (one example question), "asked" (a labelled question of
    # knowledge/questions), "keyword", "entry" (all of it)
    text: str
    tokens: list[str]


def documents_of(entries: list[Entry], glossary: Glossary, asked: list[tuple[str, str]] = ()) -> list[Document]:
    """What is indexed: each entry's text, example questions and all of it together; its keywords
    (off-topic groups); and the `asked` questions (entry id, question) as more phrasings of their entry."""
    docs: list[Document] = []
    for entry in entries:
        text = f"{entry.title}. {entry.body}"
        docs.append(Document(entry.id, "text", text, lemmas(text, glossary)))
        for question in entry.questions:
            docs.append(Document(entry.id, "question", question, lemmas(f"{question} {entry.title}", glossary)))
        whole = " ".join([entry.title, entry.body, *entry.questions, *entry.keywords])
        docs.append(Document(entry.id, "entry", whole, lemmas(whole, glossary)))
    off_topic = {e.id for e in entries if e.off_topic}
    programme_words = {t for d in docs if d.entry_id not in off_topic for t in d.tokens}
    for entry in entries:
        for keyword in entry.keywords:
            # only the keyword's own words: « big data » must not match every question on « données »;
            # short on purpose, a long list of words would dilute each one's weight
            tokens = [t for t in lemmas(keyword, glossary) if t not in programme_words]
            if tokens:
                docs.append(Document(entry.id, "keyword", keyword, tokens))
    for entry_id, question in asked:
        docs.append(Document(entry_id, "asked", question, lemmas(question, glossary)))
    return docs


def expected_manifest(knowledge_dir: Path, model_name: str) -> dict:
    stopwords = hashlib.sha256(STOPWORDS_FILE.read_bytes()).hexdigest()[:16]
    return {
        "format": FORMAT_VERSION,
        "knowledge_hash": content_hash(knowledge_dir),
        "stopwords_hash": stopwords,
        "model": model_name,
    }


def read_manifest(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_stale(index_dir: Path, knowledge_dir: Path, model_name: str) -> bool:
    manifest = read_manifest(index_dir)
    if manifest is None:
        return True
    wanted = expected_manifest(knowledge_dir, model_name)
    return any(manifest.get(key) != value for key, value in wanted.items())


def build_index(
    index_dir: Path,
    knowledge_dir: Path,
    embedder: Embedder,
    progress: Progress | None = None,
) -> dict:
    """(Re)build `index_dir` from `knowledge_dir`; returns the manifest written."""
    notify = progress or (lambda stage, done, total: None)
    entries = load_entries(knowledge_dir)
    glossary = Glossary(load_glossary(knowledge_dir))
    docs = documents_of(entries, glossary, load_questions(knowledge_dir, entries))
    notify("lexical", 0, len(docs))
    lexical = bm25s.BM25()
    lexical.index([d.tokens or [""] for d in docs], show_progress=False)
    notify("lexical", len(docs), len(docs))

    batch = 32
    parts = []
    for start in range(0, len(docs), batch):
        parts.append(embedder.encode([d.text for d in docs[start : start + batch]]))
        notify("dense", min(start + batch, len(docs)), len(docs))
    vectors = np.vstack(parts)
    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(vectors)

    tmp = index_dir.with_name(index_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    lexical.save(str(tmp / "bm25"))
    faiss.write_index(dense, str(tmp / "dense.faiss"))
    (tmp / "documents.json").write_text(
        json.dumps([d.__dict__ for d in docs], ensure_ascii=False), encoding="utf-8"
    )
    manifest = expected_manifest(knowledge_dir, embedder.model_name)
    manifest.update(entries=len(entries), documents=len(docs), dimension=int(vectors.shape[1]))
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    shutil.rmtree(index_dir, ignore_errors=True)
    tmp.rename(index_dir)
    return manifest


@dataclass
class LoadedIndex:
    documents: list[Document]
    lexical: bm25s.BM25
    dense: faiss.Index
    manifest: dict


def load_index(index_dir: Path) -> LoadedIndex:
    docs = [Document(**d) for d in json.loads((index_dir / "documents.json").read_text(encoding="utf-8"))]
    lexical = bm25s.BM25.load(str(index_dir / "bm25"))
    dense = faiss.read_index(str(index_dir / "dense.faiss"))
    return LoadedIndex(docs, lexical, dense, read_manifest(index_dir) or {})
