"""The scenes of the conversation, each declaring its steps, commands and button actions.

`bot.dialog.router` gathers `SCENES` into the one table that `docs/dialog.mmd` draws.
"""

from bot.dialog.scenes import draft, export, form, idea, menu, question, privacy, recap, review, status, submission

SCENES = [menu.SCENE, question.SCENE, idea.SCENE, draft.SCENE, form.SCENE, recap.SCENE, export.SCENE,
          submission.SCENE, status.SCENE, review.SCENE, privacy.SCENE]

__all__ = ["SCENES"]
