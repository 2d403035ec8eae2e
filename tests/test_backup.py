"""`candibot backup PATH`: SQLite's online backup while another process keeps writing, a restore
the bot resumes from, and French errors for what cannot be backed up."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.prompts import say
from bot.store.backup import backup_database
from tests.faults_support import ROOT, lean_env

# another process drafting without pause: one whole draft after another, until it is stopped
WRITER = """
import sys
from pathlib import Path
from bot.config import Settings
from bot.dialog import Engine
from tests.dialog_support import lean_app_on
from tests.faults_support import fill_form
engine = Engine(lean_app_on(Settings(CANDIBOT_DB=sys.argv[1])), out_dir=Path(sys.argv[1]).parent)
n = 0
while True:
    fill_form(engine, f"writer-{n}")
    n += 1
    print(n, flush=True)
"""


def drafts_in(db) -> int:
    from bot.store import DraftRows, Store

    store = Store(db)
    try:
        assert store.pragma("integrity_check") == "ok"
        return len(DraftRows(store).list())
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.timeout(90)
def test_backups_taken_while_another_process_writes_are_whole_and_restore(tmp_path):
    db = tmp_path / "live" / "candibot.db"
    db.parent.mkdir()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=lean_env(db), cwd=ROOT)
    copies = []
    try:
        assert writer.stdout.readline().strip() == "1", writer.stderr.read()
        for n in range(3):
            env = {"CANDIBOT_DB": str(db)}
            result = CliRunner().invoke(main, ["backup", str(tmp_path / "copies" / f"b{n}.db")], env=env)
            assert result.exit_code == 0, result.output
            assert "Sauvegarde écrite" in result.output
            copies.append(tmp_path / "copies" / f"b{n}.db")
            writer.stdout.readline()  # at least one more draft between two copies
    finally:
        writer.kill()
        writer.wait(10)
    counts = [drafts_in(copy) for copy in copies]
    assert counts == sorted(counts) and counts[0] >= 1 and counts[-1] > counts[0], counts
    assert not list((tmp_path / "copies").glob(".*partial"))  # nothing left half-written
    assert not list((tmp_path / "copies").glob("*-wal"))  # each copy is one file

    # restore: the bot is stopped, the copy goes where CANDIBOT_DB points, the bot starts again
    from bot.config import Settings
    from bot.dialog import Engine
    from tests.dialog_support import lean_app_on, texts

    restored = tmp_path / "restored" / "candibot.db"
    restored.parent.mkdir()
    shutil.copyfile(copies[-1], restored)
    engine = Engine(lean_app_on(Settings(CANDIBOT_DB=restored)), out_dir=tmp_path)
    assert engine.state("writer-0").step == "recap"
    assert "Val Vert" in texts(engine.handle("writer-0", "/recap"))
    assert engine.parts.conversations.store.pragma("journal_mode") == "wal"
    assert drafts_in(restored) == counts[-1]


def test_backup_into_a_folder_names_the_copy_by_its_date(tmp_path):
    from bot.store import DraftRows, Store

    db = tmp_path / "candibot.db"
    DraftRows(Store(db)).create("u1", {"interco": {"name": "CC du Val"}})
    info = backup_database(db, tmp_path)
    assert info.path.parent == tmp_path and info.path.name.startswith("candibot-") and info.drafts == 1
    assert drafts_in(info.path) == 1


@pytest.mark.parametrize("case, reason", [("missing", "missing"), ("not_sqlite", "not_sqlite"),
                                          ("same", "same_file")])
def test_what_cannot_be_backed_up_is_said_in_french(tmp_path, case, reason):
    db = tmp_path / "candibot.db"
    target = tmp_path / "copy.db"
    if case == "not_sqlite":
        db.write_text("ceci n'est pas une base\n" * 100)
    if case == "same":
        from bot.store import Store

        Store(db).close()
        target = db
    result = CliRunner().invoke(main, ["backup", str(target)], env={"CANDIBOT_DB": str(db)})
    assert result.exit_code == 1
    assert say("cli", f"store_{reason}", path=db) in result.output
    assert "Traceback" not in result.output
    if case == "missing":
        assert not db.exists()  # no empty database created
    if case == "not_sqlite":
        assert db.read_text().startswith("ceci n'est pas")  # untouched
    assert not target.exists() or case == "same"


def test_backup_has_help():
    result = CliRunner().invoke(main, ["backup", "--help"])
    assert result.exit_code == 0 and "PATH" in result.output
