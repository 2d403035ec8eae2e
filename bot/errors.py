"""Errors of the core pieces that a face turns into a French message (kept light to import)."""

from __future__ import annotations


class ModelUnavailable(RuntimeError):
    """A model named by a setting is not on this machine (nothing is ever downloaded)."""

    def __init__(self, name: str, setting: str, extra: str | None = None):
        where = f" (install the optional extra [{extra}])" if extra else ""
        super().__init__(f"{setting}={name!r}: model not found on this machine{where}")
        self.name = name
        self.setting = setting
        self.extra = extra  # the optional dependencies of pyproject.toml that would bring it, if any
