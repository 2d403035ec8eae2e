"""The engine's sentences, from `prompts/dialog.yaml`."""

from __future__ import annotations

from typing import Any

from bot.prompts import texts


def t(key: str, /, **values: Any) -> str:
    """One sentence of prompts/dialog.yaml; dotted keys reach nested mappings (« menu_buttons.help »)."""
    node: Any = texts("dialog")
    for part in key.split("."):
        node = node[part]
    return str(node).format(**values) if values else str(node)
