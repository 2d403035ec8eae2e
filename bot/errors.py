"""Errors of the core pieces that a face turns into a French message (kept light to import)."""

from __future__ import annotations

from pathlib import Path


class ModelUnavailable(RuntimeError):
    """A model named by a setting is not on this machine (nothing is ever downloaded)."""

    def __init__(self, name: str, setting: str, extra: str | None = None):
        where = f" (install the optional extra [{extra}])" if extra else ""
        super().__init__(f"{setting}={name!r}: model not found on this machine{where}")
        self.name = name
        self.setting = setting
        self.extra = extra  # the optional dependencies of pyproject.toml that would bring it, if any


class StoreUnavailable(RuntimeError):
    """The database file cannot be used. `reason` is one of:

    - `locked`: another process held it longer than the busy timeout;
    - `full`: the disk (or the file's size limit) is full;
    - `not_sqlite`: the file is not a SQLite database (or is damaged);
    - `no_folder`: its folder does not exist and cannot be created;
    - `unreadable`: it cannot be opened (permissions, a folder in its place…).
    """

    def __init__(self, reason: str, path: str | Path, detail: str = ""):
        super().__init__(f"{reason}: {path} ({detail})" if detail else f"{reason}: {path}")
        self.reason = reason
        self.path = str(path)
