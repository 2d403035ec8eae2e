"""The candidature: pydantic models of a draft, the guided form's fields and their parsers.

    draft = Draft()
    draft.set("project.title", parsers.short_text("Détecter les dépôts sauvages"))
    draft.missing()   # French labels of the required fields still empty
"""

from bot.candidature.models import Binome, Draft, Interco, IntercoDetails, Person, Project
from bot.candidature.parsers import FieldError

__all__ = ["Binome", "Draft", "FieldError", "Interco", "IntercoDetails", "Person", "Project"]
