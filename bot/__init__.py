"""Candibot: the assistant for applicants to « Mobiliser la data au service du territoire »."""

__version__ = "0.1.0"
