"""Versioned schema migrations: ordered functions, each applied once, recorded in `schema_version`.

Add a migration by appending a function to `MIGRATIONS`; never edit or reorder an applied one.
A migration runs inside the transaction of `migrate` (a savepoint of it): it must not commit, nor
change what SQLite refuses to change in a transaction (journal mode, `PRAGMA foreign_keys`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlite_utils import Database


def _m001_initial(db: Database) -> None:
    """Users, dialog state, drafts with their versions, events, review comments."""
    db["users"].create(
        {"id": str, "created_at": str, "updated_at": str},
        pk="id",
    )
    db["dialog_state"].create(
        {"user_id": str, "step": str, "data": str, "keyboard_version": int, "updated_at": str},
        pk="user_id",
        foreign_keys=[("user_id", "users", "id")],
    )
    db["drafts"].create(
        {
            "id": int,
            "user_id": str,
            "status": str,
            "title": str,
            "data": str,
            "version": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
    )
    db["drafts"].create_index(["user_id"])
    db["drafts"].create_index(["status"])
    db["draft_versions"].create(
        {"id": int, "draft_id": int, "version": int, "data": str, "created_at": str},
        pk="id",
        foreign_keys=[("draft_id", "drafts", "id")],
    )
    db["draft_versions"].create_index(["draft_id", "version"], unique=True)
    db["events"].create(
        {"id": int, "user_id": str, "ts": str, "kind": str, "text": str, "args": str, "step": str},
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
    )
    db["events"].create_index(["user_id", "id"])
    db["review_comments"].create(
        {"id": int, "draft_id": int, "author": str, "body": str, "created_at": str},
        pk="id",
        foreign_keys=[("draft_id", "drafts", "id")],
    )


def _m002_telegram_updates(db: Database) -> None:
    """Telegram update ids already taken in hand, so that each is handled once across restarts
    and processes (a polling replay after a crash, a webhook retry)."""
    db.execute("CREATE TABLE IF NOT EXISTS telegram_updates (update_id INTEGER PRIMARY KEY, ts TEXT NOT NULL)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_telegram_updates_ts ON telegram_updates (ts)")


def _m003_replies_and_outbox(db: Database) -> None:
    """What the bot said to the person typing (`replies`, each tied to the input it answers), and
    what it has to tell someone else (`outbox`: written in the turn's transaction, marked when a
    face has delivered it)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS replies (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), "
        "event_id INTEGER REFERENCES events(id), ts TEXT NOT NULL, text TEXT NOT NULL, "
        "buttons TEXT NOT NULL DEFAULT '[]', document TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_replies_user ON replies (user_id, id)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, "
        "recipient TEXT NOT NULL, sender TEXT, event_id INTEGER REFERENCES events(id), "
        "payload TEXT NOT NULL, delivered_at TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_outbox_pending ON outbox (recipient, id) WHERE delivered_at IS NULL")


def _m004_asked(db: Database) -> None:
    """What people asked the assistant, for the team's statistics (`candibot stats`): each question
    and its outcome (`answered` with the entry's id in `ref`, or `abstained`), each idea checked and
    its verdict (`ref`: its domains, comma-separated); tied to the input (`events`) it came from."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS asked (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, "
        "user_id TEXT NOT NULL REFERENCES users(id), event_id INTEGER REFERENCES events(id), "
        "kind TEXT NOT NULL CHECK (kind IN ('question', 'idea')), text TEXT NOT NULL, "
        "outcome TEXT NOT NULL, ref TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_asked_kind ON asked (kind, outcome)")


def _m005_review(db: Database) -> None:
    """The review workflow: who works on a draft besides its owner (`draft_members`), single-use
    invitations, the draft's history (transitions, edits by rubric, refusals), comments by rubric
    (addressed to the applicant or private to reviewers), change requests. The legacy status
    `complete` becomes `draft`: completeness is computed from the answers, never stored."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS draft_members (draft_id INTEGER NOT NULL REFERENCES drafts(id), "
        "user_id TEXT NOT NULL, role TEXT NOT NULL, added_at TEXT NOT NULL, added_by TEXT, "
        "PRIMARY KEY (draft_id, user_id))"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_draft_members_user ON draft_members (user_id)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS invitations (code TEXT PRIMARY KEY, draft_id INTEGER NOT NULL REFERENCES drafts(id), "
        "created_by TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_by TEXT, used_at TEXT)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS draft_history (id INTEGER PRIMARY KEY, draft_id INTEGER REFERENCES drafts(id), "
        "ts TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, from_status TEXT, to_status TEXT, "
        "version INTEGER, field TEXT, comment TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_draft_history_draft ON draft_history (draft_id, id)")
    columns = {row[1] for row in db.execute("PRAGMA table_info(review_comments)").fetchall()}
    for name, kind in (("field", "TEXT"), ("private", "INTEGER NOT NULL DEFAULT 0"), ("version", "INTEGER")):
        if name not in columns:
            db.execute(f"ALTER TABLE review_comments ADD COLUMN {name} {kind}")
    db.execute(
        "CREATE TABLE IF NOT EXISTS change_requests (id INTEGER PRIMARY KEY, draft_id INTEGER NOT NULL REFERENCES drafts(id), "
        "comment TEXT NOT NULL, requested_by TEXT NOT NULL, created_at TEXT NOT NULL, "
        "resolved_at TEXT, resolved_version INTEGER, cancelled_at TEXT)"
    )
    db.execute("UPDATE drafts SET status = 'draft' WHERE status = 'complete'")
    if "name" not in {row[1] for row in db.execute("PRAGMA table_info(users)").fetchall()}:
        db.execute("ALTER TABLE users ADD COLUMN name TEXT")  # how others on a shared draft see them


