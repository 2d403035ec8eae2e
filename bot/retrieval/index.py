"""Build, save and load the retrieval index (`index/`), and tell when it is stale or damaged.

One *document* per entry text (title + body) and one per example question, each pointing to its
entry. The lexical part is a bm25s index over `lemmas`; the dense part the matrix of the documents'
L2-normalised embeddings (`dense.npy`, one row per document, memory-mapped at start: the product with
a question's vector is its cosines); the French word vectors, when on, their table and the documents'
matrix (`bot.retrieval.wordvectors`). Beside them, what makes a start cheap: the entries as parsed
(`entries.json`, read instead of the YAML front matter while the entry files are unchanged) and the
lemma of every word of the documents and the glossary (`lemmas.json`, so that simplemma's French
dictionary is read only for a word never seen). `manifest.json` records what the index was built
from, and the size and sha256 of each file.

A rebuild encodes only the texts that the previous index did not hold with the same model: its rows
of `dense.npy` are reused (an edited entry is re-encoded in seconds, not minutes).

Before an index is used (`is_stale`), each of its files is checked against the manifest: present, of
the size written, a `.npy` header that matches its size; and its sha256, unless `checked.json` says it
was already verified with this very size and modification time. A missing, truncated or rewritten
file makes the index stale: it is rebuilt, not loaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import bm25s
import numpy as np

from bot.knowledge import (
    Entry, content_hash, entries_signature, load_entries, load_glossary, load_questions, save_entries,
    use_entries_cache,
)
from bot.retrieval import wordvectors
from bot.retrieval.embedder import Embedder, building
from bot.retrieval.normalize import (
    STOPWORDS_FILE, Glossary, lemma_table, lemmas, lemmatizer_release, seed_lemmas, words,
)

# bump when documents or tokenisation change (7: asked questions of knowledge/questions; 8: dense matrix
# and word vectors as .npy files; 9: paraphrases; 10: entries.json, lemmas.json, every file's size)
FORMAT_VERSION = 10
DENSE = "dense.npy"
DOCUMENTS = "documents.json"
ENTRIES = "entries.json"
LEMMAS = "lemmas.json"
MANIFEST = "manifest.json"
CHECKED = "checked.json"  # files already verified: name -> [size, mtime_ns, sha256]; never in the manifest
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG
log = logging.getLogger(__name__)

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
    """The first 16 hex digits of the sha256 of `path`, read in chunks (a 20 MB table stays on disk)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()[:16]


def expected_manifest(knowledge_dir: Path, model_name: str, word_vectors: str = "") -> dict:
    return {
        "format": FORMAT_VERSION,
        "knowledge_hash": content_hash(knowledge_dir),
        "stopwords_hash": file_hash(STOPWORDS_FILE),
        "lemmatizer": lemmatizer_release(),  # the tokens and lemmas.json depend on its dictionary
        "model": model_name,
        "word_vectors": wordvectors.release(word_vectors),
    }


def read_manifest(index_dir: Path) -> dict | None:
    try:
        manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


# -- checking the files ---------------------------------------------------------------------------------
def npy_problem(path: Path, size: int) -> str | None:
    """Why the `.npy` file at `path` (of `size` bytes) cannot hold the array its header describes."""
    try:
        with path.open("rb") as handle:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(handle)
            else:
                shape, _, dtype = np.lib.format.read_array_header_2_0(handle)
            offset = handle.tell()
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        return f"not a valid .npy file ({exc})"
    if dtype.hasobject:
        return "holds Python objects, never written by the index"
    expected = offset + math.prod(shape) * dtype.itemsize
    if size != expected:
        return f"is {size} bytes, its header announces {expected} (truncated or rewritten)"
    return None


