"""Throughput of the Telegram face against a bare python-telegram-bot echo bot, same harness, same run.

The loopback stand-in of the Bot API runs in its own process; each bot runs in this process,
polls it, and answers every message. Throughput = answered messages / seconds from the start of
polling to the last answer. Both figures are printed beside Telegram's global limit (30 msg/s).

    python bench/bench_telegram.py [--users 50] [--messages 20] [--rounds 2] [--real-engine]
    python bench/bench_telegram.py --cpu 300 [--rounds 2]     # CPU per message, make bench's measure

`--real-engine` adds a third figure: the real dialog engine (SQLite store) answering /aide.

`cpu_per_message` (make bench, bench/bench_answers.py) gives the CPU spent per message, end to end,
with Telegram's flood limits on as in production: candibot's face and real engine (half of the
messages questions, half /aide) beside a bare python-telegram-bot echo bot with the same rate limiter,
in the same harness. `run_peak_rss` starts the real `candibot run` against the stand-in and reads
its peak resident memory after a number of messages.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bot.dialog.types import Input, Reply  # noqa: E402
from bot.telegram import build_application, running  # noqa: E402
from tests.telegram_standin import StandIn  # noqa: E402

TOKEN = "424242:BENCH-token"
_chat_ids = itertools.count(1_000_000, 1000)


class Echo:
    """The thinnest engine: the face's own cost is what is measured."""

    def handle(self, user_id: str, inp: Input) -> list[Reply]:
        return [Reply(text=inp.text)]


class SameReplies:
    """An engine with no store and no dialog that gives `replies` to every input (the real engine's
    /aide): the cost of candibot's face alone, for the same messages sent."""

    def __init__(self, replies: list[Reply]):
        self.replies = replies

    def handle(self, user_id: str, inp: Input) -> list[Reply]:
        return list(self.replies)


def bare_echo_bot(base_url: str, limits: bool = False):
    """python-telegram-bot's echo bot; `limits`: with its rate limiter at Telegram's flood limits."""
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(update.message.text)

    builder = (ApplicationBuilder().token(TOKEN).base_url(f"{base_url}/bot")
               .base_file_url(f"{base_url}/file/bot").concurrent_updates(True))
    if limits:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=5))
    app = builder.build()
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


async def _answered(api: StandIn, since: int, chats: set[int], quiet: float = 0.5) -> None:
    """Wait until every chat of `chats` got a message since call `since`, then `quiet` seconds with none."""
    waiting, last = set(chats), time.perf_counter()
    while waiting or time.perf_counter() - last < quiet:
        await asyncio.sleep(0.05)
        new = await asyncio.to_thread(api.calls, None, since)
        since += len(new)
        for call in new:
            if call["method"] == "sendMessage" and call.get("ok"):
                waiting.discard(int(call["params"]["chat_id"]))
                last = time.perf_counter()


async def _cpu_ms(api: StandIn, app, texts: list[str]) -> tuple[float, float]:
    """CPU of this process (the bot, its worker threads and the harness) per message, in ms, and the
    Bot API messages the bot sent per message received.

    Each text goes from its own user; the bot must send one message per text (candibot's answers
    and /aide are one message each). The harness polls the stand-in the same way for every bot."""
    base = next(_chat_ids)
    since = len(api.calls())
    for i, text in enumerate(texts):
        api.send_text(base + i, text)
    async with running(app, poll_timeout=1):
        start = time.process_time()
        await _answered(api, since, {base + i for i in range(len(texts))})
        cpu = time.process_time() - start
    sent = sum(1 for c in api.calls(None, since) if c["method"] == "sendMessage")
    return cpu * 1000 / len(texts), sent / len(texts)


