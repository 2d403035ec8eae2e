"""`candibot backup PATH`: a copy of the database while the bot runs (docs/operations.md, « Sauvegarde »)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.errors import CliError
from bot.prompts import say


def store_error_message(error) -> str:
    """The French sentence of a `StoreUnavailable` (prompts/cli.yaml, `store_<reason>`)."""
    return say("cli", f"store_{error.reason}", path=error.path)


@click.command(help=say("cli", "help_backup"))
@click.argument("path", type=click.Path(path_type=Path))
def backup(path: Path) -> None:
    from bot.config import Settings
    from bot.store.backup import backup_database
    from bot.store.db import StoreUnavailable

    source = Settings().db_path  # read now: CANDIBOT_DB as it is when the command runs
    try:
        info = backup_database(source, path)
    except StoreUnavailable as error:
        raise CliError(store_error_message(error)) from error
    click.echo(say("cli", "backup_done", path=info.path, size=max(1, round(info.size / 1024)), drafts=info.drafts))