def _m006_delivery(db: Database) -> None:
    """Nothing lost or done twice across a crash. An input a face gave a key (`events.input_key`,
    e.g. « telegram:<update_id> ») is written once, as soon as it arrives, with the keyboard
    version of a press (`version`); its turn's commit marks it handled (`done_at`). Delivered
    again, it is not handled twice; written but never handled (a crash in between), it is handled
    at the next start. Each reply keeps what a face needs to send it again (`delivery`) and
    when it was sent (`sent_at`): replies of keyed inputs start unsent, and a face marks each one
    once Telegram took it; those left unsent by a crash are sent at the next start. The older
    replies were all shown. `telegram_updates` (claims taken when an update arrived, before the
    input was written: a crash in between lost it) goes."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(events)").fetchall()}
    for name, kind in (("input_key", "TEXT"), ("version", "INTEGER"), ("done_at", "TEXT")):
        if name not in columns:
            db.execute(f"ALTER TABLE events ADD COLUMN {name} {kind}")
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS idx_events_input_key ON events (input_key) WHERE input_key IS NOT NULL")
    columns = {row[1] for row in db.execute("PRAGMA table_info(replies)").fetchall()}
    for name in ("delivery", "sent_at"):
        if name not in columns:
            db.execute(f"ALTER TABLE replies ADD COLUMN {name} TEXT")
    db.execute("UPDATE replies SET sent_at = ts WHERE sent_at IS NULL")
    db.execute("CREATE INDEX IF NOT EXISTS idx_replies_unsent ON replies (id) WHERE sent_at IS NULL")
    db.execute("CREATE INDEX IF NOT EXISTS idx_events_undone ON events (id) WHERE input_key IS NOT NULL AND done_at IS NULL")
    db.execute("DROP TABLE IF EXISTS telegram_updates")


MIGRATIONS: list[Callable[[Database], None]] = [
    _m001_initial, _m002_telegram_updates, _m003_replies_and_outbox, _m004_asked, _m005_review,
    _m006_delivery,
]


def current_version(db: Database) -> int:
    if not db["schema_version"].exists():
        return 0
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(db: Database, migrations: list[Callable[[Database], None]] | None = None) -> int:
    """Apply every migration not yet applied. Returns the version.

    Safe when several processes open a new file at once: the check and every pending migration
    run in one transaction that takes the write lock first (BEGIN IMMEDIATE, which waits on the
    busy timeout), so one process creates the tables while the others wait, then find them made.
    A read-only look first: an up-to-date file takes no lock. Each migration is a savepoint of it.

    `migrations` defaults to `MIGRATIONS` (tests pass a prefix to build an older schema)."""
    migrations = MIGRATIONS if migrations is None else migrations
    if current_version(db) >= len(migrations):
        return current_version(db)
    conn = db.conn
    outer = not conn.in_transaction
    if outer:
        conn.execute("BEGIN IMMEDIATE")
    try:
        with db.atomic():  # a savepoint: everything of this call, or nothing
            # re-read under the lock: another process may have migrated meanwhile
            db["schema_version"].create({"version": int, "applied_at": str}, pk="version", if_not_exists=True)
            version = current_version(db)
            for number, migration in enumerate(migrations, start=1):
                if number <= version:
                    continue
                with db.atomic():
                    migration(db)
                    db["schema_version"].insert(
                        {"version": number, "applied_at": dt.datetime.now(dt.timezone.utc).isoformat()}
                    )
        if outer:
            conn.execute("COMMIT")
    except BaseException:
        if outer and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return current_version(db)
