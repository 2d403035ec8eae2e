"""Every Bot API call goes through `RetryingRateLimiter`: python-telegram-bot's `AIORateLimiter`
(Telegram's flood limits, and retries on 429 after `retry_after`) plus bounded retries on
network errors that cannot deliver a message twice.

A call is retried after a network error only when it surely did not reach Telegram (connection
refused or timed out, an HTTP 5xx from the gateway) or when repeating it is harmless (chat
actions, callback answers, edits, settings). A read timeout on sendMessage/sendDocument is
ambiguous — the message may have been delivered — so it is not repeated: it is logged instead.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

IDEMPOTENT = {
    "sendChatAction", "answerCallbackQuery", "editMessageText", "editMessageReplyMarkup",
    "setMyCommands", "deleteMyCommands", "setWebhook", "deleteWebhook", "getMe", "getFile",
    "getWebhookInfo", "setChatMenuButton",
}
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def surely_not_delivered(error: NetworkError) -> bool:
    """True when the request is known not to have been processed by Telegram."""
    cause = error.__cause__
    if isinstance(cause, _NOT_SENT):
        return True
    # PTB raises a NetworkError without an httpx cause for HTTP 5xx answers (e.g. 502 Bad
    # Gateway; the cause, if any, is the failure to parse the gateway's HTML page): the gateway
    # answered that the Bot API did not take the request.
    return not isinstance(error, TimedOut) and not isinstance(cause, httpx.HTTPError | OSError)


class RetryingRateLimiter(AIORateLimiter):
    """`AIORateLimiter` with retries on 429 and on safe network errors (exponential back-off)."""

    def __init__(
        self,
        *,
        max_retries: int = 5,
        network_retries: int = 5,
        backoff: float = 0.25,
        max_backoff: float = 8.0,
        **limits: Any,
    ):
        super().__init__(max_retries=max_retries, **limits)
        self.network_retries = network_retries
        self.backoff = backoff
        self.max_backoff = max_backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except RetryAfter:
                raise
            except NetworkError as error:
                retriable = endpoint in IDEMPOTENT or surely_not_delivered(error)
                if not retriable or attempt >= self.network_retries:
                    log.warning("%s failed (%s), not retried", endpoint, type(error).__name__)
                    raise
                delay = min(self.max_backoff, self.backoff * 2**attempt)
                attempt += 1
                log.info("%s failed (%s); retry %d in %.2f s", endpoint, error, attempt, delay)
                await asyncio.sleep(delay)
