"""The Telegram face: updates become engine inputs, engine replies become Bot API calls.

    face = TelegramFace(engine)
    application.add_handlers(face.handlers())

The engine is synchronous (it may run the model for tens of milliseconds): it runs in a worker
thread so that other users are not kept waiting. While it works longer than `typing_after`
seconds, the chat shows « en train d'écrire ».
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from typing import Protocol

from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.helpers import create_deep_linked_url

from bot.dialog.types import Input, Notification, Reply
from bot.prompts import say
from bot.telegram.callbacks import decode
from bot.telegram.render import keyboard, safe_file_name, split_html, tg_length, to_html

log = logging.getLogger(__name__)
MAX_CAPTION = 1024
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
UNSENT_WITHIN = dt.timedelta(hours=24)


class Engine(Protocol):
    def handle(self, user_id: str, inp: Input) -> list[Reply]: ...

    def resume(self, user_id: str, reason: str = "", *, key: str | None = None) -> list[Reply]: ...


class Delivery(Protocol):
    """An engine that keeps the replies of keyed inputs until a face marks them sent (`bot.dialog.Engine`)."""

    def sent(self, replies: list[Reply]) -> None: ...

    def unsent(self, since: str) -> list[tuple[str, Reply]]: ...


class Outbox(Protocol):
    """An engine that keeps messages for other people (`bot.dialog.Engine`)."""

    def pending(self, user_id: str | None = None) -> list[Notification]: ...

    def delivered(self, notifications: list[Notification]) -> None: ...


PREFIX = "telegram:"


def engine_user(telegram_user_id: int) -> str:
    """The engine's user id of a Telegram user."""
    return f"{PREFIX}{telegram_user_id}"


def telegram_chat(engine_user_id: str) -> int | None:
    """The private chat of an engine user who came through Telegram (None for the terminal's)."""
    if engine_user_id.startswith(PREFIX) and engine_user_id[len(PREFIX):].lstrip("-").isdigit():
        return int(engine_user_id[len(PREFIX):])
    return None


