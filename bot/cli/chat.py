"""`candibot chat`: the whole assistant in the terminal, over the same engine and database as Telegram.

Contract (README, « Commandes »): the prompt `vous> ` is printed before each line is read; buttons are
printed as `[1] Libellé` lines and may be answered by number or label; end of input ends the session
(state is kept); exported files go to `--out-dir` and their paths are printed. Rich rendering when
stdin is a terminal, plain text otherwise (so that pipes can drive it).
"""

from __future__ import annotations

import getpass
import logging
import sys
from pathlib import Path

import click

from bot.dialog.texts import t
from bot.dialog.types import Input, Reply
from bot.prompts import say, texts


class Screen:
    """Prints replies: rich when interactive, plain lines otherwise."""

    def __init__(self, rich: bool):
        self.console = None
        if rich:
            from rich.console import Console

            self.console = Console()

    def reply(self, reply: Reply, first_number: int) -> None:
        if self.console is not None:
            from rich.markup import escape
            from rich.panel import Panel

            body = escape(reply.text)
            if reply.buttons:
                body += "\n" + "\n".join(
                    f"[bold cyan]\\[{n}][/] {escape(b.label)}" for n, b in enumerate(reply.buttons, first_number)
                )
            if body.strip():
                self.console.print(Panel(body, title=t("chat.bot"), title_align="left", border_style="green"))
        else:
            if reply.text:
                click.echo(reply.text)
            for n, b in enumerate(reply.buttons, first_number):
                click.echo(f"[{n}] {b.label}")
        if reply.document is not None:
            self.line(t("chat.saved", path=reply.document))

    def line(self, text: str) -> None:
        if self.console is not None:
            self.console.print(text, markup=False, highlight=False)
        else:
            click.echo(text)

    def read(self) -> str | None:
        prompt = t("chat.prompt")
        if self.console is not None:
            try:
                return self.console.input(prompt)
            except EOFError:
                return None
        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            return None
        return line.rstrip("\r\n")


def leaves(line: str) -> bool:
    """A line that only says « quit » (`chat.leave_words`): the terminal chat ends, as with Ctrl+D."""
    return line.strip().lower() in texts("dialog")["chat"]["leave_words"]


def to_input(line: str, buttons: list, version: int | None) -> Input:
    """A typed line: a button's number becomes a press of that button; anything else is parsed
    (a button's label typed in full is recognised by the engine itself, as in Telegram)."""
    stripped = line.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(buttons):
        return Input(kind="button", text=buttons[int(stripped) - 1].value, version=version)
    return Input.parse(line)


def show_notifications(engine, user_id: str, screen: Screen, first_number: int = 1) -> list:
    """Messages left for this user by other people's actions, shown once, then marked delivered.
    Their buttons (a reviewer's « Lire », « Valider »…) are numbered after the replies' ones;
    returns them."""
    notes = engine.pending(user_id)
    buttons: list = []
    for note in notes:
        screen.line(t("chat.notification"))
        screen.reply(note.reply, first_number + len(buttons))
        buttons += note.reply.buttons
    engine.delivered(notes)
    return buttons


@click.command(help=say("cli", "help_chat"))
@click.option("--user", "user", default=None, help=say("cli", "help_chat_user"))
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help=say("cli", "help_chat_out_dir"),
)
def chat(user: str | None, out_dir: Path) -> None:
    """Talk with the assistant in the terminal (same engine and database as Telegram)."""
    from bot.cli import _french_errors

    with _french_errors():  # a database file that cannot be used: a French sentence, not a traceback
        _talk(user, out_dir)


def _talk(user: str | None, out_dir: Path) -> None:
    from bot.app import App
    from bot.config import Settings
    from bot.dialog import Engine
    from bot.pseudonym import Pseudonyms, use
    from bot.telegram.logs import PrivateLog

    settings = Settings()
    names = Pseudonyms.for_database(settings.db_path)
    use(names)
    root = logging.getLogger()
    if not root.handlers:  # as logging.basicConfig; a host's own handlers (tests) are left as they are
        handler = logging.StreamHandler(sys.stderr)
        handler.addFilter(PrivateLog([], names))  # no message text, name or e-mail in the terminal's log lines
        root.addHandler(handler)
        root.setLevel(logging.WARNING)
    user_id = user or f"terminal-{getpass.getuser()}"
    screen = Screen(rich=sys.stdin.isatty() and sys.stdout.isatty())
    click.echo(say("cli", "chat_loading"), err=True)  # the first launch builds the index
    click.echo(t("chat.how_to_leave"), err=True)
    engine = Engine(App(settings), out_dir=out_dir.resolve())
    try:
        engine.warm_up()
    except Exception:  # the engine answers with a French message when a piece is unavailable
        logging.getLogger(__name__).exception("warm-up failed")
    buttons: list = []
    version: int | None = None
    replies = engine.open(user_id)  # the first screen: welcome and menu, or where the user was
    while True:
        number = 1
        shown: list = []
        for reply in replies:
            screen.reply(reply, number)
            number += len(reply.buttons)
            shown += reply.buttons
            if reply.buttons:
                version = reply.version
        noted = show_notifications(engine, user_id, screen, number)
        if noted:  # a notification's buttons carry no keyboard version: each checks its own rights
            buttons, version = shown + noted, None
        else:
            buttons = shown
        line = screen.read()
        if line is None or leaves(line):
            break
        replies = engine.handle(user_id, to_input(line, buttons, version))
    screen.line("")
    screen.line(t("chat.bye"))


if __name__ == "__main__":  # pragma: no cover
    chat()
