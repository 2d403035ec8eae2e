"""The conversation engine: (user, input) -> replies. Knows no transport.

    from bot.dialog import Engine, Input
    engine = Engine(App(settings), out_dir=Path("exports"))
    replies = engine.handle("42", Input.parse("/start"))          # or engine.handle("42", "/start")
    replies = engine.handle("42", Input(kind="button", text=replies[-1].buttons[0].value,
                                        version=replies[-1].version))

Shape: `engine` (the turn loop, one transaction per turn), `router` (the table of steps, commands
and button actions gathered from `scenes/`), `session` (where a user is), `turn` (what a handler
works with), `views` (replies built from data), `types` (what faces speak).
"""

from bot.dialog.engine import Engine
from bot.dialog.session import Session
from bot.dialog.types import Button, Input, Notification, Reply

__all__ = ["Button", "Engine", "Input", "Notification", "Reply", "Session"]
