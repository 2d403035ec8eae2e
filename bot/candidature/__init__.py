"""The candidature: pydantic models of a draft (`models`), the guided form's fields (`form`), their
parsers (`parsers`), and drafts as stored (`drafts.DraftRepository`).

    draft = Draft()
    form.answer(draft, form.field("project.title"), parsers.short_text("Détecter les dépôts sauvages"))
    form.missing(draft)   # French labels of the required fields still empty
"""

from bot.candidature.models import Binome, Draft, Interco, IntercoDetails, Person, Project
from bot.candidature.parsers import FieldError

__all__ = ["Binome", "Draft", "FieldError", "Interco", "IntercoDetails", "Person", "Project"]
