"""Throughput of the Telegram face against a bare python-telegram-bot echo bot, same harness, same run.

The loopback stand-in of the Bot API runs in its own process; each bot runs in this process,
polls it, and answers every message. Throughput = answered messages / seconds from the start of
polling to the last answer. Both figures are printed beside Telegram's global limit (30 msg/s).

    python bench/bench_telegram.py [--users 50] [--messages 20] [--rounds 2] [--real-engine]

`--real-engine` adds a third figure: the real dialog engine (SQLite store) answering /aide.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.constants import FloodLimit
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.dialog.types import Input, Reply  # noqa: E402
from bot.telegram import build_application, running  # noqa: E402
from tests.telegram_standin import StandIn  # noqa: E402

TOKEN = "424242:BENCH-token"
_chat_ids = itertools.count(1_000_000, 1000)


class Echo:
    """The thinnest engine: the face's own cost is what is measured."""

    def handle(self, user_id: str, inp: Input) -> list[Reply]:
        return [Reply(text=inp.text)]


def bare_echo_bot(base_url: str):
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(update.message.text)

    app = (ApplicationBuilder().token(TOKEN).base_url(f"{base_url}/bot")
           .base_file_url(f"{base_url}/file/bot").concurrent_updates(True).build())
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


async def measure(api: StandIn, app, users: int, messages: int, text: str) -> float:
    base = next(_chat_ids)
    for i in range(messages):
        for user in range(users):
            api.send_text(base + user, f"{text} {i}" if text == "bonjour" else text)
    total = users * messages
    since, answered = len(api.calls()), 0
    async with running(app, poll_timeout=1):
        start = time.perf_counter()
        while answered < total:
            await asyncio.sleep(0.05)
            new = await asyncio.to_thread(api.calls, None, since)
            since += len(new)
            answered += sum(1 for c in new if c["method"] == "sendMessage" and c.get("ok"))
        elapsed = time.perf_counter() - start
    return total / elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20, help="messages per user")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--real-engine", action="store_true")
    args = parser.parse_args()

    figures: dict[str, list[float]] = {"bare": [], "face": [], "engine": []}
    with StandIn.start(token=TOKEN, process=True) as api, tempfile.TemporaryDirectory() as tmp:
        engine = None
        if args.real_engine:
            from bot.config import Settings
            from bot.dialog import Engine
            from bot.app import App

            engine = Engine(App(Settings(CANDIBOT_DB=Path(tmp) / "bench.db")), out_dir=Path(tmp))
        for _ in range(args.rounds):
            figures["bare"].append(await measure(api, bare_echo_bot(api.base_url), args.users, args.messages, "bonjour"))
            face = build_application(Echo(), TOKEN, base_url=api.base_url, telegram_limits=False)
            figures["face"].append(await measure(api, face, args.users, args.messages, "bonjour"))
            if engine is not None:
                app = build_application(engine, TOKEN, base_url=api.base_url, telegram_limits=False)
                figures["engine"].append(await measure(api, app, args.users, args.messages, "/aide"))

    print("rounds:", {k: [round(x, 1) for x in v] for k, v in figures.items() if v})
    bare, face = statistics.median(figures["bare"]), statistics.median(figures["face"])
    n = args.users * args.messages
    print(f"{n} messages from {args.users} users, median of {args.rounds} rounds (stand-in in its own process)")
    print(f"  bare python-telegram-bot echo bot : {bare:7.1f} messages/s")
    print(f"  candibot Telegram face (echo)     : {face:7.1f} messages/s  ({face / bare:.0%} of bare; target ≥ 80 %)")
    if figures["engine"]:
        real = statistics.median(figures["engine"])
        print(f"  candibot face + real engine (/aide): {real:7.1f} messages/s")
    print(f"  Telegram's global limit           : {FloodLimit.MESSAGES_PER_SECOND:7.1f} messages/s")
    sys.exit(0 if face >= 0.8 * bare else 1)


if __name__ == "__main__":
    asyncio.run(main())
