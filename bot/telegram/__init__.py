"""Telegram face: a python-telegram-bot Application over the dialog engine (see docs/telegram.md)."""

from bot.telegram.app import bot_commands, build_application, running
from bot.telegram.face import TelegramFace, engine_user

__all__ = ["TelegramFace", "bot_commands", "build_application", "engine_user", "running"]
