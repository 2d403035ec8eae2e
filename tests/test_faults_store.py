"""A database that cannot be used: locked by another process beyond the busy timeout, a disk
full (SQLite's `max_page_count`), a file that is not SQLite, a folder that does not exist.
Each: a French apology or a clear French error, a log line, no corruption, no traceback."""

from __future__ import annotations

import logging
import sqlite3
import subprocess

import pytest

from bot.config import Settings
from bot.dialog import Engine
from bot.prompts import say
from bot.store import Store
from bot.store.db import StoreUnavailable, failure_reason
from tests.dialog_support import lean_app_on, press, texts
from tests.faults_support import LEAN_CHAT, ROOT, lean_env

pytestmark = pytest.mark.lean

APOLOGY = say("dialog", "error")
NOT_SAVED = say("dialog", "error_not_saved")  # the input itself could not be written


def engine_on(db, busy_timeout_ms: int = 5000) -> Engine:
    app = lean_app_on(Settings(CANDIBOT_DB=db))
    app.__dict__["store"] = Store(db, busy_timeout_ms=busy_timeout_ms)  # what App.store would build
    return Engine(app, out_dir=db.parent / "out")


def in_the_form(engine, user):
    replies = press(engine, user, engine.handle(user, "/start"), "go:draft")
    assert engine.state(user).form.field == "interco.name", texts(replies)
    return replies