def _mix(questions: list[str], messages: int, offset: int = 0) -> list[str]:
    """Half questions (each once, from `offset`), half /aide, alternating."""
    return [questions[(offset + i // 2) % len(questions)] if i % 2 == 0 else "/aide" for i in range(messages)]


def cpu_per_message(questions: list[str], messages: int = 300, rounds: int = 2, aide: bool = True) -> dict[str, float]:
    """Median CPU-ms per message: the bare echo bot and candibot (real engine, flood limits on), in
    alternating rounds; each candibot round asks other questions (none is answered from a cache).
    Then one round of candibot with /aide alone ("aide"): its cost without the model; and one of its
    face alone ("face": python-telegram-bot, the per-user order, rendering), over an engine that gives
    the real /aide reply with no store and no dialog."""
    from bot.config import Settings
    from bot.dialog import Engine
    from bot.app import App

    async def measure() -> dict[str, list[float]]:
        figures: dict[str, list[float]] = {"bare": [], "candibot": [], "aide": [], "sent": [], "aide_sent": [],
                                           "face": []}
        with StandIn.start(token=TOKEN, process=True) as api, tempfile.TemporaryDirectory() as tmp:
            engine = Engine(App(Settings(CANDIBOT_DB=Path(tmp) / "bench.db")), out_dir=Path(tmp))
            engine.warm_up()
            for n in range(rounds):
                texts = _mix(questions, messages, offset=n * messages // 2)
                figures["bare"].append((await _cpu_ms(api, bare_echo_bot(api.base_url, limits=True), texts))[0])
                app = build_application(engine, TOKEN, base_url=api.base_url, telegram_limits=True)
                cpu, sent = await _cpu_ms(api, app, texts)
                figures["candibot"].append(cpu)
                figures["sent"].append(sent)
                print(f"    tour {n + 1}/{rounds} : écho {figures['bare'][-1]:.1f} ms, "
                      f"candibot {figures['candibot'][-1]:.1f} ms de calcul par message", flush=True)
            if not aide:
                return figures
            app = build_application(engine, TOKEN, base_url=api.base_url, telegram_limits=True)
            cpu, sent = await _cpu_ms(api, app, ["/aide"] * messages)  # the face and engine, no model
            figures["aide"].append(cpu)
            figures["aide_sent"].append(sent)
            print(f"    candibot, /aide seulement : {figures['aide'][-1]:.1f} ms de calcul par message", flush=True)
            face = SameReplies(engine.handle("bench-aide", "/aide"))
            app = build_application(face, TOKEN, base_url=api.base_url, telegram_limits=True)
            figures["face"].append((await _cpu_ms(api, app, ["/aide"] * messages))[0])
            print(f"    sa face seule (même réponse, sans SQLite ni dialogue) : {figures['face'][-1]:.1f} ms", flush=True)
        return figures

    figures = asyncio.run(measure())
    return {name: statistics.median(values) for name, values in figures.items() if values}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of process `pid` so far (its threads included), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_peak_rss(questions: list[str], messages: int = 1000, env: dict | None = None) -> dict[str, float]:
    """The real `candibot run` (its own process, flood limits on, against the stand-in in another)
    after `messages` messages (half questions, half /aide, 50 users, each user's next message once
    all were answered): peak RSS (MB), seconds, and its CPU-ms per message (from its first poll on)."""
    texts = _mix(questions, messages)

    async def drive(api: StandIn, proc: subprocess.Popen) -> tuple[float, float]:
        while not any(c["method"] == "getUpdates" for c in api.calls()):  # started and polling
            if proc.poll() is not None:
                raise RuntimeError("candibot run stopped")
            await asyncio.sleep(0.2)
        base = next(_chat_ids)
        cpu, start = _cpu_seconds(proc.pid), time.perf_counter()
        for round_start in range(0, len(texts), 50):
            since = len(api.calls())
            batch = texts[round_start:round_start + 50]
            for i, text in enumerate(batch):
                api.send_text(base + i, text)
            await _answered(api, since, {base + i for i in range(len(batch))}, quiet=0.2)
            if (round_start // 50) % 4 == 3:
                print(f"    {round_start + len(batch)} messages traités", flush=True)
        return time.perf_counter() - start, _cpu_seconds(proc.pid) - cpu

    with StandIn.start(token=TOKEN, process=True) as api, tempfile.TemporaryDirectory() as tmp:
        env = {**(env or os.environ), "TELEGRAM_BOT_TOKEN": TOKEN, "CANDIBOT_DB": str(Path(tmp) / "run.db"),
               "HF_HUB_OFFLINE": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "--base-url", api.base_url],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            seconds, cpu = asyncio.run(drive(api, proc))
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak_kb = int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])
        finally:
            proc.terminate()
            proc.wait(30)
    return {"rss": peak_kb / 1024, "seconds": seconds, "cpu_ms": cpu * 1000 / len(texts), "messages": len(texts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20, help="messages per user")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--real-engine", action="store_true")
    parser.add_argument("--cpu", type=int, metavar="N", default=0,
                        help="instead: CPU per message over N messages (flood limits on), last line JSON")
    parser.add_argument("--no-aide", action="store_true", help="with --cpu: no round of /aide alone")
    args = parser.parse_args()
    if args.cpu:
        from bench_answers import questions

        print(json.dumps(cpu_per_message(questions(), args.cpu, args.rounds, aide=not args.no_aide)), flush=True)
        return
    asyncio.run(throughput(args))


async def throughput(args: argparse.Namespace) -> None:
    """Messages per second of the bare echo bot, of candibot's face over an echo engine (and of the
    real engine answering /aide), flood limits off."""
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
    main()
