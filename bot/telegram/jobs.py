"""The daily job of `candibot run` (python-telegram-bot's JobQueue): retention of personal data and
reminders of idle drafts (`bot.privacy.Privacy.daily`), then the notifications it left are sent."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram.ext import Application, ContextTypes

log = logging.getLogger(__name__)
DAY = 24 * 3600


def schedule_daily(app: Application, parts, out_dir: Path | None, first: float = 60) -> None:
    """Run the privacy job `first` seconds after start, then every day."""
    if app.job_queue is None:  # python-telegram-bot without its job-queue extra
        log.warning("no job queue: run « candibot privacy purge » from cron instead")
        return

    async def daily(context: ContextTypes.DEFAULT_TYPE) -> None:
        from bot.privacy import Privacy

        try:
            await asyncio.to_thread(Privacy(parts).daily, out_dir)
        except Exception:
            log.exception("the daily privacy job failed; it runs again tomorrow")
            return
        await context.application.bot_data["face"].deliver_outbox(context.bot)

    app.job_queue.run_repeating(daily, interval=DAY, first=first, name="privacy-daily")
