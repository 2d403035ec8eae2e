"""`candibot drafts list` and `candibot export`: drafts stored in the database, for operators and reviewers."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.config import get_settings
from bot.prompts import say, texts


def _drafts():
    from bot.candidature.drafts import DraftRepository
    from bot.store import DraftRows, Store

    return DraftRepository(DraftRows(Store(get_settings().db_path)))


@click.group(help=say("cli", "help_drafts"))
def drafts() -> None:
    pass


@drafts.command("list", help=say("cli", "help_drafts_list"))
@click.option("--status", help=say("cli", "help_drafts_status"))
@click.option("--json", "as_json", is_flag=True, help=say("cli", "help_drafts_json"))
def list_drafts(status: str | None, as_json: bool) -> None:
    from bot.candidature import form
    from bot.candidature.status import status_label

    rows = _drafts().list(status=status)
    if as_json:
        for row in rows:
            missing = form.missing(row.draft)
            click.echo(json.dumps({
                "id": row.id,
                "title": row.title,
                "interco": row.draft.get("interco.name"),
                "status": row.status,
                "status_label": status_label(row.status),
                "complete": not missing,
                "missing": missing,
                "user": row.owner,
                "version": row.version,
                "updated_at": row.updated_at,
            }, ensure_ascii=False))
        return
    if not rows:
        click.echo(say("cli", "no_drafts"))
        return
    from rich.console import Console
    from rich.table import Column, Table

    # widths that keep every word whole in an 80-column terminal (« modifications demandées » wraps
    # between its words, never cut); the title gets the most room
    widths = ({"no_wrap": True}, {"min_width": 16, "ratio": 3}, {"min_width": 12, "ratio": 2},
              {"min_width": 13}, {"no_wrap": True}, {"min_width": 10})
    table = Table(*(Column(h, **w) for h, w in zip(texts("cli")["drafts_header"], widths)))
    for row in rows:
        missing = form.missing(row.draft)
        table.add_row(
            str(row.id),
            row.title or say("cli", "untitled"),
            str(row.draft.get("interco.name") or ""),
            status_label(row.status),
            say("cli", "drafts_incomplete", count=len(missing)) if missing else say("cli", "drafts_complete"),
            row.updated_at[:16].replace("T", " "),
        )
    Console(soft_wrap=True).print(table)


@click.command(help=say("cli", "help_export"))
@click.argument("draft_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["md", "docx", "pdf", "json"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help=say("cli", "help_export_output"))
def export(draft_id: int, fmt: str, output: Path) -> None:
    from bot.export import ExportMeta, export_draft

    record = _drafts().get(draft_id)
    if record is None:
        raise click.ClickException(say("cli", "draft_not_found", draft_id=draft_id))
    output.parent.mkdir(parents=True, exist_ok=True)
    path = export_draft(record.draft, fmt, output, ExportMeta.from_stored(record))  # number, status, version, date
    click.echo(say("cli", "exported", draft_id=draft_id, path=path))



def _unwritable(path: Path, error: OSError | None) -> click.ClickException:
    """A French message for a file that cannot be written, naming why (None: it is a folder)."""
    import errno

    reason = "is_a_folder" if error is None else {
        errno.ENOTDIR: "not_a_folder", errno.EEXIST: "not_a_folder", errno.EISDIR: "is_a_folder",
        errno.EACCES: "no_right", errno.EPERM: "no_right", errno.EROFS: "no_right", errno.ENOENT: "missing",
    }.get(error.errno, "other")
    return click.ClickException(say("cli", "export_all_bad_path", path=path,
                                    reason=texts("cli")["export_all_reasons"][reason]))


@drafts.command("export-all", help=say("cli", "help_export_all"))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), required=True,
              help=say("cli", "help_export_all_format"))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help=say("cli", "help_export_all_output"))
def export_all(fmt: str, output: Path) -> None:
    from bot.export.table import draft_table, write_table

    if output.is_dir():
        raise _unwritable(output, None)
    table = draft_table(_drafts().rows.list())
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        path = write_table(table, fmt, output)
    except OSError as error:
        raise _unwritable(output, error) from error
    click.echo(say("cli", "exported_all", path=path, count=len(table.rows)))