class TelegramFace:
    def __init__(self, engine: Engine, *, typing_after: float = 0.8, typing_every: float = 4.5):
        self.engine = engine
        self.typing_after = typing_after
        self.typing_every = typing_every
        self._outbox_lock = asyncio.Lock()

    def handlers(self) -> list[BaseHandler]:
        new_message = filters.UpdateType.MESSAGE
        return [
            MessageHandler(new_message & filters.TEXT, self.on_text),
            CallbackQueryHandler(self.on_press),
            MessageHandler(new_message & ~filters.TEXT & ~filters.StatusUpdate.ALL, self.on_other),
        ]

    # --- updates -------------------------------------------------------------------------------

    def receive(self, update: object) -> bool:
        """As an update arrives, before it waits for its turn: its input written by the engine (a
        crash meanwhile does not lose it: it is handled at the next start). False when it was
        handled before (Telegram delivered it again): it is dropped."""
        if not hasattr(self.engine, "receive") or not isinstance(update, Update):
            return True
        incoming = _incoming(update)
        return incoming is None or self.engine.receive(*incoming)  # type: ignore[attr-defined]

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Text and commands (« /start payload » carries a deep-link payload as args)."""
        await self.turn(context.bot, update.effective_chat.id, *_incoming(update))

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await self._quietly(query.answer())
        if query.message is not None and query.message.is_accessible:
            # the pressed keyboard is spent: take it away so it cannot be pressed again
            await self._quietly(query.edit_message_reply_markup(reply_markup=None))
        await self.turn(context.bot, update.effective_chat.id, *_incoming(update))

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Photos, voice, stickers, files, locations…: say only text is understood, then the
        current step again (`Engine.resume`, with a fresh keyboard)."""
        chat_id, user = update.effective_chat.id, engine_user(update.effective_user.id)
        await self.deliver(context.bot, chat_id, [Reply(text=say("telegram", "only_text"))])
        resume = functools.partial(self.engine.resume, key=_key(update))
        replies = await self._engine_call(context.bot, chat_id, resume, user, _message_kind(update))
        await self.deliver(context.bot, chat_id, replies)

    # --- the engine ----------------------------------------------------------------------------

    async def turn(self, bot: Bot, chat_id: int, user: str, inp: Input) -> None:
        replies = await self._engine_call(bot, chat_id, self.engine.handle, user, inp)
        await self.deliver(bot, chat_id, replies)
        await self.deliver_outbox(bot)

    async def handle_unhandled(self, bot: Bot, within: dt.timedelta = UNSENT_WITHIN) -> int:
        """At start: the inputs a previous run wrote as they arrived but was stopped before
        handling (killed while they waited for their turn, or in the middle of it), handled now,
        in order, each person's replies sent. Returns how many."""
        if not hasattr(self.engine, "unhandled"):
            return 0
        since = (dt.datetime.now(dt.timezone.utc) - within).isoformat(timespec="milliseconds")
        left = [(user, inp) for user, inp in await asyncio.to_thread(self.engine.unhandled, since)  # type: ignore[attr-defined]
                if telegram_chat(user) is not None]
        for user, inp in left:
            await self.turn(bot, telegram_chat(user), user, inp)
        if left:
            log.info("handled %d inputs a previous run had written but not handled", len(left))
        return len(left)

    async def deliver_unsent(self, bot: Bot, within: dt.timedelta = UNSENT_WITHIN) -> int:
        """At start: the replies a previous run committed but was stopped before sending (killed
        between a turn's commit and its messages), sent now, in order. Only those of the last
        `within` (Telegram keeps an update a day at most: an older turn is stale). Returns how many."""
        if not hasattr(self.engine, "unsent"):
            return 0
        engine: Delivery = self.engine  # type: ignore[assignment]
        since = (dt.datetime.now(dt.timezone.utc) - within).isoformat(timespec="milliseconds")
        left = [(user, reply) for user, reply in await asyncio.to_thread(engine.unsent, since)
                if telegram_chat(user) is not None]
        for user, reply in left:
            await self.deliver(bot, telegram_chat(user), [reply])
        if left:
            log.info("sent %d replies a previous run had saved but not sent", len(left))
        return len(left)

    # --- messages for other people (the engine's outbox) ---------------------------------------

    async def deliver_outbox(self, bot: Bot) -> int:
        """Send every pending notification for a Telegram user to their chat, marking each as
        delivered once sent: a crash before the mark sends it again at the next start, never
        loses it. Returns how many were sent."""
        if not hasattr(self.engine, "pending"):
            return 0
        engine: Outbox = self.engine  # type: ignore[assignment]
        sent = 0
        async with self._outbox_lock:  # two turns ending together do not send one message twice
            notes = [n for n in await asyncio.to_thread(engine.pending) if telegram_chat(n.recipient) is not None]
            for note in notes:
                if note.reply.document is not None and not note.reply.document.exists():
                    # a document made by a previous run (its folder is gone): the text and buttons still go
                    note.reply = note.reply.model_copy(update={"document": None, "document_name": None})
                try:
                    await self._send(bot, telegram_chat(note.recipient), note.reply)
                except Forbidden:
                    log.info("a notification could not be delivered: the recipient blocked the bot")
                except TelegramError as error:
                    log.warning("a notification could not be sent now (%s); kept for later", error)
                    continue
                await asyncio.to_thread(engine.delivered, [note])
                sent += 1
        return sent

    async def _engine_call(self, bot: Bot, chat_id: int, func, *args) -> list[Reply]:
        work = asyncio.ensure_future(asyncio.to_thread(func, *args))
        wait = self.typing_after
        try:
            while True:
                done, _ = await asyncio.wait({work}, timeout=wait)
                if done:
                    return work.result()
                await self._quietly(bot.send_chat_action(chat_id, ChatAction.TYPING))
                wait = self.typing_every
        except Exception:
            log.exception("the engine failed on an update of chat %s", engine_user(chat_id))
            return [Reply(text=say("telegram", "error"))]

    # --- replies -------------------------------------------------------------------------------

    async def deliver(self, bot: Bot, chat_id: int, replies: list[Reply]) -> None:
        """Send the replies in order, marking each stored one sent as soon as Telegram took it (a
        crash before the mark sends it again at the next start: at least once, never lost); one
        that cannot be sent is logged and the rest still go."""
        for reply in replies:
            try:
                await self._send(bot, chat_id, reply)
            except Forbidden:
                log.info("chat %s blocked the bot: replies dropped", engine_user(chat_id))
                await self._mark_sent([r for r in replies if r.id is not None])  # never to be delivered
                return
            except (NetworkError, RetryAfter) as error:  # may go through later: left unsent, tried again at the next start
                log.error("a reply to chat %s could not be sent now: %s", engine_user(chat_id), error)
                continue
            except TelegramError as error:  # refused (a bad request): trying again would not help
                log.error("a reply to chat %s could not be sent: %s", engine_user(chat_id), error)
            if reply.id is not None:
                await self._mark_sent([reply])

    async def _mark_sent(self, replies: list[Reply]) -> None:
        """Marked at once, in the event loop (a short write, no hop to a worker thread): a crash
        can only send a reply twice in the instant between Telegram's answer and this mark."""
        if replies and hasattr(self.engine, "sent"):
            try:
                self.engine.sent(replies)  # type: ignore[attr-defined]
            except Exception:  # the database is busy: sent again at the next start, at worst
                log.warning("could not mark %d replies sent", len(replies), exc_info=True)

    async def _send(self, bot: Bot, chat_id: int, reply: Reply) -> None:
        if reply.start_payload and bot.username:  # an invitation: the link opens the bot and joins
            link = create_deep_linked_url(bot.username, reply.start_payload)
            reply = reply.model_copy(update={"text": f"{reply.text}\n{say('telegram', 'deep_link', link=link)}",
                                             "start_payload": None})
        markup = keyboard(reply.buttons, reply.version)
        if reply.document is not None:
            if reply.slow:
                await self._quietly(bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT))
            caption = to_html(reply.text) if reply.text.strip() else None
            if caption and tg_length(caption) > MAX_CAPTION:
                await self._send(bot, chat_id, Reply(text=reply.text))
                caption = None
            with reply.document.open("rb") as handle:
                await bot.send_document(
                    chat_id, document=handle, filename=safe_file_name(reply.document_name, reply.document),
                    caption=caption, parse_mode=ParseMode.HTML, reply_markup=markup,
                )
            return
        if not reply.text.strip() and markup is None:
            return
        if reply.slow:
            await self._quietly(bot.send_chat_action(chat_id, ChatAction.TYPING))
        chunks = split_html(reply.text)
        for i, chunk in enumerate(chunks):
            await bot.send_message(
                chat_id, chunk, parse_mode=ParseMode.HTML,
                reply_markup=markup if i == len(chunks) - 1 else None,
                link_preview_options=NO_PREVIEW,
            )

    @staticmethod
    async def _quietly(call) -> None:
        """A courtesy call (chat action, callback answer, keyboard removal): failure is harmless."""
        try:
            await call
        except TelegramError as error:
            log.debug("courtesy call failed: %s", error)