def _read_checked(index_dir: Path) -> dict:
    try:
        checked = json.loads((index_dir / CHECKED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return checked if isinstance(checked, dict) else {}


def _write_checked(index_dir: Path, checked: dict) -> None:
    """Best effort: an index on a read-only disk is simply hashed again at the next start."""
    tmp = index_dir / (CHECKED + ".tmp")
    try:
        tmp.write_text(json.dumps(checked, indent=1), encoding="utf-8")
        os.replace(tmp, index_dir / CHECKED)
    except OSError:
        pass


def damaged_file(index_dir: Path, manifest: dict) -> str | None:
    """What is wrong with a file the manifest lists (missing, of another size, a `.npy` header that
    does not match its size, another sha256), as one sentence; None when all are sound.

    The sha256 of a file is computed only when `checked.json` does not already record it for the
    file's current size and modification time (the first start after a build or a copy)."""
    files, sizes = manifest.get("files"), manifest.get("sizes", {})
    if not isinstance(files, dict) or not files or not isinstance(sizes, dict):
        return "the manifest lists no files"
    checked = _read_checked(index_dir)
    verified = dict(checked)
    try:
        for name, digest in files.items():
            path = index_dir / name
            if not path.is_file():
                return f"{name} is missing"
            stat = path.stat()
            if name in sizes and stat.st_size != sizes[name]:
                return f"{name} is {stat.st_size} bytes, {sizes[name]} were written"
            if name.endswith(".npy"):
                problem = npy_problem(path, stat.st_size)
                if problem:
                    return f"{name} {problem}"
            seen = [stat.st_size, stat.st_mtime_ns, digest]
            if checked.get(name) == seen:
                continue
            if file_hash(path) != digest:
                return f"{name} is not the file that was written (its sha256 differs)"
            verified[name] = seen
    except OSError as exc:
        return f"a file cannot be read ({exc})"
    if verified != checked:
        _write_checked(index_dir, verified)
    return None


def is_stale(index_dir: Path, knowledge_dir: Path, model_name: str, word_vectors: str = "") -> bool:
    """True when `index_dir` was not built from this knowledge base, model and word vectors, or one
    of its files is missing or damaged (a line is logged: the caller rebuilds it)."""
    signature = entries_signature(knowledge_dir)  # before the hash: an edit in between reads the files
    manifest = read_manifest(index_dir)
    if manifest is None:
        if (index_dir / MANIFEST).exists():
            log.warning("index %s: manifest.json cannot be read; the index will be rebuilt", index_dir)
        return True
    wanted = expected_manifest(knowledge_dir, model_name, word_vectors)
    if not word_vectors:  # an index with word vectors serves a process that does not read them
        del wanted["word_vectors"]
    if any(manifest.get(key) != value for key, value in wanted.items()):
        return True
    problem = damaged_file(index_dir, manifest)
    if problem:
        log.warning("index %s: %s; the index will be rebuilt", index_dir, problem)
        return True
    use_entries_cache(knowledge_dir, index_dir / ENTRIES, signature)
    return False


# -- building -------------------------------------------------------------------------------------------
def previous_vectors(index_dir: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    """{text: its row} of the index already in `index_dir`, when it was built with the same model and
    its documents and dense matrix are sound; {} otherwise."""
    manifest = read_manifest(index_dir)
    if not manifest or manifest.get("model") != embedder.model_name:
        return {}
    files = manifest.get("files")
    if not isinstance(files, dict) or DENSE not in files:
        return {}
    # documents.json is listed since format 10; before, its length is checked against the matrix
    sound = {name: files[name] for name in (DENSE, DOCUMENTS) if name in files}
    problem = damaged_file(index_dir, {"files": sound, "sizes": manifest.get("sizes", {})})
    if problem:
        log.warning("index %s: %s; its vectors are not reused", index_dir, problem)
        return {}
    try:
        texts = [d["text"] for d in json.loads((index_dir / DOCUMENTS).read_text(encoding="utf-8"))]
        dense = np.load(index_dir / DENSE)
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if dense.ndim != 2 or len(dense) != len(texts) or dense.shape[1] != embedder.dimension:
        return {}
    return {text: dense[i] for i, text in enumerate(texts)}


def encode_documents(texts: list[str], embedder: Embedder, known: dict[str, np.ndarray],
                     notify: Progress) -> tuple[np.ndarray, int]:
    """The matrix of `texts`' vectors: those in `known` reused, the others encoded (each distinct text
    once, in batches of 32); returns it and how many texts were encoded."""
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    found = dict(known) if missing else known
    batch = 32
    notify("dense", 0, len(missing))
    with building(embedder):
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            found.update(zip(chunk, embedder.encode(chunk)))
            notify("dense", min(start + batch, len(missing)), len(missing))
    dimension = next(iter(found.values())).shape[0] if found else embedder.dimension
    vectors = np.empty((len(texts), dimension), dtype="float32")
    for i, text in enumerate(texts):
        vectors[i] = found[text]
    return vectors, len(missing)


def build_index(
    index_dir: Path,
    knowledge_dir: Path,
    embedder: Embedder,
    progress: Progress | None = None,
    word_vectors: str = "",
) -> dict:
    """(Re)build `index_dir` from `knowledge_dir`, with the French word vectors of the package
    `word_vectors` ('' for none); returns the manifest written (`encoded`: how many texts the model
    encoded, the others' vectors coming from the previous index)."""
    notify = progress or (lambda stage, done, total: None)
    table = wordvectors.read_package(word_vectors) if word_vectors else None  # a missing package fails first
    signature = entries_signature(knowledge_dir)
    entries = load_entries(knowledge_dir)
    glossary_groups = load_glossary(knowledge_dir)
    glossary = Glossary(glossary_groups)
    docs = documents_of(entries, glossary, load_questions(knowledge_dir, entries))
    notify("lexical", 0, len(docs))
    lexical = bm25s.BM25()
    lexical.index([d.tokens or [""] for d in docs], show_progress=False)
    notify("lexical", len(docs), len(docs))

    texts = [d.text for d in docs]
    vectors, encoded = encode_documents(texts, embedder, previous_vectors(index_dir, embedder), notify)

    tmp = index_dir.with_name(index_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    lexical.save(str(tmp / "bm25"))
    np.save(tmp / DENSE, vectors)
    if word_vectors:
        notify("words", 0, len(docs))
        wordvectors.WordVectors(*table, texts).save(tmp)
        notify("words", len(docs), len(docs))
    (tmp / DOCUMENTS).write_text(json.dumps([d.__dict__ for d in docs], ensure_ascii=False), encoding="utf-8")
    save_entries(entries, tmp / ENTRIES, glossary_groups)
    vocabulary = {w for text in texts for w in words(text)}
    vocabulary.update(w for group in glossary_groups for term in group for w in words(term))
    (tmp / LEMMAS).write_text(json.dumps(lemma_table(vocabulary), ensure_ascii=False), encoding="utf-8")

    files, sizes, checked = {}, {}, {}
    for path in sorted(p for p in tmp.rglob("*") if p.is_file()):
        name, stat = path.relative_to(tmp).as_posix(), path.stat()
        files[name], sizes[name] = file_hash(path), stat.st_size
        checked[name] = [stat.st_size, stat.st_mtime_ns, files[name]]
    manifest = expected_manifest(knowledge_dir, embedder.model_name, word_vectors)
    manifest.update(entries=len(entries), documents=len(docs), dimension=int(vectors.shape[1]), encoded=encoded,
                    files=files, sizes=sizes)
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (tmp / CHECKED).write_text(json.dumps(checked, indent=1), encoding="utf-8")
    shutil.rmtree(index_dir, ignore_errors=True)
    tmp.rename(index_dir)
    use_entries_cache(knowledge_dir, index_dir / ENTRIES, signature)
    return manifest


@dataclass
class LoadedIndex:
    documents: list[Document]
    lexical: bm25s.BM25
    dense: np.ndarray  # one L2-normalised row per document (memory-mapped)
    manifest: dict


def load_index(index_dir: Path) -> LoadedIndex:
    """The index in `index_dir` (checked by `is_stale` first); seeds the lemmatiser with its words."""
    docs = [Document(**d) for d in json.loads((index_dir / DOCUMENTS).read_text(encoding="utf-8"))]
    lexical = bm25s.BM25.load(str(index_dir / "bm25"))
    dense = np.load(index_dir / DENSE, mmap_mode="r")
    manifest = read_manifest(index_dir) or {}
    if manifest.get("lemmatizer") == lemmatizer_release():
        try:
            seed_lemmas(json.loads((index_dir / LEMMAS).read_text(encoding="utf-8")))
        except (OSError, ValueError):  # an index of an older format: lemmas come from simplemma
            pass
    return LoadedIndex(docs, lexical, dense, manifest)
