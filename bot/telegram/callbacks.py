"""Compact callback data for inline buttons: « <version>|<value> », at most 64 bytes.

The version tells the engine which keyboard a press came from (an older one is stale).
A value that would not fit is replaced by a short digest kept in a bounded in-process map.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from telegram.constants import InlineKeyboardButtonLimit

MAX_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64
_DIGESTS: OrderedDict[str, str] = OrderedDict()
_MAX_DIGESTS = 10_000


def encode(value: str, version: int | None) -> str:
    head = "" if version is None else str(version)
    data = f"{head}|{value}"
    if len(data.encode()) <= MAX_BYTES:
        return data
    digest = "#" + hashlib.blake2s(value.encode(), digest_size=12).hexdigest()
    _DIGESTS[digest] = value
    _DIGESTS.move_to_end(digest)
    while len(_DIGESTS) > _MAX_DIGESTS:
        _DIGESTS.popitem(last=False)
    return f"{head}|{digest}"


def decode(data: str) -> tuple[str, int | None] | None:
    """(value, version) of a press, or None when the data is not ours (or forgotten)."""
    head, sep, value = data.partition("|")
    if not sep or not value:
        return None
    try:
        version = int(head) if head else None
    except ValueError:
        return None
    if value.startswith("#"):
        value = _DIGESTS.get(value)
        if value is None:
            return None
    return value, version