def _incoming(update: Update) -> tuple[str, Input] | None:
    """(engine user, input) of a text message, a command or a button press; None for the rest."""
    if update.effective_user is None:
        return None
    user, key, name = engine_user(update.effective_user.id), _key(update), _name(update)
    if update.callback_query is not None:
        decoded = decode(update.callback_query.data or "")
        value, version = decoded if decoded else ("", -1)  # data not ours: a stale press
        return user, Input(kind="button", text=value, version=version, name=name, key=key)
    message = update.message
    if message is not None and message.text is not None:
        return user, Input.parse(message.text).model_copy(update={"name": name, "key": key})
    return None


def _key(update: Update) -> str:
    """The engine's key of an update: Telegram delivers an update again after a crash (and a
    webhook retries it) with the same id; the engine handles it once."""
    return f"{PREFIX}{update.update_id}"


def _name(update: Update) -> str | None:
    """How the person is shown to the others on a shared draft: their Telegram first name."""
    user = update.effective_user
    return (user.first_name or None) if user is not None else None


def _message_kind(update: Update) -> str:
    """What a non-text message was (« photosize », « voice », « sticker »…), for the events table."""
    message = update.effective_message
    attachment = message.effective_attachment if message is not None else None
    if isinstance(attachment, tuple | list):  # photos come as a tuple of sizes
        attachment = attachment[0] if attachment else None
    return type(attachment).__name__.lower() if attachment is not None else "other"
