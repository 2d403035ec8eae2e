"""The core pieces, built once per process and shared by every face.

Loading the embedding model takes seconds: faces build one `Services` at start-up and keep it.
"""

from __future__ import annotations

from functools import cached_property

from bot.config import Settings, get_settings, offline_environment


class Services:
    """Lazily built core pieces: retriever, answerer, eligibility checker, store."""

    def __init__(self, settings: Settings | None = None):
        offline_environment()
        self.settings = settings or get_settings()

    @cached_property
    def retriever(self):
        from bot.retrieval import Retriever

        return Retriever.load(self.settings)

    @cached_property
    def answerer(self):
        from bot.answers import Answerer

        return Answerer(self.retriever, self.settings)

    @cached_property
    def checker(self):
        from bot.eligibility import EligibilityChecker

        return EligibilityChecker(self.retriever, self.settings)

    @cached_property
    def store(self):
        from bot.store import Store

        return Store(self.settings.db_path)
