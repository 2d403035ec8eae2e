"""`candibot run`: the Telegram bot (polling by default, or a webhook), over the same engine and
database as `candibot chat`. See docs/telegram.md."""

from __future__ import annotations

import logging
import re
import secrets
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import click

from bot.cli.errors import CliError
from bot.prompts import say

SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@click.command(help=say("cli", "help_run"))
@click.option("--webhook", "webhook_url", metavar="URL", default=None,
              help=say("cli", "help_run_webhook"))
@click.option("--base-url", metavar="URL", default=None,
              help=say("cli", "help_run_base_url"))
@click.option("--listen", default="127.0.0.1", show_default=True,
              help=say("cli", "help_run_listen"))
@click.option("--port", default=8443, show_default=True, type=click.IntRange(1, 65535),
              help=say("cli", "help_run_port"))
def run(webhook_url: str | None, base_url: str | None, listen: str, port: int) -> None:
    """Run the Telegram bot (token in TELEGRAM_BOT_TOKEN)."""
    from telegram import Update

    from bot.config import get_settings
    from bot.app import App
    from bot.dialog import Engine
    from bot.pseudonym import Pseudonyms
    from bot.telegram import build_application
    from bot.telegram.jobs import schedule_daily
    from bot.telegram.logs import setup_logging

    settings = get_settings()
    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else ""
    if not token:
        raise CliError(say("telegram", "missing_token"))
    secret = ""
    if webhook_url:
        if urlsplit(webhook_url).scheme not in ("https", "http") or not urlsplit(webhook_url).netloc:
            raise CliError(say("telegram", "bad_webhook_url", url=webhook_url))
        configured = settings.telegram_webhook_secret
        secret = configured.get_secret_value() if configured else secrets.token_urlsafe(32)
        if not SECRET_TOKEN.match(secret):
            raise CliError(say("telegram", "bad_secret"))
    setup_logging([token, secret], pseudonyms=Pseudonyms.for_database(settings.db_path))

    with tempfile.TemporaryDirectory(prefix="candibot-exports-") as out_dir:
        engine = Engine(App(settings), out_dir=Path(out_dir))
        click.echo(say("telegram", "loading"), err=True)
        try:
            engine.warm_up()
        except Exception:  # the engine answers with a French message when a piece is unavailable
            logging.getLogger(__name__).exception("warm-up failed")
        app = build_application(engine, token, base_url=base_url)
        schedule_daily(app, engine.parts, Path(out_dir))  # retention of personal data, reminders
        if webhook_url:
            path = urlsplit(webhook_url).path.lstrip("/")
            click.echo(say("telegram", "starting_webhook", listen=listen, port=port, path=path, url=webhook_url), err=True)
            app.run_webhook(listen=listen, port=port, url_path=path, webhook_url=webhook_url,
                            secret_token=secret, allowed_updates=Update.ALL_TYPES)
        else:
            click.echo(say("telegram", "starting_polling"), err=True)
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    click.echo(say("telegram", "stopped"), err=True)


if __name__ == "__main__":  # pragma: no cover
    run()
