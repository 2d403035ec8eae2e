"""Pure helpers turning engine replies into Bot API pieces: HTML text, chunks, keyboards, file names.

The engine's text is plain text that may quote what users typed: all of it is escaped for
Telegram's HTML parse mode. Long texts are cut under Telegram's limit at paragraph boundaries.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from bot.dialog.types import Button
from bot.telegram.callbacks import encode

MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
MAX_FILE_NAME = 80
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def tg_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def to_html(text: str) -> str:
    """Plain text, escaped for parse_mode=HTML (nothing in it can become markup)."""
    return html.escape(text, quote=False)


def split_html(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Escape `text` and cut it into chunks of at most `limit` (escaped, UTF-16) characters.

    Cuts fall between paragraphs when possible, else between lines, then after a sentence or a
    word, and only as a last resort inside a word. Chunks are never empty.
    """
    chunks: list[str] = []
    current = ""
    for paragraph in _pieces(text, limit):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if tg_length(to_html(candidate)) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = paragraph
    if current.strip():
        chunks.append(current)
    return [to_html(chunk.strip("\n")) for chunk in chunks if chunk.strip()] or [to_html(text.strip() or "…")]


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs of `text`, the too-long ones cut further so that each piece fits."""
    pieces: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        pieces.extend(_fit(paragraph, limit, ["\n", ". ", " "]))
    return [p for p in pieces if p.strip()]


def _fit(text: str, limit: int, separators: list[str]) -> list[str]:
    """Cut `text` at the first separator that makes pieces fit (each piece keeps its separator)."""
    if tg_length(to_html(text)) <= limit:
        return [text]
    if not separators:  # one "word" longer than a message: cut anywhere
        out, current = [], ""
        for char in text:
            if tg_length(to_html(current + char)) > limit:
                out.append(current)
                current = ""
            current += char
        return out + [current]
    sep, rest = separators[0], separators[1:]
    parts = [p + sep for p in text.split(sep)]
    parts[-1] = parts[-1][: -len(sep)]
    out: list[str] = []
    current = ""
    for part in parts:
        if tg_length(to_html(current + part)) <= limit:
            current += part
            continue
        if current:
            out.append(current)
        smaller = _fit(part, limit, rest)
        out.extend(smaller[:-1])
        current = smaller[-1]
    if current:
        out.append(current)
    return [piece.strip() for piece in out if piece.strip()]


def keyboard(buttons: list[Button], version: int | None) -> InlineKeyboardMarkup | None:
    """One button per row (labels are sentences), each carrying the keyboard version."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label[:64], callback_data=encode(b.value, version))] for b in buttons]
    )


def safe_file_name(name: str | None, path: Path) -> str:
    """A file name Telegram shows: readable (accents kept), no path or control characters,
    at most 80 characters, with the file's real extension."""
    suffix = path.suffix.lower()
    stem = name or path.stem
    if suffix and stem.lower().endswith(suffix):
        stem = stem[: -len(suffix)]
    stem = unicodedata.normalize("NFC", stem)
    stem = _UNSAFE_IN_NAME.sub("-", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" .-_") or "candidature"
    return stem[: MAX_FILE_NAME - len(suffix)].rstrip(" .-_") + suffix
