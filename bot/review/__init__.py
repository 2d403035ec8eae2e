"""The review workflow (a core package: no face imported): a draft's statuses and transitions
(`workflow`), who may do what (`access`), what changed between versions (`diff`), and the service
over the store (`service.Review`)."""

from bot.review.access import Reviewers
from bot.review.service import Review
from bot.review.workflow import Conflict, Refused

__all__ = ["Conflict", "Refused", "Review", "Reviewers"]
