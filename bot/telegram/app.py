"""The python-telegram-bot `Application` of Candibot, and a way to run it inside a test or a bench.

    app = build_application(engine, token, base_url="http://127.0.0.1:8081")
    app.run_polling()                       # what `candibot run` does

    async with running(app):                # tests, benchmark: polling until the block ends
        ...
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.prompts import texts
from bot.telegram.delivery import RetryingRateLimiter
from bot.telegram.face import Engine, TelegramFace
from bot.telegram.ordering import PerUserOrder, RecentUpdates, UpdateLog

log = logging.getLogger(__name__)


def bot_commands() -> list[BotCommand]:
    """The command menu, in French, from prompts/telegram.yaml."""
    return [BotCommand(name, description) for name, description in texts("telegram")["commands"].items()]


def build_application(
    engine: Engine,
    token: str,
    *,
    base_url: str | None = None,
    telegram_limits: bool = True,
    max_retries: int = 5,
    backoff: float = 0.25,
    max_concurrent_updates: int = 4096,
    seen: UpdateLog | None = None,
    typing_after: float = 0.8,
) -> Application:
    """An Application wired to `engine`.

    `seen` remembers the update ids this process took in hand (in memory by default); across
    restarts and processes the engine handles each update once (its id is the input's key).
    `base_url` is the root of a self-hosted Bot API server (`http://host:8081`); `telegram_limits`
    applies Telegram's flood limits (30 messages/s overall, 20/min per group) before sending.
    """
    face = TelegramFace(engine, typing_after=typing_after)
    builder = (
        ApplicationBuilder()
        .token(token)
        .rate_limiter(
            RetryingRateLimiter(
                max_retries=max_retries,
                network_retries=max_retries,
                backoff=backoff,
                **({} if telegram_limits else {"overall_max_rate": 0, "group_max_rate": 0}),
            )
        )
        .concurrent_updates(PerUserOrder(max_concurrent_updates, seen or RecentUpdates(), inbox=face.receive))
        .post_init(_announce_commands)
    )
    if base_url:
        root = base_url.rstrip("/")
        builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
    app = builder.build()
    app.bot_data["face"] = face
    app.add_handlers(face.handlers())
    app.add_error_handler(_log_error)
    return app


async def _announce_commands(app: Application) -> None:
    """At start: the command menu, then what a previous run left: the replies it saved but did not
    send, the inputs it wrote but did not handle, its notifications for other people (the outbox)."""
    await app.bot.set_my_commands(bot_commands())
    face: TelegramFace = app.bot_data["face"]
    await face.deliver_unsent(app.bot)
    await face.handle_unhandled(app.bot)
    await face.deliver_outbox(app.bot)


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s: %s", update_id, context.error, exc_info=context.error)


@asynccontextmanager
async def running(app: Application, *, poll_timeout: float = 1.0, poll_interval: float = 0.0) -> AsyncIterator[Application]:
    """Initialise, announce the commands, poll and process until the block ends, then stop
    cleanly (what `run_polling` does, without taking over the event loop and the signals)."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(timeout=poll_timeout, poll_interval=poll_interval,
                                        allowed_updates=Update.ALL_TYPES)
        await app.start()
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            await app.stop()
    finally:
        await app.shutdown()
