"""Logging for the Telegram face: no personal data and no secret in a log line, at any level.

`setup_logging` (what `candibot run` calls) and `protect` put a `PrivateLog` filter on every
handler of the root logger. It rewrites each record before it is written:

- **Payloads are dropped, not guessed at.** python-telegram-bot at DEBUG logs each Bot API call
  with its parameters and its return value (`telegram.Bot`, `telegram.ext.ExtBot`), each update it processes
  (`telegram.ext.Application`: « Processing update Update(…) »), the webhook's request body and a
  wrong secret token (`telegram.ext.Updater`), an invalid response (`telegram.BaseRequest`): the
  method name and the update id stay, the parameters, texts, users and chats go. Any other
  argument that is a Telegram object, a mapping (but counts under lower-case names), a list (but
  a list of numbers) or JSON text is replaced by its kind, whoever logs it.
- **User ids are pseudonymised** (`bot.pseudonym`): `telegram:123` anywhere, and an argument named
  by the word before it (« user %s », « chat %s », « recipient %s »…), which is how the engine logs
  its user ids, Telegram's or a terminal name. A log call may also write `pseudonym(user)` itself:
  `protect` makes the filter's pseudonyms those of `bot.pseudonym.pseudonym`, and a pseudonym
  is left as it is.
- **Exception messages are kept only for errors that carry none of the user's words** (network,
  database, Telegram, review refusals); others show their type alone (« ValueError (message
  withheld) »). Tracebacks keep their frames (file, line, code).
- **E-mail addresses and phone numbers** left in a message are masked; the bot token, its secret
  half and the webhook secret are replaced by `***`.
- asyncio's lines keep their first line, without object reprs (a task's repr shows its exception);
  a record the filter cannot read is withheld whole, and a log call never fails because of it.

httpx logs every request URL at INFO, and those URLs contain the bot token: it stays at WARNING.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import traceback
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import PurePath

import httpx
from telegram import TelegramObject, Update
from telegram.error import TelegramError

from bot.errors import ModelUnavailable
from bot.pseudonym import Pseudonyms, is_pseudonym, use
from bot.review.workflow import Conflict, Refused
from bot.stats import EMAIL, PHONE_FR, PHONE_INTL
from bot.telegram.face import PREFIX, engine_user

MASK = "***"
WITHHELD = "<withheld>"
# python-telegram-bot's records that carry a payload: what remains of them (the arguments kept, by position)
PAYLOADS: dict[str, tuple[str, tuple[int, ...]]] = {
    "Calling Bot API endpoint `%s` with parameters `%s`": ("Calling Bot API endpoint `%s`", (0,)),
    "Call to Bot API endpoint `%s` finished with return value `%s`": ("Call to Bot API endpoint `%s` finished", (0,)),
    "Webhook received data: %s": ("Webhook received data", ()),
    "Request had the wrong secret token: %s": ("Request had the wrong secret token", ()),
    'Can not load invalid JSON data: "%s"': ("Can not load invalid JSON data", ()),
    "Passing request through rate limiter of type %s with rate_limit_args %s":
        ("Passing request through rate limiter of type %s", (0,)),
    "Something went wrong processing the data received from Telegram. Received data was *not* processed! "
    "Received data was: %r": ("Something went wrong processing the data received from Telegram: not processed", ()),
}
# the word before a placeholder that says the argument is a person (or their private chat)
PERSON_WORDS = frozenset({"user", "users", "user_id", "chat", "chat_id", "recipient", "sender", "owner",
                          "reviewer", "editor", "co-editor", "applicant", "person", "member",
                          "conversation"})  # python-telegram-bot's conversation keys are (chat, user) ids
# errors whose message is the library's or ours, never a user's words
SAFE_ERRORS: tuple[type[BaseException], ...] = (OSError, sqlite3.Error, TelegramError, httpx.HTTPError,
                                                ModelUnavailable, Refused, Conflict)
PLACEHOLDER = re.compile(r"%(?:\((?P<key>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])")
WORD_BEFORE = re.compile(r"([A-Za-z_-]+)[\s=:#'\"`(]*$")
ENGINE_USER = re.compile(re.escape(PREFIX) + r"-?\d+")
COUNTER = re.compile(r"[a-z_][a-z0-9_]{0,31}")  # a key of counts, as code names it
REPR = re.compile(r"<[^<>]*(?:<[^<>]*>[^<>]*)*>")  # an object's repr, one level of nesting
# a bare id after a word that names a person or a chat, in text a library wrote (« chat_id=123 »)
BARE_ID = re.compile(r"(?i)\b(user|chat|from|recipient)(_id)?([\s=:#'\"]{1,3})(-?\d{5,})\b")


class PrivateLog(logging.Filter):
    """Rewrites each record so that it carries no personal data and no secret (see the module)."""

    def __init__(self, secrets: Iterable[str], pseudonyms: Pseudonyms | None = None):
        super().__init__()
        found = set()
        for secret in secrets:
            if secret:
                found.add(secret)
                half = secret.partition(":")[2]  # the bot token's secret half, on its own
                if len(half) >= 8:
                    found.add(half)
        self.secrets = sorted(found, key=len, reverse=True)
        self.pseudonyms = pseudonyms or Pseudonyms.ephemeral()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "candibot_private", False):  # already rewritten by another handler's filter,
            # which may know other secrets (a handler protected earlier in the process): mask ours too
            record.msg = self.scrub(str(record.msg))
            if record.exc_text:
                record.exc_text = self.scrub(record.exc_text)
            return True
        try:
            record.msg, record.args = self.message(record), None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = self.scrub(safe_traceback(record.exc_info[1]))
            elif record.exc_text:
                record.exc_text = self.scrub(record.exc_text)
        except Exception as error:  # never let a log call fail, never let the record through as it was
            record.msg, record.args, record.exc_text = f"(record withheld: {type(error).__name__} in PrivateLog)", None, None
        record.exc_info = None  # a formatter finds the clean exc_text, never the exception itself
        record.candibot_private = True
        return True

    # --- the message ---------------------------------------------------------------------------

    def message(self, record: logging.LogRecord) -> str:
        text = self._message(record)
        if record.name.startswith("asyncio"):  # « Task exception was never retrieved\nfuture: <Task … exception=…> »
            text = REPR.sub("<…>", text.split("\n", 1)[0])
        return text

    def _message(self, record: logging.LogRecord) -> str:
        msg, args = record.msg, record.args
        if not isinstance(msg, str):
            return self.scrub(str(self.argument(msg, None)))
        if msg in PAYLOADS:
            msg, kept = PAYLOADS[msg]
            args = tuple(args[i] for i in kept) if isinstance(args, tuple) else ()
        if not args:
            return self.scrub(msg)
        if isinstance(args, Mapping) and "%(" in msg:  # named placeholders: « %(user)s »
            clean = {key: self.argument(value, key) for key, value in args.items()}
            text = PLACEHOLDER.sub(lambda m: _placeholder(m, clean.get(m["key"])), msg)
        else:
            if isinstance(args, Mapping):  # logging unpacks a lone mapping argument: it is one argument
                args = (args,)
            found = [m for m in PLACEHOLDER.finditer(msg) if m["conv"] != "%"]
            clean = tuple(self.argument(value, _word_before(msg, found[i]) if i < len(found) else None)
                          for i, value in enumerate(args))
            values = iter(clean)
            text = PLACEHOLDER.sub(lambda m: m.group() if m["conv"] == "%" else _placeholder(m, next(values, None)), msg)
        text = _format(text, clean)
        return self.scrub(text)

    def argument(self, value: object, word: str | None) -> object:
        """One argument, made safe; numbers that are not a person stay numbers (« %d », « %.2f »)."""
        if word is not None and word.lower() in PERSON_WORDS and value is not None:
            return self.person(value)
        if isinstance(value, bool | int | float | date | datetime | timedelta | PurePath | type) or value is None:
            return value
        if isinstance(value, Update):
            return str(value.update_id)
        if isinstance(value, TelegramObject):
            return f"<{type(value).__name__}>"
        if isinstance(value, BaseException):
            return describe(value)
        if isinstance(value, str):
            return WITHHELD if value.lstrip()[:1] in ("{", "[") else value
        if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, int) for v in value):
            return value  # update ids
        if isinstance(value, Mapping) and all(isinstance(k, str) and COUNTER.fullmatch(k) and isinstance(v, int | float)
                                              for k, v in value.items()):
            return value  # counts: {"events": 3, "drafts": 0}
        return f"<{type(value).__name__} withheld>"

    def person(self, value: object) -> str:
        """An engine user id, a Telegram id (a private chat's id is its user's) → a pseudonym."""
        text = str(value)
        if is_pseudonym(text):  # the caller wrote `pseudonym(user)` already
            return text
        if text.lstrip("-").isdigit():
            text = engine_user(int(text))
        return self.pseudonyms.of(text)

    # --- text that is already written ----------------------------------------------------------

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        text = ENGINE_USER.sub(lambda m: self.pseudonyms.of(m.group()), text)
        text = BARE_ID.sub(lambda m: f"{m[1]}{m[2] or ''}{m[3]}{self.person(m[4])}", text)
        text = EMAIL.sub("<e-mail>", text)
        text = PHONE_FR.sub("<phone>", text)
        return PHONE_INTL.sub(lambda m: "<phone>" if 8 <= sum(c.isdigit() for c in m.group()) <= 15 else m.group(), text)


def describe(error: BaseException) -> str:
    """`Type: message`, the message only when the error's kind cannot carry what a user typed."""
    name = type(error).__qualname__
    module = type(error).__module__
    if module not in ("builtins", "__main__"):
        name = f"{module}.{name}"
    if isinstance(error, SAFE_ERRORS):
        message = str(error)
        return f"{name}: {message}" if message else name
    return f"{name} (message withheld)"


