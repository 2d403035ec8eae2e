"""The conversation engine: (user, input) -> replies. Knows no transport.

    from bot.dialog import Engine, Input
    engine = Engine(services, out_dir=Path("exports"))
    replies = engine.handle("42", Input.parse("/start"))          # or engine.handle("42", "/start")
    replies = engine.handle("42", Input(kind="button", text=replies[-1].buttons[0].value,
                                        version=replies[-1].version))
"""

from bot.dialog.engine import Engine
from bot.dialog.types import Button, Input, Reply

__all__ = ["Button", "Engine", "Input", "Reply"]
