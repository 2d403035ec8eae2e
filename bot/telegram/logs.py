"""Logging for the Telegram face: secrets never reach a log line.

httpx logs every request URL at INFO, and those URLs contain the bot token: it stays at WARNING.
Every handler also gets a filter that masks the token and the webhook secret wherever they
appear (message, arguments, traceback), in case a library logs them another way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

MASK = "***"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]):
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self._redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True


def setup_logging(secrets: Iterable[str], level: int = logging.INFO, handler: logging.Handler | None = None) -> logging.Handler:
    """Log to stderr (or `handler`) with secrets masked; quiet the HTTP client."""
    handler = handler or logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    protect(secrets)
    return handler


def protect(secrets: Iterable[str]) -> None:
    """Mask `secrets` in every handler of the root logger; keep httpx/httpcore at WARNING."""
    secrets = list(secrets)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets(secrets))
