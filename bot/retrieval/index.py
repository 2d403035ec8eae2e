"""Build, save and load the retrieval index (`index/`), and tell when it is stale.

One *document* per entry text (title + body) and one per example question, each pointing to its
entry. The lexical part is a bm25s index over `lemmas`; the dense part the matrix of the documents'
L2-normalised embeddings (`dense.npy`, one row per document, memory-mapped at start: the product with
a question's vector is its cosines); the French word vectors, when on, their table and the documents'
matrix (`bot.retrieval.wordvectors`). `manifest.json` records what the index was built from, and
the sha256 of each `.npy` file.
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
import numpy as np

from bot.knowledge import Entry, content_hash, load_entries, load_glossary, load_questions
from bot.retrieval import wordvectors
from bot.retrieval.embedder import Embedder
from bot.retrieval.normalize import STOPWORDS_FILE, Glossary, lemmas

# bump when documents or tokenisation change (7: asked questions of knowledge/questions; 8: dense matrix
# and word vectors as .npy files; 9: paraphrases)
FORMAT_VERSION = 9
DENSE = "dense.npy"
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG

Progress = Callable[[str, int, int], None]


@dataclass
class Document:
    entry_id: str
    field: str  # "text" (title + body), "question" (one example question), "paraphrase" (one of the
    # entry's paraphrases: a situation, a premise, other words), "asked" (a labelled question of
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
        for paraphrase in entry.paraphrases:
            docs.append(Document(entry.id, "paraphrase", paraphrase, lemmas(paraphrase, glossary)))
        whole = " ".join([entry.title, entry.body, *entry.questions, *entry.paraphrases, *entry.keywords])
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


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def expected_manifest(knowledge_dir: Path, model_name: str, word_vectors: str = "") -> dict:
    return {
        "format": FORMAT_VERSION,
        "knowledge_hash": content_hash(knowledge_dir),
        "stopwords_hash": file_hash(STOPWORDS_FILE),
        "model": model_name,
        "word_vectors": wordvectors.release(word_vectors),
    }


def read_manifest(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_stale(index_dir: Path, knowledge_dir: Path, model_name: str, word_vectors: str = "") -> bool:
    """True when `index_dir` was not built from this knowledge base, model and word vectors, or lacks a file."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        return True
    wanted = expected_manifest(knowledge_dir, model_name, word_vectors)
    if not word_vectors:  # an index with word vectors serves a process that does not read them
        del wanted["word_vectors"]
    if any(manifest.get(key) != value for key, value in wanted.items()):
        return True
    return not all((index_dir / name).is_file() for name in manifest.get("files", {}))


def build_index(
    index_dir: Path,
    knowledge_dir: Path,
    embedder: Embedder,
    progress: Progress | None = None,
    word_vectors: str = "",
) -> dict:
    """(Re)build `index_dir` from `knowledge_dir`, with the French word vectors of the package
    `word_vectors` ('' for none); returns the manifest written."""
    notify = progress or (lambda stage, done, total: None)
    table = wordvectors.read_package(word_vectors) if word_vectors else None  # a missing package fails first
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
    vectors = np.ascontiguousarray(np.vstack(parts), dtype="float32")

    tmp = index_dir.with_name(index_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    lexical.save(str(tmp / "bm25"))
    np.save(tmp / DENSE, vectors)
    files = {DENSE: file_hash(tmp / DENSE)}
    if word_vectors:
        notify("words", 0, len(docs))
        files.update(wordvectors.WordVectors(*table, [d.text for d in docs]).save(tmp))
        notify("words", len(docs), len(docs))
    (tmp / "documents.json").write_text(
        json.dumps([d.__dict__ for d in docs], ensure_ascii=False), encoding="utf-8"
    )
    manifest = expected_manifest(knowledge_dir, embedder.model_name, word_vectors)
    manifest.update(entries=len(entries), documents=len(docs), dimension=int(vectors.shape[1]), files=files)
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    shutil.rmtree(index_dir, ignore_errors=True)
    tmp.rename(index_dir)
    return manifest


@dataclass
class LoadedIndex:
    documents: list[Document]
    lexical: bm25s.BM25
    dense: np.ndarray  # one L2-normalised row per document (memory-mapped)
    manifest: dict


def load_index(index_dir: Path) -> LoadedIndex:
    docs = [Document(**d) for d in json.loads((index_dir / "documents.json").read_text(encoding="utf-8"))]
    lexical = bm25s.BM25.load(str(index_dir / "bm25"))
    dense = np.load(index_dir / DENSE, mmap_mode="r")
    return LoadedIndex(docs, lexical, dense, read_manifest(index_dir) or {})
