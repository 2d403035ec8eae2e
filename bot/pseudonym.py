"""Pseudonyms of user ids for the logs: a keyed hash, stable within one deployment, not reversible
without its key.

    names = Pseudonyms.for_database(Path("candibot.db"))   # key in candibot.db.log-key, made once
    names.of("telegram:123456789")                         # 'u:5d0b8e61a7c4' (depends on the key)
    use(names)                                             # what `candibot run` does at start
    log.info("user %s …", pseudonym("telegram:123456789"))  # the same 'u:5d0b8e61a7c4'

What a data protection officer can rely on:

- **Stable**: a user id gives the same pseudonym for as long as the key file is kept, so an operator
  can follow one person's trail through the logs (`grep u:5d0b8e61a7c4`) and, when a person asks
  (right of access, a complaint), find their lines: `python -m bot.pseudonym telegram:123456789`
  prints the pseudonym of that id for the deployment's database (`CANDIBOT_DB`).
- **Not reversible without the key**: HMAC-SHA-256 with a random 256-bit key. A plain hash would not
  do: Telegram ids are numbers below 10^11, anyone could hash them all and read the logs back.
- **Unlinkable at will**: deleting the key file (or moving the logs elsewhere without it) cuts the
  link between old log lines and people; a new key is made at the next start, and old pseudonyms
  no longer match anyone.
- 12 hexadecimal digits (48 bits): two users out of a few thousand share one with a probability
  below one in ten million.

The key file is created with mode 0600 next to the database, never logged. Where it cannot be
written (a read-only folder), the key lives in memory only: pseudonyms then change at each start.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import sys
import time
from pathlib import Path

PREFIX = "u:"
KEY_BYTES = 32
DIGITS = 12

log = logging.getLogger(__name__)


class Pseudonyms:
    """`of(user_id)`: the pseudonym of an engine user id (`telegram:123`, a terminal name…)."""

    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("a pseudonym key has at least 16 bytes")
        self._key = key

    @classmethod
    def ephemeral(cls) -> Pseudonyms:
        """A key for this process only (tests, a deployment whose key file cannot be written)."""
        return cls(secrets.token_bytes(KEY_BYTES))

    @classmethod
    def for_database(cls, db_path: Path) -> Pseudonyms:
        """The deployment's key, kept in `<database>.log-key` (made on first use)."""
        path = key_path(db_path)
        try:
            return cls(_read_or_make(path))
        except OSError as error:
            log.warning("no pseudonym key file (%s): pseudonyms change at each start", type(error).__name__)
            return cls.ephemeral()

    def of(self, user_id: str | int) -> str:
        digest = hmac.new(self._key, str(user_id).encode("utf-8"), hashlib.sha256).hexdigest()
        return PREFIX + digest[:DIGITS]

    def __repr__(self) -> str:  # never the key
        return "Pseudonyms(<key>)"


_in_use: Pseudonyms | None = None


def use(names: Pseudonyms) -> None:
    """Make `names` the pseudonyms of this process (`candibot run` does, with the deployment's key)."""
    global _in_use
    _in_use = names


def pseudonym(user_id: str | int) -> str:
    """The pseudonym of `user_id` in this process's logs, for a log call:
    `log.exception("dialog failure for user %s", pseudonym(user))`. Before `use`, a key for this
    process only."""
    global _in_use
    if _in_use is None:
        _in_use = Pseudonyms.ephemeral()
    return _in_use.of(user_id)


def is_pseudonym(text: str) -> bool:
    return len(text) == len(PREFIX) + DIGITS and text.startswith(PREFIX) and \
        all(c in "0123456789abcdef" for c in text[len(PREFIX):])


def key_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".log-key")


def _read_or_make(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made earlier, or by another process starting at the same time
        for _ in range(20):
            text = path.read_text(encoding="ascii").strip()
            if text:  # the other process may not have written it yet
                break
            time.sleep(0.05)
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) < 16:
            raise OSError(f"{path.name}: not a key") from None
        return key
    key = secrets.token_bytes(KEY_BYTES)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.pseudonym USER…`: the pseudonym each user id has in this deployment's logs."""
    from bot.config import get_settings

    users = sys.argv[1:] if argv is None else argv
    if not users:
        print("usage: python -m bot.pseudonym telegram:123456789 [USER…]", file=sys.stderr)
        return 2
    names = Pseudonyms.for_database(get_settings().db_path)
    for user in users:
        print(f"{user}\t{names.of(user)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
