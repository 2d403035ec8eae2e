"""The SQLite store: pragmas, migrations, sessions, drafts and their versions, events, replies, outbox."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

import pytest

from bot.store import Conversations, DraftRows, ReviewRows, Store
from bot.telegram.updates import StoredUpdates
from bot.store.migrations import MIGRATIONS, current_version, migrate


@pytest.fixture()
def store(tmp_path):
    s = Store(tmp_path / "candibot.db")
    yield s
    s.close()


def test_pragmas(store):
    assert store.pragma("journal_mode") == "wal"
    assert store.pragma("foreign_keys") == 1
    assert store.pragma("busy_timeout") == 5000


def test_migrations_idempotent(tmp_path):
    path = tmp_path / "m.db"
    first = Store(path)
    assert first.schema_version == len(MIGRATIONS)
    assert migrate(first.db) == len(MIGRATIONS)
    first.close()
    again = Store(path)
    assert current_version(again.db) == len(MIGRATIONS)
    rows = list(again.db["schema_version"].rows)
    assert [r["version"] for r in rows] == list(range(1, len(MIGRATIONS) + 1))
    assert {"users", "dialog_state", "drafts", "draft_versions", "events", "review_comments",
            "telegram_updates", "replies", "outbox", "asked", "draft_members", "invitations", "draft_history",
            "change_requests"} <= set(again.db.table_names())
    assert migrate(again.db) == len(MIGRATIONS) == 5
    again.close()


def test_state_round_trip_survives_reopen(tmp_path):
    path = tmp_path / "s.db"
    s = Store(path)
    assert Conversations(s).load_session("u1") is None
    Conversations(s).save_session("u1", "form", {"field": "email", "n": 3}, 7)
    s.close()
    state = Conversations(Store(path)).load_session("u1")
    assert state["step"] == "form" and state["data"] == {"field": "email", "n": 3} and state["keyboard_version"] == 7


def test_events_keep_raw_text(store):
    raw = "<b>Bonjour</b> 😀 '; DROP TABLE users; --"
    Conversations(store).log_event("u1", "text", raw, step="menu")
    Conversations(store).log_event("u2", "command", "aide")
    assert [e["text"] for e in Conversations(store).events("u1")] == [raw]
    assert len(Conversations(store).events()) == 2


def test_drafts_versions_and_listing(store):
    draft_id = DraftRows(store).create("u1", {"project": {"title": "A"}}, title="A")
    assert DraftRows(store).save(draft_id, {"project": {"title": "B"}}, title="B") == 2
    assert DraftRows(store).save(draft_id, {"project": {"title": "B"}}) == 2  # unchanged: no new version
    DraftRows(store).save(draft_id, {"project": {"title": "B"}}, status="complete")
    other = DraftRows(store).create("u2", {})
    draft = DraftRows(store).get(draft_id)
    assert draft.title == "B" and draft.status == "complete" and draft.version == 2
    assert [v["data"]["project"]["title"] for v in DraftRows(store).versions(draft_id)] == ["A", "B"]
    assert [d.id for d in DraftRows(store).list(status="complete")] == [draft_id]
    assert {d.id for d in DraftRows(store).list()} == {draft_id, other}
    assert [d.id for d in DraftRows(store).list(user_id="u2")] == [other]
    assert DraftRows(store).get(9999) is None
    with pytest.raises(KeyError):
        DraftRows(store).save(9999, {})


def test_foreign_keys_enforced(store):
    with pytest.raises(sqlite3.IntegrityError):
        ReviewRows(store).comment(12345, "relecteur", "pas de brouillon", field=None, private=False, version=1)
    draft_id = DraftRows(store).create("u1", {})
    ReviewRows(store).comment(draft_id, "relecteur", "Préciser le binôme.", field="binome", private=False, version=1)
    assert ReviewRows(store).comments(draft_id)[0]["body"] == "Préciser le binôme."


def test_atomic_rolls_back(store):
    with pytest.raises(RuntimeError):
        with store.atomic():
            Conversations(store).save_session("u1", "x", {}, 0)
            raise RuntimeError("boom")
    assert Conversations(store).load_session("u1") is None


def test_threads_share_store(store):
    def work(n):
        for i in range(20):
            Conversations(store).log_event(f"t{n}", "text", str(i))
            Conversations(store).save_session(f"t{n}", "menu", {"i": i}, 0)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(Conversations(store).events()) == 80
    assert all(Conversations(store).load_session(f"t{n}")["data"] == {"i": 19} for n in range(4))


def test_two_processes_share_file(tmp_path):
    path = tmp_path / "shared.db"
    a, b = Store(path), Store(path)
    Conversations(a).save_session("u", "a", {}, 0)
    assert Conversations(b).load_session("u")["step"] == "a"


def test_upgrade_from_version_1_keeps_data(tmp_path):
    from sqlite_utils import Database

    path = tmp_path / "v1.db"
    old = Database(path)
    assert migrate(old, MIGRATIONS[:1]) == 1
    assert "telegram_updates" not in old.table_names()
    old.execute("INSERT INTO users (id, created_at, updated_at) VALUES ('u1', 'x', 'x')")
    old.conn.commit()
    old.close()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert "telegram_updates" in store.db.table_names()
    assert [r["id"] for r in store.db["users"].rows] == ["u1"]
    assert [r["version"] for r in store.db["schema_version"].rows] == list(range(1, len(MIGRATIONS) + 1))
    assert StoredUpdates(store).claim(1)
    store.close()


def test_claim_update_once_across_reopen(tmp_path):
    path = tmp_path / "u.db"
    first = Store(path)
    assert StoredUpdates(first).claim(7) is True
    assert StoredUpdates(first).claim(7) is False
    assert StoredUpdates(first).claim(8) is True
    first.close()
    again = Store(path)
    assert StoredUpdates(again).claim(7) is False and StoredUpdates(again).claim(9) is True
    again.close()


def test_forget_old_updates(store):
    updates = StoredUpdates(store)
    updates.claim(1)
    store.db.execute("UPDATE telegram_updates SET ts = '2000-01-01T00:00:00.000+00:00' WHERE update_id = 1")
    store.db.conn.commit()
    updates.claim(2)
    assert updates.forget(older_than_days=7) == 1
    assert [r["update_id"] for r in store.db["telegram_updates"].rows] == [2]
    assert updates.claim(2) is False


_CLAIMER = """
import sys
from bot.store import Store
from bot.telegram.updates import StoredUpdates
updates = StoredUpdates(Store(sys.argv[1]))
won = [i for i in range(300) if updates.claim(i)]
print(",".join(map(str, won)))
"""


def test_claim_update_is_safe_across_processes(tmp_path):
    path = tmp_path / "race.db"
    Store(path).close()  # migrated once, so the processes race on the claims only
    procs = [subprocess.Popen([sys.executable, "-c", _CLAIMER, str(path)], stdout=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    won = [int(x) for out in outs for x in out.split(",") if x]
    assert sorted(won) == list(range(300))  # every id claimed exactly once, by one process
