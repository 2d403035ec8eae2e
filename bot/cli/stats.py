"""`candibot stats`: the team's statistics (bot/stats.py), as rich tables or one JSON object."""

from __future__ import annotations

import json

import click

from bot.config import get_settings
from bot.prompts import say, texts


@click.command(help=say("cli", "help_stats"))
@click.option("--json", "as_json", is_flag=True, help=say("cli", "help_stats_json"))
def stats(as_json: bool) -> None:
    from bot.stats import compute
    from bot.store import Store

    store = Store(get_settings().db_path)
    try:
        result = compute(store)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(result.to_json_dict(), ensure_ascii=False))
        return
    _print(result)


def _print(result) -> None:
    from rich.console import Console
    from rich.table import Column, Table
    from rich.text import Text

    from bot.candidature.status import status_label

    cli = texts("cli")
    console = Console(soft_wrap=True)

    def columns(header: list[str]) -> list[Column]:  # counts to the right
        return [Column(h, justify="right" if n else "left") for n, h in enumerate(header)]

    def counts(title: str, header: list[str], values: dict[str, int], label) -> Table:
        table = Table(*columns(header), title=title, title_justify="left")
        for value, count in values.items():
            table.add_row(label(value), str(count))
        table.add_section()
        table.add_row(say("cli", "stats_total"), str(sum(values.values())))
        return table

    console.print(counts(say("cli", "stats_drafts_title"), cli["stats_drafts_header"], result.drafts, status_label))
    console.print()
    console.print(say("cli", "stats_questions", asked=result.questions_asked, answered=result.questions_answered,
                      unanswered=result.questions_abstained), highlight=False)
    if result.unanswered:
        table = Table(*columns(cli["stats_unanswered_header"]), title=say("cli", "stats_unanswered_title"),
                      title_justify="left")
        for group in result.unanswered:
            table.add_row(Text(group.question), str(group.count), str(group.people))  # typed text: never markup
        console.print(table)
    else:
        console.print(say("cli", "stats_no_unanswered"), highlight=False)
    console.print()
    verdicts = cli["stats_verdicts"]
    console.print(counts(say("cli", "stats_ideas_title"), cli["stats_ideas_header"], result.ideas,
                         lambda v: str(verdicts.get(v, v))))
