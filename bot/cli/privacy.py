"""`candibot privacy`: personal data for an operator — a person's data (export), erasure, and the
daily retention job for cron (purge)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli.errors import CliError
from bot.config import get_settings
from bot.prompts import say


def _privacy():
    from bot.app import App
    from bot.privacy import Privacy

    return Privacy(App(get_settings()))


@click.group(help=say("cli", "help_privacy"))
def privacy() -> None:
    pass


@privacy.command("export", help=say("cli", "help_privacy_export"))
@click.argument("user")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=say("cli", "help_privacy_output"))
def export_user(user: str, output: Path) -> None:
    data = _privacy().export(user)
    if data["user"] is None:
        raise CliError(say("cli", "privacy_unknown_user", user=user))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    output.chmod(0o600)
    click.echo(say("cli", "privacy_exported", user=user, path=output))


@privacy.command("erase", help=say("cli", "help_privacy_erase"))
@click.argument("user")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=say("cli", "help_privacy_out_dir"))
@click.option("--yes", is_flag=True, help=say("cli", "help_privacy_yes"))
def erase_user(user: str, out_dir: Path | None, yes: bool) -> None:
    tool = _privacy()
    if not tool.knows(user):
        raise CliError(say("cli", "privacy_unknown_user", user=user))
    if not yes:
        click.confirm(say("cli", "privacy_confirm", user=user), abort=True)
    drafts = tool.erase(user, out_dir)
    click.echo(say("cli", "privacy_erased", user=user, count=len(drafts)))


@privacy.command("purge", help=say("cli", "help_privacy_purge"))
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=say("cli", "help_privacy_out_dir"))
def purge(out_dir: Path | None) -> None:
    done = _privacy().daily(out_dir)
    click.echo(say("cli", "privacy_purged", **done))
