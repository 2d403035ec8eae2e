"""Texts users read, loaded from `prompts/*.yaml` (French). Code refers to them by key.

`texts("messages")["abstain"]` reads `prompts/messages.yaml`, key `abstain`. Each file is parsed once
and kept, while unchanged, in the index folder (`bot.knowledge.read_yaml`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.config import settings_or_one
from bot.knowledge import read_yaml


@lru_cache(maxsize=32)
def _load(path: Path) -> dict[str, Any]:
    data = read_yaml(path, settings_or_one("index_dir")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a prompts file must be a mapping")
    return data


def texts(name: str, prompts_dir: Path | None = None) -> dict[str, Any]:
    """The mapping held in `prompts/<name>.yaml`."""
    return _texts(name, prompts_dir or settings_or_one("prompts_dir"))


@lru_cache(maxsize=64)
def _texts(name: str, folder: Path) -> dict[str, Any]:  # a reply says a dozen texts: no path built for each
    return _load(Path(folder) / f"{name}.yaml")


def say(name: str, key: str, /, **values: Any) -> str:
    """One text of `prompts/<name>.yaml`, formatted with `values` (str.format)."""
    template = texts(name)[key]
    return str(template).format(**values) if values else str(template)
