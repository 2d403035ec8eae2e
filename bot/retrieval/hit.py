from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge import Entry


@dataclass(frozen=True)
class Hit:
    """One retrieved entry. `score` is the fused score in [0, 1]; the parts are kept for explanations
    and for deciding whether the match is confident enough to answer."""

    entry: Entry
    score: float
    lexical: float = 0.0
    dense: float = 0.0
    coverage: float = 0.0  # share (idf-weighted) of the query's words found in this entry
