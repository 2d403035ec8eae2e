from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge import Entry


@dataclass(frozen=True)
class Hit:
    """One retrieved entry. `score` is the fused score in [0, 1]; the parts are kept for explanations."""

    entry: Entry
    score: float
    lexical: float = 0.0
    dense: float = 0.0
