"""The SQLite store: pragmas, migrations, sessions, drafts and their versions, events, replies, outbox."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

import pytest

from bot.store import Conversations, DraftRows, ReviewRows, Store
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
            "replies", "outbox", "asked", "draft_members", "invitations", "draft_history",
            "change_requests"} <= set(again.db.table_names())
    assert "telegram_updates" not in again.db.table_names()  # migration 6: the engine's input keys instead
    assert migrate(again.db) == len(MIGRATIONS) == 6
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
    assert "replies" not in old.table_names()
    old.execute("INSERT INTO users (id, created_at, updated_at) VALUES ('u1', 'x', 'x')")
    old.conn.commit()
    old.close()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert {"replies", "outbox"} <= set(store.db.table_names()) and "telegram_updates" not in store.db.table_names()
    assert [r["id"] for r in store.db["users"].rows] == ["u1"]
    assert [r["version"] for r in store.db["schema_version"].rows] == list(range(1, len(MIGRATIONS) + 1))
    assert Conversations(store).log_event("u1", "text", "x", key="telegram:1") is not None
    store.close()


def test_upgrade_to_version_6_counts_older_replies_as_sent(tmp_path):
    """Replies written before migration 6 were shown when they were written: none is sent again."""
    from sqlite_utils import Database

    path = tmp_path / "v5.db"
    old = Database(path)
    assert migrate(old, MIGRATIONS[:5]) == 5
    old.execute("INSERT INTO users (id, created_at, updated_at) VALUES ('telegram:5', 'x', 'x')")
    old.execute("INSERT INTO events (id, user_id, ts, kind, text) VALUES (1, 'telegram:5', '2026-12-01T10:00:00', 'text', 'a')")
    old.execute("INSERT INTO replies (user_id, event_id, ts, text) VALUES ('telegram:5', 1, '2026-12-01T10:00:00', 'Bonjour')")
    old.execute("INSERT INTO telegram_updates (update_id, ts) VALUES (77, '2026-12-01T10:00:00')")
    old.conn.commit()
    old.close()
    store = Store(path)
    talk = Conversations(store)
    assert [r["text"] for r in talk.replies("telegram:5")] == ["Bonjour"]
    assert talk.unsent(since="2000-01-01") == []
    store.close()


def test_an_input_key_is_taken_once_across_reopen(tmp_path):
    path = tmp_path / "u.db"
    first = Conversations(Store(path))
    assert first.log_event("u1", "text", "a", key="telegram:7") is not None
    assert first.log_event("u1", "text", "a", key="telegram:7") is None
    assert first.log_event("u1", "text", "b", key="telegram:8") is not None
    assert first.log_event("u1", "text", "no key") and first.log_event("u1", "text", "no key")  # no key: every time
    first.store.close()
    again = Conversations(Store(path))
    assert again.log_event("u1", "text", "a", key="telegram:7") is None
    assert again.log_event("u1", "text", "c", key="telegram:9") is not None
    assert [e["text"] for e in again.events("u1")] == ["a", "b", "no key", "no key", "c"]
    assert again.event_of_key("telegram:8")["id"] == again.events("u1")[1]["id"]
    again.store.close()


def test_tracked_replies_stay_unsent_until_marked(store):
    talk = Conversations(store)
    event = talk.log_event("u1", "text", "a", key="telegram:1")
    record = {"text": "Question suivante", "buttons": [{"label": "Passer", "value": "form:skip"}], "document": None,
              "delivery": {"version": 4, "document": None, "document_name": None, "slow": False, "start_payload": None}}
    with store.atomic():
        ids = talk.log_replies("u1", event, [record, {**record, "text": "Deux"}], tracked=True)
        talk.log_replies("u1", None, [{**record, "text": "shown at once"}])
    unsent = talk.unsent(since="2000-01-01")
    assert [r["id"] for r in unsent] == ids and unsent[0]["delivery"]["version"] == 4
    assert [r["text"] for r in talk.unsent(event_id=event)] == ["Question suivante", "Deux"]
    talk.sent(ids[:1])
    assert [r["text"] for r in talk.unsent(since="2000-01-01")] == ["Deux"]
    assert talk.unsent(since="2999-01-01") == []  # only those written after `since`


_CLAIMER = """
import sys
from bot.store import Conversations, Store
talk = Conversations(Store(sys.argv[1]))
won = [i for i in range(300) if talk.log_event("u1", "text", str(i), key=f"telegram:{i}") is not None]
print(",".join(map(str, won)))
"""


def test_an_input_key_is_taken_once_across_processes(tmp_path):
    path = tmp_path / "race.db"
    Store(path).close()  # migrated once, so the processes race on the keys only
    procs = [subprocess.Popen([sys.executable, "-c", _CLAIMER, str(path)], stdout=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    won = [int(x) for out in outs for x in out.split(",") if x]
    assert sorted(won) == list(range(300))  # every key taken exactly once, by one process
