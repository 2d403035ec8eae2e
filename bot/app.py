"""The application's parts, built once per process from one `Settings` and shared by every face.

    app = App(Settings())
    engine = Engine(app, out_dir=Path("exports"))     # the dialog reads app.answerer, app.checker,
                                                      # app.drafts, app.conversations as it needs them

Loading the embedding model takes seconds: each part is built on first use (a conversation that
asks no question never loads it), and faces keep one `App` for the process.
"""

from __future__ import annotations

from functools import cached_property

from bot.config import Settings, get_settings, offline_environment


class App:
    """Lazily built core pieces: store, conversations, drafts, review, retriever, answerer, eligibility checker."""

    def __init__(self, settings: Settings | None = None, warm: bool = True):
        offline_environment()
        self.settings = settings or get_settings()
        self.warm = warm  # False: a one-shot command, whose retriever need not warm up (Retriever.load)

    @cached_property
    def store(self):
        from bot.store import Store

        return Store(self.settings.db_path)

    @cached_property
    def conversations(self):
        from bot.store import Conversations

        return Conversations(self.store)

    @cached_property
    def drafts(self):
        from bot.candidature.drafts import DraftRepository
        from bot.store import DraftRows

        return DraftRepository(DraftRows(self.store))

    @cached_property
    def review(self):
        from bot.review import Review, Reviewers
        from bot.store import ReviewRows

        reviewers = Reviewers.parse(self.settings.reviewers, self.settings.review_chat_id)
        return Review(self.drafts, ReviewRows(self.store), reviewers,
                      invitation_days=self.settings.invitation_days)

    @cached_property
    def retriever(self):
        from bot.retrieval import Retriever

        return Retriever.load(self.settings, warm=self.warm)

    @cached_property
    def answerer(self):
        from bot.answers import Answerer

        return Answerer(self.retriever, self.settings)

    @cached_property
    def checker(self):
        from bot.eligibility import EligibilityChecker

        return EligibilityChecker(self.retriever, self.settings)
