"""`candibot drafts list`, `candibot drafts show` and `candibot export`: drafts stored in the
database, for operators and reviewers."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli.errors import CliError
from bot.config import get_settings
from bot.prompts import say, texts


def _parts():
    """The drafts and the review over the database (no model loaded)."""
    from bot.app import App

    app = App(get_settings())
    return app.drafts, app.review, app.conversations


def _drafts():
    return _parts()[0]


def _last_action(review, record) -> dict | None:
    history = [h for h in review.rows.history(record.id) if not h["action"].startswith("refused:")]
    if not history:
        return None
    last = history[-1]
    return {"action": last["action"], "actor": last["actor"], "ts": last["ts"], "field": last["field"]}


def _summary(record, review) -> dict:
    from bot.candidature import form
    from bot.candidature.status import status_label

    missing = form.missing(record.draft)
    coeditors = [m["user_id"] for m in review.rows.members(record.id)]
    return {
        "id": record.id,
        "title": record.title,
        "interco": record.draft.get("interco.name"),
        "status": record.status,
        "status_label": status_label(record.status),
        "complete": not missing,
        "missing": missing,
        "owner": record.owner,
        "user": record.owner,  # the owner's former key, kept for tools that read it
        "coeditors": coeditors,
        "version": record.version,
        "updated_at": record.updated_at,
        "last_action": _last_action(review, record),
    }


def _action_text(last: dict | None, fallback: str) -> str:
    if last is None:
        return fallback[:16].replace("T", " ")
    label = texts("cli")["actions"].get(last["action"], last["action"])
    return f"{label} · {last['ts'][:16].replace('T', ' ')}"


@click.group(help=say("cli", "help_drafts"))
def drafts() -> None:
    pass


@drafts.command("list", help=say("cli", "help_drafts_list"))
@click.option("--status", help=say("cli", "help_drafts_status"))
@click.option("--json", "as_json", is_flag=True, help=say("cli", "help_drafts_json"))
def list_drafts(status: str | None, as_json: bool) -> None:
    from bot.candidature.status import status_label

    repository, review, _ = _parts()
    rows = [_summary(record, review) for record in repository.list(status=status)]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        click.echo(say("cli", "no_drafts"))
        return
    from rich.console import Console
    from rich.table import Column, Table

    # widths that keep every word whole in an 80-column terminal (« modifications demandées » wraps
    # between its words, never cut); the title gets the most room
    widths = ({"no_wrap": True}, {"min_width": 14, "ratio": 3}, {"min_width": 10, "ratio": 2},
              {"min_width": 13}, {"min_width": 6}, {"min_width": 8, "ratio": 1}, {"no_wrap": True},
              {"min_width": 10})
    table = Table(*(Column(h, **w) for h, w in zip(texts("cli")["drafts_header"], widths)))
    for row in rows:
        team = ", ".join([row["owner"], *row["coeditors"]])
        table.add_row(
            str(row["id"]),
            row["title"] or say("cli", "untitled"),
            str(row["interco"] or ""),
            status_label(row["status"]),
            say("cli", "drafts_incomplete", count=len(row["missing"])) if row["missing"] else say("cli", "drafts_complete"),
            team,
            str(row["version"]),
            _action_text(row["last_action"], row["updated_at"]),
        )
    Console(soft_wrap=True).print(table)


@drafts.command("show", help=say("cli", "help_drafts_show"))
@click.argument("draft_id", type=int)
@click.option("--json", "as_json", is_flag=True, help=say("cli", "help_drafts_json"))
def show_draft(draft_id: int, as_json: bool) -> None:
    """One draft for the team: its answers, every comment (private notes marked) and its history."""
    from bot.candidature import form

    repository, review, talk = _parts()
    record = repository.get(draft_id)
    if record is None:
        raise CliError(say("cli", "draft_not_found", draft_id=draft_id))
    comments = review.rows.comments(draft_id, include_private=True)
    history = review.rows.history(draft_id)
    if as_json:
        click.echo(json.dumps({**_summary(record, review), "data": record.draft.model_dump(mode="json"),
                               "comments": comments, "history": history}, ensure_ascii=False))
        return
    summary = _summary(record, review)
    click.echo(say("cli", "show_title", number=record.id, title=record.title or say("cli", "untitled"),
                   status=summary["status_label"], version=record.version,
                   team=", ".join([record.owner, *summary["coeditors"]])))
    for field in form.FIELDS:
        value = form.show(record.draft.get(field.name)) if form.is_filled(record.draft, field) else say("cli", "show_empty")
        click.echo(f"• {field.label} : {value}")
    click.echo(say("cli", "show_comments", count=len(comments)))
    for comment in comments:
        rubric = form.label(comment["field"]) if comment["field"] else say("cli", "show_general")
        key = "show_note" if comment["private"] else "show_comment"
        click.echo(say("cli", key, rubric=rubric, who=talk.name_of(comment["author"]), date=comment["created_at"][:16].replace("T", " "),
                       body=comment["body"]))
    click.echo(say("cli", "show_history", count=len(history)))
    for row in history:
        label = texts("cli")["actions"].get(row["action"].split(":")[0], row["action"])
        moved = f" ({row['from_status']} → {row['to_status']})" if row["to_status"] and row["from_status"] else ""
        what = f" « {form.label(row['field'])} »" if row["field"] else ""
        note = f" : {row['comment']}" if row["comment"] else ""
        click.echo(f"  {row['ts'][:16].replace('T', ' ')} · {talk.name_of(row['actor'])} · {label}{what}{moved}{note}")


@click.command(help=say("cli", "help_export"))
@click.argument("draft_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["md", "docx", "pdf", "json"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help=say("cli", "help_export_output"))
def export(draft_id: int, fmt: str, output: Path) -> None:
    from bot.export import ExportMeta, export_draft

    repository, review, talk = _parts()
    record = repository.get(draft_id)
    if record is None:
        raise CliError(say("cli", "draft_not_found", draft_id=draft_id))
    output.parent.mkdir(parents=True, exist_ok=True)
    # number, status, version, date, and the comments addressed to the applicant (never private notes)
    meta = ExportMeta.from_stored(record).model_copy(update={"comments": review.export_comments(record, talk.name_of)})
    path = export_draft(record.draft, fmt, output, meta)
    click.echo(say("cli", "exported", draft_id=draft_id, path=path))



def _unwritable(path: Path, error: OSError | None) -> CliError:
    """A French message for a file that cannot be written, naming why (None: it is a folder)."""
    import errno

    reason = "is_a_folder" if error is None else {
        errno.ENOTDIR: "not_a_folder", errno.EEXIST: "not_a_folder", errno.EISDIR: "is_a_folder",
        errno.EACCES: "no_right", errno.EPERM: "no_right", errno.EROFS: "no_right", errno.ENOENT: "missing",
    }.get(error.errno, "other")
    return CliError(say("cli", "export_all_bad_path", path=path,
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