def chat_once(db, *lines: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`candibot chat` (no model) on `db`, fed `lines` then end of input."""
    return subprocess.run([*LEAN_CHAT, "--user", "agent"], input="".join(f"{l}\n" for l in lines),
                          capture_output=True, text=True, env=lean_env(db), cwd=ROOT, timeout=timeout)


# --- the store itself ------------------------------------------------------------------------

def test_a_lock_held_beyond_the_busy_timeout_is_a_store_error_with_a_log_line(tmp_path, caplog):
    db = tmp_path / "candibot.db"
    store = Store(db, busy_timeout_ms=200)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with caplog.at_level(logging.ERROR, logger="bot.store.db"), pytest.raises(StoreUnavailable) as error:
        with store.atomic():
            store.execute("INSERT INTO users (id, created_at, updated_at) VALUES ('u', 'now', 'now')")
    assert error.value.reason == "locked"
    assert "still locked" in caplog.text
    other.execute("ROLLBACK")
    with store.atomic():  # the lock gone, the same store writes again
        store.execute("INSERT INTO users (id, created_at, updated_at) VALUES ('u', 'now', 'now')")
    assert store.pragma("integrity_check") == "ok"


def test_a_lock_shorter_than_the_busy_timeout_is_waited_for(tmp_path):
    import threading

    db = tmp_path / "candibot.db"
    store = Store(db, busy_timeout_ms=3000)
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
    with store.atomic():
        store.execute("INSERT INTO users (id, created_at, updated_at) VALUES ('u', 'now', 'now')")
    assert store.rows("SELECT id FROM users") == [{"id": "u"}]


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path, caplog):
    db = tmp_path / "candibot.db"
    content = b"PK\x03\x04 ceci est une archive, pas une base" * 200
    db.write_bytes(content)
    with caplog.at_level(logging.ERROR, logger="bot.store.db"), pytest.raises(StoreUnavailable) as error:
        Store(db)
    assert error.value.reason == "not_sqlite"
    assert "cannot be opened (not_sqlite)" in caplog.text
    assert db.read_bytes() == content
    assert say("cli", "store_not_sqlite", path=db).startswith("Le fichier")


def test_a_missing_folder_is_created_one_that_cannot_be_is_a_store_error(tmp_path):
    db = tmp_path / "nouveau" / "dossier" / "candibot.db"
    store = Store(db)  # a first start on a new machine: the folder is made
    assert store.pragma("integrity_check") == "ok" and db.exists()
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier")
    with pytest.raises(StoreUnavailable) as error:
        Store(blocker / "candibot.db")
    assert error.value.reason == "no_folder"
    assert blocker.read_text() == "pas un dossier"


def test_failure_reasons_of_sqlite_errors():
    assert failure_reason(sqlite3.OperationalError("database is locked")) == "locked"
    assert failure_reason(sqlite3.OperationalError("database or disk is full")) == "full"
    assert failure_reason(sqlite3.DatabaseError("file is not a database")) == "not_sqlite"
    assert failure_reason(sqlite3.IntegrityError("UNIQUE constraint failed: users.id")) is None
    assert failure_reason(ValueError("x")) is None


def test_a_disk_full_at_commit_keeps_nothing_of_the_transaction(tmp_path):
    db = tmp_path / "candibot.db"
    store = Store(db)
    store.execute(f"PRAGMA max_page_count = {store.pragma('page_count')}")
    with pytest.raises((StoreUnavailable, sqlite3.OperationalError)) as error:
        with store.atomic():
            for n in range(200):
                store.execute("INSERT INTO users (id, created_at, updated_at) VALUES (?, ?, ?)",
                              [f"u{n}", "x" * 500, "now"])
    assert failure_reason(error.value) == "full"
    store.execute("PRAGMA max_page_count = 1073741823")
    assert store.rows("SELECT COUNT(*) AS n FROM users") == [{"n": 0}]
    assert store.pragma("integrity_check") == "ok"


# --- through the engine: one turn -------------------------------------------------------------

def test_a_disk_full_in_the_middle_of_a_turn_apologises_and_keeps_the_step(tmp_path):
    """The input fits (events), the turn's writes do not: the turn is rolled back, the apology is
    returned."""
    db = tmp_path / "candibot.db"
    engine = engine_on(db)
    user = "agent"
    in_the_form(engine, user)
    store = engine.parts.conversations.store
    # room for the input only: the turn's replies and session go over the limit
    engine.handle(user, "/aide")
    engine.handle(user, "/candidature")
    pages = store.pragma("page_count")
    store.execute(f"PRAGMA max_page_count = {pages + 1}")
    long_name = "Communauté de communes du Val " + "é" * 3000
    try:
        replies = engine.handle(user, long_name)  # never raises: an apology it could not store is still said
    finally:
        store.execute("PRAGMA max_page_count = 1073741823")
    assert APOLOGY in texts(replies)
    assert engine.state(user).form.field == "interco.name"
    assert (engine.parts.drafts.get(engine.state(user).form.draft_id, owner=user) is None
            or engine.parts.drafts.get(engine.state(user).form.draft_id, owner=user).draft.interco.name is None)
    assert store.pragma("integrity_check") == "ok"


@pytest.mark.parametrize("fault", ["locked", "full"])
def test_engine_apologises_when_the_input_cannot_be_written(tmp_path, fault):
    db = tmp_path / "candibot.db"
    engine = engine_on(db, busy_timeout_ms=300)
    user = "agent"
    in_the_form(engine, user)
    store = engine.parts.conversations.store
    other = None
    if fault == "locked":
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
    else:
        store.execute(f"PRAGMA max_page_count = {store.pragma('page_count')}")
    try:  # an input larger than any free room left in the file's pages
        replies = engine.handle(user, "Communauté de communes du Val Vert " + "x" * 20_000)
    finally:
        if other is not None:
            other.execute("ROLLBACK")
        store.execute("PRAGMA max_page_count = 1073741823")
    assert NOT_SAVED in texts(replies)
    assert engine.state(user).form.field == "interco.name"
    assert store.pragma("integrity_check") == "ok"


# --- through `candibot chat` ------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("fault", ["not_sqlite", "no_folder"])
def test_chat_on_a_file_it_cannot_open_says_so_in_french(tmp_path, fault):
    if fault == "not_sqlite":
        db = tmp_path / "candibot.db"
        db.write_text("ceci n'est pas une base\n" * 50)
    else:
        (tmp_path / "un-fichier").write_text("x")
        db = tmp_path / "un-fichier" / "candibot.db"
    result = chat_once(db, "/start")
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    assert say("cli", f"store_{fault}", path=db) in result.stdout + result.stderr
    assert result.returncode == 1
    if fault == "not_sqlite":
        assert db.read_text().startswith("ceci n'est pas")


@pytest.mark.slow
def test_chat_in_a_folder_that_does_not_exist_yet_creates_it(tmp_path):
    db = tmp_path / "pas-encore" / "candibot.db"
    result = chat_once(db, "/start")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-1500:]
    assert "Que voulez-vous faire" in result.stdout or "[1]" in result.stdout


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_chat_while_another_process_holds_the_lock_apologises(tmp_path):
    db = tmp_path / "candibot.db"
    Store(db).close()
    holder = subprocess.Popen(
        ["python3", "-c", "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None);"
         "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(30)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = chat_once(db, "/start", timeout=50)  # the busy timeout (5 s) passes on the input
    finally:
        holder.kill()
        holder.wait()
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    assert NOT_SAVED in result.stdout
    assert Store(db).pragma("integrity_check") == "ok"
