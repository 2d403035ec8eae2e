"""The Telegram face: updates become engine inputs, engine replies become Bot API calls.

    face = TelegramFace(engine)
    application.add_handlers(face.handlers())

The engine is synchronous (it may run the model for tens of milliseconds): it runs in a worker
thread so that other users are not kept waiting. While it works longer than `typing_after`
seconds, the chat shows « en train d'écrire ».
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.helpers import create_deep_linked_url

from bot.dialog.types import Input, Notification, Reply
from bot.prompts import say
from bot.telegram.callbacks import decode
from bot.telegram.render import keyboard, safe_file_name, split_html, tg_length, to_html

log = logging.getLogger(__name__)
MAX_CAPTION = 1024
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class Engine(Protocol):
    def handle(self, user_id: str, inp: Input) -> list[Reply]: ...

    def resume(self, user_id: str, reason: str = "") -> list[Reply]: ...


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

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Text and commands (« /start payload » carries a deep-link payload as args)."""
        inp = Input.parse(update.effective_message.text).model_copy(update={"name": _name(update)})
        await self.turn(context.bot, update.effective_chat.id, update.effective_user.id, inp)

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await self._quietly(query.answer())
        if query.message is not None and query.message.is_accessible:
            # the pressed keyboard is spent: take it away so it cannot be pressed again
            await self._quietly(query.edit_message_reply_markup(reply_markup=None))
        decoded = decode(query.data or "")
        value, version = decoded if decoded else ("", -1)  # data not ours: a stale press
        inp = Input(kind="button", text=value, version=version, name=_name(update))
        await self.turn(context.bot, update.effective_chat.id, update.effective_user.id, inp)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Photos, voice, stickers, files, locations…: say only text is understood, then the
        current step again (`Engine.resume`, with a fresh keyboard)."""
        chat_id, user = update.effective_chat.id, engine_user(update.effective_user.id)
        await self.deliver(context.bot, chat_id, [Reply(text=say("telegram", "only_text"))])
        replies = await self._engine_call(context.bot, chat_id, self.engine.resume, user,
                                          _message_kind(update))
        await self.deliver(context.bot, chat_id, replies)

    # --- the engine ----------------------------------------------------------------------------

    async def turn(self, bot: Bot, chat_id: int, telegram_user_id: int, inp: Input) -> None:
        replies = await self._engine_call(bot, chat_id, self.engine.handle, engine_user(telegram_user_id), inp)
        await self.deliver(bot, chat_id, replies)
        await self.deliver_outbox(bot)

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
            log.exception("the engine failed on an update of chat %s", chat_id)
            return [Reply(text=say("telegram", "error"))]

    # --- replies -------------------------------------------------------------------------------

    async def deliver(self, bot: Bot, chat_id: int, replies: list[Reply]) -> None:
        """Send the replies in order; one that cannot be sent is logged and the rest still go."""
        for reply in replies:
            try:
                await self._send(bot, chat_id, reply)
            except Forbidden:
                log.info("chat %s blocked the bot: replies dropped", chat_id)
                return
            except TelegramError as error:
                log.error("a reply to chat %s could not be sent: %s", chat_id, error)

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