def safe_traceback(error: BaseException) -> str:
    """The traceback `logging` would write, each exception's message through `describe`."""
    chain: list[tuple[BaseException, str]] = []
    link = ""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "\nThe above exception was the direct cause of the following exception:\n\n"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "\nDuring handling of the above exception, another exception occurred:\n\n"
        else:
            current = None
    parts = []
    for i, (exc, _) in enumerate(reversed(chain)):
        if i:
            parts.append(chain[len(chain) - i][1])
        if exc.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n" + "".join(traceback.format_tb(exc.__traceback__)))
        parts.append(describe(exc) + "\n")
    return "".join(parts).rstrip("\n")


def _word_before(msg: str, match: re.Match) -> str | None:
    found = WORD_BEFORE.search(msg, 0, match.start())
    return found.group(1) if found else None


def _placeholder(match: re.Match, value: object) -> str:
    """A placeholder whose argument became text (a pseudonym, « <withheld> ») is written « %s »."""
    if match["conv"] == "%" or not isinstance(value, str):
        return match.group()
    return f"%({match['key']})s" if match["key"] is not None else "%s"


def _format(msg: str, args: Mapping | tuple) -> str:
    try:
        return msg % args
    except (TypeError, ValueError, KeyError):  # a record that did not format anyway: keep its parts
        return f"{msg} {args!r}"


def setup_logging(secrets: Iterable[str], level: int = logging.INFO, handler: logging.Handler | None = None,
                  pseudonyms: Pseudonyms | None = None) -> logging.Handler:
    """Log to stderr (or `handler`) with no personal data and no secret; quiet the HTTP client."""
    handler = handler or logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    protect(secrets, pseudonyms)
    return handler


def protect(secrets: Iterable[str], pseudonyms: Pseudonyms | None = None) -> None:
    """A `PrivateLog` on every handler of the root logger; httpx/httpcore kept at WARNING."""
    secrets = list(secrets)
    pseudonyms = pseudonyms or Pseudonyms.ephemeral()
    use(pseudonyms)  # `bot.pseudonym.pseudonym(user)` in a log call gives what the filter would
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, PrivateLog) for f in handler.filters):
            handler.addFilter(PrivateLog(secrets, pseudonyms))


RedactSecrets = PrivateLog  # its former name (secrets only)
