"""The `candibot` command: thin click commands over the core (the README's « Commandes » is their contract)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from bot.cli.errors import CliError
from bot.config import SettingsError, get_settings
from bot.knowledge import KnowledgeError
from bot.errors import ModelUnavailable
from bot.errors import StoreUnavailable
from bot.prompts import say


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")


def setting_error(exc: SettingsError) -> str:
    """What is wrong with a setting, in French."""
    if exc.expected == "integer":
        key = "setting_invalid_integer" if exc.minimum is not None else "setting_invalid_number"
    else:
        key = "setting_invalid_date"
    return say("cli", key, variable=exc.variable, value=exc.value, minimum=exc.minimum)


@contextmanager
def _french_errors():
    """A broken knowledge file or a model missing from the machine: a French message, not a traceback."""
    try:
        yield
    except KnowledgeError as exc:
        raise CliError(say("cli", "knowledge_error", error=exc)) from exc
    except ModelUnavailable as exc:
        key = "extra_missing" if exc.extra else "model_unavailable"
        raise CliError(say("cli", key, name=exc.name, setting=exc.setting, extra=exc.extra)) from exc
    except StoreUnavailable as exc:  # a database file that cannot be used: what to do about it, in French
        raise CliError(say("cli", f"store_{exc.reason}", path=exc.path)) from exc


@contextmanager
def _app(part: str):
    """The `part` (answerer, checker) of `ask` and `check`, the model and the index loaded up front
    (without warming up: the questions follow at once). The garbage collector waits while they load,
    and the objects of the start are then kept out of its reach until the command ends (`gc.freeze`):
    it would otherwise walk them again and again (8 to 12 ms of a one-question start)."""
    import gc

    from bot.app import App

    gc.disable()
    try:
        with _french_errors():
            app = App(get_settings(), warm=False)
            found = getattr(app, part)  # load the model and the index once, up front
    finally:
        gc.freeze()
        gc.enable()
    try:
        yield found
    finally:
        gc.unfreeze()  # a command run inside a longer process (tests) leaves nothing out of reach


def _batch(lines, handle) -> None:
    """One output line per input line, flushed as it goes."""
    for line in lines:
        click.echo(handle(line.rstrip("\n")))
        sys.stdout.flush()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _one_or_batch(argument: str | None, as_json: bool, result, to_json, to_text) -> None:
    """Handle `argument`, or each stdin line when there is none (then one output line per line)."""

    def handle(text: str) -> str:
        value = result(text)
        if as_json:
            return json.dumps(to_json(value), ensure_ascii=False)
        return to_text(value) if argument is not None else _one_line(to_text(value))

    if argument is not None:
        click.echo(handle(argument))
    else:
        _batch(sys.stdin, handle)


class LazyGroup(click.Group):
    """A group whose faces in their own modules are imported only when invoked (or listed by --help):
    `candibot ask` does not pay for the dialog engine and its database layer."""

    lazy = {"chat": "bot.cli.chat:chat", "run": "bot.cli.run:run",
            "drafts": "bot.cli.drafts:drafts", "export": "bot.cli.drafts:export",
            "stats": "bot.cli.stats:stats", "privacy": "bot.cli.privacy:privacy",
            "backup": "bot.cli.backup:backup"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def invoke(self, ctx: click.Context):
        """Every command: a setting that does not fit its type is said in French, not as a traceback."""
        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            raise CliError(setting_error(exc)) from exc

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            import importlib

            module, attribute = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, help=say("cli", "help_main"))
@click.version_option(package_name="candibot")
def main() -> None:
    _utf8_streams()


@main.command(help=say("cli", "help_ask"))
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help=say("cli", "help_ask_json"))
def ask(question: str | None, as_json: bool) -> None:
    with _app("answerer") as answerer:
        _one_or_batch(question, as_json, answerer.answer, lambda a: a.to_json(), lambda a: a.answer)


@main.command(help=say("cli", "help_check"))
@click.argument("idea", required=False)
@click.option("--json", "as_json", is_flag=True, help=say("cli", "help_check_json"))
def check(idea: str | None, as_json: bool) -> None:
    from bot.eligibility import render_fr

    with _app("checker") as checker:
        _one_or_batch(idea, as_json, checker.check, lambda v: v.to_json_dict(), render_fr)


@main.group(help=say("cli", "help_index"))
def index() -> None:
    pass


@index.command("build", help=say("cli", "help_index_build"))
def index_build() -> None:
    from rich.progress import Progress

    from bot.retrieval.embedder import load_embedder
    from bot.retrieval.index import build_index

    settings = get_settings()
    click.echo(say("cli", "loading"))
    with _french_errors():
        embedder = load_embedder(settings.embedding_model, settings.torch_threads)
    with Progress(transient=False) as progress:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(say("cli", f"index_stage_{stage}"), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        with _french_errors():
            manifest = build_index(Path(settings.index_dir), Path(settings.knowledge_dir), embedder, update,
                                   settings.word_vectors)
    click.echo(say("cli", "index_built", path=settings.index_dir, **manifest))
