"""The command line's errors, said in French (« Erreur : … ») instead of click's English « Error: »."""

from __future__ import annotations

import click

from bot.prompts import say


class CliError(click.ClickException):
    """A `click.ClickException` whose message is French and shown after « Erreur : » on stderr."""

    def show(self, file=None) -> None:
        click.echo(say("cli", "error", message=self.format_message()), file=file, err=True)
