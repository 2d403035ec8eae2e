"""Shared fixtures. Tests run offline: any connection outside loopback fails."""

from __future__ import annotations

import ipaddress
import itertools
import os
import socket
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address, *args, **kwargs):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            allowed = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = False
        if not allowed:
            raise OSError(f"network access outside loopback is blocked in tests: {host}")
    return _real_connect(self, address, *args, **kwargs)


@pytest.fixture(autouse=True)
def _block_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """One index for the whole test session, built from the real knowledge base."""
    return tmp_path_factory.mktemp("index")


@pytest.fixture()
def settings(tmp_path, index_dir):
    """Settings pointing to a fresh SQLite file and the session's index."""
    from bot.config import Settings

    return Settings(CANDIBOT_DB=tmp_path / "candibot.db", CANDIBOT_INDEX_DIR=index_dir)


@pytest.fixture(scope="session")
def retriever(index_dir):
    """The real retriever with the real embedding model, loaded once per session."""
    from bot.config import Settings
    from bot.retrieval import Retriever

    return Retriever.load(Settings(CANDIBOT_INDEX_DIR=index_dir))


@pytest.fixture(scope="session")
def real_app(tmp_path_factory, index_dir):
    """The real App on one SQLite file for the dialog tests (users are unique per test); the model
    loads only when a test asks a question or checks an idea."""
    from bot.app import App
    from bot.config import Settings

    db = tmp_path_factory.mktemp("dialog") / "candibot.db"
    return App(Settings(CANDIBOT_DB=db, CANDIBOT_INDEX_DIR=index_dir))


@pytest.fixture()
def app(request, real_app):
    """The App of a dialog test: the real one, or with the fake answerer and checker in a module or
    test marked `lean` (not about answers: the model is never loaded)."""
    if request.node.get_closest_marker("lean"):
        return request.getfixturevalue("lean_app")
    return real_app


@pytest.fixture()
def engine(app, tmp_path):
    from bot.dialog import Engine

    return Engine(app, out_dir=tmp_path / "out")


@pytest.fixture()
def real_engine(real_app, tmp_path):
    """The engine over the real model, also in a module marked `lean`."""
    from bot.dialog import Engine

    return Engine(real_app, out_dir=tmp_path / "out")


@pytest.fixture()
def lean_app(tmp_path, index_dir):
    """The real App (SQLite, drafts) with a small fake answerer and checker: for dialog tests
    that are not about answers, so that they never load the model."""
    from bot.config import Settings
    from tests.dialog_support import lean_app_on

    return lean_app_on(Settings(CANDIBOT_DB=tmp_path / "lean.db", CANDIBOT_INDEX_DIR=index_dir))


@pytest.fixture()
def lean_engine(lean_app, tmp_path):
    from bot.dialog import Engine

    return Engine(lean_app, out_dir=tmp_path / "out")


_users = itertools.count()


@pytest.fixture()
def user(request):
    """A user id never used before in this test session."""
    return f"{request.module.__name__.rsplit('.', 1)[-1]}-{next(_users)}"
